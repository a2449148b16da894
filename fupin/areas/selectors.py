"""Reads of areas and of the figures per area and year, already scoped.

:func:`area_stats` (and :func:`area_series`, its form over several years) is *the* selector
of the registry's yearly figures: the area overview page,
its JSON twin (``/api/areas/<code>/stats/``), the demo's self-check and later the war map all
call it, so their numbers agree (docs/architecture.md rule 5). The figures:

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

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from fupin.registry.models import Household, YearFact
from fupin.registry.rollups import FIGURES

from .models import CHILD_LEVEL, LEVEL_DIGITS, Area, RuralPopulation
from .scope import prefixes_q, user_can_see_code, user_prefixes

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


def access_area(user, code: str) -> Area:
    """Return the area if the user's scope reaches it; the same 404 for missing and forbidden."""
    if not code or not user_can_see_code(user, code):
        raise Http404("区划不存在或不在您的权限范围内")
    try:
        return Area.objects.get(pk=code)
    except Area.DoesNotExist:
        raise Http404("区划不存在或不在您的权限范围内") from None


def areas_accessible_to(user):
    return Area.objects.filter(prefixes_q("code", user_prefixes(user)))


def user_root_areas(user) -> list[Area]:
    """Return the top areas of the user's scope (the start of every drill-down)."""
    prefixes = user_prefixes(user)
    if "" in prefixes:
        return list(Area.objects.filter(level="prefecture")) or list(
            Area.objects.filter(parent__isnull=True)
        )
    return list(Area.objects.filter(code__in=prefixes))


def breadcrumbs(user, area: Area) -> list[Area]:
    """Return the ancestors of ``area`` inside the user's scope, then ``area`` itself."""
    codes_ = [c for c in area.ancestor_codes() if user_can_see_code(user, c)]
    found = {a.code: a for a in Area.objects.filter(code__in=codes_)}
    return [found[c] for c in codes_ if c in found] + [area]


def _scoped(qs, user, code: str):
    """Limit a village-coded queryset to ``code`` intersected with the user's scope."""
    return qs.filter(prefixes_q("village_id", (code,))).filter(
        prefixes_q("village_id", user_prefixes(user))
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


def incidence(poor_persons: int, rural_population: int) -> Decimal | None:
    if not rural_population:
        return None
    value = Decimal(poor_persons * 100) / Decimal(rural_population)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _empty() -> dict:
    return {key: 0 for key in STAT_KEYS if key != "incidence"}


def area_stats(user, code: str, year: int) -> dict:
    """Return the yearly figures of area ``code`` as the user's scope sees them."""
    access_area(user, code)
    facts = _scoped(YearFact.objects.filter(year=year), user, code)
    pop_rows = _scoped(RuralPopulation.objects.all(), user, code)
    result = _empty()
    result.update(_fact_sums(facts))
    result["rural_population"] = _population(pop_rows, year)
    result["incidence"] = incidence(result["poor_persons"], result["rural_population"])
    return result


def area_series(user, code: str, years) -> list[tuple[int, dict]]:
    """Return the figures of area ``code`` for each of ``years`` (two queries in all)."""
    access_area(user, code)
    years = list(years)
    facts = _scoped(YearFact.objects.filter(year__in=years), user, code)
    by_year = _fact_sums(facts, by_year=True)
    pop_rows = _scoped(RuralPopulation.objects.filter(year__lte=max(years)), user, code)
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
    facts = _scoped(YearFact.objects.filter(year=year), user, area.code)
    pop_rows = _scoped(RuralPopulation.objects.all(), user, area.code)
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


def children_in_scope(user, area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).filter(prefixes_q("code", user_prefixes(user))))


def tree_nodes(user, areas: list[Area]) -> list[dict]:
    """Return tree nodes for ``areas`` (siblings): each with its household and sub-area counts.

    Two grouped queries for the whole level, whatever the number of nodes.
    """
    if not areas:
        return []
    digits = len(areas[0].code)
    codes_ = [a.code for a in areas]
    scoped = Household.objects.accessible_to(user).filter(prefixes_q("village_id", codes_))
    households = {
        r["prefix"]: r["n"]
        for r in scoped.annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix")
        .annotate(n=Count("id"))
    }
    sub = {
        r["parent_id"]: r["n"]
        for r in Area.objects.filter(parent_id__in=codes_)
        .filter(prefixes_q("code", user_prefixes(user)))
        .values("parent_id")
        .annotate(n=Count("code"))
    }
    return [
        {"area": a, "households": households.get(a.code, 0), "children": sub.get(a.code, 0)}
        for a in areas
    ]
