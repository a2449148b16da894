"""Reads of areas and of the figures per area and year, already scoped.

:func:`area_stats` is *the* selector of the registry's yearly figures: the area overview page,
its JSON twin (``/api/areas/<code>/stats/``), the demo's self-check and later the war map all
call it, so their numbers agree (ARCHITECTURE rule 5). The figures:

* ``identified_households`` / ``identified_persons`` — households first identified in the year
  (``Household.identified_year``), persons as that year's status row counts them;
* ``poor_households`` / ``poor_persons`` — status 未脱贫 or 返贫 at the end of the year;
* ``exited_households`` / ``exited_persons`` — poor (or relapsed) at the end of the year before,
  or first identified this year, and exited at the end of this one;
* ``relapsed_households`` / ``relapsed_persons`` — exited the year before, 返贫 this year;
* ``rural_population`` — from the village rows of the latest year up to this one;
* ``incidence`` — poor persons ÷ rural population, in percent, two decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from fupin.registry import codes
from fupin.registry.models import Household, StatusRecord

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


def _status_figures(status_rows, year: int, prefix_len: int | None = None):
    """Aggregate one year's status rows, whole or grouped by a code prefix."""
    previous = StatusRecord.objects.filter(household_id=OuterRef("household_id"), year=year - 1)
    rows = status_rows.filter(year=year).annotate(
        was_poor=Exists(previous.filter(status__in=codes.POOR_STATUSES)),
        was_exited=Exists(previous.filter(status__in=codes.EXITED_STATUSES)),
    )
    poor = Q(status__in=codes.POOR_STATUSES)
    # A household identified and exited in the same year (e.g. 2014, the first year of the
    # registry) has no earlier row: it counts as an exit of that year.
    exited = Q(status__in=codes.EXITED_STATUSES) & (
        Q(was_poor=True) | Q(household__identified_year=year)
    )
    relapsed = Q(status=codes.Status.RELAPSED, was_exited=True)
    aggregates = {
        "poor_households": Count("id", filter=poor),
        "poor_persons": Coalesce(Sum("members_count", filter=poor), 0),
        "exited_households": Count("id", filter=exited),
        "exited_persons": Coalesce(Sum("members_count", filter=exited), 0),
        "relapsed_households": Count("id", filter=relapsed),
        "relapsed_persons": Coalesce(Sum("members_count", filter=relapsed), 0),
    }
    if prefix_len is None:
        return rows.aggregate(**aggregates)
    return {
        r.pop("prefix"): r
        for r in rows.annotate(prefix=Substr("village_id", 1, prefix_len))
        .values("prefix")
        .annotate(**aggregates)
    }


def _identified_figures(status_rows, year: int, prefix_len: int | None = None):
    rows = status_rows.filter(year=year, household__identified_year=year)
    aggregates = {
        "identified_households": Count("id"),
        "identified_persons": Coalesce(Sum("members_count"), 0),
    }
    if prefix_len is None:
        return rows.aggregate(**aggregates)
    return {
        r.pop("prefix"): r
        for r in rows.annotate(prefix=Substr("village_id", 1, prefix_len))
        .values("prefix")
        .annotate(**aggregates)
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
    status_rows = _scoped(StatusRecord.objects.all(), user, code)
    pop_rows = _scoped(RuralPopulation.objects.all(), user, code)
    result = _empty()
    result.update(_status_figures(status_rows, year))
    result.update(_identified_figures(status_rows, year))
    result["rural_population"] = _population(pop_rows, year)
    result["incidence"] = incidence(result["poor_persons"], result["rural_population"])
    return result


def child_stats(user, area: Area, year: int) -> list[tuple[Area, dict]]:
    """Return the figures of each child of ``area`` in the user's scope, in code order."""
    child_level = CHILD_LEVEL.get(area.level)
    if child_level is None:
        return []
    prefix_len = LEVEL_DIGITS[child_level]
    children = children_in_scope(user, area)
    status_rows = _scoped(StatusRecord.objects.all(), user, area.code)
    pop_rows = _scoped(RuralPopulation.objects.all(), user, area.code)
    by_status = _status_figures(status_rows, year, prefix_len)
    by_ident = _identified_figures(status_rows, year, prefix_len)
    by_pop = _population(pop_rows, year, prefix_len)
    out = []
    for child in children:
        figures = _empty()
        figures.update(by_status.get(child.code, {}))
        figures.update(by_ident.get(child.code, {}))
        figures["rural_population"] = by_pop.get(child.code, 0)
        figures["incidence"] = incidence(figures["poor_persons"], figures["rural_population"])
        out.append((child, figures))
    return out


def stats_years(user) -> list[int]:
    """Return the years that have status rows in the user's scope, ascending."""
    years = (
        StatusRecord.objects.accessible_to(user)
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    return list(years)


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
