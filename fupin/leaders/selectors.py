"""The one reading of entrepreneurship leaders (docs/leaders.md §Figures): the page, its
export, the API and the demo's tests all call :func:`leader_figures`.

For an area and a year:

* ``leaders`` — leader records of the area (by the leader's area) that had started by the
  end of the year (``since`` empty or in/before the year);
* ``households`` — distinct households of the area (by the household's village) with a link
  active in the year (``since`` ≤ 31 Dec, ``until`` empty or ≥ 1 Jan); a household linked to
  two leaders counts once;
* ``persons`` — the present members of those households (``Household.members_count``);
* ``income`` — the sum of the year's :class:`LeaderIncome` of the area's links.

A user sees only what the scope reaches: a village user sees the leaders of the village and
the village's households, even when the two are linked across villages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, Level
from fupin.areas.selectors import children_in_scope
from fupin.core.clock import as_of
from fupin.core.figures import serialized
from fupin.registry.models import Household

from .models import EntrepreneurLeader, LeaderIncome, LeaderLink

ZERO = Decimal("0.00")
# Sums come back quantized to the fen (SQLite adds decimals as floats).
MONEY = DecimalField(max_digits=16, decimal_places=2)


def default_year() -> int:
    """The last full year before the as-of day (2016 in the demo): incomes are yearly."""
    return as_of().year - 1


def active_q(year: int, prefix: str = "") -> Q:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Q(**{f"{prefix}since__lte": last}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": first})
    )


def leaders_in(user, code: str, year: int):
    return (
        EntrepreneurLeader.objects.accessible_to(user)
        .within(code)
        .filter(Q(since__isnull=True) | Q(since__lte=datetime.date(year, 12, 31)))
    )


def links_in(user, code: str, year: int):
    """The area's links active in ``year`` (by the household's village)."""
    return LeaderLink.objects.accessible_to(user).within(code).filter(active_q(year))


def incomes_in(user, code: str, year: int):
    return LeaderIncome.objects.accessible_to(user).within(code).filter(year=year)


@dataclass
class Figures:
    leaders: int = 0
    households: int = 0
    persons: int = 0
    income: Decimal = ZERO
    employ: int = 0  # households with an active 务工就业 link
    drive: int = 0  # households with an active 产业带动 link

    def as_dict(self) -> dict:
        return {
            "leaders": self.leaders,
            "households": self.households,
            "persons": self.persons,
            "income": self.income,
        }


@dataclass
class Result:
    area: Area
    year: int
    total: Figures
    rows: list[tuple[Area, Figures]] = field(default_factory=list)


def _grouped(qs, column: str, length: int | None, **aggregates) -> dict:
    """``{prefix: {name: value}}`` of ``qs`` grouped by the first ``length`` digits of
    ``column`` (one group ``""`` when ``length`` is None)."""
    key = Substr(column, 1, length) if length else Value("")
    rows = qs.annotate(_key=key).values("_key").annotate(**aggregates).order_by()
    return {row["_key"]: row for row in rows}


def _figures(user, code: str, year: int, length: int | None) -> dict[str, Figures]:
    """Figures per group of the first ``length`` digits (one group ``""`` for None)."""
    links = links_in(user, code, year)
    leaders = _grouped(leaders_in(user, code, year), "area_id", length, n=Count("id"))
    households = _grouped(
        # Within the area too: the county key of the national layout (docs/scale.md).
        Household.objects.within(code).filter(pk__in=links.values("household_id")),
        "village_id",
        length,
        n=Count("id"),
        persons=Coalesce(Sum("members_count"), 0),
    )
    kinds = {
        kind: _grouped(
            links.filter(kind=kind), "village_id", length, n=Count("household_id", distinct=True)
        )
        for kind in LeaderLink.Kind.values
    }
    incomes = _grouped(
        incomes_in(user, code, year),
        "village_id",
        length,
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
    )
    out = {}
    for key in set(leaders) | set(households) | set(incomes):
        out[key] = Figures(
            leaders=leaders.get(key, {}).get("n", 0),
            households=households.get(key, {}).get("n", 0),
            persons=households.get(key, {}).get("persons", 0),
            income=Decimal(incomes.get(key, {}).get("total", ZERO)).quantize(ZERO),
            employ=kinds[LeaderLink.Kind.EMPLOY].get(key, {}).get("n", 0),
            drive=kinds[LeaderLink.Kind.DRIVE].get(key, {}).get("n", 0),
        )
    return out


def leader_figures(user, area: Area, year: int, *, breakdown: bool = True) -> Result:
    """The figures of ``area`` in ``year`` and, with ``breakdown``, of each child area in the
    user's scope that has any. A bounded number of grouped queries whatever the area."""
    total = _figures(user, area.code, year, None).get("", Figures())
    result = Result(area, year, total)
    child_level = CHILD_LEVEL.get(Level(area.level))
    if breakdown and child_level:
        by_child = _figures(user, area.code, year, LEVEL_DIGITS[child_level])
        result.rows = [
            (child, by_child[child.code])
            for child in children_in_scope(user, area)
            if child.code in by_child
        ]
    return result


@dataclass(frozen=True)
class AreaLeaders:
    """One child area's figures in :class:`Leaders`."""

    code: str = field(metadata=serialized(_("区划代码")))
    name: str = field(metadata=serialized(_("区划名称")))
    leaders: int = field(metadata=serialized(_("致富带头人数")))
    households: int = field(metadata=serialized(_("带动贫困户数（去重）")))
    persons: int = field(metadata=serialized(_("带动贫困户人口")))
    income_yuan: Decimal = field(
        metadata=serialized(_("带动增收（元，两位小数）"), max_digits=16, decimal_places=2)
    )


@dataclass(frozen=True)
class Leaders:
    """The figures of an area and year with those of its children (the API serializes this)."""

    year: int = field(metadata=serialized(_("年度")))
    leaders: int = field(metadata=serialized(_("致富带头人数")))
    households: int = field(metadata=serialized(_("当年在带动期内的贫困户数（去重）")))
    persons: int = field(metadata=serialized(_("这些户的现有人口")))
    income_yuan: Decimal = field(
        metadata=serialized(_("当年带动增收合计（元，两位小数）"), max_digits=16, decimal_places=2)
    )
    areas: list[AreaLeaders] = field(metadata=serialized(_("下一级区划")))


def leader_summary(user, area: Area, year: int) -> Leaders:
    """:func:`leader_figures` of ``area`` and its children, as the API gives them."""
    result = leader_figures(user, area, year)
    total = result.total
    return Leaders(
        year=year,
        leaders=total.leaders,
        households=total.households,
        persons=total.persons,
        income_yuan=total.income,
        areas=[
            AreaLeaders(
                code=child.code,
                name=child.name,
                leaders=f.leaders,
                households=f.households,
                persons=f.persons,
                income_yuan=f.income,
            )
            for child, f in result.rows
        ],
    )


def leader_table(user, code: str, year: int):
    """The area's leaders with, per leader, the active households and the year's income the
    user may see (subqueries: one query for a page of leaders)."""
    households = (
        LeaderLink.objects.accessible_to(user)
        .filter(active_q(year), leader_id=OuterRef("pk"))
        .values("leader_id")
        .annotate(n=Count("household_id", distinct=True))
        .values("n")
    )
    income = (
        LeaderIncome.objects.accessible_to(user)
        .filter(year=year, link__leader_id=OuterRef("pk"))
        .values("link__leader_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        leaders_in(user, code, year)
        .select_related("party_member", "area")
        .annotate(
            n_households=Coalesce(Subquery(households, output_field=IntegerField()), 0),
            income=Coalesce(Subquery(income, output_field=MONEY), Value(ZERO), output_field=MONEY),
        )
        .order_by("area_id", "business_name", "pk")
    )


@dataclass
class LinkRow:
    link: LeaderLink
    active: bool
    incomes: dict[int, Decimal]


def leader_links(user, leader: EntrepreneurLeader, year: int) -> tuple[list[LinkRow], list[int]]:
    """The leader's links the user may see, each with its incomes per year; and the years."""
    links = list(
        LeaderLink.objects.accessible_to(user)
        .filter(leader=leader)
        .select_related("household", "village")
        .order_by("-since", "household__number", "pk")
    )
    incomes: dict[int, dict[int, Decimal]] = {}
    years: set[int] = set()
    for link_id, y, amount in LeaderIncome.objects.filter(
        link_id__in=[link.pk for link in links]
    ).values_list("link_id", "year", "amount"):
        incomes.setdefault(link_id, {})[y] = amount
        years.add(y)
    rows = [LinkRow(link, link.active_in(year), incomes.get(link.pk, {})) for link in links]
    return rows, sorted(years)
