"""Write side of the duty lists: progress reports and scores (keyword-only, atomic, scope-checked).

A progress report and the task's denormalised ``progress`` are written in one transaction;
the rules a report must satisfy are checked here (the form and the API only call this).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.areas.scope import user_can_see_code
from fupin.core.audit import audit
from fupin.core.clock import as_of

from .models import Task, TaskProgress
from .permissions import can_assess, can_report

MSG_NO_RIGHT = _("您没有填报该单位任务进度的权限")
MSG_FUTURE = _("填报日期：不能晚于今天（{day}）。")
MSG_BEFORE_LAST = _("填报日期：不能早于上次填报日期（{day}）。")
MSG_PERCENT = _("进度：应为 0 至 100 之间的整数。")
MSG_BACKWARDS = _("进展说明：进度低于上次填报的 {last}% 时，请说明原因。")
MSG_SCORE = _("考核得分：应在 0 至分值 {weight} 之间。")
MSG_NO_ASSESS = _("考核由上级单位进行：您没有考核该单位任务的权限")


def _check_right(user: User, code: str) -> None:
    if not can_report(user, code):
        raise PermissionDenied(MSG_NO_RIGHT)


@transaction.atomic
def task_progress_report(
    *, user: User, task: Task, reported_on: datetime.date, percent: int, note: str = ""
) -> TaskProgress:
    """Record a progress report and make it the task's current progress.

    The date may not be after the as-of date nor before the latest report; the percent is
    0–100 and may go down only with a note saying why. Reaching 100 % completes the task.
    """
    _check_right(user, task.area_id)
    task = Task.objects.select_for_update().get(pk=task.pk)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    today = as_of()
    if reported_on > today:
        errors.setdefault("reported_on", []).append(MSG_FUTURE.format(day=today.isoformat()))
    last = task.reports.order_by("-reported_on", "-pk").first()
    if last is not None and reported_on < last.reported_on:
        errors.setdefault("reported_on", []).append(
            MSG_BEFORE_LAST.format(day=last.reported_on.isoformat())
        )
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        errors.setdefault("percent", []).append(str(MSG_PERCENT))
    elif percent < task.progress and not note:
        errors.setdefault("note", []).append(MSG_BACKWARDS.format(last=task.progress))
    if errors:
        raise ValidationError(errors)
    report = TaskProgress.objects.create(
        task=task,
        area_id=task.area_id,
        reported_on=reported_on,
        percent=percent,
        note=note,
        reported_by=user if getattr(user, "is_authenticated", False) else None,
    )
    task.progress = percent
    if percent >= 100 and task.completed_on is None:
        task.completed_on = reported_on
    elif percent < 100:
        task.completed_on = None
    task.save(update_fields=["progress", "completed_on"])
    audit(user, "duties.progress", task.pk, area=task.area_id, percent=percent)
    return report


@transaction.atomic
def task_assess(*, user: User, task: Task, score: Decimal | None) -> Task:
    """Record (or with ``None`` clear) a task's assessed score; see :func:`can_assess`."""
    if not user_can_see_code(user, task.area_id) or not can_assess(user, task.area_id):
        raise PermissionDenied(MSG_NO_ASSESS)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if score is not None and not Decimal(0) <= score <= task.weight:
        raise ValidationError({"score": [MSG_SCORE.format(weight=task.weight)]})
    task.score = score
    task.save(update_fields=["score"])
    audit(user, "duties.assessed", task.pk, area=task.area_id, score=str(score))
    return task
