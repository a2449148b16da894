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
* ``incidence`` — poor persons ÷ rural population, in percent, two decimals.

The counts are sums of the village-year rollup rows (:mod:`fupin.registry.rollups`, which
holds the SQL of these definitions), kept current inside every writing transaction.
"""

from __future__ import annotations

from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce, Substr

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, RuralPopulation
from fupin.areas.selectors import access_area, children_in_scope, incidence

from .models import Household, YearFact
from .rollups import FIGURES

STAT_KEYS = (
    "identified_households",
    "identified_persons",
    "poor_households",
    "poor_persons",
    "exited_households",
    "exited_persons",
    "relapsed_households",
    "relapsed_persons",
    "rural_population",
    "incidence",
)


def _fact_sums(fact_rows, prefix_len: int | None = None, by_year: bool = False):
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


def _population(pop_rows, year: int, prefix_len: int | None = None):
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


def _empty() -> dict:
    return {key: 0 for key in STAT_KEYS if key != "incidence"}


def area_stats(user, code: str, year: int) -> dict:
    """Return the yearly figures of area ``code`` as the user's scope sees them."""
    access_area(user, code)
    facts = YearFact.objects.filter(year=year).accessible_to(user).within(code)
    pop_rows = RuralPopulation.objects.accessible_to(user).within(code)
    result = _empty()
    result.update(_fact_sums(facts))
    result["rural_population"] = _population(pop_rows, year)
    result["incidence"] = incidence(result["poor_persons"], result["rural_population"])
    return result


def area_series(user, code: str, years) -> list[tuple[int, dict]]:
    """Return the figures of area ``code`` for each of ``years`` (two queries in all)."""
    access_area(user, code)
    years = list(years)
    facts = YearFact.objects.filter(year__in=years).accessible_to(user).within(code)
    by_year = _fact_sums(facts, by_year=True)
    pop_rows = RuralPopulation.objects.filter(year__lte=max(years)).accessible_to(user).within(code)
    populations = {
        r["year"]: r["total"] for r in pop_rows.values("year").annotate(total=Sum("population"))
    }
    out = []
    for year in years:
        figures = _empty()
        figures.update(by_year.get(year, {}))
        known = [y for y in populations if y <= year]
        figures["rural_population"] = populations[max(known)] if known else 0
        figures["incidence"] = incidence(figures["poor_persons"], figures["rural_population"])
        out.append((year, figures))
    return out


def child_stats(user, area: Area, year: int) -> list[tuple[Area, dict]]:
    """Return the figures of each child of ``area`` in the user's scope, in code order."""
    child_level = CHILD_LEVEL.get(area.level)
    if child_level is None:
        return []
    prefix_len = LEVEL_DIGITS[child_level]
    children = children_in_scope(user, area)
    facts = YearFact.objects.filter(year=year).accessible_to(user).within(area.code)
    pop_rows = RuralPopulation.objects.accessible_to(user).within(area.code)
    by_fact = _fact_sums(facts, prefix_len)
    by_pop = _population(pop_rows, year, prefix_len)
    out = []
    for child in children:
        figures = _empty()
        figures.update(by_fact.get(child.code, {}))
        figures["rural_population"] = by_pop.get(child.code, 0)
        figures["incidence"] = incidence(figures["poor_persons"], figures["rural_population"])
        out.append((child, figures))
    return out


def tree_nodes(user, areas: list[Area]) -> list[dict]:
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
