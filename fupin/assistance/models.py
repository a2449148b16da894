"""Who helps (docs/domain.md §3.4): cadres as records, 两联一包 links, cadre ↔ household pairings.

Plans and measures (一户一法) and the clarity cards build on these; field work (visits,
check-ins, concerns) refers to :class:`Cadre` and :class:`Pairing`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager
from fupin.registry import codes


class Cadre(models.Model):
    """A cadre as a record (帮扶干部): may or may not have a login (``user``)."""

    scope_field = "area_id"

    class Post(models.TextChoices):
        LEAGUE_LEADER = "league_leader", _("盟级领导")
        COUNTY_LEADER = "county_leader", _("旗县级领导")
        DEPUTY_HEAD = "deputy_head", _("旗县副职")
        DEPARTMENT_CADRE = "department_cadre", _("部门干部")
        FIRST_SECRETARY = "first_secretary", _("第一书记")
        WORK_TEAM = "work_team", _("驻村工作队员")
        TOWNSHIP_CADRE = "township_cadre", _("苏木乡镇干部")
        VILLAGE_CADRE = "village_cadre", _("嘎查村干部")
        OTHER = "other", _("其他")

    class Education(models.TextChoices):
        """Highest education; 大专 and above count as college (大专以上学历)."""

        POSTGRADUATE = "postgraduate", _("研究生")
        BACHELOR = "bachelor", _("大学本科")
        JUNIOR_COLLEGE = "junior_college", _("大专")
        SECONDARY = "secondary", _("中专")
        SENIOR = "senior", _("高中")
        JUNIOR_OR_LESS = "junior_or_less", _("初中及以下")

    COLLEGE = (Education.POSTGRADUATE, Education.BACHELOR, Education.JUNIOR_COLLEGE)

    name = models.CharField(_("姓名"), max_length=50)
    # The area whose records the cadre belongs to (the unit's area): the scope of the record.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(_("工作单位"), max_length=100)
    post = models.CharField(_("职务类别"), max_length=20, choices=Post.choices)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    party_member = models.BooleanField(_("是否党员"), default=False)
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True, db_index=True)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    active = models.BooleanField(_("在岗"), default=True)
    # The profile of the cadre roster (``fupin.cadres``): all optional, so the
    # assistance import and the rows written before the roster existed stay valid.
    sex = models.CharField(
        _("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))], blank=True
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(
        _("民族"), max_length=2, choices=codes.Ethnicity.choices, blank=True
    )
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    # Experience at township or village level before the cadre's posts are recorded here;
    # the posts in townships and villages add to it (fupin.cadres.selectors.grassroots_years).
    grassroots_years_before = models.DecimalField(
        _("此前基层工作年限"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("任职记录之前在苏木乡镇、嘎查村工作的年数"),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("帮扶干部")
        verbose_name_plural = _("帮扶干部")
        indexes = [models.Index(fields=["area", "post"], name="cadre_area_post_idx")]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class Link(models.Model):
    """两联一包: a leader linked to a township, a department or deputy head to a village."""

    scope_field = "area_id"

    class Kind(models.TextChoices):
        LEADER_TOWNSHIP = "leader_township", _("领导联系苏木乡镇")
        DEPARTMENT_VILLAGE = "department_village", _("部门包联嘎查村")
        DEPUTY_VILLAGE = "deputy_village", _("旗县副职包联嘎查村")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("联系区划"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    department = models.CharField(_("帮扶单位"), max_length=100, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("两联一包")
        verbose_name_plural = _("两联一包")
        indexes = [models.Index(fields=["area", "kind"], name="link_area_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area_id}"


class Pairing(models.Model):
    """结对帮扶: a cadre responsible for a household (one-to-one or one-to-many)."""

    scope_field = "village_id"

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="pairings"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="pairings",
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        indexes = [
            models.Index(fields=["village", "household"], name="pairing_village_idx"),
            models.Index(fields=["cadre", "end_date"], name="pairing_cadre_idx"),
        ]

    def __str__(self):
        return f"{self.cadre_id} ↔ {self.household_id}"


# -- Caps ------------------------------------------------------------------------------------

DEFAULT_CAP = 5


class PairingCap(models.Model):
    """How many households a cadre of a post may pair with at most (data, not code).

    A post without a row has :data:`DEFAULT_CAP`.
    """

    post = models.CharField(_("职务类别"), max_length=20, choices=Cadre.Post.choices, unique=True)
    cap = models.PositiveSmallIntegerField(_("结对户数上限"), default=DEFAULT_CAP)

    class Meta:
        verbose_name = _("结对上限")
        verbose_name_plural = _("结对上限")

    def __str__(self):
        return f"{self.get_post_display()}: {self.cap}"


# -- Plans and measures (一户一法) --------------------------------------------------------------


class MeasureType(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    EMPLOYMENT = "employment", _("就业")
    RELOCATION = "relocation", _("易地搬迁")
    PUBLIC_POST = "public_post", _("公益岗位")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("健康")
    HOUSING = "housing", _("危房改造")
    FINANCE = "finance", _("金融")
    SOCIAL_SECURITY = "social_security", _("社会保障兜底")
    ECOLOGY = "ecology", _("生态")
    ASSET_INCOME = "asset_income", _("资产收益")


# 户户有增收项目: a measure of one of these types this year is an income project.
INCOME_TYPES = (
    MeasureType.INDUSTRY,
    MeasureType.EMPLOYMENT,
    MeasureType.PUBLIC_POST,
    MeasureType.ASSET_INCOME,
)
# 人人有脱贫门路: a household with one of these gives its able-bodied adults a path.
PATH_TYPES = (MeasureType.EMPLOYMENT, MeasureType.INDUSTRY, MeasureType.PUBLIC_POST)


class AssistancePlan(models.Model):
    """一户一法: the plan of one household for one year."""

    scope_field = "village_id"

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="plans",
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.TextField(_("帮扶思路"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="plan_household_year_uniq")
        ]
        indexes = [models.Index(fields=["village", "year"], name="plan_village_year_idx")]

    def __str__(self):
        return f"{self.household_id} {self.year}"


class Measure(models.Model):
    """One measure of a plan: type, year, amount, responsible cadre, status and outcome."""

    scope_field = "village_id"

    class State(models.TextChoices):
        PLANNED = "planned", _("计划")
        IN_PROGRESS = "in_progress", _("实施中")
        DONE = "done", _("已完成")

    plan = models.ForeignKey(
        AssistancePlan,
        verbose_name=_("帮扶计划"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    # Copied from the plan so that scope and the checks filter without a join.
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    type = models.CharField(_("措施类型"), max_length=20, choices=MeasureType.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    responsible = models.ForeignKey(
        Cadre,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.PLANNED
    )
    description = models.CharField(_("内容"), max_length=200, blank=True)
    outcome = models.TextField(_("成效"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        indexes = [
            models.Index(fields=["village", "year", "type"], name="measure_vyt_idx"),
            # The war map's measures by type of a league or a province: a year and a range
            # of villages, read from the index alone.
            models.Index(
                fields=["year", "village", "type", "status", "plan"], name="measure_year_cover_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.year}"
