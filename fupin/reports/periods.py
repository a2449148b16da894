"""Reporting periods (docs/domain.md §3.8): pure functions from a kind and any day to the period.

* ``weekly`` — the ISO week, Monday to Sunday (label ``2017年第26周``, key ``2017-W26``);
* ``dekad`` — 上旬 days 1–10, 中旬 11–20, 下旬 21 to the month's end (``2017年6月下旬``,
  ``2017-06-3``);
* ``monthly`` — the calendar month (``2017年6月``, ``2017-06``);
* ``quarterly`` — the calendar quarter (``2017年第2季度``, ``2017-Q2``).

The *key* is the label without Chinese, used in file names. A period that has not ended by
the as-of day is reported "to date": its reference day is the as-of day.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEEKLY, DEKAD, MONTHLY, QUARTERLY = "weekly", "dekad", "monthly", "quarterly"
KINDS = (WEEKLY, DEKAD, MONTHLY, QUARTERLY)
KIND_LABELS = {
    WEEKLY: gettext_lazy("周报告"),
    DEKAD: gettext_lazy("旬通报"),
    MONTHLY: gettext_lazy("月调度"),
    QUARTERLY: gettext_lazy("季观摩"),
}
DEKAD_NAMES = {1: gettext_lazy("上旬"), 2: gettext_lazy("中旬"), 3: gettext_lazy("下旬")}


@dataclass(frozen=True)
class Period:
    kind: str
    first: datetime.date
    last: datetime.date
    label: str
    key: str

    def reference_day(self, today: datetime.date) -> datetime.date:
        """The day the period is judged on: its last day, or ``today`` while it runs."""
        return min(self.last, today)

    def to_date(self, today: datetime.date) -> bool:
        return self.last > today


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_of(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that contains ``day``; ValueError for an unknown kind."""
    if kind == WEEKLY:
        first = day - datetime.timedelta(days=day.weekday())
        iso_year, week, _weekday = day.isocalendar()
        label = _("%(year)d年第%(week)d周") % {"year": iso_year, "week": week}
        return Period(
            kind, first, first + datetime.timedelta(days=6), label, f"{iso_year}-W{week:02d}"
        )
    if kind == DEKAD:
        part = min(3, (day.day - 1) // 10 + 1)
        first = day.replace(day=10 * (part - 1) + 1)
        last = day.replace(day=10 * part) if part < 3 else month_end(day.year, day.month)
        label = _("%(year)d年%(month)d月%(part)s") % {
            "year": day.year,
            "month": day.month,
            "part": DEKAD_NAMES[part],
        }
        return Period(kind, first, last, label, f"{day.year}-{day.month:02d}-{part}")
    if kind == MONTHLY:
        label = _("%(year)d年%(month)d月") % {"year": day.year, "month": day.month}
        return Period(
            kind,
            day.replace(day=1),
            month_end(day.year, day.month),
            label,
            f"{day.year}-{day.month:02d}",
        )
    if kind == QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first = datetime.date(day.year, 3 * quarter - 2, 1)
        label = _("%(year)d年第%(quarter)d季度") % {"year": day.year, "quarter": quarter}
        return Period(
            kind, first, month_end(day.year, 3 * quarter), label, f"{day.year}-Q{quarter}"
        )
    raise ValueError(kind)


def previous(period: Period) -> Period:
    """The period of the same kind just before ``period``."""
    return period_of(period.kind, period.first - datetime.timedelta(days=1))


def months_of(period: Period) -> list[tuple[int, int]]:
    """(year, month) of every month the period touches, in order."""
    out = []
    day = period.first.replace(day=1)
    while day <= period.last:
        out.append((day.year, day.month))
        day = month_end(day.year, day.month) + datetime.timedelta(days=1)
    return out
