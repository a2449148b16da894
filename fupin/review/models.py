"""The 回头看 review round (docs/data-quality.md, "回头看 review round").

A county opens a :class:`ReviewRound` for a year: every household of the county with an open
flag (fupin.quality) and a reproducible sample of the others become its :class:`ReviewItem`
rows. The village teams visit them and record an outcome; a missed household they find is a
new item of its own. The round's figures are counted from the items; once closed, they are
published as a frozen :class:`ReviewPublication` (content, xlsx, PDF), versioned.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager


class ReviewRound(models.Model):
    scope_field = "county_id"

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    # Percent of the households with no open flag drawn into the round (0–100).
    sample_rate = models.DecimalField(_("抽查比例（%）"), max_digits=5, decimal_places=2)
    # The sample's seed: the same round always draws the same households.
    seed = models.PositiveIntegerField(_("抽样种子"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_on = models.DateField(_("结束核查日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["-year", "county", "-pk"]

    def __str__(self):
        return f"{self.county_id} {self.year} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReviewItem(models.Model):
    scope_field = "village_id"

    class Reason(models.TextChoices):
        FLAG = "flag", _("有待核实疑点")
        SAMPLE = "sample", _("随机抽查")
        FOUND = "found", _("核查中发现")

    class Outcome(models.TextChoices):
        PENDING = "", _("待核查")
        REMOVED = "removed", _("剔除")
        CORRECTED = "corrected", _("信息更正")
        CONFIRMED = "confirmed", _("核实无误")
        ADDED = "added", _("新识别补录")

    review_round = models.ForeignKey(
        ReviewRound, verbose_name=_("回头看"), on_delete=models.CASCADE, related_name="items"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    # None for a missed household found during the round (reason ``found``).
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reason = models.CharField(_("列入原因"), max_length=8, choices=Reason.choices)
    outcome = models.CharField(
        _("核查结果"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    outcome_on = models.DateField(_("核查日期"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    note = models.TextField(_("核查说明"), blank=True)
    # A correction's link to what changed (a page of the registry), beside the note.
    correction_link = models.CharField(_("更正记录链接"), max_length=200, blank=True)
    # A found household: who the team met.
    found_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    found_id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    case = models.ForeignKey(
        "identification.Case",
        verbose_name=_("所开案件"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("回头看核查对象")
        verbose_name_plural = _("回头看核查对象")
        ordering = ["review_round", "village", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_round", "household"], name="review_item_once_per_household"
            )
        ]
        indexes = [models.Index(fields=["village", "outcome"], name="review_item_village_idx")]

    def __str__(self):
        return f"{self.review_round_id}:{self.village_id} {self.household_id or self.found_name}"


class ReviewPublication(models.Model):
    """The round's figures as published: frozen content and files, one row per version."""

    scope_field = "county_id"

    review_round = models.ForeignKey(
        ReviewRound,
        verbose_name=_("回头看"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    superseded = models.BooleanField(_("已被新版本替代"), default=False)
    content = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    xlsx = models.FileField(_("Excel 文件"), upload_to="review/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="review/", blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("回头看结果发布")
        verbose_name_plural = _("回头看结果发布")
        ordering = ["review_round", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_round", "version"], name="review_publication_version"
            )
        ]

    def __str__(self):
        return f"{self.review_round_id} v{self.version}"
