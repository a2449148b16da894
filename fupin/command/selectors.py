"""Reads of the command structure, already scoped: the units in an area, counted per county,
and the chart's data (the page draws it; the table below the chart prints the same rows)."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.areas.selectors import access_area

from .models import HORIZONTALS, TOP, VERTICALS, CommandMember, CommandUnit, Kind

# The chart lists the units of a line by name up to this many; beyond it, only the count.
CHART_NAMES = 12
COUNTED = (
    Kind.VERTICAL_DEPARTMENT,
    Kind.VERTICAL_WORK_TEAM,
    Kind.HORIZONTAL_PARTY_COMMITTEE,
    Kind.HORIZONTAL_SUPERVISION,
)


def units_in(user, code: str):
    """Command units inside area ``code`` that the user's scope reaches."""
    return CommandUnit.objects.accessible_to(user).within(code)


def command_structure(user, code: str) -> dict:
    """The structure in area ``code``: units by kind, member counts, counts per county, chart.

    A bounded number of queries: units (with leader, parent and area), member counts grouped
    by unit, counts grouped by county and kind, county names.
    """
    area = access_area(user, code)
    units = list(
        units_in(user, area.code)
        .select_related("leader", "parent", "area")
        .order_by("area_id", "kind", "order", "pk")
    )
    members = dict(
        CommandMember.objects.accessible_to(user)
        .within(area.code)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    top_members = defaultdict(list)
    for member in (
        CommandMember.objects.accessible_to(user)
        .within(area.code)
        .filter(unit__kind__in=TOP)
        .select_related("cadre")
        .order_by("unit_id", "order", "pk")
    ):
        top_members[member.unit_id].append(member)
    by_kind: dict[str, list] = {kind: [] for kind in Kind.values}
    for unit in units:
        unit.member_count = members.get(unit.pk, 0)
        unit.top_members = top_members.get(unit.pk, [])
        by_kind[unit.kind].append(unit)
    counties = _per_county(user, area)
    return {
        "area": area,
        "units": units,
        "groups": [(Kind(kind), by_kind[kind]) for kind in Kind.values],
        "counts": {kind: len(by_kind[kind]) for kind in Kind.values},
        "counties": counties,
        "counted_kinds": [Kind(k) for k in COUNTED],
        "chart": chart_data(by_kind),
    }


def _per_county(user, area) -> list[dict]:
    """The counted kinds per county inside ``area`` (one grouped query and the names)."""
    per_county_rows = (
        units_in(user, area.code)
        .filter(kind__in=COUNTED)
        .annotate(county=Substr("area_id", 1, 6))
        .values("county", "kind")
        .annotate(n=Count("pk"))
    )
    per_county: dict[str, dict] = defaultdict(lambda: {kind: 0 for kind in COUNTED})
    for row in per_county_rows:
        if len(row["county"]) == 6:
            per_county[row["county"]][row["kind"]] = row["n"]
    names = dict(
        Area.objects.filter(code__in=list(per_county))
        .accessible_to(user)
        .values_list("code", "name")
    )
    return [
        {"code": c, "name": names.get(c, c), "counts": [per_county[c][k] for k in COUNTED]}
        for c in sorted(per_county)
    ]


def command_overview(user, code: str) -> dict:
    """The counts and the chart of :func:`command_structure` without the unit objects (the
    war map's 作战系统分工图): one narrow read of the units' kind, name and leader, then the
    per-county counts — the chart is the same :func:`chart_data`."""
    area = access_area(user, code)
    by_kind: dict[str, list] = {kind: [] for kind in Kind.values}
    for kind, name, leader, leader_name in (
        units_in(user, area.code)
        .order_by("area_id", "kind", "order", "pk")
        .values_list("kind", "name", "leader__name", "leader_name")
    ):
        by_kind[kind].append(
            SimpleNamespace(kind=kind, name=name, leader_display=leader or leader_name)
        )
    return {
        "area": area,
        "counts": {kind: len(by_kind[kind]) for kind in Kind.values},
        "groups": [(Kind(kind), by_kind[kind]) for kind in Kind.values],
        "counties": _per_county(user, area),
        "counted_kinds": [Kind(k) for k in COUNTED],
        "chart": chart_data(by_kind),
    }


def chart_data(by_kind: dict) -> dict:
    """The chart's data: the top (统领) by name, each line (纵/横) with its count and names."""

    def line(kind):
        units = by_kind.get(kind, [])
        return {
            "kind": str(kind),
            "label": str(Kind(kind).label),
            "count": len(units),
            "names": [u.name for u in units[:CHART_NAMES]],
        }

    return {
        "top": [
            {
                "kind": str(u.kind),
                "label": str(Kind(u.kind).label),
                "name": u.name,
                "leader": u.leader_display,
            }
            for kind in TOP
            for u in by_kind.get(kind, [])[:3]
        ],
        "verticals": [line(kind) for kind in VERTICALS],
        "horizontals": [line(kind) for kind in HORIZONTALS],
    }


def chart_texts() -> dict:
    """The chart's words (static/command/jing.js holds no text of its own)."""
    return {
        "title": _("“井”字型作战体系"),
        "verticals": _("两纵"),
        "horizontals": _("两横"),
        "top": _("统领"),
        "leader": _("负责人"),
        "more": _("等 {n} 个"),
        "units": _("{n} 个"),
        "none": _("尚未建立"),
    }
