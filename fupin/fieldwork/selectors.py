"""Compliance of field work, set-based for any area and period (docs/fieldwork.md, "Counts").

Each count is defined once, here, and the compliance page, 我的帮扶, the inbox and the
reports read it from here:

* this week: the Monday–Sunday week holding the day (:func:`week_of`); the current week is
  judged "so far", Monday … the system date;
* pairings behind over a period: pairings with no visit by that cadre to that household in
  at least one week of the period (every Monday–Sunday week overlapping it up to the
  reference day, not only the last) in which the pairing was active;
* residents under the cadence: active 第一书记 / 驻村工作队员 with fewer distinct check-in days
  from the 1st to the reference day than ``ceil(resident_days × elapsed days ÷ days in the
  month)`` (20 days a month, pro-rated to the day; a flagged check-in counts once accepted);
* reviews missed: for every review period that ended by the reference day, each area of
  that level without a meeting;
* concerns overdue: open concerns (raised, assigned, in progress) whose deadline is before
  the reference day; every concern has one from the day it is raised, and escalation gives
  the new level a new one (``fupin.fieldwork.services.deadline_from``).
"""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fupin.areas import periods
from fupin.areas.models import Area
from fupin.assistance.models import Cadre, Pairing
from fupin.core.clock import as_of
from fupin.core.figures import serialized

from .models import COUNTED_CHECK_IN, CheckIn, Concern, Level, ReviewMeeting, Visit, cadence

RESIDENT_POSTS = (Cadre.Post.FIRST_SECRETARY, Cadre.Post.WORK_TEAM)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The Monday and Sunday of the week holding ``day``: *the* "this week" of every page."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


@dataclass(frozen=True)
class Month:
    """A period of field work (a month, or a report's period) judged on ``ref``."""

    first: datetime.date
    last: datetime.date
    ref: datetime.date
    # The system date the weeks are judged up to (the current week "so far").
    today: datetime.date | None = None

    @property
    def week_start(self):
        """The Monday of the reference day's week."""
        return week_of(self.ref)[0]

    @property
    def weeks(self) -> list[tuple[datetime.date, datetime.date]]:
        """Every Monday–Sunday week overlapping ``first`` … ``ref``, each as (Monday, its last
        day judged: Sunday, or the system date while the week runs)."""
        today = self.today or self.ref
        monday, _sunday = week_of(self.first)
        out = []
        while monday <= self.ref:
            out.append((monday, min(monday + datetime.timedelta(days=6), max(today, self.ref))))
            monday += datetime.timedelta(days=7)
        return out

    @property
    def resident_days_required(self) -> int:
        """The check-in days required by ``ref``: the month's cadence pro-rated to the day."""
        days = calendar.monthrange(self.ref.year, self.ref.month)[1]
        month_first = self.ref.replace(day=1)
        elapsed = (self.ref - max(self.first, month_first)).days + 1
        return math.ceil(cadence("resident_days") * elapsed / days)


def period_window(
    first: datetime.date, last: datetime.date, today: datetime.date | None = None
) -> Month:
    """The window of any period (a report's week, ten days, month or quarter) judged today."""
    today = today or as_of()
    return Month(first, last, min(last, max(today, first)), today)


def month_window(month: str | None, today: datetime.date | None = None) -> Month:
    """``YYYY-MM`` (default: the as-of month) → its first and last day and the reference day."""
    today = today or as_of()
    if month:
        year, mon = (int(p) for p in month.split("-"))
    else:
        year, mon = today.year, today.month
    first = datetime.date(year, mon, 1)
    last = datetime.date(year, mon, calendar.monthrange(year, mon)[1])
    return period_window(first, last, today)


def this_week(today: datetime.date | None = None) -> Month:
    """The week holding the system date, so far (我的帮扶, the inbox's visits due)."""
    today = today or as_of()
    monday, sunday = week_of(today)
    return period_window(monday, sunday, today)


def pairings_active(user, code: str, m: Month):
    """Pairings of the area active on some day of the window's weeks (the denominator)."""
    weeks = m.weeks
    start = weeks[0][0] if weeks else m.first
    return (
        Pairing.objects.accessible_to(user)
        .within(code)
        .filter(start_date__lte=m.ref)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    )


def pairings_behind(user, code: str, m: Month):
    """Pairings of the area that missed the weekly contact in at least one week of ``m``:
    active in that week and no visit by that cadre to that household in it."""
    missed = Q(pk__in=[])
    # The latest week first: the week still running is the one most pairings have missed so
    # far, and the OR stops at a pairing's first missed week (fewer index probes; the same set).
    for monday, end in reversed(m.weeks):
        # The scope's range and the village too: on the partitioned layout (docs/scale.md) the
        # visits are read in the pairing's county alone.
        visited = (
            Visit.objects.accessible_to(user)
            .within(code)
            .filter(
                village_id=OuterRef("village_id"),
                cadre_id=OuterRef("cadre_id"),
                household_id=OuterRef("household_id"),
                visited_on__gte=monday,
                visited_on__lte=end,
            )
        )
        active = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=monday))
        missed |= active & Q(~Exists(visited))
    # The households' range too: the page joins them (docs/scale.md).
    return (
        Pairing.objects.accessible_to(user)
        .within(code)
        .within(code, field="household__village_id")
        .filter(missed)
    )


def residents_under(user, code: str, m: Month):
    """Resident cadres with fewer check-in days than the cadence, annotated with ``days``."""
    # A flagged check-in (far, no location, reused photo) counts once a township accepts it.
    days = (
        CheckIn.objects.filter(cadre_id=OuterRef("pk"), day__gte=m.first, day__lte=m.ref)
        .filter(COUNTED_CHECK_IN)
        .values("cadre_id")
        .annotate(n=Count("day", distinct=True))
        .values("n")
    )
    return (
        Cadre.objects.accessible_to(user)
        .within(code)
        .filter(active=True, post__in=RESIDENT_POSTS)
        .annotate(days=Coalesce(Subquery(days, output_field=IntegerField()), Value(0)))
        .filter(days__lt=m.resident_days_required)
    )


def review_periods(m: Month):
    """(level, first, last) of every review period that ended by ``m.ref`` in this month."""
    half = datetime.date(m.first.year, m.first.month, 15)
    periods = [
        (Level.VILLAGE, m.first, half),
        (Level.VILLAGE, half + datetime.timedelta(1), m.last),
    ]
    periods.append((Level.TOWNSHIP, m.first, m.last))
    if m.first.month % 3 == 0:
        q_first = datetime.date(m.first.year, m.first.month - 2, 1)
        periods.append((Level.COUNTY, q_first, m.last))
    return [p for p in periods if p[2] <= m.ref]


def reviews_missed(user, code: str, m: Month):
    """[(level, first, last, areas without a meeting)] — one query per period."""
    scoped_areas = Area.objects.within(code)
    out = []
    for level, first, last in review_periods(m):
        # The period's meetings are read once (NOT IN): a correlated NOT EXISTS walked them
        # again for every area of the level, 1.2 s for a league on SQLite (bench/bench_load.py).
        held = ReviewMeeting.objects.accessible_to(user).filter(
            level=level, held_on__gte=first, held_on__lte=last
        )
        missing = scoped_areas.filter(level=level).exclude(code__in=held.values("area_id"))
        out.append((level, first, last, missing))
    return out


def concerns_overdue(user, code: str, m: Month):
    return (
        Concern.objects.accessible_to(user)
        .within(code)
        .filter(state__in=Concern.OPEN_STATES, deadline__lt=m.ref)
    )


def flagged_check_ins(user, code: str, m: Month):
    """The month's check-ins with an evidence flag (far, no location, reused photo): each
    counts toward the resident days only once a township officer accepts it."""
    return (
        CheckIn.objects.accessible_to(user)
        .within(code)
        .filter(day__gte=m.first, day__lte=m.ref)
        .exclude(flags="")
    )


def flagged_visits(user, code: str, m: Month):
    """The month's visits that carry a flag (backdated, reused photo)."""
    return (
        Visit.objects.accessible_to(user)
        .within(code)
        .co_located("household")
        .filter(visited_on__gte=m.first, visited_on__lte=m.ref)
        .filter(Q(backdated=True) | ~Q(flags=""))
    )


@dataclass(frozen=True)
class ComplianceCounts:
    """The compliance counts of an area and month (the API serializes the four counts)."""

    month: str
    reference_day: datetime.date
    pairings_behind: int = field(
        metadata=serialized(_("本月有一周或以上未联系的结对数（周 = 周一至周日）"))
    )
    residents_under_20_days: int = field(
        metadata=serialized(_("本月驻村天数低于按日折算要求（每月 20 天）的驻村干部数"))
    )
    reviews_missed: int = field(metadata=serialized(_("本月应开未开的研判会（区划×周期）")))
    concerns_overdue: int = field(metadata=serialized(_("超期未办结的民情诉求数")))


def compliance_counts(
    user,
    code: str,
    month: str | None = None,
    *,
    behind=None,
    residents=None,
    reviews_counted: int | None = None,
    overdue=None,
) -> ComplianceCounts:
    """The four counts of the compliance API and page; ``code`` must be in the user's scope.

    ``behind``, ``residents`` and ``overdue``: the page's own :func:`pairings_behind`,
    :func:`residents_under` and :func:`concerns_overdue` of the same area and month, and
    ``reviews_counted`` the sum of its :func:`reviews_missed` counts, so that each is built
    and counted once (building the weekly check's five subqueries costs as much CPU as
    compiling them)."""
    m = month_window(month)
    if behind is None:
        behind = pairings_behind(user, code, m)
    if residents is None:
        residents = residents_under(user, code, m)
    if reviews_counted is None:
        reviews_counted = sum(q.count() for *_x, q in reviews_missed(user, code, m))
    if overdue is None:
        overdue = concerns_overdue(user, code, m)
    return ComplianceCounts(
        month=m.first.strftime("%Y-%m"),
        reference_day=m.ref,
        pairings_behind=behind.count(),
        residents_under_20_days=residents.count(),
        reviews_missed=reviews_counted,
        concerns_overdue=overdue.count(),
    )


# The figure of the compliance page that each kind of record written into a closed month moves.
CORRECTED_FIGURE = {
    "fieldwork.visit": "pairings_behind",
    "fieldwork.checkin": "residents_under_20_days",
    "fieldwork.reviewmeeting": "reviews_missed",
}


@dataclass(frozen=True)
class MonthCorrection:
    """A record written into a closed month after its close, with its reason."""

    figure: str = field(metadata=serialized(_("受影响的指标")))
    record: str = field(metadata=serialized(_("记录类型")))
    record_id: str = field(metadata=serialized(_("记录编号")))
    area: str = field(metadata=serialized(_("记录所在区划代码")))
    day: datetime.date = field(metadata=serialized(_("记录日期")))
    reason: str = field(metadata=serialized(_("更正原因")))
    corrected_at: datetime.datetime = field(metadata=serialized(_("更正时间")))


@dataclass(frozen=True)
class MonthClose:
    """Whether an area's month of field work is closed, and the corrections made since."""

    month: str = field(metadata=serialized(_("月份 YYYY-MM")))
    closed: bool = field(metadata=serialized(_("本区划该月是否已关账")))
    closed_areas: list[str] = field(
        metadata=serialized(_("该月已关账的区划代码（本区划、其上级或下级）"))
    )
    corrections: list[MonthCorrection] = field(metadata=serialized(_("关账后的更正")))


def month_close(user, code: str, month: str | None = None) -> MonthClose:
    """The closes of the month over or inside ``code`` and the corrections written since."""
    period = month_window(month).first.strftime("%Y-%m")
    kind = periods.Kind.FIELDWORK_MONTH
    closes = list(periods.closes_of(user, kind, code, period).values_list("area_id", flat=True))
    corrections = [
        MonthCorrection(
            figure=CORRECTED_FIGURE.get(c.record, ""),
            record=c.record,
            record_id=c.record_id,
            area=c.area_id,
            day=c.day,
            reason=c.reason,
            corrected_at=c.corrected_at,
        )
        for c in periods.corrections_of(user, kind, code, period)
    ]
    return MonthClose(
        month=period,
        closed=any(code.startswith(area) for area in closes),
        closed_areas=closes,
        corrections=corrections,
    )


# -- the field app's reads (/api/me/, /api/me/households/) -------------------------------------


def cadre_village(cadre: Cadre, day: datetime.date) -> str | None:
    """The village a cadre works in: his own area when it is a village, else the village of
    his first household paired on ``day``."""
    if len(cadre.area_id) == 12:
        return cadre.area_id
    return (
        Pairing.objects.filter(cadre=cadre, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("village_id")
        .values_list("village_id", flat=True)
        .first()
    )


def me(user) -> dict:
    """The signed-in user, the cadre linked to it and the scope (``GET /api/me/``)."""
    from django.conf import settings

    from fupin.accounts.models import Role
    from fupin.areas.scope import scope_roots

    from .permissions import linked_cadre

    today = as_of()
    pairs = user.assignments()
    names = dict(
        Area.objects.filter(code__in={area for _r, area in pairs}).values_list("code", "name")
    )
    cadre = linked_cadre(user)
    cadre_data = None
    if cadre is not None:
        village = cadre_village(cadre, today)
        cadre_data = {
            "id": cadre.pk,
            "name": cadre.name,
            "unit": cadre.unit,
            "phone": cadre.phone,
            "village": village,
            "village_name": Area.objects.filter(code=village).values_list("name", flat=True).first()
            or "",
        }
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", "") or "",
        "roles": [
            {"role": Role(role).value, "area": area, "area_name": names.get(area, "")}
            for role, area in pairs
        ],
        "cadre": cadre_data,
        "scope": scope_roots(user),
        "today": today,
        "backdate_days": {
            "visit": int(settings.FUPIN_BACKDATE_DAYS.get("visit", 0)),
            "check_in": int(settings.FUPIN_BACKDATE_DAYS.get("check_in", 0)),
        },
        # The inbox's unread count comes with the inbox (docs/api.md).
        "unread": 0,
    }


def my_households(user):
    """The households a field user works with, or None when the user has no such list: a
    village team's villages' households, else a pairing cadre's households paired today."""
    from fupin.accounts.models import Role
    from fupin.registry.models import Household

    from .permissions import linked_cadre

    today = as_of()
    villages = [area for role, area in user.assignments() if role == Role.VILLAGE_TEAM]
    households = Household.objects.accessible_to(user)
    if villages:
        return households.filter(village_id__in=villages)
    cadre = linked_cadre(user) if user.has_role_anywhere({Role.PAIRING_CADRE}) else None
    if cadre is None:
        return None
    paired = (
        Pairing.objects.filter(cadre=cadre, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("household_id")
    )
    return households.filter(pk__in=paired)


def household_cards(households) -> list[dict]:
    """The phone's card of each household: members (ID numbers masked), the latest plan and
    its measures, the last 3 visits and the cadres paired today. A fixed number of queries."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from fupin.assistance.models import AssistancePlan, Measure
    from fupin.core.masking import mask_id_number
    from fupin.registry.models import Member

    today = as_of()
    rows = list(households.select_related("village").order_by("village_id", "number"))
    ids = [h.pk for h in rows]
    # The households' villages too: the partition key of the national layout (docs/scale.md).
    villages = sorted({h.village_id for h in rows})
    members: dict[int, list] = {}
    for m in Member.objects.filter(household_id__in=ids, village_id__in=villages).order_by(
        "household_id", "pk"
    ):
        members.setdefault(m.household_id, []).append(
            {
                "name": m.name,
                "relation_label": m.get_relation_display(),
                "sex_label": m.get_sex_display(),
                "age": m.age_on(today),
                "id_number_masked": mask_id_number(m.id_number),
            }
        )
    plans: dict[int, AssistancePlan] = {}
    for plan in AssistancePlan.objects.filter(household_id__in=ids, year__lte=today.year).order_by(
        "household_id", "-year"
    ):
        plans.setdefault(plan.household_id, plan)
    measures: dict[int, list] = {}
    for measure in Measure.objects.filter(plan__in=list(plans.values())).order_by("plan_id", "pk"):
        measures.setdefault(measure.plan_id, []).append(
            {
                "type_label": measure.get_type_display(),
                "content": measure.description,
                "state_label": measure.get_status_display(),
            }
        )
    recent: dict[int, list] = {}
    ranked = (
        Visit.objects.filter(household_id__in=ids, village_id__in=villages)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("household_id")],
                order_by=[F("visited_on").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=3)
        .select_related("cadre")
        .order_by("household_id", "-visited_on", "-pk")
    )
    for visit in ranked:
        recent.setdefault(visit.household_id, []).append(
            {
                "visited_on": visit.visited_on,
                "kind_label": visit.get_kind_display(),
                "cadre_name": visit.cadre.name,
                "content": visit.content,
            }
        )
    cadres: dict[int, list] = {}
    for pairing in (
        Pairing.objects.filter(household_id__in=ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("cadre")
        .order_by("household_id", "pk")
    ):
        cadres.setdefault(pairing.household_id, []).append(
            {"id": pairing.cadre_id, "name": pairing.cadre.name, "phone": pairing.cadre.phone}
        )
    return [
        {
            "id": h.pk,
            "number": h.number,
            "head_name": h.head_name,
            "village": h.village_id,
            "village_name": h.village.name,
            "phone": h.phone,
            "attribute": h.attribute,
            "attribute_label": h.attribute_label,
            "status": h.status,
            "status_label": h.get_status_display(),
            "members": members.get(h.pk, []),
            "plan": (
                {"year": plans[h.pk].year, "measures": measures.get(plans[h.pk].pk, [])}
                if h.pk in plans
                else None
            ),
            "last_visits": recent.get(h.pk, []),
            "pairing_cadres": cadres.get(h.pk, []),
            "visit_url": f"/m/visit/{h.pk}/",
        }
        for h in rows
    ]
