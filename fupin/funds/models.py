"""Where the money goes (docs/domain.md §3.7): funds and their transfers, projects, allocations,
beneficiaries under the three benefit models, dividends.

The chain (every amount in yuan, ``Decimal`` to the fen, never float)::

    Fund ──transfer──▶ Fund (held by a lower area)
    Fund ──Allocation──▶ Project ──VillageShare──▶ village ──HouseholdShare──▶ household
                                                     HouseholdShare ──Dividend (per year)

Limits (checked by :mod:`fupin.funds.services` under a row lock, and by
:func:`fupin.funds.selectors.reconcile` over any area): a fund's transfers and allocations
stay within its amount; a project's village shares within its allocations; a village share's
household shares within it; a project's dividends over all years within what it *holds*
(the sum of its allocations). Every row stores the area code that scopes it.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class Source(models.TextChoices):
    THREE_TO = "three_to", _("三到村三到户资金")
    DEPARTMENT = "department", _("区直部门帮扶资金")
    INTEGRATED = "integrated", _("统筹整合财政涉农资金")
    FISCAL = "fiscal", _("财政专项扶贫资金")
    CREDIT = "credit", _("扶贫贷款贴息")
    SOCIAL = "social", _("社会帮扶")
    OTHER = "other", _("其他")


class FundLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    REGION = "region", _("自治区")
    LEAGUE = "league", _("盟市")
    COUNTY = "county", _("旗县市")


class ProjectType(models.TextChoices):
    INDUSTRY_BASE = "industry_base", _("产业基地")
    TOURISM = "tourism", _("乡村旅游")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    TRAINING = "training", _("培训")
    RELOCATION = "relocation", _("易地搬迁")
    GREENHOUSE = "greenhouse", _("设施农业")
    OTHER = "other", _("其他")


class BenefitModel(models.TextChoices):
    MENU = "menu", _("菜单式")
    TRUSTEESHIP = "trusteeship", _("托管式")
    ASSET_INCOME = "asset_income", _("资产收益式")


class Fund(models.Model):
    """Money held by an area: a receipt (no parent) or a transfer down from a higher area."""

    scope_field = "area_id"

    name = models.CharField(_("资金名称"), max_length=100)
    source = models.CharField(_("资金来源"), max_length=12, choices=Source.choices)
    level = models.CharField(_("资金级次"), max_length=8, choices=FundLevel.choices)
    department = models.CharField(_("帮扶部门"), max_length=100, blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("持有区划"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    received_on = models.DateField(_("到位日期"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    conditions = models.CharField(_("使用条件"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级资金"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
    )

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("资金")
        verbose_name_plural = _("资金")
        indexes = [models.Index(fields=["area", "received_on"], name="fund_area_received_idx")]

    def __str__(self):
        return gettext("%(name)s（%(amount)s元）") % {"name": self.name, "amount": self.amount}


class Project(models.Model):
    scope_field = "area_id"

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        IN_PROGRESS = "in_progress", _("在建")
        COMPLETED = "completed", _("已完工")
        SUSPENDED = "suspended", _("暂停")

    name = models.CharField(_("项目名称"), max_length=100)
    type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("项目区划"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("完工日期"), null=True, blank=True)
    budget = models.DecimalField(_("预算（元）"), default=ZERO, **MONEY)
    status = models.CharField(
        _("项目状态"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    operator = models.CharField(_("运营主体"), max_length=100, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        indexes = [models.Index(fields=["area", "type"], name="project_area_type_idx")]

    def __str__(self):
        return self.name


class ProjectProgress(models.Model):
    scope_field = "area_id"

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress"
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("项目区划"), on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("报告日期"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("项目进度")
        verbose_name_plural = _("项目进度")
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"{self.project_id} {self.reported_on} {self.percent}%"


class Allocation(models.Model):
    """Part of a fund put into a project (a project may draw on several funds)."""

    scope_field = "area_id"

    fund = models.ForeignKey(
        Fund, verbose_name=_("资金"), on_delete=models.PROTECT, related_name="allocations"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="allocations"
    )
    # The project's area: whoever sees the project sees what it was given.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("项目区划"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    allocated_on = models.DateField(_("下达日期"))

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("资金分配")
        verbose_name_plural = _("资金分配")
        indexes = [models.Index(fields=["area", "allocated_on"], name="allocation_area_idx")]

    def __str__(self):
        return f"{self.fund_id}→{self.project_id} {self.amount}"


class VillageShare(models.Model):
    scope_field = "village_id"

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="village_shares"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("村级受益份额")
        verbose_name_plural = _("村级受益份额")
        constraints = [
            models.UniqueConstraint(fields=["project", "village"], name="villageshare_unique")
        ]

    def __str__(self):
        return f"{self.project_id} {self.village_id} {self.amount}"


class HouseholdShare(models.Model):
    """A household's part of a project under one benefit model (its share of the assets)."""

    scope_field = "village_id"

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="household_shares"
    )
    village_share = models.ForeignKey(
        VillageShare,
        verbose_name=_("村级受益份额"),
        on_delete=models.PROTECT,
        related_name="household_shares",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        related_name="project_shares",
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    benefit_model = models.CharField(_("带贫模式"), max_length=12, choices=BenefitModel.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    since = models.DateField(_("受益起始日期"))

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("受益户")
        verbose_name_plural = _("受益户")
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="householdshare_unique")
        ]
        indexes = [models.Index(fields=["village", "benefit_model"], name="hhshare_village_idx")]

    def __str__(self):
        return f"{self.project_id} {self.household_id} {self.amount}"


class Dividend(models.Model):
    """A year's dividend or benefit paid to a household from its share of a project.

    ``posted_in_income``: the amount is part of the household's income row of that year
    (added when paid through the service; already contained in the demo's calibrated rows).
    """

    scope_field = "village_id"

    class Kind(models.TextChoices):
        PROPERTY = "property", _("财产性收入")
        TRANSFER = "transfer", _("转移性收入")

    share = models.ForeignKey(
        HouseholdShare, verbose_name=_("受益户"), on_delete=models.PROTECT, related_name="dividends"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="dividends"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("户"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"))
    kind = models.CharField(_("计入"), max_length=10, choices=Kind.choices, default=Kind.PROPERTY)
    posted_in_income = models.BooleanField(_("已计入收入"), default=True)

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("分红")
        verbose_name_plural = _("分红")
        constraints = [models.UniqueConstraint(fields=["share", "year"], name="dividend_unique")]
        indexes = [models.Index(fields=["year", "village"], name="dividend_year_village_idx")]

    def __str__(self):
        return f"{self.share_id} {self.year} {self.amount}"
