"""Poor villages and their exit (贫困村, 出列; docs/villages.md).

* :class:`PoorVillageDesignation` — a village on the poor-village list from a year, with the
  source of the designation; ``exit_year`` is set when its exit is announced.
* :class:`VillageConditions` — the village's exit conditions of a year (road, safe water,
  electricity, clinic, activity room, broadband). The collective income is not kept here: it
  is read from :mod:`fupin.collective`.
* :class:`VillageExitRules` — the exit criteria, versioned like the household rules of
  :mod:`fupin.assessment`: a change is a new version, never an edit in place.
* :class:`VillageExitCase` and :class:`VillageExitStep` — the exit procedure of a village
  (application, township review, county decision, notice, announcement), one row per step.
"""

from __future__ import annotations

from decimal import Decimal as D

from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager
from fupin.core.models import ProcedureStep

# The infrastructure conditions, in the order every page and rule lists them.
CONDITIONS = (
    ("road", _("通硬化路")),
    ("safe_water", _("安全饮水")),
    ("electricity", _("通生产生活用电")),
    ("clinic", _("有标准化卫生室")),
    ("activity_room", _("有村级活动场所")),
    ("broadband", _("通宽带")),
)


class PoorVillageDesignation(models.Model):
    scope_field = "village_id"

    village = models.OneToOneField(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("认定年度"))
    designated_on = models.DateField(_("认定日期"))
    source = models.TextField(_("认定依据"))
    exit_year = models.PositiveSmallIntegerField(_("出列年度"), null=True, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困村认定")
        verbose_name_plural = _("贫困村认定")
        ordering = ["village"]
        indexes = [models.Index(fields=["year", "village"], name="poorvillage_year_idx")]

    def __str__(self):
        return f"{self.village_id} {self.year}"


class VillageConditions(models.Model):
    scope_field = "village_id"

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    road = models.BooleanField(_("通硬化路"), default=False)
    safe_water = models.BooleanField(_("安全饮水"), default=False)
    electricity = models.BooleanField(_("通生产生活用电"), default=False)
    clinic = models.BooleanField(_("有标准化卫生室"), default=False)
    activity_room = models.BooleanField(_("有村级活动场所"), default=False)
    broadband = models.BooleanField(_("通宽带"), default=False)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困村出列条件")
        verbose_name_plural = _("贫困村出列条件")
        ordering = ["village", "year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="villagecond_village_year")
        ]

    def __str__(self):
        return f"{self.village_id} {self.year}"


class VillageExitRules(models.Model):
    """One version of the village exit criteria. Rows are never changed: a change is a new
    version, so a result names the version it used."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    incidence_max = models.DecimalField(
        _("贫困发生率低于（%）"), max_digits=5, decimal_places=2, default=D("3")
    )
    # Empty: the collective economy's stable-income threshold of the year (fupin.collective).
    collective_income_min = models.DecimalField(
        _("集体经济收入不低于（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    road = models.BooleanField(_("通硬化路"), default=True)
    safe_water = models.BooleanField(_("安全饮水"), default=True)
    electricity = models.BooleanField(_("通生产生活用电"), default=True)
    clinic = models.BooleanField(_("有标准化卫生室"), default=True)
    activity_room = models.BooleanField(_("有村级活动场所"), default=True)
    broadband = models.BooleanField(_("通宽带"), default=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("贫困村出列规则版本")
        verbose_name_plural = _("贫困村出列规则版本")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    @classmethod
    def current(cls) -> VillageExitRules:
        found = cls.objects.order_by("-version").first()
        if found is None:
            found = cls.objects.create(version=1, note="默认规则（docs/villages.md）")
        return found

    @classmethod
    def next_version(cls) -> int:
        return (cls.objects.aggregate(v=Max("version"))["v"] or 0) + 1

    def required(self) -> list[str]:
        return [name for name, _label in CONDITIONS if getattr(self, name)]


class VillageExitCase(models.Model):
    """A village's exit (出列) in a year; ``state`` is the last step it reached."""

    scope_field = "village_id"

    class Outcome(models.TextChoices):
        OPEN = "open", _("办理中")
        EXITED = "exited", _("已出列")
        REJECTED = "rejected", _("未通过")

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("出列年度"))
    state = models.CharField(_("当前环节"), max_length=24)
    outcome = models.CharField(
        _("结果"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN
    )
    rules = models.ForeignKey(
        VillageExitRules, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困村出列程序")
        verbose_name_plural = _("贫困村出列程序")
        ordering = ["village", "-year", "-pk"]
        # A rejected exit may be applied for again: one open case per village (services).
        indexes = [models.Index(fields=["village", "year"], name="villageexit_village_year")]

    def __str__(self):
        return f"{self.village_id} {self.year} {self.state}"


class VillageExitStep(ProcedureStep):
    scope_field = "village_id"

    case = models.ForeignKey(
        VillageExitCase, verbose_name=_("出列程序"), on_delete=models.CASCADE, related_name="steps"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta(ProcedureStep.Meta):
        verbose_name = _("贫困村出列环节")
        verbose_name_plural = _("贫困村出列环节")
