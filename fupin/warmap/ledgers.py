"""The three ledgers of the war map (三账): 贫困户脱贫计划账, 帮扶措施账, 工作台账.

Each ledger is a scoped queryset of its records (:func:`households`, :func:`measures`,
:func:`work`), the rows of a page or of the xlsx built from it (:func:`rows`, set-based: the
page's or the chunk's cadres, plans and area names come with one ``IN`` query each), and
:func:`xlsx` — Chinese headers, one row per record, area names, dates as YYYY-MM-DD, the way
cadres file them. The page, the export and the tests read the same functions.
"""

from __future__ import annotations

import datetime
import heapq
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass

import openpyxl
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fupin.areas.models import Area
from fupin.assistance.models import AssistancePlan, Link, Measure, Pairing
from fupin.core.sheets import safe_row
from fupin.fieldwork.models import CheckIn, Concern, ConcernEvent, ReviewMeeting, Visit
from fupin.party.models import PartyMeeting
from fupin.registry import codes
from fupin.registry.models import Household, StatusRecord

KINDS = ("households", "measures", "work", "links")
TITLES = {
    "households": gettext_lazy("贫困户脱贫计划账"),
    "measures": gettext_lazy("帮扶措施账"),
    "work": gettext_lazy("工作台账"),
    # Not one of the three ledgers: the list behind the division panel's leaders/departments.
    "links": gettext_lazy("两联一包名单"),
}
LINK_GROUPS = (
    ("leader", gettext_lazy("联系领导")),
    ("department", gettext_lazy("包联部门")),
)
CHUNK = 2000
# Beyond this, the export asks for a narrower area or period (Excel holds 1,048,576 rows).
XLSX_MAX = 300_000


class WorkKind:
    VISIT = "visit"
    CHECKIN = "checkin"
    CONCERN_RAISED = "concern_raised"
    CONCERN_CLOSED = "concern_closed"
    REVIEW = "review"
    PARTY = "party_meeting"

    choices = (
        (VISIT, gettext_lazy("走访")),
        (CHECKIN, gettext_lazy("驻村签到")),
        (CONCERN_RAISED, gettext_lazy("民情反映")),
        (CONCERN_CLOSED, gettext_lazy("民情办结")),
        (REVIEW, gettext_lazy("研判会")),
        (PARTY, gettext_lazy("三会一课")),
    )
    values = tuple(v for v, _label in choices)


@dataclass
class Filters:
    """What a ledger is asked for; the view parses it from the query string."""

    year: int
    planned: int | None = None
    exited: int | None = None
    type: str = ""
    status: str = ""
    kind: str = ""
    link: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None

    def period(self) -> tuple[datetime.date, datetime.date]:
        return (
            self.start or datetime.date(self.year, 1, 1),
            self.end or datetime.date(self.year, 12, 31),
        )


# -- 贫困户脱贫计划账 ---------------------------------------------------------------------------


def households(user, code: str, f: Filters):
    """Households of the area: poor in the year (未脱贫/返贫 status row of the year), planned
    to exit in it or exited in it; with ``planned``/``exited``: exactly the households whose
    planned/actual exit year is that (what the war map's exit-plan cells count)."""
    qs = Household.objects.accessible_to(user).within(code)
    if f.planned is not None or f.exited is not None:
        if f.planned is not None:
            qs = qs.filter(planned_exit_year=f.planned)
        if f.exited is not None:
            qs = qs.filter(exit_year=f.exited)
    else:
        poor = StatusRecord.objects.filter(year=f.year, status__in=codes.POOR_STATUSES).values(
            "household_id"
        )
        qs = qs.filter(Q(pk__in=poor) | Q(planned_exit_year=f.year) | Q(exit_year=f.year))
    return qs.order_by("village_id", "number")


def _pairing_names(user, household_ids, year: int) -> dict[int, str]:
    """The cadres paired with each household during ``year``, joined by 、."""
    names = defaultdict(list)
    for household_id, name in (
        Pairing.objects.accessible_to(user)
        .filter(household_id__in=household_ids, start_date__year__lte=year)
        .filter(Q(end_date__isnull=True) | Q(end_date__year__gte=year))
        .order_by("household_id", "start_date", "pk")
        .values_list("household_id", "cadre__name")
    ):
        if name not in names[household_id]:
            names[household_id].append(name)
    return {k: "、".join(v) for k, v in names.items()}


def _area_names(codes_) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=set(codes_)).values_list("code", "name"))


def household_rows(user, items, f: Filters) -> list[dict]:
    items = list(items)
    ids = [h.pk for h in items]
    cadres = _pairing_names(user, ids, f.year)
    plans = {
        p["household_id"]: p
        for p in AssistancePlan.objects.accessible_to(user)
        .filter(household_id__in=ids, year=f.year)
        .values("household_id", "note")
        .annotate(n=Count("measures"))
    }
    names = _area_names(h.village_id for h in items)
    return [
        {
            "id": h.pk,
            "number": h.number,
            "head_name": h.head_name,
            "village": names.get(h.village_id, h.village_id),
            "village_code": h.village_id,
            "members": h.members_count,
            "attribute": h.get_attribute_display(),
            "cause": h.get_main_cause_display(),
            "status": h.get_status_display(),
            "planned_exit_year": h.planned_exit_year,
            "exit_year": h.exit_year,
            "cadres": cadres.get(h.pk, ""),
            "plan_note": plans.get(h.pk, {}).get("note", ""),
            "measures": plans.get(h.pk, {}).get("n", 0),
        }
        for h in items
    ]


# -- 帮扶措施账 -------------------------------------------------------------------------------


def measures(user, code: str, f: Filters):
    qs = Measure.objects.accessible_to(user).within(code).filter(year=f.year)
    if f.type:
        qs = qs.filter(type=f.type)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs.select_related("plan__household", "responsible").order_by(
        "village_id", "plan__household__number", "type", "pk"
    )


def measure_rows(user, items, f: Filters) -> list[dict]:
    items = list(items)
    cadres = _pairing_names(user, {m.plan.household_id for m in items}, f.year)
    names = _area_names(m.village_id for m in items)
    return [
        {
            "id": m.pk,
            "household_id": m.plan.household_id,
            "number": m.plan.household.number,
            "head_name": m.plan.household.head_name,
            "village": names.get(m.village_id, m.village_id),
            "village_code": m.village_id,
            "year": m.year,
            "type": m.get_type_display(),
            "description": m.description,
            "amount": m.amount,
            "status": m.get_status_display(),
            "responsible": m.responsible.name if m.responsible_id else "",
            "outcome": m.outcome,
            "cadres": cadres.get(m.plan.household_id, ""),
        }
        for m in items
    ]


# -- 工作台账 ---------------------------------------------------------------------------------

TEXT = CharField()


def _part(qs, kind: str, date: str, who, place: str, what):
    return (
        qs.annotate(
            w_kind=Value(kind, output_field=TEXT),
            w_date=F(date),
            w_who=Coalesce(who, Value(""), output_field=TEXT),
            w_place=F(place),
            w_what=Coalesce(what, Value(""), output_field=TEXT),
        )
        .order_by()
        .values_list("w_date", "w_kind", "w_who", "w_place", "w_what", "pk")
    )


def _work_parts(user, code: str, f: Filters) -> list:
    """One values-list queryset per kind asked for, each newest first."""
    start, end = f.period()
    # A closing is recorded by the user who closed it (full name, else the login).
    user_name = Coalesce(NullIf("user__full_name", Value("")), "user__username", output_field=TEXT)
    parts = {
        WorkKind.VISIT: lambda: _part(
            Visit.objects.accessible_to(user).within(code).filter(visited_on__range=(start, end)),
            WorkKind.VISIT,
            "visited_on",
            F("cadre__name"),
            "village_id",
            Concat(F("household__number"), Value(" "), F("content"), output_field=TEXT),
        ),
        WorkKind.CHECKIN: lambda: _part(
            CheckIn.objects.accessible_to(user).within(code).filter(day__range=(start, end)),
            WorkKind.CHECKIN,
            "day",
            F("cadre__name"),
            "village_id",
            F("note"),
        ),
        WorkKind.CONCERN_RAISED: lambda: _part(
            Concern.objects.accessible_to(user).within(code).filter(raised_on__range=(start, end)),
            WorkKind.CONCERN_RAISED,
            "raised_on",
            F("raised_by__name"),
            "village_id",
            F("text"),
        ),
        WorkKind.CONCERN_CLOSED: lambda: _part(
            ConcernEvent.objects.accessible_to(user)
            .within(code)
            .filter(to_state=Concern.State.CLOSED, day__range=(start, end)),
            WorkKind.CONCERN_CLOSED,
            "day",
            user_name,
            "village_id",
            F("concern__text"),
        ),
        WorkKind.REVIEW: lambda: _part(
            ReviewMeeting.objects.accessible_to(user)
            .within(code)
            .filter(held_on__range=(start, end)),
            WorkKind.REVIEW,
            "held_on",
            F("attendees"),
            "area_id",
            F("minutes"),
        ),
        WorkKind.PARTY: lambda: _part(
            PartyMeeting.objects.accessible_to(user)
            .within(code)
            .filter(held_on__range=(start, end)),
            WorkKind.PARTY,
            "held_on",
            F("organization__name"),
            "area_id",
            Concat(F("topic"), Value(""), output_field=TEXT),
        ),
    }
    wanted = [f.kind] if f.kind in parts else list(WorkKind.values)
    return [parts[k]().order_by("-w_date", "-pk") for k in wanted]


def _order(row):
    # Newest first, then by kind, then the newest record (the parts' own order within a kind).
    return (-row[0].toordinal(), row[1], -row[5])


class WorkRows:
    """Work done in the area and period, one row per record (visit, check-in, concern raised,
    concern closed, review meeting, Party meeting): date, kind, who, where, what — newest
    first. A sequence the paginator slices: the count is the sum of the kinds' counts and a
    page merges the first rows of each kind (a ``UNION`` of a league's year — 1.5 M rows on
    the full demo — would be sorted whole for every page)."""

    def __init__(self, user, code: str, f: Filters):
        self.parts = _work_parts(user, code, f)
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(part.count() for part in self.parts)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        merged = heapq.merge(*(list(part[:stop]) for part in self.parts), key=_order)
        return list(merged)[start:stop]

    def __iter__(self):
        # The export: every row, each kind streamed from the database and merged.
        return heapq.merge(*(part.iterator(chunk_size=CHUNK) for part in self.parts), key=_order)


def work(user, code: str, f: Filters) -> WorkRows:
    return WorkRows(user, code, f)


def flagged_work(user, code: str, f: Filters) -> int:
    """Visits and check-ins of the period that carry a flag (backdated, far, no location,
    reused photo: fupin.fieldwork.models.Flag), kept and counted beside the work ledger."""
    start, end = f.period()
    flagged = Q(backdated=True) | ~Q(flags="")
    visits = Visit.objects.accessible_to(user).within(code).filter(visited_on__range=(start, end))
    checkins = CheckIn.objects.accessible_to(user).within(code).filter(day__range=(start, end))
    return visits.filter(flagged).count() + checkins.filter(flagged).count()


def work_rows(user, items, f: Filters) -> list[dict]:
    items = list(items)
    labels = dict(WorkKind.choices)
    names = _area_names(r[3] for r in items)
    return [
        {
            "date": r[0],
            "kind": r[1],
            "kind_label": str(labels[r[1]]),
            "who": r[2],
            "where": names.get(r[3], r[3]),
            "area_code": r[3],
            "what": r[4],
            "id": r[5],
        }
        for r in items
    ]


# -- 两联一包名单 (the records behind the division panel's leaders and departments) ----------------


def links(user, code: str, f: Filters):
    """The links active in the year whose area lies in ``code`` (for a village, also its
    township's leader) — what the 脱贫分工分解图 counts; ``link`` = leader | department."""
    qs = Link.objects.within(code)
    if len(code) == 12:
        qs |= Link.objects.filter(area_id=code[:9])
    qs = (
        qs.accessible_to(user)
        .filter(start_date__year__lte=f.year)
        .filter(Q(end_date__isnull=True) | Q(end_date__year__gte=f.year))
    )
    if f.link == "leader":
        qs = qs.filter(kind=Link.Kind.LEADER_TOWNSHIP)
    elif f.link == "department":
        qs = qs.exclude(kind=Link.Kind.LEADER_TOWNSHIP)
    return qs.select_related("cadre").order_by("area_id", "kind", "pk")


def link_rows(user, items, f: Filters) -> list[dict]:
    items = list(items)
    names = _area_names(k.area_id for k in items)
    return [
        {
            "id": k.pk,
            "kind": k.get_kind_display(),
            "area": names.get(k.area_id, k.area_id),
            "cadre": k.cadre.name if k.cadre_id else "",
            "department": k.department or (k.cadre.unit if k.cadre_id else ""),
            "start_date": k.start_date,
            "end_date": k.end_date,
        }
        for k in items
    ]


# -- One interface for the views, the export and the tests -------------------------------------

QUERIES = {"households": households, "measures": measures, "work": work, "links": links}
ROWS = {
    "households": household_rows,
    "measures": measure_rows,
    "work": work_rows,
    "links": link_rows,
}


def columns(kind: str, f: Filters) -> list[tuple[str, str]]:
    """(key, Chinese header) of the ledger's columns, in order."""
    if kind == "households":
        return [
            ("number", _("户编号")),
            ("head_name", _("户主姓名")),
            ("village", _("嘎查村")),
            ("members", _("家庭人口")),
            ("attribute", _("贫困户属性")),
            ("cause", _("主要致贫原因")),
            ("status", _("当前状态")),
            ("planned_exit_year", _("计划脱贫年度")),
            ("exit_year", _("脱贫年度")),
            ("cadres", _("帮扶责任人")),
            ("plan_note", _("%(year)s年帮扶思路") % {"year": f.year}),
            ("measures", _("%(year)s年措施数") % {"year": f.year}),
        ]
    if kind == "measures":
        return [
            ("number", _("户编号")),
            ("head_name", _("户主姓名")),
            ("village", _("嘎查村")),
            ("year", _("年度")),
            ("type", _("措施类型")),
            ("description", _("内容")),
            ("amount", _("金额（元）")),
            ("status", _("状态")),
            ("responsible", _("责任人")),
            ("outcome", _("成效")),
            ("cadres", _("帮扶责任人")),
        ]
    if kind == "links":
        return [
            ("kind", _("类型")),
            ("area", _("联系区划")),
            ("cadre", _("联系人")),
            ("department", _("帮扶单位")),
            ("start_date", _("开始日期")),
            ("end_date", _("结束日期")),
        ]
    return [
        ("date", _("日期")),
        ("kind_label", _("类别")),
        ("who", _("人员")),
        ("where", _("区划")),
        ("what", _("内容")),
    ]


def rows(user, kind: str, items, f: Filters) -> list[dict]:
    return ROWS[kind](user, items, f)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "quantize"):
        return f"{value:.2f}"
    return value


def xlsx(user, kind: str, code: str, f: Filters) -> bytes:
    """The whole ledger (every filtered row, not one page) as an .xlsx, streamed in chunks;
    the caller checks :data:`XLSX_MAX` first."""
    cols = columns(kind, f)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(str(TITLES[kind]))
    header = []
    for _key, title in cols:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    items = QUERIES[kind](user, code, f)
    stream = iter(items) if isinstance(items, WorkRows) else items.iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(stream, CHUNK)):
        for row in rows(user, kind, chunk, f):
            sheet.append(safe_row(_cell(row[key]) for key, _title in cols))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
