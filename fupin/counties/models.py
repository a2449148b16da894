"""County exit (摘帽) and its third-party assessment (第三方评估; docs/counties.md).

* :class:`AssessmentRound` — one assessment of a county for a year (pre-assessment or formal),
  with the seed and the sample design that drew it, so the draw can be repeated.
* :class:`SampledHousehold` — a household of the round's sample, in its stratum (poor, exited,
  non-registered), with the survey's answers. A non-registered household is not in the
  registry: its row holds the name and address the assessors noted, and no registry link.
* :class:`CountyExitCase` and :class:`CountyExitStep` — a county's exit procedure
  (application, league review, region decision, notice, announcement), one row per step.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager
from fupin.core.models import ProcedureStep

# The sample design of a round when none is given (docs/counties.md).
DEFAULT_DESIGN = {
    "villages_per_township": 2,
    "poor_per_village": 10,
    "exited_per_village": 10,
    "non_registered_per_village": 5,
}


class AssessmentRound(models.Model):
    scope_field = "county_id"

    class Kind(models.TextChoices):
        PRE = "pre", _("预评估")
        FORMAL = "formal", _("正式评估")

    class State(models.TextChoices):
        SURVEYING = "surveying", _("调查中")
        COMPLETED = "completed", _("已完成")

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县市"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("评估类型"), max_length=8, choices=Kind.choices)
    seed = models.BigIntegerField(_("抽样种子"))
    design = models.JSONField(_("抽样设计"), default=dict)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.SURVEYING
    )
    drawn_on = models.DateField(_("抽样日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("第三方评估")
        verbose_name_plural = _("第三方评估")
        ordering = ["county", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "kind"], name="assessmentround_county_year_kind"
            )
        ]

    def __str__(self):
        return f"{self.county_id} {self.year} {self.kind}"


class SampledHousehold(models.Model):
    scope_field = "village_id"

    class Stratum(models.TextChoices):
        POOR = "poor", _("未脱贫户")
        EXITED = "exited", _("已脱贫户")
        NON_REGISTERED = "non_registered", _("非建档立卡户")

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("评估"), on_delete=models.CASCADE, related_name="samples"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("抽样类别"), max_length=16, choices=Stratum.choices)
    # The order of the draw inside the round: the sample list reads in this order.
    position = models.PositiveIntegerField(_("序号"))
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A non-registered household as the assessors found it.
    name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    # The survey's answers; empty until asked.
    should_register = models.BooleanField(_("应纳入建档立卡"), null=True, blank=True)
    truly_out = models.BooleanField(_("真实脱贫"), null=True, blank=True)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    answered_on = models.DateField(_("调查日期"), null=True, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("抽样户")
        verbose_name_plural = _("抽样户")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="sampled_round_position")
        ]

    def __str__(self):
        return f"{self.round_id} {self.position}"


class CountyExitCase(models.Model):
    """A county's exit (摘帽) in a year; ``state`` is the last step it reached."""

    scope_field = "county_id"

    class Outcome(models.TextChoices):
        OPEN = "open", _("办理中")
        EXITED = "exited", _("已摘帽")
        REJECTED = "rejected", _("未通过")

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县市"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("摘帽年度"))
    state = models.CharField(_("当前环节"), max_length=24)
    outcome = models.CharField(
        _("结果"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困县摘帽程序")
        verbose_name_plural = _("贫困县摘帽程序")
        ordering = ["county", "-year", "-pk"]
        indexes = [models.Index(fields=["county", "year"], name="countyexit_county_year")]

    def __str__(self):
        return f"{self.county_id} {self.year} {self.state}"


class CountyExitStep(ProcedureStep):
    scope_field = "county_id"

    case = models.ForeignKey(
        CountyExitCase, verbose_name=_("摘帽程序"), on_delete=models.CASCADE, related_name="steps"
    )
    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县市"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta(ProcedureStep.Meta):
        verbose_name = _("贫困县摘帽环节")
        verbose_name_plural = _("贫困县摘帽环节")
