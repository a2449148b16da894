"""How clean an area's registry data is: its flags by status, per rule, and the quality index.

The one selector of the data-quality page, ``/api/areas/<code>/data-quality/`` and the war
map's column (docs/data-quality.md, "数据质量指数"). Every figure is a sum over the area's
villages: one grouped query over the flags of the year (village, kind, status, rule), one
over the households of the year (their status rows of the year), one over the latest
re-check's counts; the rows of the child areas are sums by code prefix.
"""

from __future__ import annotations

import dataclasses
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr

from fupin.areas import selectors as area_selectors
from fupin.registry.models import StatusRecord

from . import comparison, duplicates, recheck
from .models import Flag
from .recheck_models import RecheckCount, RecheckRun

# The weight of one open flag of each kind in the index: a comparison hit or a likely
# duplicate is a doubt about who is registered; a re-check finding is a field to complete.
WEIGHTS = {
    Flag.Kind.COMPARISON: Decimal(1),
    Flag.Kind.DUPLICATE: Decimal(1),
    Flag.Kind.RECHECK: Decimal("0.5"),
}
# One weighted open flag per this many households takes the index to 0.
HOUSEHOLDS_PER_POINT_ZERO = 10


@dataclasses.dataclass
class RuleCount:
    rule_code: str
    label: str
    kind: str
    open: int = 0
    total: int = 0


@dataclasses.dataclass
class AreaQuality:
    code: str
    name: str
    households: int = 0
    flags_open: int = 0
    flags_confirmed: int = 0
    flags_dismissed: int = 0
    duplicates_open: int = 0
    recheck_open: int = 0
    weighted_open: Decimal = Decimal(0)
    quality_index: Decimal | None = None
    # Open flags per rule code.
    rule_counts: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class DataQuality:
    year: int
    area: AreaQuality
    children: list[AreaQuality]
    rules: list[RuleCount]
    # The latest re-check of the year over this area: its date and what each rule found.
    recheck_day: str | None
    recheck_counts: dict[str, int]


def rule_label(rule_code: str) -> str:
    label = (
        recheck.RULES.get(rule_code)
        or duplicates.RULES.get(rule_code)
        or comparison.RULE_LABELS.get(rule_code)
    )
    return str(label) if label else rule_code


def quality_index(weighted_open: Decimal, households: int) -> Decimal | None:
    """100 × (1 − 10 × weighted open flags ÷ households), within 0–100, to one place."""
    if households <= 0:
        return None if weighted_open == 0 else Decimal(0)
    value = Decimal(100) * (1 - HOUSEHOLDS_PER_POINT_ZERO * weighted_open / households)
    value = min(Decimal(100), max(Decimal(0), value))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _finish(row: AreaQuality) -> AreaQuality:
    row.quality_index = quality_index(row.weighted_open, row.households)
    row.weighted_open = row.weighted_open.quantize(Decimal("0.1"))
    return row


def data_quality(user, code: str, year: int) -> DataQuality:
    """The data-quality figures of area ``code`` in ``year`` and of its child areas in scope."""
    area = area_selectors.access_area(user, code)
    children = area_selectors.children_in_scope(user, area) if len(code) < 12 else []
    children.sort(key=lambda a: a.code)
    width = len(children[0].code) if children else len(code)
    rows = {c.code: AreaQuality(c.code, c.name) for c in children}
    total = AreaQuality(area.code, area.name)
    rules: dict[str, RuleCount] = {}

    def targets(village: str) -> list[AreaQuality]:
        child = rows.get(village[:width])
        return [total, child] if child is not None else [total]

    flags = (
        Flag.objects.accessible_to(user)
        .within(code)
        .filter(year=year)
        .order_by()
        .values("village_id", "kind", "status", "rule_code")
        .annotate(n=Count("id"))
    )
    for f in flags:
        n = f["n"]
        rule = rules.setdefault(
            f["rule_code"], RuleCount(f["rule_code"], rule_label(f["rule_code"]), f["kind"])
        )
        rule.total += n
        is_open = f["status"] == Flag.Status.OPEN
        if is_open:
            rule.open += n
        for row in targets(f["village_id"]):
            if is_open:
                row.flags_open += n
                row.weighted_open += WEIGHTS.get(f["kind"], Decimal(1)) * n
                row.rule_counts[f["rule_code"]] = row.rule_counts.get(f["rule_code"], 0) + n
                if f["kind"] == Flag.Kind.DUPLICATE:
                    row.duplicates_open += n
                elif f["kind"] == Flag.Kind.RECHECK:
                    row.recheck_open += n
            elif f["status"] == Flag.Status.CONFIRMED:
                row.flags_confirmed += n
            else:
                row.flags_dismissed += n

    households = (
        StatusRecord.objects.accessible_to(user)
        .within(code)
        .filter(year=year)
        .order_by()
        .values("village_id")
        .annotate(n=Count("id"))
    )
    for h in households:
        for row in targets(h["village_id"]):
            row.households += h["n"] or 0

    recheck_day, recheck_counts = _latest_recheck(user, code, year)
    return DataQuality(
        year=year,
        area=_finish(total),
        children=[_finish(rows[c.code]) for c in children],
        rules=sorted(rules.values(), key=lambda r: (r.kind, r.rule_code)),
        recheck_day=recheck_day,
        recheck_counts=recheck_counts,
    )


def _latest_recheck(user, code: str, year: int) -> tuple[str | None, dict[str, int]]:
    """The latest run of ``year`` that covered ``code`` (the whole registry or an area above)."""
    covering = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    run = (
        RecheckRun.objects.filter(
            day__year=year, area_code__in=["", *covering], finished_at__isnull=False
        )
        .order_by("-day", "-pk")
        .first()
    )
    if run is None:
        return None, {}
    counts = (
        RecheckCount.objects.accessible_to(user)
        .within(code)
        .filter(run=run)
        .order_by()
        .values("rule_code")
        .annotate(n=Sum("found"))
    )
    return run.day.isoformat(), {c["rule_code"]: c["n"] for c in counts}


def county_indexes(user, codes_: list[str], year: int) -> dict[str, Decimal | None]:
    """The quality index of each county of ``codes_``: one grouped query of the flags and one
    of the status rows over the prefix the counties share (a province's hundred counties
    included), counted per county by the database."""
    if not codes_:
        return {}
    shared = os.path.commonprefix(codes_)
    county = Substr("village_id", 1, 6)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    for f in (
        Flag.objects.accessible_to(user)
        .within(shared)
        .filter(year=year, status=Flag.Status.OPEN)
        .order_by()
        .annotate(county=county)
        .values("county", "kind")
        .annotate(n=Count("id"))
    ):
        weighted[f["county"]] += WEIGHTS.get(f["kind"], Decimal(1)) * f["n"]
    households = area_selectors.county_totals(
        StatusRecord.objects.accessible_to(user).within(shared).filter(year=year), Count("id")
    )
    return {c: quality_index(weighted[c], households.get(c, 0)) for c in codes_}
