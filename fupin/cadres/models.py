"""The cadre roster (docs/domain.md §3.6): posts held, village work teams, yearly evaluations,
training / admonishment / recall records. The person is :class:`fupin.assistance.models.Cadre`
(one record per cadre, with its profile); everything here refers to it.

Where a cadre serves, since when and for how long come from :class:`CadrePost`; the scope of a
post, a team, an evaluation and a record is the area where it happened (``docs/cadres.md``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import ScopedManager


class PostKind(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    WORK_TEAM = "work_team", _("驻村工作队员")
    RESERVE_CADRE = "reserve_cadre", _("后备干部（下派）")
    VILLAGE_SECRETARY = "village_secretary", _("嘎查村党组织书记")
    TOWNSHIP_LEADER = "township_leader", _("苏木乡镇领导班子成员")
    COUNTY_LEADER = "county_leader", _("旗县市领导班子成员")


# Posts of cadres sent to live and work in a village or township (驻村 / 下派): what a recall ends.
RESIDENT_KINDS = (PostKind.FIRST_SECRETARY, PostKind.WORK_TEAM, PostKind.RESERVE_CADRE)


class EndReason(models.TextChoices):
    TERM_END = "term_end", _("任期届满")
    PROMOTED = "promoted", _("提拔")
    RECALLED = "recalled", _("组织召回")
    TRANSFERRED = "transferred", _("调任")
    ADJUSTED = "adjusted", _("组织调整")
    OTHER = "other", _("其他")


class WorkTeam(models.Model):
    """驻村工作队: a village's resident team; its members are the posts that name it."""

    scope_field = "village_id"

    village = models.ForeignKey(
        "areas.Area", verbose_name=_("嘎查村"), on_delete=models.PROTECT, related_name="+"
    )
    sending_unit = models.CharField(_("派出单位"), max_length=100)
    leader = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("队长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("进驻日期"))
    planned_end = models.DateField(_("计划期满日期"), help_text=_("任期的最后一天"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("驻村工作队")
        verbose_name_plural = _("驻村工作队")
        indexes = [models.Index(fields=["village", "start_date"], name="workteam_village_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("start_date")), name="workteam_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.village_id} {self.sending_unit}"


class CadrePost(models.Model):
    """A post a cadre held: where (the scope), what, from when to when, and why it ended."""

    scope_field = "area_id"

    cadre = models.ForeignKey(
        "assistance.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("岗位类别"), max_length=20, choices=PostKind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("任职区划"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    team = models.ForeignKey(
        WorkTeam,
        verbose_name=_("驻村工作队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    start_date = models.DateField(_("任职日期"))
    # The last day served; empty while serving.
    end_date = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("离任原因"), max_length=12, choices=EndReason.choices, blank=True
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        indexes = [
            models.Index(fields=["area", "kind"], name="cadrepost_area_kind_idx"),
            models.Index(fields=["kind", "start_date"], name="cadrepost_kind_start_idx"),
            models.Index(fields=["cadre", "start_date"], name="cadrepost_cadre_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cadrepost_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.get_kind_display()} {self.area_id}"


class Evaluation(models.Model):
    """年度考核: one per cadre and year, scoped to the area where the cadre served."""

    scope_field = "area_id"

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职")
        BASIC = "basic", _("基本称职")
        INCOMPETENT = "incompetent", _("不称职")

    class Outcome(models.TextChoices):
        COMMENDED = "commended", _("评选表彰")
        PROMOTED = "promoted", _("提拔重用")
        RECALLED = "recalled", _("组织召回")
        ADMONISHED = "admonished", _("诫勉谈话")
        TRAINED = "trained", _("培训提高")
        NONE = "none", _("无")

    cadre = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("任职区划"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("考核得分"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("考核等次"), max_length=12, choices=Grade.choices)
    outcome = models.CharField(
        _("考核结果运用"), max_length=12, choices=Outcome.choices, default=Outcome.NONE
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="evaluation_cadre_year_uniq")
        ]
        indexes = [models.Index(fields=["area", "year", "outcome"], name="evaluation_area_idx")]

    def __str__(self):
        return f"{self.cadre_id} {self.year} {self.get_outcome_display()}"


class CadreRecord(models.Model):
    """培训 / 诫勉谈话 / 组织调整 / 召回: a dated record about a cadre, where it happened."""

    scope_field = "area_id"

    class Kind(models.TextChoices):
        TRAINING = "training", _("培训")
        ADMONISHMENT = "admonishment", _("诫勉谈话")
        ADJUSTMENT = "adjustment", _("组织调整")
        RECALL = "recall", _("召回")

    cadre = models.ForeignKey(
        "assistance.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("日期"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("事由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("干部管理记录")
        verbose_name_plural = _("干部管理记录")
        indexes = [models.Index(fields=["area", "kind", "date"], name="cadrerecord_area_idx")]

    def __str__(self):
        return f"{self.cadre_id} {self.get_kind_display()} {self.date}"
