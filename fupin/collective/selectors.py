"""Reads of the village collective economy (清零递增), already scoped; one selector per figure.

Definitions (docs/collective.md):

* **villages** of an area: areas of level 嘎查村 that take part in poverty work
  (``Area.participates``) inside the area and the user's scope;
* a village's **income** in a year: the sum of its :class:`CollectiveIncome` lines of that year
  (all sources); no line is income 0;
* the **threshold** of a year: the :class:`CollectiveThreshold` row with the latest year not
  after it (none: every positive income is weak);
* the **status** of a village in a year (:func:`classify`, one rule for every page):
  ``zero`` — income 0 (空壳村); ``weak`` — 0 < income < threshold; ``stable`` — income ≥
  threshold and not more than the year before; ``growing`` — income ≥ threshold and more
  than the year before. **Villages with stable income** are ``stable`` + ``growing``;
* **left zero** in a year: villages with income 0 the year before and > 0 this year;
* **households sharing**: distinct households with a :class:`CollectiveDistribution` row of
  the year in the area.

:func:`village_statuses` is the one place that classifies; the board, the API, the village
lists and the demo's self-check all go through it, so their numbers agree.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, Level
from fupin.core.clock import FIRST_YEAR, as_of
from fupin.core.figures import serialized

from .models import CollectiveDistribution, CollectiveIncome, CollectiveThreshold

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class Status:
    ZERO = "zero"
    WEAK = "weak"
    STABLE = "stable"
    GROWING = "growing"
    ALL = (ZERO, WEAK, STABLE, GROWING)
    WITH_STABLE_INCOME = (STABLE, GROWING)


def default_year() -> int:
    """The last full year: a year's collective income is known once the year has ended."""
    return as_of().year - 1


def classify(income: Decimal, previous: Decimal, threshold: Decimal | None) -> str:
    """Return the status of a village with ``income`` this year and ``previous`` the year before."""
    if income <= 0:
        return Status.ZERO
    if threshold is None or income < threshold:
        return Status.WEAK
    return Status.GROWING if income > previous else Status.STABLE


def thresholds(years) -> dict[int, Decimal | None]:
    """Return the threshold of each of ``years`` (one query)."""
    rows = list(CollectiveThreshold.objects.order_by("year").values_list("year", "amount"))
    out = {}
    for year in years:
        known = [amount for y, amount in rows if y <= year]
        out[year] = known[-1] if known else None
    return out


def threshold_for(year: int) -> Decimal | None:
    return thresholds([year])[year]


def villages(user, code: str):
    """The participating villages inside ``code`` and the user's scope, in code order."""
    return (
        Area.objects.filter(level=Level.VILLAGE, participates=True)
        .accessible_to(user)
        .within(code)
        .order_by("code")
    )


def incomes(user, code: str, years) -> dict[tuple[str, int], Decimal]:
    """Return the income of each village and year that has any line (one grouped query)."""
    rows = (
        CollectiveIncome.objects.filter(year__in=list(years))
        .accessible_to(user)
        .within(code)
        .values("village_id", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    # SQLite sums decimals without their scale: keep yuan and fen.
    return {(r["village_id"], r["year"]): r["total"].quantize(CENT) for r in rows}


@dataclasses.dataclass(frozen=True)
class VillageYear:
    code: str
    name: str
    income: Decimal
    previous: Decimal
    status: str


def village_statuses(user, code: str, year: int) -> list[VillageYear]:
    """Every village of the area with its income, last year's and its status (three queries)."""
    threshold = threshold_for(year)
    by_key = incomes(user, code, (year - 1, year))
    out = []
    for village_code, name in villages(user, code).values_list("code", "name"):
        income = by_key.get((village_code, year), ZERO)
        previous = by_key.get((village_code, year - 1), ZERO)
        out.append(
            VillageYear(village_code, name, income, previous, classify(income, previous, threshold))
        )
    return out


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, two decimals (half up); None without a whole."""
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _counts(rows: list[VillageYear], households: int) -> dict:
    by_status: defaultdict[str, int] = defaultdict(int)
    total = ZERO
    for row in rows:
        by_status[row.status] += 1
        total += row.income
    stable = by_status[Status.STABLE] + by_status[Status.GROWING]
    return {
        "villages": len(rows),
        "villages_zero": by_status[Status.ZERO],
        "villages_weak": by_status[Status.WEAK],
        "villages_stable": stable,
        "villages_growing": by_status[Status.GROWING],
        "stable_share": share(stable, len(rows)),
        "total_yuan": total,
        "households_sharing": households,
    }


def households_sharing(user, code: str, year: int) -> int:
    rows = CollectiveDistribution.objects.filter(year=year).accessible_to(user).within(code)
    return rows.values("household_id").distinct().count()


def collective_counts(user, code: str, year: int) -> dict:
    """The figures of the API and the board's head (callers check ``code`` with access_area)."""
    counts = _counts(village_statuses(user, code, year), households_sharing(user, code, year))
    counts["year"] = year
    counts["threshold_yuan"] = threshold_for(year)
    return counts


@dataclasses.dataclass(frozen=True)
class CollectiveEconomy:
    """The board's head figures of an area and year (the API serializes this structure)."""

    code: str = dataclasses.field(metadata=serialized(_("区划代码")))
    year: int = dataclasses.field(metadata=serialized(_("年度")))
    villages: int = dataclasses.field(metadata=serialized(_("参与扶贫的嘎查村数")))
    villages_zero: int = dataclasses.field(metadata=serialized(_("当年无集体经济收入的嘎查村数")))
    villages_weak: int = dataclasses.field(metadata=serialized(_("有收入但未达稳定标准的嘎查村数")))
    villages_stable: int = dataclasses.field(
        metadata=serialized(_("有稳定收入的嘎查村数（收入不低于当年标准，含稳定增长）"))
    )
    villages_growing: int = dataclasses.field(metadata=serialized(_("稳定且高于上年的嘎查村数")))
    stable_share: Decimal | None = dataclasses.field(
        metadata=serialized(
            _("有稳定收入的嘎查村占比（%，两位小数）；无嘎查村时为 null"),
            max_digits=5,
            decimal_places=2,
        )
    )
    total_yuan: Decimal = dataclasses.field(
        metadata=serialized(_("集体经济收入总额（元）"), max_digits=16, decimal_places=2)
    )
    households_sharing: int = dataclasses.field(metadata=serialized(_("当年分享集体收益的户数")))
    threshold_yuan: Decimal | None = dataclasses.field(
        metadata=serialized(_("当年稳定收入标准（元）"), max_digits=14, decimal_places=2)
    )


def collective_economy(user, code: str, year: int) -> CollectiveEconomy:
    """:func:`collective_counts` as the typed structure the API gives."""
    return CollectiveEconomy(code=code, **collective_counts(user, code, year))


def child_rows(user, area: Area, year: int) -> list[tuple[Area, dict]]:
    """The same figures for each child area of ``area`` (a bounded number of queries)."""
    child_level = CHILD_LEVEL.get(Level(area.level))
    if child_level is None:
        return []
    digits = LEVEL_DIGITS[child_level]
    children = list(Area.objects.filter(parent=area).accessible_to(user))
    by_child = defaultdict(list)
    for row in village_statuses(user, area.code, year):
        by_child[row.code[:digits]].append(row)
    shared = {
        r["prefix"]: r["n"]
        for r in CollectiveDistribution.objects.filter(year=year)
        .accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    }
    return [
        (child, _counts(by_child.get(child.code, []), shared.get(child.code, 0)))
        for child in children
        if child.level != Level.VILLAGE or by_child.get(child.code)
    ]


def yearly(user, code: str, last_year: int, first_year: int = FIRST_YEAR) -> list[dict]:
    """Per year: villages with zero income, those that left zero, with stable income, total."""
    years = list(range(first_year, last_year + 1))
    by_key = incomes(user, code, [first_year - 1, *years])
    limits = thresholds(years)
    codes_ = list(villages(user, code).values_list("code", flat=True))
    out = []
    for year in years:
        zero = left = stable = 0
        total = ZERO
        for village in codes_:
            income = by_key.get((village, year), ZERO)
            previous = by_key.get((village, year - 1), ZERO)
            status = classify(income, previous, limits[year])
            total += income
            zero += status == Status.ZERO
            stable += status in Status.WITH_STABLE_INCOME
            left += income > 0 and previous <= 0 and year > first_year
        out.append(
            {
                "year": year,
                "villages_zero": zero,
                "left_zero": left if year > first_year else None,
                "villages_stable": stable,
                "stable_share": share(stable, len(codes_)),
                "total_yuan": total,
            }
        )
    return out


def left_zero_villages(user, code: str, year: int) -> list[VillageYear]:
    return [
        row for row in village_statuses(user, code, year) if row.income > 0 and row.previous <= 0
    ]


def village_years(user, village_code: str) -> list[dict]:
    """A village's income per year: its lines by source, the total and the status."""
    lines = list(
        CollectiveIncome.objects.accessible_to(user).within(village_code).order_by("year", "source")
    )
    by_year = defaultdict(list)
    for line in lines:
        by_year[line.year].append(line)
    limits = thresholds(by_year)
    out = []
    for year in sorted(by_year, reverse=True):
        total = sum((line.amount for line in by_year[year]), ZERO)
        previous = sum((line.amount for line in by_year.get(year - 1, ())), ZERO)
        out.append(
            {
                "year": year,
                "lines": by_year[year],
                "total": total,
                "status": classify(total, previous, limits[year]),
            }
        )
    return out


def distributions(user, code: str, year: int):
    """The households sharing collective income in the area and year, with their amounts."""
    return (
        CollectiveDistribution.objects.filter(year=year)
        .accessible_to(user)
        .within(code)
        .select_related("household")
        .order_by("village_id", "household__number")
    )
