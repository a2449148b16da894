"""The registry's figures per area and year, already scoped.

:func:`area_stats` (and :func:`area_series`, its form over several years) is *the* selector
of the registry's yearly figures: the area overview page,
its JSON twin (``/api/areas/<code>/stats/``), the demo's self-check and the war map all
call it, so their numbers agree (ARCHITECTURE rule 5). The figures:

* ``identified_households`` / ``identified_persons`` — households first identified in the year
  (``Household.identified_year``), persons as that year's status row counts them;
* ``poor_households`` / ``poor_persons`` — status 未脱贫 or 返贫 at the end of the year;
* ``exited_households`` / ``exited_persons`` — poor (or relapsed) at the end of the year before,
  or first identified this year, and exited at the end of this one;
* ``relapsed_households`` / ``relapsed_persons`` — exited the year before, 返贫 this year;
* ``rural_population`` — from the village rows of the latest year up to this one;
* ``incidence`` — poor persons ÷ rural population, in percent, two decimals;
* ``historical_identified_households`` / ``historical_exited_households`` — of the newly
  identified and the exited households, those that came from a historical load (an import
  league HQ marked, without a case: ``Household.historical_load``), noted beside them.

The counts are sums of the village-year rollup rows (:mod:`fupin.registry.rollups`, which
holds the SQL of these definitions), kept current inside every writing transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Sum, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, Level, RuralPopulation
from fupin.areas.selectors import access_area, children_in_scope, incidence
from fupin.core.figures import serialized
from fupin.core.viewers import Viewer

from . import codes
from .models import Household, StatusRecord, YearFact
from .rollups import FIGURES


@dataclass(frozen=True)
class AreaFigures:
    """The registry's figures of one area and year (the API serializes this very structure)."""

    identified_households: int = field(metadata=serialized(_("当年新识别户数")))
    identified_persons: int = field(metadata=serialized(_("当年新识别人数")))
    poor_households: int = field(metadata=serialized(_("年末贫困户数（未脱贫、返贫）")))
    poor_persons: int = field(metadata=serialized(_("年末贫困人口")))
    exited_households: int = field(metadata=serialized(_("当年脱贫户数")))
    exited_persons: int = field(metadata=serialized(_("当年脱贫人数")))
    relapsed_households: int = field(metadata=serialized(_("当年返贫户数")))
    relapsed_persons: int = field(metadata=serialized(_("当年返贫人数")))
    rural_population: int = field(metadata=serialized(_("农村人口")))
    incidence: Decimal | None = field(
        metadata=serialized(
            _("贫困发生率（%），无农村人口数据时为 null"),
            max_digits=5,
            decimal_places=2,
            coerce_to_string=False,
        )
    )
    historical_identified_households: int = field(
        metadata=serialized(_("当年新识别户中来自历史数据导入（未经识别流程）的户数"))
    )
    historical_exited_households: int = field(
        metadata=serialized(_("当年脱贫户中来自历史数据导入（未经识别流程）的户数"))
    )


STAT_KEYS = tuple(f.name for f in fields(AreaFigures))


HISTORICAL = ("historical_identified_households", "historical_exited_households")


def _figures(
    counts: dict[str, int], population: int, historical: dict[str, int] | None = None
) -> AreaFigures:
    """The figures from the rollup sums (missing ones are 0), the rural population and the
    historical-load counts."""
    historical = historical or {}
    return AreaFigures(
        **{name: counts.get(name, 0) for name in FIGURES},
        rural_population=population,
        incidence=incidence(counts.get("poor_persons", 0), population),
        **{name: historical.get(name, 0) for name in HISTORICAL},
    )


def _historical_sums(
    status_rows, marked, prefix_len: int | None = None, by_year: bool = False
) -> Any:
    """Count the historical-load households among the identified and the exited, with the
    definitions of the rollups (fupin.registry.rollups), whole, per code prefix or per year.

    Only the status rows of the ``marked`` households (the area's with ``historical_load``,
    few: a baseline load's, found by their partial index) are read, and none when there is
    none: joining every status row to its household cost a league's page 0.1–0.25 s."""
    if not marked.exists():
        return {}
    rows = (
        status_rows.filter(household__historical_load=True)
        .filter(household_id__in=marked.values("pk"))
        .co_located("household")
    )
    identified = Q(household__identified_year=F("year"))
    poor_before = StatusRecord.objects.filter(
        village_id=OuterRef("village_id"),
        household_id=OuterRef("household_id"),
        year=OuterRef("year") - 1,
        status__in=codes.POOR_STATUSES,
    )
    exited = Q(status__in=codes.EXITED_STATUSES) & (identified | Q(Exists(poor_before)))

    def count(condition):
        return Coalesce(
            Sum(Case(When(condition, then=1), default=0, output_field=IntegerField())), 0
        )

    sums = {HISTORICAL[0]: count(identified), HISTORICAL[1]: count(exited)}
    if prefix_len is None and not by_year:
        return rows.aggregate(**sums)
    if by_year:
        return {r.pop("year"): r for r in rows.values("year").annotate(**sums)}
    return {
        r.pop("prefix"): r
        for r in rows.annotate(prefix=Substr("village_id", 1, prefix_len))
        .values("prefix")
        .annotate(**sums)
    }


def _marked(user: Viewer, code: str):
    """The area's households of a historical load."""
    return Household.objects.accessible_to(user).within(code).filter(historical_load=True)


def _fact_sums(fact_rows, prefix_len: int | None = None, by_year: bool = False) -> Any:
    """Sum the rollup rows, whole, per code prefix or per year."""
    sums = {name: Coalesce(Sum(name), 0) for name in FIGURES}
    if prefix_len is None and not by_year:
        return fact_rows.aggregate(**sums)
    if by_year:
        return {r.pop("year"): r for r in fact_rows.values("year").annotate(**sums)}
    return {
        r.pop("prefix"): r
        for r in fact_rows.annotate(prefix=Substr("village_id", 1, prefix_len))
        .values("prefix")
        .annotate(**sums)
    }


def _population_year(pop_rows, year: int) -> int | None:
    return pop_rows.filter(year__lte=year).aggregate(y=Max("year"))["y"]


def _population(pop_rows, year: int, prefix_len: int | None = None) -> Any:
    pop_year = _population_year(pop_rows, year)
    rows = pop_rows.filter(year=pop_year) if pop_year else pop_rows.none()
    if prefix_len is None:
        return rows.aggregate(total=Coalesce(Sum("population"), 0))["total"]
    return {
        r["prefix"]: r["total"]
        for r in rows.annotate(prefix=Substr("village_id", 1, prefix_len))
        .values("prefix")
        .annotate(total=Sum("population"))
    }


def area_stats(user: Viewer, code: str, year: int) -> AreaFigures:
    """Return the yearly figures of area ``code`` as the user's scope sees them."""
    access_area(user, code)
    facts = YearFact.objects.filter(year=year).accessible_to(user).within(code)
    pop_rows = RuralPopulation.objects.accessible_to(user).within(code)
    statuses = StatusRecord.objects.filter(year=year).accessible_to(user).within(code)
    historical = _historical_sums(statuses, _marked(user, code))
    return _figures(_fact_sums(facts), _population(pop_rows, year), historical)


def area_series(user: Viewer, code: str, years: Iterable[int]) -> list[tuple[int, AreaFigures]]:
    """Return the figures of area ``code`` for each of ``years`` (two queries in all)."""
    access_area(user, code)
    years = list(years)
    facts = YearFact.objects.filter(year__in=years).accessible_to(user).within(code)
    by_year = _fact_sums(facts, by_year=True)
    pop_rows = RuralPopulation.objects.filter(year__lte=max(years)).accessible_to(user).within(code)
    populations = {
        r["year"]: r["total"] for r in pop_rows.values("year").annotate(total=Sum("population"))
    }
    statuses = StatusRecord.objects.filter(year__in=years).accessible_to(user).within(code)
    historical = _historical_sums(statuses, _marked(user, code), by_year=True)
    out = []
    for year in years:
        known = [y for y in populations if y <= year]
        population = populations[max(known)] if known else 0
        out.append((year, _figures(by_year.get(year, {}), population, historical.get(year))))
    return out


def child_stats(user: Viewer, area: Area, year: int) -> list[tuple[Area, AreaFigures]]:
    """Return the figures of each child of ``area`` in the user's scope, in code order."""
    child_level = CHILD_LEVEL.get(Level(area.level))
    if child_level is None:
        return []
    prefix_len = LEVEL_DIGITS[child_level]
    children = children_in_scope(user, area)
    facts = YearFact.objects.filter(year=year).accessible_to(user).within(area.code)
    pop_rows = RuralPopulation.objects.accessible_to(user).within(area.code)
    by_fact = _fact_sums(facts, prefix_len)
    by_pop = _population(pop_rows, year, prefix_len)
    statuses = StatusRecord.objects.filter(year=year).accessible_to(user).within(area.code)
    by_historical = _historical_sums(statuses, _marked(user, area.code), prefix_len)
    return [
        (
            child,
            _figures(
                by_fact.get(child.code, {}),
                by_pop.get(child.code, 0),
                by_historical.get(child.code),
            ),
        )
        for child in children
    ]


def tree_nodes(user: Viewer, areas: list[Area]) -> list[dict]:
    """Return tree nodes for ``areas`` (siblings): each with its household and sub-area counts.

    Two grouped queries for the whole level, whatever the number of nodes.
    """
    if not areas:
        return []
    digits = len(areas[0].code)
    codes_ = [a.code for a in areas]
    scoped = Household.objects.accessible_to(user).within(codes_)
    households = {
        r["prefix"]: r["n"]
        for r in scoped.annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix")
        .annotate(n=Count("id"))
    }
    sub = {
        r["parent_id"]: r["n"]
        for r in Area.objects.filter(parent_id__in=codes_)
        .accessible_to(user)
        .values("parent_id")
        .annotate(n=Count("code"))
    }
    return [
        {"area": a, "households": households.get(a.code, 0), "children": sub.get(a.code, 0)}
        for a in areas
    ]
