"""The content of a report: every figure, rank, flag and owner, as plain JSON values.

:func:`build` is the one generator: the draft page, the published snapshot, the xlsx, the PDF
and the ``fupin report`` command all render its output (after a JSON round trip, so a draft and
a published report are shown by the same code from the same kind of data).

It draws every definition from the apps that own it, never re-implementing one:

* exits — ``registry.stats.child_stats`` / ``area_stats`` (poor and exited persons of the
  year) and ``warmap.selectors.exit_plan`` (persons planned to exit in the year);
* field work — ``fieldwork.selectors``: pairings behind in any week of the period (Monday to
  Sunday, the current week so far), resident cadres under the pro-rated 20 days in the
  reference day's month, review meetings missed in
  review periods that ended inside the period, concerns overdue on the reference day;
* 三会一课 — ``party.selectors.meeting_compliance`` over the period (meetings due in it);
* 清单制 — ``duties.selectors.ranking`` (score, overdue tasks) and ``overdue_tasks``;
* money — ``funds.selectors.area_funds`` (received and allocated in the year), for counties.

Units: the area's children in the user's scope that take part in poverty work (a village by
its flag, a township or county by having such a village); a village reports on itself.
Everything is grouped by code prefix in the database: a bounded number of queries per report.

Composite rank (the rule, :data:`RULE`): each ranked indicator of the kind ranks the units
(1 = best; equal values share a rank, the next rank skips); a unit's composite is the mean of
its indicator ranks; the units are ranked by composite, lowest first. A unit with no rate to
measure (no pairings, no exits planned, no duty tasks, no funds) is listed unranked. Flags: with n ranked
units and k = n // 3, red = rank > n − k (the bottom third) or a hard failure (an overdue
concern, a missed Party meeting — of a village; a township or county with one is at least
yellow), yellow = the middle third, green = the top third (with fewer than three units only
hard failures flag). The reasons are written next to each flag.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.areas import selectors as area_selectors
from fupin.areas.models import LEVEL_DIGITS, Area, Level
from fupin.assistance.models import Cadre, Link
from fupin.core import clock
from fupin.core.clock import as_of
from fupin.duties import selectors as duty_selectors
from fupin.fieldwork import selectors as field_selectors
from fupin.fieldwork.models import Concern, Visit
from fupin.funds import selectors as fund_selectors
from fupin.party import selectors as party_selectors
from fupin.registry import stats as registry_stats
from fupin.warmap import selectors as warmap_selectors

from . import periods
from .periods import DEKAD, MONTHLY, QUARTERLY, WEEKLY, Period

CONTENT_VERSION = 1
# A report keeps every row of its detail lists (the xlsx and the PDF list them all); its page
# shows the first LIST_SHOWN rows of each and points to the files for the rest.
LIST_SHOWN = 200
CENT = Decimal("0.01")
HIGH, LOW, INFO = "high", "low", "info"

# key → (label, which way is better, hard failure when > 0)
INDICATORS = {
    "poor_persons": (gettext_lazy("贫困人口"), INFO, False),
    "planned_persons": (gettext_lazy("本年计划脱贫人数"), INFO, False),
    "exited_persons": (gettext_lazy("本年已脱贫人数"), INFO, False),
    "exit_progress": (gettext_lazy("脱贫计划完成率(%)"), HIGH, False),
    "visits": (gettext_lazy("本期走访人次"), INFO, False),
    "pairings": (gettext_lazy("在帮结对户"), INFO, False),
    "pairings_behind": (gettext_lazy("本期有周未走访的结对"), INFO, False),
    "visited_share": (gettext_lazy("本期逐周走访覆盖率(%)"), HIGH, False),
    "concerns_raised": (gettext_lazy("本期反映诉求"), INFO, False),
    "concerns_closed": (gettext_lazy("本期办结诉求"), INFO, False),
    "concerns_overdue": (gettext_lazy("超期未办诉求"), LOW, True),
    "residents_under": (gettext_lazy("驻村不足20天"), LOW, False),
    "reviews_missed": (gettext_lazy("民情研判会缺开"), LOW, False),
    "organizations": (gettext_lazy("应开会党组织"), INFO, False),
    "meetings_missed": (gettext_lazy("三会一课缺开次数"), LOW, True),
    "duty_score": (gettext_lazy("清单制得分"), HIGH, False),
    "tasks_overdue": (gettext_lazy("超期任务"), LOW, False),
    "funds_received": (gettext_lazy("资金到位(元)"), INFO, False),
    "funds_allocated": (gettext_lazy("资金下达项目(元)"), INFO, False),
    "allocation_rate": (gettext_lazy("资金下达率(%)"), HIGH, False),
}
_FIELD = (
    "visits",
    "pairings",
    "pairings_behind",
    "visited_share",
    "concerns_raised",
    "concerns_closed",
    "concerns_overdue",
)
_EXITS = ("poor_persons", "planned_persons", "exited_persons", "exit_progress")
_BULLETIN = (
    *_EXITS,
    "visits",
    "visited_share",
    "concerns_overdue",
    "reviews_missed",
    "organizations",
    "meetings_missed",
    "duty_score",
    "tasks_overdue",
)
_DISPATCH = (
    *_EXITS,
    "visits",
    "visited_share",
    "concerns_overdue",
    "residents_under",
    "reviews_missed",
    "organizations",
    "meetings_missed",
    "duty_score",
    "tasks_overdue",
    "funds_received",
    "funds_allocated",
    "allocation_rate",
)
KIND_INDICATORS = {WEEKLY: _FIELD, DEKAD: _BULLETIN, MONTHLY: _DISPATCH, QUARTERLY: _DISPATCH}
# Sections each kind shows besides the ranking table.
KIND_SECTIONS = {
    WEEKLY: ("ranking", "pairings_behind", "concerns"),
    DEKAD: ("ranking", "laggards"),
    MONTHLY: ("ranking", "laggards", "dispatch"),
    QUARTERLY: ("ranking", "laggards", "changes", "dispatch"),
}
FUND_KEYS = ("funds_received", "funds_allocated", "allocation_rate")
RULE = gettext_lazy(
    "综合排名规则：每项排名指标对各单位排序（第1名最好，数值相同名次并列、下一名次顺延），"
    "单位的综合分为各项指标名次的平均数，按综合分从小到大排名。"
    "红旗：排名处于后三分之一，或嘎查村存在超期未办民情诉求、三会一课缺开（硬性指标；"
    "苏木乡镇、旗县市存在硬性问题的至少为黄旗）；"
    "黄旗：排名处于中间三分之一；绿旗：排名处于前三分之一。单位不足3个时只按硬性指标标红；本期没有可比指标（无结对户、无计划脱贫、无清单任务、无资金）的单位不参与排名。"
)


class ReportError(ValueError):
    """A report that cannot be made (bad kind, a period not yet begun, an area out of scope)."""


# -- helpers ---------------------------------------------------------------------------------


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def _grouped(qs, field: str, digits: int, count: str = "pk") -> dict[str, int]:
    """{code prefix of ``digits``: rows} — one GROUP BY query."""
    return {
        r["prefix"]: r["n"]
        for r in qs.annotate(prefix=Substr(field, 1, digits))
        .values("prefix")
        .annotate(n=Count(count))
        .order_by()
    }


def units_of(user, area: Area) -> list[Area]:
    """The units a report on ``area`` ranks (see the module docstring)."""
    if area.level == Level.VILLAGE:
        return [area]
    children = area_selectors.children_in_scope(user, area)
    if not children:
        return []
    digits = len(children[0].code)
    taking_part = {
        code[:digits]
        for code in Area.objects.filter(level=Level.VILLAGE, participates=True)
        .accessible_to(user)
        .within(area.code)
        .values_list("code", flat=True)
    }
    return [c for c in children if c.code in taking_part]


def _url(name: str, **query) -> str:
    return reverse(name) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


# -- figures per unit -------------------------------------------------------------------------


def _exits(user, area: Area, units, digits: int, year: int) -> dict:
    out = defaultdict(dict)
    if area.level == Level.VILLAGE:
        stats = [(area, registry_stats.area_stats(user, area.code, year))]
    else:
        stats = registry_stats.child_stats(user, area, year)
    for unit, figures in stats:
        out[unit.code]["poor_persons"] = figures.poor_persons
        out[unit.code]["exited_persons"] = figures.exited_persons
    plan = warmap_selectors.exit_plan(user, area, year)
    for row in plan["rows"]:
        planned = next((c["persons"] for c in row["planned"] if c["year"] == year), 0)
        out[row["code"]]["planned_persons"] = planned
    for unit in units:
        row = out[unit.code]
        row.setdefault("poor_persons", 0)
        row.setdefault("exited_persons", 0)
        row.setdefault("planned_persons", 0)
        row["exit_progress"] = _pct(row["exited_persons"], row["planned_persons"])
    return out


def _field(
    user, area: Area, digits: int, period: Period, ref: datetime.date, kind: str, today
) -> dict:
    code = area.code
    month = field_selectors.month_window(ref.strftime("%Y-%m"), today=ref)
    # The weekly contact is checked in every week of the report's period (Monday–Sunday,
    # the current one so far), the pairings active in them being the base of the share.
    window = field_selectors.period_window(period.first, period.last, today)
    out = defaultdict(dict)
    active = field_selectors.pairings_active(user, code, window)
    figures = {
        "visits": _grouped(
            Visit.objects.accessible_to(user)
            .within(code)
            .filter(visited_on__gte=period.first, visited_on__lte=ref),
            "village_id",
            digits,
        ),
        "pairings": _grouped(active, "village_id", digits),
        "pairings_behind": _grouped(
            field_selectors.pairings_behind(user, code, window), "village_id", digits
        ),
        "concerns_raised": _grouped(
            Concern.objects.accessible_to(user)
            .within(code)
            .filter(raised_on__gte=period.first, raised_on__lte=ref),
            "village_id",
            digits,
        ),
        "concerns_closed": _grouped(
            Concern.objects.accessible_to(user)
            .within(code)
            .filter(
                state=Concern.State.CLOSED, feedback_on__gte=period.first, feedback_on__lte=ref
            ),
            "village_id",
            digits,
        ),
        "concerns_overdue": _grouped(
            field_selectors.concerns_overdue(user, code, month), "village_id", digits
        ),
    }
    if kind in (MONTHLY, QUARTERLY):
        figures["residents_under"] = _grouped(
            field_selectors.residents_under(user, code, month), "area_id", digits
        )
    if kind != WEEKLY:
        missed = defaultdict(int)
        for y, m in periods.months_of(period):
            window = field_selectors.month_window(f"{y}-{m:02d}", today=ref)
            if window.first > ref:
                continue
            for _level, _first, last, areas in field_selectors.reviews_missed(user, code, window):
                if period.first <= last <= ref:
                    for prefix, n in _grouped(areas, "code", digits).items():
                        missed[prefix] += n
        figures["reviews_missed"] = dict(missed)
    for key, by_prefix in figures.items():
        for prefix, n in by_prefix.items():
            out[prefix][key] = n
    return out


def _party(user, area: Area, units, period: Period, ref: datetime.date) -> dict:
    r = party_selectors.Range(period.first, period.last, period.key)
    compliance = party_selectors.meeting_compliance(user, area.code, r, today=ref)
    out = {}
    for unit, organizations, _late, missed, _absences in compliance.by_child(units):
        out[unit.code] = {"organizations": organizations, "meetings_missed": missed}
    return out, compliance


def _duties(user, area: Area, level: str, year: int) -> dict:
    return {
        row.code: {"duty_score": row.score, "tasks_overdue": row.overdue}
        for row in duty_selectors.ranking(user, area.code, level, year)
    }


def _funds(user, units, year: int) -> dict:
    out = {}
    for unit in units:
        total = fund_selectors.area_funds(user, unit.code, year)["total"]
        out[unit.code] = {
            "funds_received": total["received"],
            "funds_allocated": total["allocated"],
            "allocation_rate": _pct(total["allocated"], total["received"]),
        }
    return out


# -- owners ----------------------------------------------------------------------------------


def owners(user, area: Area, ref: datetime.date) -> dict[str, dict]:
    """{township or village code: {"leader": ..., "first_secretary": ...}} on ``ref``:
    the linked leader (两联一包: a leader for a township; a department or deputy head for a
    village) and the village's first secretary. Two queries for the whole area."""
    out: dict[str, dict] = defaultdict(lambda: {"leader": [], "first_secretary": []})
    links = (
        Link.objects.accessible_to(user)
        .within(area.code)
        .filter(start_date__lte=ref)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=ref))
        .select_related("cadre")
        .order_by("area_id", "kind", "pk")
    )
    for link in links:
        name = link.cadre.name if link.cadre_id else link.department
        if link.cadre_id and link.department:
            name = f"{link.cadre.name}（{link.department}）"
        if name and name not in out[link.area_id]["leader"]:
            out[link.area_id]["leader"].append(name)
    secretaries = (
        Cadre.objects.accessible_to(user)
        .within(area.code)
        .filter(active=True, post=Cadre.Post.FIRST_SECRETARY)
        .order_by("area_id", "pk")
        .values_list("area_id", "name")
    )
    for code, name in secretaries:
        out[code]["first_secretary"].append(name)
    return {code: {k: "、".join(v) for k, v in found.items()} for code, found in out.items()}


def _owners_of(found: dict, code: str) -> dict:
    """The owners of a unit: its own, else those of the township above a village."""
    own = found.get(code, {})
    leader = own.get("leader") or (found.get(code[:9], {}).get("leader") if len(code) > 9 else "")
    return {"leader": leader or "", "first_secretary": own.get("first_secretary", "")}


# -- ranking ---------------------------------------------------------------------------------


def competition_ranks(values: dict[str, Decimal], better: str) -> dict[str, int]:
    """{code: rank} — 1 is best; equal values share a rank and the next skips (1, 2, 2, 4)."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1] if better == HIGH else kv[1], kv[0]))
    ranks, previous = {}, None
    for position, (code, value) in enumerate(ordered, start=1):
        if previous is not None and value == previous[1]:
            ranks[code] = previous[0]
        else:
            ranks[code] = position
        previous = (ranks[code], value)
    return ranks


def _has_work(row: dict, ranked_keys: list[str]) -> bool:
    """A unit is ranked only when it has work to measure: some rate (a higher-is-better
    indicator: pairings to visit, exits planned, duty tasks, funds) has a value. A unit with
    none would otherwise top every "fewest failures" indicator with nothing done."""
    return any(row["values"].get(k) is not None for k in ranked_keys if INDICATORS[k][1] == HIGH)


def rank_units(rows: list[dict], ranked_keys: list[str]) -> None:
    """Set ``composite``, ``rank`` and ``indicator_ranks`` on each row (the module rule)."""
    per_key = {}
    working = {r["code"] for r in rows if _has_work(r, ranked_keys)}
    for key in ranked_keys:
        values = {
            r["code"]: Decimal(r["values"][key])
            for r in rows
            if r["code"] in working and r["values"].get(key) is not None
        }
        per_key[key] = competition_ranks(values, INDICATORS[key][1]) if values else {}
    composites = {}
    for r in rows:
        own = {k: per_key[k][r["code"]] for k in ranked_keys if r["code"] in per_key[k]}
        r["indicator_ranks"] = own
        if own:
            composite = (Decimal(sum(own.values())) / len(own)).quantize(CENT, ROUND_HALF_UP)
            composites[r["code"]] = composite
            r["composite"] = composite
        else:
            r["composite"] = None
    final = competition_ranks(composites, LOW)
    for r in rows:
        r["rank"] = final.get(r["code"])
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))


def flag_units(rows: list[dict], ranked_keys: list[str], unit_level: str = Level.VILLAGE) -> None:
    """Set ``flag`` (red / yellow / green) and ``reasons`` on each row (the module rule).

    A hard failure makes a village red: the overdue concern or the missed meeting is its own.
    A township or county holds dozens of villages, so some hard failure somewhere is near
    certain (on the full demo every county has one); there it makes the unit at least yellow
    and is named in the reasons, and the ranking already counts it."""
    n = sum(1 for r in rows if r["rank"] is not None)
    k = n // 3
    for r in rows:
        reasons = []
        flag = "green"
        rank = r["rank"]
        if rank is not None and k:
            if rank > n - k:
                flag = "red"
                reasons.append(
                    _("综合排名第%(rank)d/%(n)d名，处于后三分之一") % {"rank": rank, "n": n}
                )
            elif rank > k:
                flag = "yellow"
                reasons.append(
                    _("综合排名第%(rank)d/%(n)d名，处于中间三分之一") % {"rank": rank, "n": n}
                )
            behind = [
                str(INDICATORS[key][0])
                for key in ranked_keys
                if r["indicator_ranks"].get(key, 0) > n - k
            ]
            if behind and flag != "green":
                reasons.append(_("落后指标：%(list)s") % {"list": "、".join(behind)})
        if rank is None:
            flag = ""
            reasons.append(_("本期无可比数据，不参与排名"))
        for key in ranked_keys:
            label, _better, hard = INDICATORS[key]
            value = r["values"].get(key)
            if hard and value:
                if unit_level == Level.VILLAGE:
                    flag = "red"
                elif flag in ("green", ""):
                    flag = "yellow"
                reasons.append(_("%(label)s %(n)s") % {"label": label, "n": value})
        r["flag"] = flag
        r["reasons"] = reasons


# -- the report ------------------------------------------------------------------------------


def _links(kind: str, code: str, year: int, ref: datetime.date, period: Period) -> dict:
    month = ref.strftime("%Y-%m")
    party = (
        {"area": code, "quarter": period.key}
        if kind == QUARTERLY
        else {"area": code, "month": month}
    )
    households = "registry:household_list"
    compliance = _url("fieldwork:compliance", area=code, month=month)
    return {
        "poor_persons": _url(households, area=code, year=year, status="in_poverty"),
        "exited_persons": _url(households, area=code, year=year, status="exited_in_year"),
        "planned_persons": _url("warmap:warmap", area=code, year=year) + "#exit-plan",
        "visits": compliance,
        "pairings_behind": compliance,
        "visited_share": compliance,
        "concerns_overdue": compliance,
        "residents_under": compliance,
        "reviews_missed": compliance,
        "organizations": _url("party:compliance", **party),
        "meetings_missed": _url("party:compliance", **party),
        "duty_score": _url("duties:list", area=code, year=year),
        "tasks_overdue": _url("duties:overdue", area=code, year=year),
        "funds_received": _url("funds:fund_list", area=code, year=year),
        "funds_allocated": _url("funds:fund_list", area=code, year=year),
    }


def _totals(rows: list[dict], keys) -> dict:
    total = {}
    for key in keys:
        if (
            INDICATORS[key][1] == INFO
            or INDICATORS[key][2]
            or key
            in (
                "residents_under",
                "reviews_missed",
                "tasks_overdue",
            )
        ):
            total[key] = sum((r["values"].get(key) or 0) for r in rows)
    if "exit_progress" in keys:
        total["exit_progress"] = _pct(total["exited_persons"], total["planned_persons"])
    if "visited_share" in keys:
        pairings = sum(r["base"]["pairings"] for r in rows)
        behind = sum(r["base"]["pairings_behind"] for r in rows)
        total["visited_share"] = _pct(pairings - behind, pairings)
    if "allocation_rate" in keys:
        total["allocation_rate"] = _pct(total["funds_allocated"], total["funds_received"])
    return total


def _unit_values(kind, keys, code, exits, field, party, duties, funds) -> dict:
    values = {}
    values.update(exits.get(code, {}))
    f = field.get(code, {})
    for key in _FIELD + ("residents_under", "reviews_missed"):
        values[key] = f.get(key, 0)
    values["visited_share"] = _pct(
        values["pairings"] - values["pairings_behind"], values["pairings"]
    )
    values.update(party.get(code, {"organizations": 0, "meetings_missed": 0}))
    values.update(duties.get(code, {"duty_score": None, "tasks_overdue": 0}))
    values.update(funds.get(code, {}))
    return {k: values.get(k) for k in keys}


def build(user, area: Area, kind: str, day: datetime.date, *, compare: bool = True) -> dict:
    """The content of the ``kind`` report of the period containing ``day`` for ``area`` (in the
    user's scope: the caller checked it with ``access_area``), as JSON-ready values."""
    if kind not in periods.KINDS:
        raise ReportError(
            _("报告类型“%(kind)s”无效，应为 weekly、dekad、monthly 或 quarterly。") % {"kind": kind}
        )
    today = as_of()
    period = periods.period_of(kind, day)
    if period.first > today:
        raise ReportError(
            _("期别“%(label)s”尚未开始（系统日期 %(today)s），无法生成报告。")
            % {"label": period.label, "today": today.isoformat()}
        )
    ref = period.reference_day(today)
    year = ref.year
    now = clock.now()
    units = units_of(user, area)
    level = units[0].level if units else area.level
    digits = LEVEL_DIGITS[level]
    keys = list(KIND_INDICATORS[kind])
    with_funds = level == Level.COUNTY and kind in (MONTHLY, QUARTERLY)
    if not with_funds:
        keys = [k for k in keys if k not in FUND_KEYS]
    ranked_keys = [k for k in keys if INDICATORS[k][1] != INFO]

    exits = _exits(user, area, units, digits, year) if "exit_progress" in keys else {}
    field = _field(user, area, digits, period, ref, kind, today)
    if "meetings_missed" in keys:
        party, compliance = _party(user, area, units, period, ref)
    else:
        party, compliance = {}, None
    duties = _duties(user, area, level, year) if "duty_score" in keys else {}
    funds = _funds(user, units, year) if with_funds else {}
    found_owners = owners(user, area, ref)

    rows = []
    for unit in units:
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "values": _unit_values(kind, keys, unit.code, exits, field, party, duties, funds),
                # The counts behind the visited share, for the total row.
                "base": {
                    k: field.get(unit.code, {}).get(k, 0) for k in ("pairings", "pairings_behind")
                },
                "links": _links(kind, unit.code, year, ref, period),
                "owners": _owners_of(found_owners, unit.code),
            }
        )
    rank_units(rows, ranked_keys)
    flag_units(rows, ranked_keys, level)

    content = {
        "content_version": CONTENT_VERSION,
        "kind": kind,
        "kind_label": str(periods.KIND_LABELS[kind]),
        "title": _("%(area)s%(label)s%(kind)s")
        % {"area": area.name, "label": period.label, "kind": periods.KIND_LABELS[kind]},
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "unit_level": level,
        "unit_level_label": str(Level(level).label),
        "period": {
            "first": period.first,
            "last": period.last,
            "label": period.label,
            "key": period.key,
            "reference_day": ref,
            "to_date": period.to_date(today),
        },
        "year": year,
        "as_of": today,
        "generated_at": now,
        "generated_label": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "sections": list(KIND_SECTIONS[kind]),
        "indicators": [
            {
                "key": k,
                "label": str(INDICATORS[k][0]),
                "better": INDICATORS[k][1],
                "hard": INDICATORS[k][2],
            }
            for k in keys
        ],
        "ranked": ranked_keys,
        # Links and first secretaries belong to townships and villages: a league report's
        # counties have none, and the page leaves the two columns out.
        "has_owners": any(r["owners"]["leader"] or r["owners"]["first_secretary"] for r in rows),
        "units": rows,
        "totals": _totals(rows, keys),
        "laggards": [
            {"code": r["code"], "name": r["name"], "reasons": r["reasons"]}
            for r in rows
            if r["flag"] == "red"
        ],
        "flag_counts": {
            f: sum(1 for r in rows if r["flag"] == f) for f in ("red", "yellow", "green")
        },
        "rule": str(RULE),
    }
    # The previous quarter (``compare=False``) is read for its ranks only.
    sections = KIND_SECTIONS[kind] if compare else ()
    if "pairings_behind" in sections:
        content["pairings_behind"] = _pairings_behind(
            user, area, field_selectors.period_window(period.first, period.last, today)
        )
    if "concerns" in sections or "dispatch" in sections:
        content["concerns"] = _concerns_overdue(user, area, ref, found_owners)
    if "dispatch" in sections:
        content["dispatch"] = _dispatch(user, area, year, ref, compliance, found_owners)
        content["dispatch"]["concerns"] = content.pop("concerns")
    if "changes" in sections:
        content["changes"] = _changes(user, area, kind, period, rows)
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def _limited(items: list, total: int) -> dict:
    """A detail list: every row. ``more`` (rows left out) is 0 since every row is kept;
    reports published earlier carry their own."""
    return {"rows": items, "total": total, "more": max(0, total - len(items))}


def _pairings_behind(user, area: Area, window) -> dict:
    qs = field_selectors.pairings_behind(user, area.code, window)
    total = qs.count()
    rows = [
        {
            "village": p.village.name,
            "village_code": p.village_id,
            "cadre": p.cadre.name,
            "household": p.household.head_name,
            "url": reverse("registry:household_detail", args=[p.household_id]),
        }
        for p in qs.select_related("cadre", "household", "village").order_by(
            "village_id", "cadre__name", "pk"
        )
    ]
    return _limited(rows, total)


def _concerns_overdue(user, area: Area, ref: datetime.date, found_owners) -> dict:
    month = field_selectors.month_window(ref.strftime("%Y-%m"), today=ref)
    qs = field_selectors.concerns_overdue(user, area.code, month)
    total = qs.count()
    rows = []
    for c in qs.select_related("owner", "village").order_by("deadline", "pk"):
        rows.append(
            {
                "unit": c.village.name,
                "unit_code": c.village_id,
                "what": _("民情诉求：%(text)s") % {"text": c.text[:60]},
                "owner": c.owner.name if c.owner_id else "",
                "deadline": c.deadline,
                **_owners_of(found_owners, c.village_id),
                "url": reverse("fieldwork:concern", args=[c.pk]),
            }
        )
    return _limited(rows, total)


def _dispatch(user, area, year, ref, compliance, found_owners) -> dict:
    """月调度: what is behind, each with its owner, the unit's linked leader and first
    secretary, and the deadline."""
    tasks = duty_selectors.overdue_tasks(user, area.code, year)
    task_total = tasks.count()
    task_rows = [
        {
            "unit": t.area.name,
            "unit_code": t.area_id,
            "what": _("清单任务：%(title)s（进度%(progress)s%%）")
            % {"title": t.title, "progress": t.progress},
            "owner": (t.owner.name if t.owner_id else "") or t.owner_unit,
            "deadline": t.deadline,
            **_owners_of(found_owners, t.area_id),
            "url": reverse("duties:task", args=[t.pk]),
        }
        for t in tasks
    ]
    meeting_rows = []
    late = compliance.late if compliance else []
    secretaries = _secretaries([i.organization for i in late])
    for item in late:
        org = item.organization
        missing = "、".join(f"{p.kind_label}（{p.label}）" for p in item.missing)
        meeting_rows.append(
            {
                "unit": org.name,
                "unit_code": org.area_id,
                "what": _("三会一课缺开：%(missing)s") % {"missing": missing},
                "owner": secretaries.get(org.pk, ""),
                "deadline": max(p.last for p in item.missing),
                **_owners_of(found_owners, org.area_id),
                "url": reverse("party:organization", args=[org.pk]),
            }
        )
    month = field_selectors.month_window(ref.strftime("%Y-%m"), today=ref)
    residents = field_selectors.residents_under(user, area.code, month)
    resident_total = residents.count()
    resident_rows = [
        {
            "unit": c.area.name,
            "unit_code": c.area_id,
            "what": _("驻村%(days)d天，不足规定天数") % {"days": c.days},
            "owner": c.name,
            "deadline": month.last,
            **_owners_of(found_owners, c.area_id),
            "url": reverse("cadres:cadre", args=[c.pk]),
        }
        for c in residents.select_related("area").order_by("area_id", "name", "pk")
    ]
    return {
        "tasks": _limited(task_rows, task_total),
        "meetings": _limited(meeting_rows, len(late)),
        "residents": _limited(resident_rows, resident_total),
    }


def _secretaries(organizations) -> dict:
    from fupin.party.models import PartyMember

    ids = [o.secretary_id for o in organizations if getattr(o, "secretary_id", None)]
    names = dict(PartyMember.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {o.pk: names.get(o.secretary_id, "") for o in organizations}


def _changes(user, area, kind, period, rows) -> dict:
    """季观摩: each unit's rank and key figures against the previous quarter."""
    before = periods.previous(period)
    earlier = build(user, area, kind, before.first, compare=False)
    by_code = {r["code"]: r for r in earlier["units"]}
    out = []
    for r in rows:
        old = by_code.get(r["code"])
        old_rank = old["rank"] if old else None
        out.append(
            {
                "code": r["code"],
                "name": r["name"],
                "rank": r["rank"],
                "previous_rank": old_rank,
                "change": (old_rank - r["rank"]) if old_rank and r["rank"] else None,
                "previous_flag": old["flag"] if old else None,
                "flag": r["flag"],
            }
        )
    return {"label": before.label, "rows": out}
