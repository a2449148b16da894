"""The registry's precision: doubts about a registered household and their review (疑点; docs/data-quality.md).

A :class:`Flag` is one doubt about a household, raised by one producer:

* ``comparison`` — a row of another department's list (deaths, vehicles, property, business,
  payroll) matched a member and broke a comparison rule;
* ``duplicate`` — a member looks like the same person as ``other_member`` of another household,
  with a similarity ``score``;
* ``recheck`` — a stored record no longer passes a cleaning rule at the system date.

Every flag is a task for the village team, who confirm or dismiss it. ``match_key`` identifies
what raised the flag (a list row, a pair of members, a member and a rule), so that importing the
same list again or rerunning a finder never raises a dismissed doubt a second time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager


class Flag(models.Model):
    class Kind(models.TextChoices):
        COMPARISON = "comparison", _("比对疑点")
        DUPLICATE = "duplicate", _("疑似重复人员")
        RECHECK = "recheck", _("数据复核")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        CONFIRMED = "confirmed", _("核实属实")
        DISMISSED = "dismissed", _("核实不属实")

    scope_field = "village_id"

    kind = models.CharField(_("疑点类别"), max_length=16, choices=Kind.choices)
    rule_code = models.CharField(_("规则"), max_length=40)
    rule_version = models.PositiveSmallIntegerField(_("规则版本"), null=True, blank=True)
    match_key = models.CharField(_("来源标识"), max_length=80)
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("贫困户"), on_delete=models.PROTECT, related_name="+"
    )
    # SET_NULL: confirming a death closes the member (the registry deletes it, with history);
    # the flag stays, naming the person through its list row and its reason.
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("家庭成员"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    other_member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("疑似同一人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    score = models.DecimalField(_("相似度"), max_digits=4, decimal_places=3, null=True, blank=True)
    reason = models.TextField(_("疑点说明"))
    year = models.PositiveSmallIntegerField(_("年度"))
    raised_on = models.DateField(_("发现日期"))
    status = models.CharField(
        _("核实结果"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_on = models.DateField(_("核实日期"), null=True, blank=True)
    resolution_note = models.TextField(_("核实说明"), blank=True)
    # A comparison flag's list row, whether it matched without an ID number (name, birth
    # date and county: a weaker match), the dismissal's evidence and the case a confirmation
    # opened.
    list_row = models.ForeignKey(
        "quality.ListRow",
        verbose_name=_("名单行"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    weak_match = models.BooleanField(_("弱匹配"), default=False)
    evidence = models.FileField(_("核实佐证"), upload_to="quality/evidence/%Y/", blank=True)
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
        verbose_name = _("疑点")
        verbose_name_plural = _("疑点")
        ordering = ["village", "household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "rule_code", "match_key"], name="flag_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["village", "status"], name="flag_village_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.rule_code} {self.household_id}"


# -- Other departments' lists (比对名单; docs/data-quality.md "Lists") ------------------------


class ListKind(models.TextChoices):
    DEATHS = "deaths", _("死亡名单")
    VEHICLES = "vehicles", _("车辆登记名单")
    PROPERTY = "property", _("房产登记名单")
    BUSINESS = "business", _("工商登记名单")
    PAYROLL = "payroll", _("财政供养人员名单")


# How a reason names a list: stored data, so always Chinese, whatever the importer's language.
LIST_NAMES = {
    "deaths": "死亡名单",
    "vehicles": "车辆登记名单",
    "property": "房产登记名单",
    "business": "工商登记名单",
    "payroll": "财政供养人员名单",
}


def _farm_vehicles() -> list[str]:
    return ["农用车", "农用运输车", "拖拉机", "三轮汽车", "低速货车", "联合收割机", "摩托车"]


def _commercial_uses() -> list[str]:
    return ["商业", "商铺", "商服", "办公", "商住"]


class ComparisonRuleSet(models.Model):
    """One version of the comparison rules. Rows are never changed: a change is a new version
    (the admin saves an edit as a new row), so every flag keeps naming the version it used."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    farm_vehicle_types = models.JSONField(
        _("不计入的车辆类型（农用车、摩托车）"), default=_farm_vehicles
    )
    commercial_uses = models.JSONField(_("计为商业用房的房屋用途"), default=_commercial_uses)
    floor_area_max = models.DecimalField(
        _("房屋面积超过（平方米）"), max_digits=8, decimal_places=1, default=200
    )
    capital_max = models.DecimalField(
        _("注册资本超过（万元）"), max_digits=12, decimal_places=2, default=10
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("比对规则版本")
        verbose_name_plural = _("比对规则版本")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    @classmethod
    def current(cls) -> ComparisonRuleSet:
        found = cls.objects.order_by("-version").first()
        if found is None:
            found = cls.objects.create(version=1, note="默认规则（docs/data-quality.md）")
        return found

    @classmethod
    def next_version(cls) -> int:
        return (cls.objects.aggregate(v=models.Max("version"))["v"] or 0) + 1


class DepartmentList(models.Model):
    """One imported list of another department, and what its matching found."""

    # The area the list was imported for: only its persons are matched.
    scope_field = "scope_code"

    kind = models.CharField(_("名单类型"), max_length=10, choices=ListKind.choices)
    source = models.CharField(_("来源部门"), max_length=50)
    list_date = models.DateField(_("名单日期"))
    scope_code = models.CharField(_("比对范围"), max_length=12)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_hash = models.CharField(_("文件摘要"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_on = models.DateTimeField(_("导入时间"))
    rule_version = models.PositiveIntegerField(_("规则版本"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    matched = models.PositiveIntegerField(_("比中人数"), default=0)
    unmatched = models.PositiveIntegerField(_("未比中行数"), default=0)
    flags_created = models.PositiveIntegerField(_("新增疑点"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("部门比对名单")
        verbose_name_plural = _("部门比对名单")
        ordering = ["-imported_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope_code", "file_hash"], name="department_list_once"
            )
        ]

    def __str__(self):
        return f"{self.source}{self.get_kind_display()} {self.list_date:%Y-%m}"

    @property
    def label(self) -> str:
        """How a flag's reason names the list: ``民政部门死亡名单 2017-03``."""
        return f"{self.source}{LIST_NAMES[self.kind]} {self.list_date:%Y-%m}"


class ListRow(models.Model):
    """One row of a department's list: the person as the department wrote it, the ID number
    normalised for matching, and the kind's own columns."""

    department_list = models.ForeignKey(
        DepartmentList, verbose_name=_("名单"), on_delete=models.CASCADE, related_name="rows_set"
    )
    row = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("证件号码（原文）"), max_length=40, blank=True)
    # "" when the row has none: it is then matched on name, birth date and county (weaker).
    id_normalized = models.CharField(_("证件号码"), max_length=18, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    county_code = models.CharField(_("旗县代码"), max_length=6, blank=True)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    vehicle_type = models.CharField(_("车辆类型"), max_length=30, blank=True)
    plate = models.CharField(_("号牌号码"), max_length=20, blank=True)
    floor_area = models.DecimalField(
        _("房屋面积"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    house_use = models.CharField(_("房屋用途"), max_length=30, blank=True)
    company = models.CharField(_("企业名称"), max_length=100, blank=True)
    capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    employer = models.CharField(_("单位"), max_length=100, blank=True)
    monthly_wage = models.DecimalField(
        _("月工资"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # What the row says, in the words of a flag's reason (stored data, written at import).
    detail = models.CharField(_("名单内容"), max_length=200)
    # Stable across imports of the same row: list kind, normalised ID, identifying columns.
    match_key = models.CharField(_("来源标识"), max_length=40)

    class Meta:
        verbose_name = _("名单行")
        verbose_name_plural = _("名单行")
        indexes = [
            models.Index(fields=["department_list", "id_normalized"], name="listrow_list_id_idx")
        ]

    def __str__(self):
        return f"{self.department_list_id}:{self.row} {self.name}"


from .recheck_models import RecheckCount, RecheckRun  # noqa: E402,F401
