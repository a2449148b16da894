"""The jobs that keep the campaign's cadence, and the days each is due (docs/schedule.md).

A job's *slot* is the day it is due. On that day it does the work of the period that has just
ended: on Monday the weekly report of the week to Sunday, on the 1st, 11th and 21st the
ten-day bulletin of the dekad before, on the 1st the month's dispatch, on the first day of a
quarter the quarter's review; every day, the concerns past their deadline move one level up.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.fieldwork.services import concerns_escalate_overdue
from fupin.quality.recheck import recheck_run
from fupin.reports import periods
from fupin.reports.services import report_publish

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Job:
    name: str
    label: str | Promise
    due: Callable[[datetime.date], bool]
    run: Callable[[datetime.date], str]


def _publish(kind: str) -> Callable[[datetime.date], str]:
    def run(slot: datetime.date) -> str:
        # The period that ended the day before the slot.
        areas = list(Area.objects.filter(code__in=settings.FUPIN_SCHEDULE_AREAS).order_by("code"))
        keys = [
            report_publish(actor=None, area=area, kind=kind, day=slot - DAY, pdf_later=True).key
            for area in areas
        ]
        return f"{kind} {', '.join(sorted(set(keys)))} × {len(areas)}"

    return run


def _escalate(slot: datetime.date) -> str:
    return f"escalated {concerns_escalate_overdue(slot)}"


def _recheck(slot: datetime.date) -> str:
    run = recheck_run(day=slot)
    return f"recheck {run.findings} found, {run.new_flags} new"


JOBS: tuple[Job, ...] = (
    Job("weekly_report", _("周报告（每周一）"), lambda d: d.weekday() == 0, _publish(periods.WEEKLY)),
    Job("dekad_bulletin", _("旬通报（每月1、11、21日）"), lambda d: d.day in (1, 11, 21), _publish(periods.DEKAD)),
    Job("monthly_dispatch", _("月调度（每月1日）"), lambda d: d.day == 1, _publish(periods.MONTHLY)),
    Job(
        "quarterly_review",
        _("季观摩（每季度首日）"),
        lambda d: d.day == 1 and d.month in (1, 4, 7, 10),
        _publish(periods.QUARTERLY),
    ),
    Job("concern_escalation", _("民情诉求超期上报（每天）"), lambda d: True, _escalate),
    Job("data_recheck", _("数据复核（每天）"), lambda d: True, _recheck),
)  # fmt: skip

# The jobs whose past slots may be queued (``fupin schedule --queue``): publishing an old
# period's report again is harmless; escalating concerns or re-checking the registry as of an
# old day is not.
REPORT_JOBS = ("weekly_report", "dekad_bulletin", "monthly_dispatch", "quarterly_review")
