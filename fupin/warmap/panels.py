"""The war map's second set of panels: 脱贫分工分解图, 项目资金分配图 and 作战系统分工图.

Each is ``panel(user, area, year) -> dict`` like those of :mod:`.selectors` (which lists them
in ``PANELS``); every query is limited to the area and the user's scope and grouped in the
database, so the number of queries does not grow with the records.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Substr

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, Level
from fupin.areas.selectors import incidence
from fupin.assistance.models import Link
from fupin.command import selectors as command_selectors
from fupin.duties import selectors as duty_selectors
from fupin.funds.models import Allocation, Fund, ProjectType, Source

from .models import PlanFact

# A unit's leaders and departments are listed by name up to this many; beyond, only counted.
NAMES_SHOWN = 5
FEN = Decimal("0.01")
WAN = Decimal(10000)


def _units(user, area: Area) -> list[Area]:
    from fupin.areas import selectors as area_selectors

    if area.level == Level.VILLAGE:
        return [area]
    return area_selectors.children_in_scope(user, area)


def _active_in(year: int) -> Q:
    return Q(start_date__year__lte=year) & (Q(end_date__isnull=True) | Q(end_date__year__gte=year))


def division(user, area: Area, year: int) -> dict:
    """脱贫分工分解图: per unit, the year's target (households planned out in ``year``), the
    actual exits of ``year``, progress = exits ÷ target, the linked leaders (领导联系苏木乡镇)
    and departments (部门/副职包联嘎查村) active in the year, and the unit's duty-list figures.
    """
    units = _units(user, area)
    digits = len(units[0].code) if units else len(area.code)
    facts = (
        PlanFact.objects.accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, digits))
    )

    target, exited = {}, {}
    for r in (
        facts.filter(Q(planned_exit_year=year) | Q(exit_year=year))
        .values("prefix")
        .annotate(
            th=Sum("households", filter=Q(planned_exit_year=year)),
            tp=Sum("persons", filter=Q(planned_exit_year=year)),
            eh=Sum("households", filter=Q(exit_year=year)),
            ep=Sum("persons", filter=Q(exit_year=year)),
        )
    ):
        target[r["prefix"]] = (r["th"] or 0, r["tp"] or 0)
        exited[r["prefix"]] = (r["eh"] or 0, r["ep"] or 0)

    # A village's leader is the one linked to its township (the link sits on the township).
    links = Link.objects.within(area.code)
    if area.level == Level.VILLAGE:
        links |= Link.objects.filter(area_id=area.code[:9])
    links = (
        links.accessible_to(user)
        .filter(_active_in(year))
        .values("area_id", "kind", "cadre_id", "cadre__name", "cadre__unit", "department")
        .order_by("area_id", "kind", "pk")
    )
    leaders = defaultdict(dict)
    departments = defaultdict(dict)
    for link in links:
        unit = area.code if area.level == Level.VILLAGE else link["area_id"][:digits]
        if link["kind"] == Link.Kind.LEADER_TOWNSHIP:
            if link["cadre_id"]:
                leaders[unit].setdefault(link["cadre_id"], link["cadre__name"])
        else:
            name = link["department"] or link["cadre__unit"] or link["cadre__name"] or ""
            if name:
                departments[unit].setdefault(name, name)

    level = CHILD_LEVEL.get(area.level) or area.level
    duties = {
        r.code: r
        for r in duty_selectors.ranking(user, area.code, level, year)
        if r.code in {u.code for u in units}
    }

    rows = []
    for unit in units:
        t = target.get(unit.code, (0, 0))
        e = exited.get(unit.code, (0, 0))
        lead = list(leaders.get(unit.code, {}).values())
        dept = list(departments.get(unit.code, {}).values())
        duty = duties.get(unit.code)
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "target_households": t[0],
                "target_persons": t[1],
                "exited_households": e[0],
                "exited_persons": e[1],
                "progress": incidence(e[0], t[0]),
                "leaders": lead[:NAMES_SHOWN],
                "leaders_count": len(lead),
                "departments": dept[:NAMES_SHOWN],
                "departments_count": len(dept),
                "tasks": duty.tasks if duty else 0,
                "tasks_done": duty.done if duty else 0,
                "tasks_overdue": duty.overdue if duty else 0,
                "duty_score": duty.score if duty else None,
                "duty_rank": duty.rank if duty else None,
            }
        )
    total = {
        key: sum(r[key] for r in rows)
        for key in (
            "target_households",
            "target_persons",
            "exited_households",
            "exited_persons",
            "tasks",
            "tasks_done",
            "tasks_overdue",
        )
    }
    total["progress"] = incidence(total["exited_households"], total["target_households"])
    return {"year": year, "duty_level": str(level), "rows": rows, "total": total}


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(FEN)


def funds_flow(user, area: Area, year: int) -> dict:
    """项目资金分配图: the funds held within the area and received in ``year``, as flows
    source → holder (the league itself or a county, after transfers) → project type → where
    the projects are (the area's units one level down), and each holder's unallocated
    remainder. Amounts are exact yuan (Decimal).

    What a holder *keeps* of a fund is its amount less what was transferred down from it (the
    transfer is a fund of its own, counted at its holder); what it keeps goes to allocations
    (by project type) or stays as the remainder.
    """
    funds = Fund.objects.accessible_to(user).within(area.code).filter(received_on__year=year)
    received = defaultdict(lambda: Decimal(0))
    for r in (
        funds.annotate(holder=Substr("area_id", 1, 6))
        .values("source", "holder")
        .annotate(s=Sum("amount"))
    ):
        received[(r["source"], r["holder"])] += _money(r["s"])
    for r in (
        Fund.objects.filter(parent__in=funds)
        .annotate(holder=Substr("parent__area_id", 1, 6))
        .values("parent__source", "holder")
        .annotate(s=Sum("amount"))
    ):
        received[(r["parent__source"], r["holder"])] -= _money(r["s"])
    allocated = defaultdict(lambda: Decimal(0))
    placed = defaultdict(lambda: Decimal(0))
    # A project at a level above the units (e.g. a county's own) stays under its own code.
    digits = LEVEL_DIGITS[CHILD_LEVEL.get(area.level, area.level)]
    for r in (
        Allocation.objects.filter(fund__in=funds)
        .annotate(holder=Substr("fund__area_id", 1, 6), place=Substr("project__area_id", 1, digits))
        .values("fund__source", "holder", "project__type", "place")
        .annotate(s=Sum("amount"))
    ):
        amount = _money(r["s"])
        allocated[(r["fund__source"], r["holder"], r["project__type"])] += amount
        placed[(r["project__type"], r["place"])] += amount

    holders = sorted({h for _s, h in received} | {h for _s, h, _t in allocated})
    codes = set(holders) | {place for _t, place in placed}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    sources = dict(Source.choices)
    types = dict(ProjectType.choices)
    by_source = defaultdict(lambda: Decimal(0))
    by_holder = {h: {"kept": Decimal(0), "allocated": Decimal(0)} for h in holders}
    by_type = defaultdict(lambda: Decimal(0))
    source_holder = []
    for (source, holder), amount in sorted(received.items()):
        if not amount:
            continue
        source_holder.append(
            {
                "source": source,
                "source_label": str(sources.get(source, source)),
                "holder": holder,
                "holder_name": names.get(holder, holder),
                "amount": amount,
            }
        )
        by_source[source] += amount
        by_holder[holder]["kept"] += amount
    holder_type = defaultdict(lambda: Decimal(0))
    for (_source, holder, kind), amount in allocated.items():
        holder_type[(holder, kind)] += amount
        by_holder[holder]["allocated"] += amount
        by_type[kind] += amount
    holder_rows = []
    for holder in holders:
        kept, alloc = by_holder[holder]["kept"], by_holder[holder]["allocated"]
        holder_rows.append(
            {
                "holder": holder,
                "holder_name": names.get(holder, holder),
                "kept": kept,
                "allocated": alloc,
                "remainder": kept - alloc,
            }
        )
    type_rows = [
        {
            "holder": holder,
            "holder_name": names.get(holder, holder),
            "type": kind,
            "type_label": str(types.get(kind, kind)),
            "amount": amount,
        }
        for (holder, kind), amount in sorted(holder_type.items())
    ]
    total_kept = sum(by_source.values(), Decimal(0))
    total_allocated = sum(by_type.values(), Decimal(0))
    return {
        "year": year,
        "sources": [
            {"source": s, "label": str(sources[s]), "amount": by_source[s]}
            for s in Source.values
            if by_source.get(s)
        ],
        "types": [
            {"type": t, "label": str(types[t]), "amount": by_type[t]}
            for t in ProjectType.values
            if by_type.get(t)
        ],
        "source_holder": source_holder,
        "holders": holder_rows,
        "holder_type": type_rows,
        "type_place": [
            {
                "type": kind,
                "type_label": str(types.get(kind, kind)),
                "place": place,
                "place_name": names.get(place, place),
                "amount": amount,
            }
            for (kind, place), amount in sorted(placed.items())
        ],
        "total": {
            "kept": total_kept,
            "allocated": total_allocated,
            "remainder": total_kept - total_allocated,
        },
    }


def wan(amount: Decimal) -> float:
    # Display only (the chart): the tables print the exact yuan.
    return float((amount / WAN).quantize(Decimal("0.0001")))


def command(user, area: Area, year: int) -> dict:
    """作战系统分工图: the 井 of the command app (its selector and chart data); the unit list
    stays on the command page, which the panel links to."""
    data = command_selectors.command_overview(user, area.code)
    data["chart"]["texts"] = command_selectors.chart_texts()
    return {
        "counts": data["counts"],
        "kinds": [
            {"kind": str(kind.value), "label": str(kind.label), "count": len(units)}
            for kind, units in data["groups"]
        ],
        "counties": data["counties"],
        "counted_kinds": [
            {"kind": str(k.value), "label": str(k.label)} for k in data["counted_kinds"]
        ],
        "chart": data["chart"],
    }
