"""The registry of poor households (建档立卡, docs/domain.md §3.2): households, members, and the
facts kept per year — income (:class:`IncomeRecord`) and status (:class:`StatusRecord`).

Every row stores its village code (``village_id``) so scope is a code range on an index
(docs/architecture.md rules 1, 2) and yearly figures are sums over one year's rows (rule 4).
Writes go through :mod:`fupin.registry.services`; history is kept by django-simple-history.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.areas.scope import ScopedManager
from fupin.core import clock
from fupin.core.mongolian import MongolianTextField

from . import codes


class Household(models.Model):
    scope_field = "village_id"

    number = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    members_count = models.PositiveSmallIntegerField(_("家庭人口"), default=0)
    attribute = models.CharField(_("贫困户属性"), max_length=12, choices=codes.Attribute.choices)
    main_cause = models.CharField(_("主要致贫原因"), max_length=12, choices=codes.Cause.choices)
    other_causes = models.JSONField(_("其他致贫原因"), default=list, blank=True)
    dangerous_housing = models.BooleanField(_("是否危房户"), default=False)
    safe_water = models.BooleanField(_("是否饮水安全"), default=True)
    farmland_mu = models.DecimalField(
        _("耕地面积（亩）"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    house_area = models.DecimalField(
        _("住房面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    has_electricity = models.BooleanField(_("是否通生活用电"), default=True)
    road_km = models.DecimalField(
        _("距村主干路（公里）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Kept by the household edit form (fupin.registry.changes), not by the import format.
    address = models.CharField(_("家庭住址"), max_length=200, blank=True, default="")
    bank_account = models.CharField(_("开户银行及账号"), max_length=60, blank=True, default="")
    standard = models.CharField(
        _("识别标准"),
        max_length=12,
        choices=codes.Standard.choices,
        default=codes.Standard.NATIONAL,
    )
    identified_year = models.PositiveSmallIntegerField(_("识别年度"))
    status = models.CharField(
        _("脱贫状态"), max_length=16, choices=codes.Status.choices, default=codes.Status.POOR
    )
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    planned_exit_year = models.PositiveSmallIntegerField(_("计划脱贫年度"), null=True, blank=True)
    # An identification or exit that came from a historical load (an import league HQ marked,
    # with a reason) rather than through a case: shown on the household, noted by the figures.
    historical_load = models.BooleanField(_("历史数据导入"), default=False)
    historical_reason = models.CharField(_("历史数据导入原因"), max_length=200, blank=True)
    historical_job = models.ForeignKey(
        "registry.ImportJob",
        verbose_name=_("历史数据导入任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], cascade_delete_history=False
    )
    objects = ScopedManager()

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        indexes = [
            # Also carries what the war map's plan rollup counts, so its rebuild reads this
            # index in order instead of sorting every household (1.6 s → 0.6 s at
            # 3,700,000 households).
            models.Index(
                fields=["village", "status", "planned_exit_year", "exit_year", "members_count"],
                name="household_village_plan_idx",
            ),
            # The list's default order: walking this index answers a page without sorting.
            models.Index(fields=["village", "number"], name="household_village_number_idx"),
            models.Index(fields=["identified_year", "village"], name="household_ident_idx"),
            # The few households of a historical load, which the yearly figures note beside
            # the counts (fupin.registry.stats): found without reading every status row.
            models.Index(
                fields=["village"],
                condition=models.Q(historical_load=True),
                name="household_historical_idx",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.head_name}"

    @property
    def attribute_label(self) -> str:
        return codes.attribute_label(self.attribute, self.status)


class Member(models.Model):
    scope_field = "village_id"

    class Leave(models.TextChoices):
        """Why a member left the household (the row stays, closed, with its history)."""

        DEATH = "death", _("死亡")
        MARRIAGE_OUT = "marriage_out", _("婚出")
        MOVED_AWAY = "moved_away", _("迁出")

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="members"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    # The name in Mongolian script beside the Chinese one (import column 蒙古文姓名).
    name_mn = MongolianTextField(_("蒙古文姓名"), max_length=100, blank=True, default="")
    # Unique across the database: one person in one household only (national cleaning rule).
    # On Citus this becomes the reference lookup table of docs/architecture.md rule 7.
    id_number = models.CharField(_("证件号码"), max_length=18, unique=True)
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"))
    relation = models.CharField(_("与户主关系"), max_length=20, choices=codes.Relation.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=codes.Ethnicity.choices)
    education = models.CharField(
        _("文化程度"), max_length=12, choices=codes.Education.choices, blank=True
    )
    school_status = models.CharField(
        _("在校生状况"), max_length=20, choices=codes.SchoolStatus.choices, blank=True
    )
    health = models.CharField(_("健康状况"), max_length=10, choices=codes.Health.choices)
    labour = models.CharField(
        _("劳动技能"), max_length=10, choices=codes.Labour.choices, blank=True
    )
    migrant_months = models.PositiveSmallIntegerField(_("务工时间（月）"), default=0)
    medical_insurance = models.BooleanField(_("是否参加基本医疗保险"), default=True)
    pension = models.BooleanField(_("是否参加养老保险"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # A member who died, married out or moved away is closed, not deleted (fupin.registry.changes):
    # the household keeps the person's history; only open members count in members_count.
    left_on = models.DateField(_("减员日期"), null=True, blank=True)
    left_reason = models.CharField(_("减员原因"), max_length=12, choices=Leave.choices, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        indexes = [
            # Covering for the name search inside a scope (no table reads while scanning).
            models.Index(
                fields=["village", "name", "household"], name="member_village_name_hh_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class IncomeRecord(models.Model):
    """A household's income for one year, in yuan (Decimal, never float)."""

    scope_field = "village_id"

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="incomes"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    wage_income = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, default=0)
    business_income = models.DecimalField(
        _("生产经营性收入"), max_digits=12, decimal_places=2, default=0
    )
    property_income = models.DecimalField(
        _("财产性收入"), max_digits=12, decimal_places=2, default=0
    )
    transfer_income = models.DecimalField(
        _("转移性收入"), max_digits=12, decimal_places=2, default=0
    )
    business_costs = models.DecimalField(
        _("生产经营性支出"), max_digits=12, decimal_places=2, default=0
    )
    # Persons the income fed that year, fixed when the row is written so the year reconciles.
    members_count = models.PositiveSmallIntegerField(_("家庭人口"))

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("收入")
        verbose_name_plural = _("收入")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_household_year")
        ]
        indexes = [models.Index(fields=["year", "village"], name="income_year_village_idx")]
        ordering = ["year"]

    def __str__(self):
        return f"{self.household_id} {self.year}"

    @property
    def total_income(self) -> Decimal:
        return self.wage_income + self.business_income + self.property_income + self.transfer_income

    @property
    def net_income(self) -> Decimal:
        return self.total_income - self.business_costs

    @property
    def net_income_per_capita(self) -> Decimal | None:
        if not self.members_count:
            return None
        return (self.net_income / self.members_count).quantize(Decimal("0.01"))


class StatusRecord(models.Model):
    """A household's status at the end of a year (the year in progress: as of now).

    ``members_count`` and ``attribute`` are that year's, so a past year's figures can be
    counted again exactly as they stood.
    """

    scope_field = "village_id"

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="statuses"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("脱贫状态"), max_length=16, choices=codes.Status.choices)
    attribute = models.CharField(_("贫困户属性"), max_length=12, choices=codes.Attribute.choices)
    members_count = models.PositiveSmallIntegerField(_("家庭人口"))

    history = HistoricalRecords(cascade_delete_history=False)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("年度脱贫状态")
        verbose_name_plural = _("年度脱贫状态")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="status_household_year")
        ]
        indexes = [
            # Covering for "households of a year and status in an area" (the list's filter).
            models.Index(
                fields=["year", "status", "village", "household"], name="status_year_status_idx"
            )
        ]
        ordering = ["year"]

    def __str__(self):
        return f"{self.household_id} {self.year} {self.status}"


class ImportJob(models.Model):
    """One uploaded registry file and what became of it (progress shown on the upload page)."""

    scope_field = "scope_code"

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已导入")
        REFUSED = "refused", _("已拒绝")
        FAILED = "failed", _("出错")

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    # The area the uploader chose as the file's scope; rows outside it are refused.
    scope_code = models.CharField(_("范围"), max_length=12)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("类型"), max_length=10, blank=True)
    year = models.PositiveSmallIntegerField(_("数据年度"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    # A historical load (league HQ only, with a reason): new identifications and exits are
    # accepted without a case and marked on the households.
    historical = models.BooleanField(_("历史数据导入"), default=False)
    historical_reason = models.CharField(_("历史数据导入原因"), max_length=200, blank=True)
    error_file = models.FileField(_("错误清单"), upload_to="imports/errors/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=clock.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def rollup_village():
    """The village of a rollup row (here and in other apps' rollups).

    Rollup rows are derived and deleted and rewritten wholesale by a rebuild: no foreign key
    in the database (its check on every written row, and on SQLite it stops ``DELETE`` from
    emptying the table at once); Django still deletes them with their village. No index of
    its own either: each rollup's key starts with the village, and every index is paid for
    on every row a rebuild writes.
    """
    return models.ForeignKey(
        "areas.Area",
        verbose_name=_("嘎查村"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class YearFact(models.Model):
    """Rollup: a village's registry figures for one year, computed from the status rows.

    Kept current by :mod:`fupin.registry.rollups` after every write (signals for single saves,
    explicit calls from bulk paths) and rebuilt in full by ``fupin rollup``. Area figures are
    sums of these rows over a code range, so the league's overview reads ~1,000 rows, not
    ~70,000 households.
    """

    scope_field = "village_id"

    village = rollup_village()
    year = models.PositiveSmallIntegerField(_("年度"))
    identified_households = models.PositiveIntegerField(default=0)
    identified_persons = models.PositiveIntegerField(default=0)
    poor_households = models.PositiveIntegerField(default=0)
    poor_persons = models.PositiveIntegerField(default=0)
    exited_households = models.PositiveIntegerField(default=0)
    exited_persons = models.PositiveIntegerField(default=0)
    relapsed_households = models.PositiveIntegerField(default=0)
    relapsed_persons = models.PositiveIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("年度汇总")
        verbose_name_plural = _("年度汇总")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="yearfact_village_year")
        ]
        indexes = [models.Index(fields=["year", "village"], name="yearfact_year_village_idx")]

    def __str__(self):
        return f"{self.village_id} {self.year}"
