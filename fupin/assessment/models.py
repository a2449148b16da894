"""Assessment rules as data and the yearly results (docs/domain.md §3.3).

* :class:`PovertyLine` — the line per year and standard (国家/省定/市定), with its source;
* :class:`RuleSet` — the thresholds, versioned: a change is a new row, never an edit in place;
  every result names the version it used (``rule_set``);
* :class:`HouseholdAssessment`, :class:`VillageAssessment`, :class:`CountyAssessment` — what
  ``fupin assess`` stored for a year, each with its reasons in numbers;
* :class:`CountyCheck` — the supervisors' sample checks and surveys (漏评率, 错退率, 认可度);
* :class:`MonitoredHousehold` — households flagged by the monitoring rules (防返贫监测).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager
from fupin.registry import codes

D = Decimal


class PovertyLine(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    standard = models.CharField(
        _("标准"), max_length=12, choices=codes.Standard.choices, default=codes.Standard.NATIONAL
    )
    amount = models.DecimalField(_("贫困线（元/人·年）"), max_digits=10, decimal_places=2)
    source = models.TextField(_("来源"), blank=True)

    class Meta:
        verbose_name = _("贫困线")
        verbose_name_plural = _("贫困线")
        ordering = ["year", "standard"]
        constraints = [
            models.UniqueConstraint(fields=["year", "standard"], name="povertyline_year_standard")
        ]

    def __str__(self):
        return f"{self.year} {self.get_standard_display()} {self.amount}"


class RuleSet(models.Model):
    """One version of the assessment thresholds. Rows are never changed: a change is a new
    version (the admin saves an edit as a new row), so old results keep naming what they used."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    village_incidence_max = models.DecimalField(
        _("贫困村出列：贫困发生率低于（%）"), max_digits=5, decimal_places=2, default=D("3")
    )
    county_incidence_max = models.DecimalField(
        _("贫困县摘帽：综合贫困发生率低于（%）"), max_digits=5, decimal_places=2, default=D("3")
    )
    missed_rate_max = models.DecimalField(
        _("漏评率低于（%）"), max_digits=5, decimal_places=2, default=D("2")
    )
    wrong_exit_rate_max = models.DecimalField(
        _("错退率低于（%）"), max_digits=5, decimal_places=2, default=D("2")
    )
    approval_min = models.DecimalField(
        _("群众认可度高于（%）"), max_digits=5, decimal_places=2, default=D("90")
    )
    school_age_min = models.PositiveSmallIntegerField(_("义务教育起始年龄"), default=6)
    school_age_max = models.PositiveSmallIntegerField(_("义务教育截止年龄"), default=15)
    monitor_income_ratio = models.DecimalField(
        _("监测线：贫困线的倍数"), max_digits=4, decimal_places=2, default=D("1.5")
    )
    # Income under the monitoring line alone flags most households that have just exited
    # (their income sits just above the poverty line by design); the monitoring line is
    # applied together with a risk event (docs/assessment.md, "Monitoring").
    monitor_needs_risk = models.BooleanField(_("监测线以下须同时有风险事件"), default=True)
    monitor_risk_drop_share = models.DecimalField(
        _("风险事件：收入较上年下降不低于（%）"), max_digits=5, decimal_places=2, default=D("10")
    )
    sharp_drop_share = models.DecimalField(
        _("收入骤减：降幅不低于（%）"), max_digits=5, decimal_places=2, default=D("30")
    )
    clear_after_months = models.PositiveSmallIntegerField(_("风险消除：稳定月数"), default=6)
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
        verbose_name = _("评估规则版本")
        verbose_name_plural = _("评估规则版本")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    @classmethod
    def current(cls) -> RuleSet:
        found = cls.objects.order_by("-version").first()
        if found is None:
            found = cls.objects.create(version=1, note="默认规则（docs/domain.md §3.3）")
        return found

    @classmethod
    def next_version(cls) -> int:
        return (cls.objects.aggregate(v=Max("version"))["v"] or 0) + 1


class HouseholdAssessment(models.Model):
    """Whether an exit candidate meets the household exit criteria of a year (人脱贫)."""

    scope_field = "village_id"

    # Indexes: the unique (household, year) and (year, village, eligible) serve every read;
    # the foreign keys get no index of their own (fewer indexes to maintain per bulk insert).
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    village = models.ForeignKey(
        "areas.Area",
        verbose_name=_("嘎查村"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("规则版本"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    line = models.ForeignKey(
        PovertyLine,
        verbose_name=_("贫困线"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    line_amount = models.DecimalField(_("贫困线（元）"), max_digits=10, decimal_places=2, null=True)
    members_count = models.PositiveSmallIntegerField(_("家庭人口"), default=0)
    net_income_per_capita = models.DecimalField(
        _("人均纯收入（元）"), max_digits=12, decimal_places=2, null=True
    )
    income_ok = models.BooleanField(_("收入达标"))
    food_clothing_ok = models.BooleanField(_("不愁吃、不愁穿"))
    education_ok = models.BooleanField(_("义务教育有保障"))
    medical_ok = models.BooleanField(_("基本医疗有保障"))
    housing_ok = models.BooleanField(_("住房安全有保障"))
    water_ok = models.BooleanField(_("饮水安全"))
    children_out_of_school = models.PositiveSmallIntegerField(_("适龄儿童未在校人数"), default=0)
    uninsured_members = models.PositiveSmallIntegerField(_("未参保人数"), default=0)
    eligible = models.BooleanField(_("达到脱贫标准"))
    reasons = models.JSONField(_("未达标原因"), default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困户脱贫评估")
        verbose_name_plural = _("贫困户脱贫评估")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="hhassess_household_year")
        ]
        indexes = [
            models.Index(fields=["year", "village", "eligible"], name="hhassess_year_village_idx")
        ]

    def __str__(self):
        return f"{self.household_id} {self.year} {'✓' if self.eligible else '✗'}"


class VillageAssessment(models.Model):
    """Whether a village meets the exit criteria of a year (贫困村出列)."""

    scope_field = "village_id"

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+"
    )
    poor_persons = models.PositiveIntegerField(_("贫困人口"), default=0)
    rural_population = models.PositiveIntegerField(_("农村人口"), default=0)
    incidence = models.DecimalField(_("贫困发生率（%）"), max_digits=6, decimal_places=2, null=True)
    households_assessed = models.PositiveIntegerField(_("评估户数"), default=0)
    households_eligible = models.PositiveIntegerField(_("达标户数"), default=0)
    eligible = models.BooleanField(_("达到出列标准"))
    reasons = models.JSONField(_("未达标原因"), default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困村出列评估")
        verbose_name_plural = _("贫困村出列评估")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="vilassess_village_year")
        ]

    def __str__(self):
        return f"{self.village_id} {self.year}"


class CountyAssessment(models.Model):
    """Whether a county meets the exit criteria of a year (贫困县摘帽)."""

    scope_field = "county_id"

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县市"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+"
    )
    county_check = models.ForeignKey(
        "CountyCheck",
        verbose_name=_("抽查评估"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    poor_persons = models.PositiveIntegerField(_("贫困人口"), default=0)
    rural_population = models.PositiveIntegerField(_("农村人口"), default=0)
    incidence = models.DecimalField(
        _("综合贫困发生率（%）"), max_digits=6, decimal_places=2, null=True
    )
    missed_rate = models.DecimalField(_("漏评率（%）"), max_digits=5, decimal_places=2, null=True)
    wrong_exit_rate = models.DecimalField(
        _("错退率（%）"), max_digits=5, decimal_places=2, null=True
    )
    approval_rate = models.DecimalField(
        _("群众认可度（%）"), max_digits=5, decimal_places=2, null=True
    )
    eligible = models.BooleanField(_("达到摘帽标准"))
    reasons = models.JSONField(_("未达标原因"), default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困县摘帽评估")
        verbose_name_plural = _("贫困县摘帽评估")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="cntassess_county_year")
        ]

    def __str__(self):
        return f"{self.county_id} {self.year}"


MSG_RATE_RANGE = _("%(rate)s应在 0 到 100 之间")


class CountyCheck(models.Model):
    """A supervisors' sample check and survey of a county for a year (第三方评估/抽查)."""

    scope_field = "county_id"

    county = models.ForeignKey(
        "areas.Area", verbose_name=_("旗县市"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    missed_rate = models.DecimalField(_("漏评率（%）"), max_digits=5, decimal_places=2)
    wrong_exit_rate = models.DecimalField(_("错退率（%）"), max_digits=5, decimal_places=2)
    approval_rate = models.DecimalField(_("群众认可度（%）"), max_digits=5, decimal_places=2)
    households_sampled = models.PositiveIntegerField(_("抽查户数"), default=0)
    persons_surveyed = models.PositiveIntegerField(_("调查人数"), default=0)
    entered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_on = models.DateField(_("录入日期"))
    note = models.TextField(_("说明"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("抽查评估")
        verbose_name_plural = _("抽查评估")
        ordering = ["-entered_on", "-pk"]

    def __str__(self):
        return f"{self.county_id} {self.year} {self.entered_on}"

    def clean(self):
        # A rate is a share of the sampled households or people surveyed: 0 to 100.
        errors = {
            name: MSG_RATE_RANGE % {"rate": self._meta.get_field(name).verbose_name}
            for name in ("missed_rate", "wrong_exit_rate", "approval_rate")
            if getattr(self, name) is not None and not 0 <= getattr(self, name) <= 100
        }
        if errors:
            raise ValidationError(errors)


class MonitoredHousehold(models.Model):
    """A household flagged by a monitoring rule for a year (防止返贫监测对象)."""

    scope_field = "village_id"

    class Kind(models.TextChoices):
        UNSTABLE = "unstable", _("脱贫不稳定户")
        MARGINAL = "marginal", _("边缘易致贫户")
        SUDDEN = "sudden", _("突发严重困难户")

    class State(models.TextChoices):
        AT_RISK = "at_risk", _("风险未消除")
        CLEARED = "cleared", _("风险已消除")

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("户"), on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("监测对象类别"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("监测年度"))
    flagged_on = models.DateField(_("纳入日期"))
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+"
    )
    net_income_per_capita = models.DecimalField(
        _("人均纯收入（元）"), max_digits=12, decimal_places=2, null=True
    )
    line_amount = models.DecimalField(_("贫困线（元）"), max_digits=10, decimal_places=2, null=True)
    reasons = models.JSONField(_("纳入原因"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.AT_RISK)
    cleared_on = models.DateField(_("风险消除日期"), null=True, blank=True)
    cleared_reason = models.CharField(_("消除依据"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year", "kind"], name="monitored_household_year_kind"
            )
        ]
        indexes = [models.Index(fields=["year", "village", "kind"], name="monitored_year_idx")]

    def __str__(self):
        return f"{self.household_id} {self.year} {self.get_kind_display()}"
