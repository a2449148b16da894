"""The war map (挂图作战, docs/domain.md §3.8): every figure of the page and of its JSON twin.

One function per panel, each ``panel(user, area, year) -> dict`` of plain values; :data:`PANELS`
lists them and :func:`warmap` calls them all, so the page, ``/api/areas/<code>/warmap/`` and the
tests read the same numbers (docs/architecture.md rule 5). A later panel (division of labour, funds,
command structure) is one more function here, one more key in :data:`PANELS`, one more include
in the template.

Everything is scoped: the area goes through :func:`access_area`, every query through the
user's prefixes, and every figure is a sum over rollup rows (``registry.YearFact``,
``warmap.CauseFact``/``PlanFact``) grouped in the database, except the measures, which are
grouped straight from ``assistance.Measure`` (one indexed query per year).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas import selectors as area_selectors
from fupin.areas.models import CHILD_LEVEL, Area, Level, RuralPopulation
from fupin.areas.selectors import access_area, incidence
from fupin.assessment.models import CountyAssessment
from fupin.assistance.models import Measure, MeasureType
from fupin.core.clock import FIRST_YEAR, current_year
from fupin.core.figures import serialized, sometimes, typed
from fupin.core.viewers import Viewer
from fupin.quality.dataquality import county_indexes
from fupin.registry import codes
from fupin.registry import stats as registry_stats
from fupin.registry.models import StatusRecord, YearFact

from .models import CauseFact, PlanFact, RollupStamp

PLAN_END = 2020  # 2020: the national deadline the exit plans run to
HEADLINE_KEYS = (
    "poor_persons",
    "poor_households",
    "incidence",
    "identified_persons",
    "identified_households",
    "exited_persons",
    "exited_households",
    "relapsed_persons",
    "relapsed_households",
    "rural_population",
)
CHILD_KEYS = (
    "poor_households",
    "poor_persons",
    "incidence",
    "identified_households",
    "identified_persons",
    "exited_households",
    "exited_persons",
    "relapsed_households",
    "relapsed_persons",
    "rural_population",
)
VILLAGE_HOUSEHOLDS_MAX = 500


def years() -> list[int]:
    return list(range(FIRST_YEAR, current_year() + 1))


def _change(now, before):
    if now is None or before is None:
        return None
    return now - before


# -- Panels ------------------------------------------------------------------------------------


def headline(user: Viewer, area: Area, year: int) -> dict:
    """The area's figures of ``year`` and of the year before, with the change."""
    wanted = [y for y in (year - 1, year) if y >= FIRST_YEAR] or [year]
    series = dict(registry_stats.area_series(user, area.code, wanted))
    now = series[year]
    before = series.get(year - 1)
    return {
        key: {
            "value": getattr(now, key),
            "previous": getattr(before, key) if before else None,
            "change": _change(getattr(now, key), getattr(before, key)) if before else None,
        }
        for key in HEADLINE_KEYS
    }


def distribution(user: Viewer, area: Area, year: int) -> dict:
    """贫困人口分布图: each child area's figures (a village: its households of the year)."""
    child_level = CHILD_LEVEL.get(Level(area.level))
    out: dict[str, Any] = {
        "child_level": child_level or "",
        "choropleth": child_level == Level.COUNTY,
        "children": [],
        "households": [],
    }
    if child_level is not None:
        for child, figures in registry_stats.child_stats(user, area, year):
            row = {"code": child.code, "name": child.name}
            row.update({key: getattr(figures, key) for key in CHILD_KEYS})
            out["children"].append(row)
        return out
    rows = (
        StatusRecord.objects.filter(year=year)
        .accessible_to(user)
        .within(area.code)
        .within(area.code, field="household__village_id")
        .select_related("household")
        .order_by("-members_count", "household__number")[:VILLAGE_HOUSEHOLDS_MAX]
    )
    out["households"] = [
        {
            "id": r.household_id,
            "number": r.household.number,
            "head_name": r.household.head_name,
            "members": r.members_count,
            "status": r.status,
            "status_label": r.get_status_display(),
            "poor": r.status in codes.POOR_STATUSES,
        }
        for r in rows
    ]
    return out


def causes(user: Viewer, area: Area, year: int) -> dict:
    """致贫原因分析图: the year's poor households and persons by (current) main cause."""
    rows = (
        CauseFact.objects.filter(year=year)
        .accessible_to(user)
        .within(area.code)
        .values("cause")
        .annotate(households=Sum("households"), persons=Sum("persons"))
    )
    found = {r["cause"]: r for r in rows}
    total = sum(r["households"] for r in found.values())
    out = []
    for value, label in codes.Cause.choices:
        r = found.get(value)
        if not r:
            continue
        out.append(
            {
                "cause": value,
                "label": str(label),
                "households": r["households"],
                "persons": r["persons"],
                "share": incidence(r["households"], total),
            }
        )
    out.sort(key=lambda r: -r["households"])
    return {"causes": out, "households": total, "persons": sum(r["persons"] for r in out)}


def measures(user: Viewer, area: Area, year: int, poor_households: int | None = None) -> dict:
    """攻坚措施分项图: the year's measures by type — households reached, done, coverage."""
    rows = Measure.objects.filter(year=year).accessible_to(user).within(area.code)
    # A measure of year Y hangs on its household's one plan of year Y (assistance.services.
    # measure_create), so distinct plans are distinct households — without joining the plans.
    by_type = {
        r["type"]: r
        for r in rows.values("type").annotate(
            measures=Count("id"),
            done=Count("id", filter=Q(status=Measure.State.DONE)),
            households=Count("plan_id", distinct=True),
        )
    }
    reached = rows.aggregate(n=Count("plan_id", distinct=True))["n"]
    if poor_households is None:
        poor_households = headline(user, area, year)["poor_households"]["value"]
    out = []
    for value, label in MeasureType.choices:
        r = by_type.get(value)
        if not r:
            continue
        out.append(
            {
                "type": value,
                "label": str(label),
                "measures": r["measures"],
                "done": r["done"],
                "done_share": incidence(r["done"], r["measures"]),
                "households": r["households"],
                "coverage": incidence(r["households"], poor_households),
            }
        )
    total = sum(r["measures"] for r in out)
    done = sum(r["done"] for r in out)
    return {
        "types": out,
        "measures": total,
        "done": done,
        "done_share": incidence(done, total),
        "households": reached,
        "poor_households": poor_households,
        "coverage": incidence(reached, poor_households),
    }


def _units(user: Viewer, area: Area) -> list[Area]:
    """The rows of the tables: the area's children in scope, or the area itself (a village)."""
    if area.level == Level.VILLAGE:
        return [area]
    return area_selectors.children_in_scope(user, area)


def exit_plan(user: Viewer, area: Area, year: int) -> dict:
    """人脱贫计划表: households and persons per unit by planned and by actual exit year."""
    units = _units(user, area)
    digits = len(units[0].code) if units else len(area.code)
    facts = (
        PlanFact.objects.accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, digits))
    )
    planned: defaultdict[str, dict[int | None, tuple[int, int]]] = defaultdict(dict)
    for r in facts.values("prefix", "planned_exit_year").annotate(
        households=Sum("households"), persons=Sum("persons")
    ):
        planned[r["prefix"]][r["planned_exit_year"]] = (r["households"], r["persons"])
    actual: defaultdict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in (
        facts.filter(exit_year__isnull=False)
        .values("prefix", "exit_year")
        .annotate(households=Sum("households"), persons=Sum("persons"))
    ):
        actual[r["prefix"]][r["exit_year"]] = (r["households"], r["persons"])
    plan_years = sorted(
        {y for d in planned.values() for y in d if y is not None}
        | set(range(current_year(), PLAN_END + 1))
    )
    exit_years = sorted({y for d in actual.values() for y in d})

    def cells(found, wanted):
        return [
            {"year": y, "households": found.get(y, (0, 0))[0], "persons": found.get(y, (0, 0))[1]}
            for y in wanted
        ]

    rows = []
    for unit in units:
        p, a = planned.get(unit.code, {}), actual.get(unit.code, {})
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "level": unit.level,
                "planned": cells(p, plan_years),
                "unplanned": {
                    "households": p.get(None, (0, 0))[0],
                    "persons": p.get(None, (0, 0))[1],
                },
                "exited": cells(a, exit_years),
            }
        )

    def total(key, wanted):
        return [
            {
                "year": y,
                "households": sum(r[key][i]["households"] for r in rows),
                "persons": sum(r[key][i]["persons"] for r in rows),
            }
            for i, y in enumerate(wanted)
        ]

    return {
        "planned_years": plan_years,
        "exit_years": exit_years,
        "rows": rows,
        "total": {
            "planned": total("planned", plan_years),
            "exited": total("exited", exit_years),
            "unplanned": {
                "households": sum(r["unplanned"]["households"] for r in rows),
                "persons": sum(r["unplanned"]["persons"] for r in rows),
            },
        },
    }


def _county_codes(user: Viewer, area: Area) -> list[Area]:
    if area.level in (Level.PROVINCE, Level.PREFECTURE):
        return list(
            Area.objects.filter(level=Level.COUNTY)
            .within(area.code)
            .accessible_to(user)
            .order_by("code")
        )
    if area.level == Level.COUNTY:
        return [area]
    return []


def _passes(value, limit, *, above: bool = False):
    if value is None or limit is None:
        return None
    return value > limit if above else value < limit


def county_progress(user: Viewer, area: Area, year: int) -> dict:
    """县摘帽进度表: each county against the exit criteria of the assessment of ``year``."""
    counties = _county_codes(user, area)
    codes_ = [c.code for c in counties]
    found = {
        a.county_id: a
        for a in CountyAssessment.objects.accessible_to(user)
        .filter(year=year, county_id__in=codes_)
        .select_related("rule_set")
    }
    # The year the county's plan takes its last poor household out (from the households).
    plan_end: dict[str, int] = {}
    for r in (
        PlanFact.objects.filter(poor=True, planned_exit_year__isnull=False)
        .accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, 6))
        .values("prefix", "planned_exit_year")
        .distinct()
    ):
        plan_end[r["prefix"]] = max(plan_end.get(r["prefix"], 0), r["planned_exit_year"])
    quality = county_indexes(user, codes_, year)
    rows = []
    for county in counties:
        a = found.get(county.code)
        row = {"code": county.code, "name": county.name, "assessed": a is not None}
        row["planned_exit_year"] = plan_end.get(county.code)
        row["quality_index"] = quality.get(county.code)
        if a is None:
            rows.append(row)
            continue
        rules = a.rule_set
        row.update(
            {
                "rule_version": rules.version,
                "poor_persons": a.poor_persons,
                "rural_population": a.rural_population,
                "incidence": a.incidence,
                "incidence_max": rules.county_incidence_max,
                "incidence_ok": _passes(a.incidence, rules.county_incidence_max),
                "missed_rate": a.missed_rate,
                "missed_rate_max": rules.missed_rate_max,
                "missed_rate_ok": _passes(a.missed_rate, rules.missed_rate_max),
                "wrong_exit_rate": a.wrong_exit_rate,
                "wrong_exit_rate_max": rules.wrong_exit_rate_max,
                "wrong_exit_rate_ok": _passes(a.wrong_exit_rate, rules.wrong_exit_rate_max),
                "approval_rate": a.approval_rate,
                "approval_min": rules.approval_min,
                "approval_ok": _passes(a.approval_rate, rules.approval_min, above=True),
                "eligible": a.eligible,
                "reasons": list(a.reasons),
            }
        )
        rows.append(row)
    return {"year": year, "counties": rows}


def series(user: Viewer, area: Area, year: int) -> dict:
    """Poor persons and incidence per county from 2014 to now, and the planned path to 2020.

    The units are the league's counties (or the area itself below the league); the path is the
    persons of the households poor now whose planned exit year is after each year.
    """
    all_years = years()
    units = (
        _county_codes(user, area) if area.level in (Level.PROVINCE, Level.PREFECTURE) else [area]
    )
    digits = len(units[0].code) if units else len(area.code)
    facts = (
        YearFact.objects.filter(year__in=all_years)
        .accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, digits))
    )
    by_unit_year = {
        (r["prefix"], r["year"]): r
        for r in facts.values("prefix", "year").annotate(
            poor_persons=Sum("poor_persons"),
            identified_persons=Sum("identified_persons"),
            exited_persons=Sum("exited_persons"),
        )
    }
    pops = {
        (r["prefix"], r["year"]): r["total"]
        for r in RuralPopulation.objects.filter(year__lte=PLAN_END)
        .accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix", "year")
        .annotate(total=Sum("population"))
    }
    pending: defaultdict[str, dict[int | None, int]] = defaultdict(dict)
    for r in (
        PlanFact.objects.filter(poor=True)
        .accessible_to(user)
        .within(area.code)
        .annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix", "planned_exit_year")
        .annotate(persons=Sum("persons"))
    ):
        pending[r["prefix"]][r["planned_exit_year"]] = r["persons"]
    now = current_year()
    path_years = list(range(now, PLAN_END + 1))

    def population(prefix, y):
        known = [yy for (p, yy) in pops if p == prefix and yy <= y]
        return pops[(prefix, max(known))] if known else 0

    def unit_rows(prefixes):
        actual = []
        for y in all_years:
            poor = sum(by_unit_year.get((p, y), {}).get("poor_persons", 0) for p in prefixes)
            ident = sum(by_unit_year.get((p, y), {}).get("identified_persons", 0) for p in prefixes)
            exited = sum(by_unit_year.get((p, y), {}).get("exited_persons", 0) for p in prefixes)
            pop = sum(population(p, y) for p in prefixes)
            actual.append(
                {
                    "year": y,
                    "identified_persons": ident,
                    "exited_persons": exited,
                    "poor_persons": poor,
                    "rural_population": pop,
                    "incidence": incidence(poor, pop),
                }
            )
        planned = []
        for y in path_years:
            left = sum(
                n
                for p in prefixes
                for planned_year, n in pending.get(p, {}).items()
                if planned_year is None or planned_year > y
            )
            pop = sum(population(p, y) for p in prefixes)
            planned.append(
                {
                    "year": y,
                    "poor_persons": left,
                    "rural_population": pop,
                    "incidence": incidence(left, pop),
                }
            )
        return actual, planned

    out = []
    for unit in units:
        actual, planned = unit_rows([unit.code])
        out.append({"code": unit.code, "name": unit.name, "actual": actual, "planned": planned})
    actual, planned = unit_rows([u.code for u in units])
    return {
        "years": all_years,
        "path_years": path_years,
        "units": out,
        "area": {"code": area.code, "name": area.name, "actual": actual, "planned": planned},
    }


# The panels of the second part (division of labour, funds, command) live in .panels.
from .panels import command, division, funds_flow  # noqa: E402

PANELS = {
    "distribution": distribution,
    "causes": causes,
    "measures": measures,
    "exit_plan": exit_plan,
    "county_progress": county_progress,
    "series": series,
    "division": division,
    "funds": funds_flow,
    "command": command,
}


def refreshed_at():
    stamp = RollupStamp.objects.filter(name="warmap").first()
    return stamp.refreshed_at if stamp else None


def warmap(user: Viewer, code: str, year: int) -> dict:
    """Every figure of the war map of area ``code`` in ``year``, as the user's scope sees them."""
    area = access_area(user, code)
    data = {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "year": year,
        "as_of_year": current_year(),
        "refreshed_at": refreshed_at(),
        "headline": headline(user, area, year),
    }
    for key, panel in PANELS.items():
        if panel is measures:
            data[key] = measures(
                user, area, year, poor_households=data["headline"]["poor_households"]["value"]
            )
        else:
            data[key] = panel(user, area, year)
    return data


# -- the typed structure of :func:`warmap` (the API serializes this) -------------------------
#
# The panels stay dicts (the page and its charts read them as they are); :func:`warmap_figures`
# takes them into these dataclasses, whose fields and descriptions the API's serializer is
# derived from. The figures of a county's assessment are left out when it has none.


PCT = {"max_digits": 7, "decimal_places": 2, "coerce_to_string": False}


def _amount(help_text: Any = None, digits: int = 14) -> dict:
    return serialized(help_text, max_digits=digits, decimal_places=2, coerce_to_string=False)


def _pct(help_text: Any = None) -> dict:
    return _amount(help_text, digits=7)


def _yuan(help_text: Any = None) -> dict:
    return _amount(help_text, digits=16)


def _present(help_text: Any = None, **kwargs: Any) -> dict:
    """A figure of a county's assessment that is null without one, its key always there."""
    return serialized(help_text, required=True, **kwargs)


@dataclass(frozen=True)
class WarmapFigure:
    value: Decimal | None = field(metadata=_amount(_("本年")))
    previous: Decimal | None = field(metadata=_amount(_("上年")))
    change: Decimal | None = field(metadata=_amount(_("同比变化")))


@dataclass(frozen=True)
class WarmapHeadline:
    poor_persons: WarmapFigure = field(metadata=serialized(_("年末贫困人口")))
    poor_households: WarmapFigure = field(metadata=serialized(_("年末贫困户")))
    incidence: WarmapFigure = field(metadata=serialized(_("贫困发生率（%）")))
    identified_persons: WarmapFigure = field(metadata=serialized(_("当年识别人口")))
    identified_households: WarmapFigure = field(metadata=serialized(_("当年识别户")))
    exited_persons: WarmapFigure = field(metadata=serialized(_("当年脱贫人口")))
    exited_households: WarmapFigure = field(metadata=serialized(_("当年脱贫户")))
    relapsed_persons: WarmapFigure = field(metadata=serialized(_("当年返贫人口")))
    relapsed_households: WarmapFigure = field(metadata=serialized(_("当年返贫户")))
    rural_population: WarmapFigure = field(metadata=serialized(_("农村人口")))


@dataclass(frozen=True)
class WarmapChild:
    code: str
    name: str
    poor_households: int
    poor_persons: int
    incidence: Decimal | None = field(metadata=_pct(_("贫困发生率（%）")))
    identified_households: int
    identified_persons: int
    exited_households: int
    exited_persons: int
    relapsed_households: int
    relapsed_persons: int
    rural_population: int


@dataclass(frozen=True)
class WarmapVillageHousehold:
    id: int
    number: str
    head_name: str
    members: int
    status: str
    status_label: str
    poor: bool


@dataclass(frozen=True)
class WarmapDistribution:
    child_level: str = field(metadata=serialized(_("下级区划层级（嘎查村为空）")))
    choropleth: bool = field(metadata=serialized(_("下级为旗县市：按边界着色")))
    children: list[WarmapChild]
    households: list[WarmapVillageHousehold] = field(
        metadata=serialized(_("嘎查村：本年度各户状态"))
    )


@dataclass(frozen=True)
class WarmapCause:
    cause: str
    label: str
    households: int
    persons: int
    share: Decimal | None = field(metadata=_pct(_("户数占比（%）")))


@dataclass(frozen=True)
class WarmapCauses:
    causes: list[WarmapCause]
    households: int
    persons: int


@dataclass(frozen=True)
class WarmapMeasureType:
    type: str
    label: str
    measures: int
    done: int
    done_share: Decimal | None = field(metadata=_pct(_("完成率（%）")))
    households: int
    coverage: Decimal | None = field(metadata=_pct(_("覆盖率（%）")))


@dataclass(frozen=True)
class WarmapMeasures:
    types: list[WarmapMeasureType]
    measures: int
    done: int
    done_share: Decimal | None = field(metadata=_pct(_("完成率（%）")))
    households: int
    poor_households: int
    coverage: Decimal | None = field(metadata=_pct(_("覆盖率（%）")))


@dataclass(frozen=True)
class WarmapCount:
    households: int
    persons: int


@dataclass(frozen=True)
class WarmapCell:
    year: int
    households: int
    persons: int


@dataclass(frozen=True)
class WarmapPlanRow:
    code: str
    name: str
    level: str
    planned: list[WarmapCell]
    unplanned: WarmapCount
    exited: list[WarmapCell]


@dataclass(frozen=True)
class WarmapPlanTotal:
    planned: list[WarmapCell]
    exited: list[WarmapCell]
    unplanned: WarmapCount


@dataclass(frozen=True)
class WarmapExitPlan:
    planned_years: list[int]
    exit_years: list[int]
    rows: list[WarmapPlanRow]
    total: WarmapPlanTotal


@dataclass(frozen=True)
class WarmapCountyProgressRow:
    code: str
    name: str
    assessed: bool = field(metadata=serialized(_("该年度是否已有摘帽评估")))
    planned_exit_year: int | None = field(metadata=serialized(_("户计划推算的摘帽年度")))
    rule_version: int | None = field(default=None, metadata=sometimes())
    poor_persons: int | None = field(default=None, metadata=sometimes())
    rural_population: int | None = field(default=None, metadata=sometimes())
    incidence: Decimal | None = field(
        default=None, metadata=_present(_("综合贫困发生率（%）"), **PCT)
    )
    incidence_max: Decimal | None = field(
        default=None, metadata=_present(_("标准：发生率低于（%）"), **PCT)
    )
    incidence_ok: bool | None = field(default=None, metadata=_present())
    missed_rate: Decimal | None = field(default=None, metadata=_present(_("漏评率（%）"), **PCT))
    missed_rate_max: Decimal | None = field(
        default=None, metadata=_present(_("标准：漏评率低于（%）"), **PCT)
    )
    missed_rate_ok: bool | None = field(default=None, metadata=_present())
    wrong_exit_rate: Decimal | None = field(
        default=None, metadata=_present(_("错退率（%）"), **PCT)
    )
    wrong_exit_rate_max: Decimal | None = field(
        default=None, metadata=_present(_("标准：错退率低于（%）"), **PCT)
    )
    wrong_exit_rate_ok: bool | None = field(default=None, metadata=_present())
    approval_rate: Decimal | None = field(
        default=None, metadata=_present(_("群众认可度（%）"), **PCT)
    )
    approval_min: Decimal | None = field(
        default=None, metadata=_present(_("标准：认可度高于（%）"), **PCT)
    )
    approval_ok: bool | None = field(default=None, metadata=_present())
    eligible: bool | None = field(default=None, metadata=sometimes())
    reasons: list[str] | None = field(default=None, metadata=sometimes())
    quality_index: Decimal | None = field(
        default=None,
        metadata=_present(
            _("数据质量指数（0–100，见数据质量页）"),
            max_digits=4,
            decimal_places=1,
            coerce_to_string=False,
        ),
    )


@dataclass(frozen=True)
class WarmapCountyProgress:
    year: int
    counties: list[WarmapCountyProgressRow]


@dataclass(frozen=True)
class WarmapPlannedPoint:
    year: int
    poor_persons: int
    rural_population: int
    incidence: Decimal | None = field(metadata=_pct(_("贫困发生率（%）")))


@dataclass(frozen=True)
class WarmapActualPoint:
    year: int
    identified_persons: int
    exited_persons: int
    poor_persons: int
    rural_population: int
    incidence: Decimal | None = field(metadata=_pct(_("贫困发生率（%）")))


@dataclass(frozen=True)
class WarmapSeriesUnit:
    code: str
    name: str
    actual: list[WarmapActualPoint] = field(metadata=serialized(_("历年实际")))
    planned: list[WarmapPlannedPoint] = field(
        metadata=serialized(_("按计划脱贫年度推算的剩余贫困人口"))
    )


@dataclass(frozen=True)
class WarmapSeries:
    years: list[int]
    path_years: list[int]
    units: list[WarmapSeriesUnit]
    area: WarmapSeriesUnit


@dataclass(frozen=True)
class WarmapDivisionRow:
    code: str
    name: str
    target_households: int = field(metadata=serialized(_("计划本年脱贫户数")))
    target_persons: int = field(metadata=serialized(_("计划本年脱贫人数")))
    exited_households: int = field(metadata=serialized(_("本年脱贫户数")))
    exited_persons: int = field(metadata=serialized(_("本年脱贫人数")))
    progress: Decimal | None = field(metadata=_pct(_("进度 = 脱贫户 ÷ 目标户（%）")))
    leaders: list[str] = field(metadata=serialized(_("联系领导（前几位）")))
    leaders_count: int
    departments: list[str] = field(metadata=serialized(_("包联部门（前几个）")))
    departments_count: int
    tasks: int = field(metadata=serialized(_("责任清单任务数")))
    tasks_done: int
    tasks_overdue: int
    duty_score: Decimal | None = field(metadata=_pct(_("清单得分")))
    duty_rank: int | None


@dataclass(frozen=True)
class WarmapDivisionTotal:
    target_households: int
    target_persons: int
    exited_households: int
    exited_persons: int
    progress: Decimal | None = field(metadata=_pct(_("进度（%）")))
    tasks: int
    tasks_done: int
    tasks_overdue: int


@dataclass(frozen=True)
class WarmapDivision:
    year: int
    duty_level: str = field(metadata=serialized(_("责任清单的单位层级")))
    rows: list[WarmapDivisionRow]
    total: WarmapDivisionTotal


@dataclass(frozen=True)
class WarmapFundSource:
    source: str
    label: str
    amount: Decimal = field(metadata=_yuan(_("金额（元）")))


@dataclass(frozen=True)
class WarmapFundType:
    type: str
    label: str
    amount: Decimal = field(metadata=_yuan(_("金额（元）")))


@dataclass(frozen=True)
class WarmapFundSourceHolder:
    source: str
    source_label: str
    holder: str = field(metadata=serialized(_("持有单位代码")))
    holder_name: str
    amount: Decimal = field(metadata=_yuan(_("持有金额（元，扣除下拨）")))


@dataclass(frozen=True)
class WarmapFundHolder:
    holder: str
    holder_name: str
    kept: Decimal = field(metadata=_yuan(_("持有（元）")))
    allocated: Decimal = field(metadata=_yuan(_("已安排到项目（元）")))
    remainder: Decimal = field(metadata=_yuan(_("余额（元）")))


@dataclass(frozen=True)
class WarmapFundHolderType:
    holder: str
    holder_name: str
    type: str
    type_label: str
    amount: Decimal = field(metadata=_yuan(_("金额（元）")))


@dataclass(frozen=True)
class WarmapFundTypePlace:
    type: str
    type_label: str
    place: str = field(metadata=serialized(_("项目所在单位代码（本区划的下一级）")))
    place_name: str
    amount: Decimal = field(metadata=_yuan(_("金额（元）")))


@dataclass(frozen=True)
class WarmapFundTotal:
    kept: Decimal = field(metadata=_yuan(_("持有（元）")))
    allocated: Decimal = field(metadata=_yuan(_("已安排（元）")))
    remainder: Decimal = field(metadata=_yuan(_("余额（元）")))


@dataclass(frozen=True)
class WarmapFunds:
    year: int
    sources: list[WarmapFundSource]
    types: list[WarmapFundType]
    source_holder: list[WarmapFundSourceHolder] = field(metadata=serialized(_("来源 → 持有单位")))
    holders: list[WarmapFundHolder]
    holder_type: list[WarmapFundHolderType] = field(metadata=serialized(_("持有单位 → 项目类型")))
    type_place: list[WarmapFundTypePlace] = field(metadata=serialized(_("项目类型 → 项目所在单位")))
    total: WarmapFundTotal


@dataclass(frozen=True)
class WarmapCountedKind:
    kind: str
    label: str


@dataclass(frozen=True)
class WarmapCommandKind(WarmapCountedKind):
    count: int


@dataclass(frozen=True)
class WarmapCommandCounty:
    code: str
    name: str
    counts: list[int]


@dataclass(frozen=True)
class WarmapCommandTop:
    kind: str
    label: str
    name: str
    leader: str


@dataclass(frozen=True)
class WarmapCommandLine(WarmapCommandKind):
    names: list[str]


@dataclass(frozen=True)
class WarmapCommandChart:
    top: list[WarmapCommandTop]
    verticals: list[WarmapCommandLine]
    horizontals: list[WarmapCommandLine]
    texts: dict[str, str]


@dataclass(frozen=True)
class WarmapCommand:
    counts: dict[str, int] = field(metadata=serialized(_("各类单元数")))
    kinds: list[WarmapCommandKind]
    counties: list[WarmapCommandCounty]
    counted_kinds: list[WarmapCountedKind]
    chart: WarmapCommandChart


@dataclass(frozen=True)
class WarmapAreaRef:
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class Warmap:
    """Every figure of the war map of an area and year."""

    area: WarmapAreaRef
    year: int
    as_of_year: int = field(metadata=serialized(_("系统当前年度")))
    refreshed_at: datetime.datetime | None = field(metadata=serialized(_("汇总表最近刷新时间")))
    headline: WarmapHeadline
    distribution: WarmapDistribution = field(metadata=serialized(_("贫困人口分布图")))
    causes: WarmapCauses = field(metadata=serialized(_("致贫原因分析图")))
    measures: WarmapMeasures = field(metadata=serialized(_("攻坚措施分项图")))
    exit_plan: WarmapExitPlan = field(metadata=serialized(_("人脱贫计划表")))
    county_progress: WarmapCountyProgress = field(metadata=serialized(_("县摘帽进度表")))
    series: WarmapSeries = field(metadata=serialized(_("历年贫困人口与计划路径")))
    division: WarmapDivision = field(metadata=serialized(_("脱贫分工分解图")))
    funds: WarmapFunds = field(metadata=serialized(_("项目资金分配图")))
    command: WarmapCommand = field(metadata=serialized(_("作战系统分工图")))


def warmap_figures(user: Viewer, code: str, year: int) -> Warmap:
    """:func:`warmap` as one typed structure."""
    return typed(Warmap, warmap(user, code, year))
