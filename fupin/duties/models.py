"""清单制 duty lists: responsible subjects, duties, yearly tasks, progress, scores and rankings (docs/domain.md §3.6).

Seed: 细化旗乡村3个层级、11个主体的主要职责和任务清单，构建责任落实、工作推进、绩效考核和奖惩机制.

* :class:`Subject` — one of the responsible subjects (11 by default, seeded by a data migration
  and editable in the admin) at one of three levels: banner, township, village.
* :class:`Duty` — a standing responsibility of a subject (职责清单), data, not tied to an area.
* :class:`Task` — one unit's task for a year under a duty (任务清单): the unit is an area of the
  subject's level (a county for a banner subject, …), with an owner, a deadline, a weight (the
  most it can score), its progress and, once assessed, its score.
* :class:`TaskProgress` — a progress report; the latest one is copied onto ``Task.progress``
  in the same transaction (:func:`fupin.duties.services.task_progress_report`).

Ranking and overdue rules live in :mod:`fupin.duties.selectors`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import LEVEL_DIGITS
from fupin.areas.models import Level as AreaLevel
from fupin.areas.scope import ScopedManager


class SubjectLevel(models.TextChoices):
    BANNER = "banner", _("旗县市")
    TOWNSHIP = "township", _("苏木乡镇")
    VILLAGE = "village", _("嘎查村")


# The area level whose units carry a subject level's tasks.
AREA_LEVEL = {
    SubjectLevel.BANNER: AreaLevel.COUNTY,
    SubjectLevel.TOWNSHIP: AreaLevel.TOWNSHIP,
    SubjectLevel.VILLAGE: AreaLevel.VILLAGE,
}
SUBJECT_LEVEL = {area: subject for subject, area in AREA_LEVEL.items()}


class Subject(models.Model):
    """A responsible subject (责任主体), e.g. 苏木乡镇党委书记."""

    level = models.CharField(_("层级"), max_length=10, choices=SubjectLevel.choices)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("责任主体")
        verbose_name_plural = _("责任主体")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.get_level_display()} · {self.name}"


class Duty(models.Model):
    """A standing responsibility of a subject (职责)."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("责任主体"), on_delete=models.PROTECT, related_name="duties"
    )
    title = models.CharField(_("职责"), max_length=100)
    text = models.TextField(_("职责内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("职责")
        verbose_name_plural = _("职责")
        ordering = ["subject__order", "order", "pk"]

    def __str__(self):
        return f"{self.subject.name} · {self.title}"


class Task(models.Model):
    """A unit's task for a year under a duty (任务清单)."""

    scope_field = "area_id"

    duty = models.ForeignKey(
        Duty, verbose_name=_("职责"), on_delete=models.PROTECT, related_name="tasks"
    )
    # The unit (旗县市 / 苏木乡镇 / 嘎查村) of the subject's level: the scope of the row.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(
        "assistance.Cadre",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_tasks",
    )
    owner_unit = models.CharField(_("责任单位（部门）"), max_length=100, blank=True)
    deadline = models.DateField(_("完成时限"))
    weight = models.DecimalField(
        _("分值"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("考核时此项任务的满分"),
    )
    score = models.DecimalField(
        _("考核得分"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("考核后填写；未考核时按分值×进度计"),
    )
    # The percent of the latest progress report (denormalised, kept by the report service).
    progress = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["year", "area_id", "deadline", "pk"]
        indexes = [
            models.Index(fields=["year", "area"], name="task_year_area_idx"),
            models.Index(fields=["area", "year"], name="task_area_year_idx"),
            models.Index(fields=["deadline", "progress"], name="task_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="task_weight_positive"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=models.F("weight")),
                name="task_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.title}"

    def clean(self):
        errors = {}
        if self.duty_id and self.area_id:
            level = AREA_LEVEL[self.duty.subject.level]
            if len(self.area_id) != LEVEL_DIGITS[level]:
                errors["area"] = _("责任单位应为{level}一级（与责任主体的层级一致）。").format(
                    level=level.label
                )
        if self.weight is not None and self.weight <= 0:
            errors["weight"] = _("分值应大于 0。")
        if self.score is not None and self.weight is not None and self.score > self.weight:
            errors["score"] = _("考核得分不能超过分值。")
        if errors:
            raise ValidationError(errors)


class TaskProgress(models.Model):
    """A progress report on a task (进度填报)."""

    scope_field = "area_id"

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports"
    )
    # Copied from the task so that scope filters without a join.
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("填报日期"))
    percent = models.PositiveSmallIntegerField(_("进度（%）"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("进展说明"), blank=True)
    reported_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("进度填报")
        verbose_name_plural = _("进度填报")
        ordering = ["task_id", "reported_on", "pk"]
        indexes = [models.Index(fields=["task", "reported_on"], name="taskprogress_task_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="taskprogress_percent_max")
        ]

    def __str__(self):
        return f"{self.task_id} {self.reported_on} {self.percent}%"
