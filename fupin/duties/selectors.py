"""Reads of the duty lists, already scoped: one unit's list, the overdue tasks, the ranking.

*The* rules (the pages, the xlsx export, the API and the tests all use these functions):

* **Done**: progress 100 % or a completion date.
* **Overdue**: the deadline is before the as-of date and the task is not done.
* **Score of a task**: its assessed score where it has one, else ``weight × progress / 100``.
* **Total of a unit** (its year's score): the sum of its tasks' scores divided by the sum of
  their weights, × 100 — a score out of 100 whatever the number of tasks — rounded half up to
  two decimals.
* **Rank**: by total, highest first; units with the same total share a rank and the next
  rank skips (1, 2, 2, 4). Units of the level with no task that year are listed after the
  ranked ones, without a total or a rank.

The ranking is one grouped query over the tasks (``GROUP BY area``) and one over the units.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Sum, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, Level
from fupin.areas.selectors import access_area
from fupin.core.clock import as_of
from fupin.core.figures import serialized

from .models import Task, TaskProgress

RANKING_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
RULE = _(
    "得分规则：已考核的任务计考核得分，未考核的任务计“分值×进度”；"
    "单位总分 = 各任务得分之和 ÷ 各任务分值之和 × 100（百分制，四舍五入到 0.01）；"
    "总分相同名次并列。超期：完成时限早于系统日期且进度未达 100%。"
)


def done_q() -> Q:
    return Q(progress__gte=100) | Q(completed_on__isnull=False)


def overdue_q(day: datetime.date) -> Q:
    return Q(deadline__lt=day) & ~done_q()


def is_done(task) -> bool:
    return task.progress >= 100 or task.completed_on is not None


def is_overdue(task, day: datetime.date | None = None) -> bool:
    return task.deadline < (day or as_of()) and not is_done(task)


def task_score(task) -> Decimal:
    """The score a task counts for in the ranking (see the module docstring)."""
    if task.score is not None:
        return task.score
    return task.weight * task.progress / HUNDRED


def tasks_in_scope(user, code: str):
    """Tasks of the units in ``code`` (drill-down) that the user's scope reaches."""
    return Task.objects.accessible_to(user).within(code)


def access_task(user, pk) -> Task:
    """Return the task if the user's scope reaches it; the same 404 for missing and forbidden."""
    from django.http import Http404

    task = (
        Task.objects.accessible_to(user)
        .select_related("duty__subject", "owner", "area")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404(gettext("任务不存在或不在您的权限范围内"))
    return task


# --------------------------------------------------------------------------- one unit's list


@dataclasses.dataclass
class DutyGroup:
    duty: object
    tasks: list


@dataclasses.dataclass
class SubjectGroup:
    subject: object
    duties: list


def duty_list(user, code: str, year: int) -> dict:
    """The duty list of unit ``code`` for ``year``: subjects → duties → tasks with flags."""
    area = access_area(user, code)
    day = as_of()
    tasks = list(
        Task.objects.accessible_to(user)
        .filter(area_id=area.code, year=year)
        .select_related("duty__subject", "owner")
        .order_by(
            "duty__subject__order", "duty__subject_id", "duty__order", "duty_id", "deadline", "pk"
        )
    )
    subjects: OrderedDict = OrderedDict()
    counts = {"tasks": 0, "done": 0, "overdue": 0}
    weight = earned = Decimal(0)
    for task in tasks:
        task.overdue = is_overdue(task, day)
        task.done = is_done(task)
        task.counted_score = task_score(task)
        counts["tasks"] += 1
        counts["done"] += task.done
        counts["overdue"] += task.overdue
        weight += task.weight
        earned += task.counted_score
        subject = task.duty.subject
        group = subjects.setdefault(subject.pk, SubjectGroup(subject, []))
        if not group.duties or group.duties[-1].duty.pk != task.duty_id:
            group.duties.append(DutyGroup(task.duty, []))
        group.duties[-1].tasks.append(task)
    total = (earned * HUNDRED / weight).quantize(CENT, ROUND_HALF_UP) if weight else None
    return {
        "area": area,
        "year": year,
        "as_of": day,
        "subjects": list(subjects.values()),
        "counts": counts,
        "total": total,
    }


def overdue_tasks(user, code: str, year: int | None = None):
    """Overdue tasks of the units in ``code``, oldest deadline first."""
    access_area(user, code)
    qs = tasks_in_scope(user, code).filter(overdue_q(as_of()))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("duty__subject", "owner", "area").order_by("deadline", "area_id", "pk")


def task_reports(user, task):
    return TaskProgress.objects.accessible_to(user).filter(task=task).select_related("reported_by")


# --------------------------------------------------------------------------------- ranking


def default_level(area: Area) -> str:
    """The level ranked by default under ``area``: its children's, or its own for a village."""
    if area.level in (Level.PROVINCE, Level.PREFECTURE):
        return Level.COUNTY
    own = Level(area.level)
    return CHILD_LEVEL.get(own, own)


@dataclasses.dataclass(frozen=True)
class RankRow:
    """One unit's score and rank (the API serializes the fields up to ``assessed``)."""

    code: str = dataclasses.field(metadata=serialized(_("单位区划代码")))
    name: str = dataclasses.field(metadata=serialized(_("单位名称")))
    score: Decimal | None = dataclasses.field(
        default=None,
        metadata=serialized(
            _("总分（百分制）；当年无任务时为 null"),
            max_digits=6,
            decimal_places=2,
            coerce_to_string=False,
        ),
    )
    rank: int | None = dataclasses.field(
        default=None, metadata=serialized(_("名次（并列同名次）；无任务时为 null"))
    )
    tasks: int = dataclasses.field(default=0, metadata=serialized(_("任务数")))
    done: int = dataclasses.field(default=0, metadata=serialized(_("已完成任务数")))
    overdue: int = dataclasses.field(default=0, metadata=serialized(_("超期任务数")))
    assessed: int = dataclasses.field(default=0, metadata=serialized(_("已考核任务数")))
    weight: Decimal = Decimal(0)
    earned: Decimal = Decimal(0)


def _units(user, code: str, level: str) -> list[tuple[str, str, bool]]:
    """The units of ``level`` inside ``code`` and the user's scope, each with whether it takes
    part in poverty work: a village by its flag, a township or county by having such a village
    (an urban subdistrict without a duty list is no gap)."""
    inside = Area.objects.within(code).accessible_to(user)
    units = inside.filter(level=level).order_by("code").values_list("code", "name", "participates")
    if level == Level.VILLAGE:
        return list(units)
    digits = LEVEL_DIGITS[Level(level)]
    taking_part = {
        c[:digits]
        for c in inside.filter(level=Level.VILLAGE, participates=True).values_list(
            "code", flat=True
        )
    }
    return [(c, name, c in taking_part) for c, name, _flag in units]


def ranking(user, code: str, level: str, year: int) -> list[RankRow]:
    """Rank the units of ``level`` inside area ``code`` for ``year`` (see the module docstring)."""
    area = access_area(user, code)
    digits = LEVEL_DIGITS[Level(level)]
    if len(area.code) > digits:
        # A unit's own level or above: rank the one unit that contains it.
        code = area.code[:digits]
    day = as_of()
    points = ExpressionWrapper(
        Case(
            When(score__isnull=False, then=F("score") * 100),
            default=F("weight") * F("progress"),
        ),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    rows = (
        Task.objects.accessible_to(user)
        .within(code)
        .filter(year=year, area__level=level)
        .values("area_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=done_q()),
            overdue=Count("pk", filter=overdue_q(day)),
            assessed=Count("pk", filter=Q(score__isnull=False)),
            # Not named "weight": the alias would shadow the column in ``points``.
            weights=Sum("weight"),
            # Score × 100 (in weight-percent), so the sum stays a two-decimal number.
            points=Sum(points),
        )
    )
    found = {r["area_id"]: r for r in rows}
    ranked, unranked = [], []
    for unit_code, name, participates in _units(user, code, level):
        if not participates and unit_code not in found:
            continue  # an urban community with no duty list is no gap
        data = found.get(unit_code)
        if data and data["weights"]:
            weight = Decimal(data["weights"]).quantize(CENT)
            earned = Decimal(data["points"]).quantize(CENT)
            ranked.append(
                RankRow(
                    code=unit_code,
                    name=name,
                    tasks=data["n"],
                    done=data["done"],
                    overdue=data["overdue"],
                    assessed=data["assessed"],
                    weight=weight,
                    earned=earned / HUNDRED,
                    score=(earned / weight).quantize(CENT, ROUND_HALF_UP),
                )
            )
        else:
            unranked.append(RankRow(code=unit_code, name=name))
    ranked.sort(key=lambda r: (-(r.score or 0), r.code))
    previous: RankRow | None = None
    for position, row in enumerate(ranked):
        rank = previous.rank if previous and previous.score == row.score else position + 1
        ranked[position] = previous = dataclasses.replace(row, rank=rank)
    return ranked + unranked


def ranking_totals(rows: list[RankRow]) -> dict:
    return {
        "units": len(rows),
        "ranked": sum(1 for r in rows if r.rank is not None),
        "tasks": sum(r.tasks for r in rows),
        "done": sum(r.done for r in rows),
        "overdue": sum(r.overdue for r in rows),
    }
