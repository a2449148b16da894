"""Reads of 三会一课: compliance per area and period, attendees, the political life archive.

:func:`meeting_compliance` is *the* compliance selector: the page, its xlsx, the API
(``/api/areas/<code>/meeting-compliance/``) and the tests call it. Definitions
(docs/party.md §Compliance):

* a requirement (:class:`~fupin.party.models.MeetingRequirement`) splits the year into
  calendar-aligned periods of ``every_months`` months; a period is *due* when it ends inside
  the range asked (a quarter or a month) and by the as-of day;
* an organisation is counted when it is active, lies in the area and a requirement applies
  to its kind; a period before its founding month is not due;
* the organisation is *late* when some due period of some required kind has no meeting of
  that kind held by it in the period; ``missing`` lists those (kind, period);
* absences: every absence at a meeting held in the range.

Three queries: organisations, one grouped count of meetings, absences.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from fupin.core.clock import as_of
from fupin.core.figures import serialized

from .models import (
    MeetingAbsence,
    MeetingKind,
    PartyMeeting,
    PartyMember,
    PartyOrganization,
    requirements,
)


@dataclass(frozen=True)
class Range:
    first: datetime.date
    last: datetime.date
    label: str


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_quarter(value: str) -> Range:
    """``YYYY-Qn`` → the quarter's first and last day; ValueError when malformed."""
    year_text, _sep, q_text = value.strip().upper().partition("-Q")
    year, quarter = int(year_text), int(q_text)
    if not (1 <= quarter <= 4 and 2000 <= year <= 2100):
        raise ValueError(value)
    first_month = 3 * quarter - 2
    return Range(
        datetime.date(year, first_month, 1),
        month_end(year, first_month + 2),
        f"{year}-Q{quarter}",
    )


def parse_month(value: str) -> Range:
    year, month = (int(p) for p in value.strip().split("-"))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(value)
    return Range(datetime.date(year, month, 1), month_end(year, month), f"{year}-{month:02d}")


def current_quarter(today: datetime.date | None = None) -> Range:
    """The quarter of the as-of day — or the one before it when none of its months ended."""
    today = today or as_of()
    q = (today.month - 1) // 3 + 1
    r = parse_quarter(f"{today.year}-Q{q}")
    if r.last > today and today.month == 3 * q - 2 and today != month_end(today.year, today.month):
        prev = datetime.date(r.first.year, r.first.month, 1) - datetime.timedelta(days=1)
        return parse_quarter(f"{prev.year}-Q{(prev.month - 1) // 3 + 1}")
    return r


@dataclass(frozen=True)
class Period:
    kind: str = field(metadata=serialized(_("会议类别")))
    first: datetime.date = field(metadata=serialized(_("应开期间起")))
    last: datetime.date = field(metadata=serialized(_("应开期间止")))

    @property
    def label(self) -> str:
        if self.first.month == self.last.month:
            return f"{self.first.year}-{self.first.month:02d}"
        return f"{self.first.year}-{self.first.month:02d}～{self.last.month:02d}"

    @property
    def kind_label(self) -> str:
        return str(MeetingKind(self.kind).label)


def due_periods(requirement, r: Range, today: datetime.date) -> list[Period]:
    """The periods of ``requirement`` that end inside ``r`` and by ``today``."""
    n = max(1, requirement.every_months)
    out = []
    for year in range(r.first.year, r.last.year + 1):
        for start_month in range(1, 13, n):
            end_month = min(12, start_month + n - 1)
            first = datetime.date(year, start_month, 1)
            last = month_end(year, end_month)
            if r.first <= last <= r.last and last <= today:
                out.append(Period(requirement.kind, first, last))
    return out


@dataclass
class Late:
    organization: PartyOrganization
    missing: list[Period] = field(default_factory=list)


@dataclass(frozen=True)
class LateOrganization:
    id: int = field(metadata=serialized(_("党组织 ID")))
    name: str = field(metadata=serialized(_("党组织名称")))
    area: str = field(metadata=serialized(_("区划代码")))
    missing: list[Period] = field(metadata=serialized(_("应开未开的会议")))


@dataclass(frozen=True)
class Absence:
    member: str = field(metadata=serialized(_("党员姓名")))
    member_id: int
    organization: str = field(metadata=serialized(_("党组织名称")))
    meeting_id: int
    kind: str = field(metadata=serialized(_("会议类别")))
    held_on: datetime.date = field(metadata=serialized(_("会议日期")))
    reason: str = field(metadata=serialized(_("缺席原因")))


@dataclass(frozen=True)
class ComplianceFigures:
    """The compliance figures of an area and range (the API serializes this very structure)."""

    quarter: str = field(metadata=serialized(_("季度 YYYY-Qn")))
    reference_day: datetime.date = field(metadata=serialized(_("参考日（季度末或系统日期）")))
    organizations: int = field(metadata=serialized(_("有三会一课要求的党组织数")))
    late: int = field(metadata=serialized(_("未按期开会的党组织数")))
    missed_meetings: int = field(metadata=serialized(_("应开未开的会议数（组织×类别×期间）")))
    absences: int = field(metadata=serialized(_("缺席人次")))
    late_organizations: list[LateOrganization]
    absence_list: list[Absence]


@dataclass
class Compliance:
    range: Range
    reference_day: datetime.date
    organizations: int
    late: list[Late]
    absences: list  # MeetingAbsence rows with meeting, member, meeting.organization
    area_codes: list[str] = field(default_factory=list)  # of the organisations counted

    def by_child(self, children) -> list[tuple]:
        """[(child area, organisations, late, missed meetings, absences)] for a drill-down."""
        out = []
        for child in children:
            prefix = child.code
            late = [i for i in self.late if i.organization.area_id.startswith(prefix)]
            out.append(
                (
                    child,
                    sum(1 for c in self.area_codes if c.startswith(prefix)),
                    len(late),
                    sum(len(i.missing) for i in late),
                    sum(1 for a in self.absences if a.area_id.startswith(prefix)),
                )
            )
        return [row for row in out if row[1] or row[4]]

    @property
    def missed_meetings(self) -> int:
        return sum(len(item.missing) for item in self.late)

    def figures(self) -> ComplianceFigures:
        """The figures with the late organisations and the absences, as plain values."""
        return ComplianceFigures(
            quarter=self.range.label,
            reference_day=self.reference_day,
            organizations=self.organizations,
            late=len(self.late),
            missed_meetings=self.missed_meetings,
            absences=len(self.absences),
            late_organizations=[
                LateOrganization(
                    id=item.organization.pk,
                    name=item.organization.name,
                    area=item.organization.area_id,
                    missing=item.missing,
                )
                for item in self.late
            ],
            absence_list=[
                Absence(
                    member=a.member.name,
                    member_id=a.member_id,
                    organization=a.meeting.organization.name,
                    meeting_id=a.meeting_id,
                    kind=a.meeting.kind,
                    held_on=a.meeting.held_on,
                    reason=a.reason,
                )
                for a in self.absences
            ],
        )

    def counts(self) -> dict:
        return {
            "period": self.range.label,
            "reference_day": self.reference_day,
            "organizations": self.organizations,
            "late": len(self.late),
            "missed_meetings": self.missed_meetings,
            "absences": len(self.absences),
        }


def meeting_compliance(user, code: str, r: Range, today: datetime.date | None = None) -> Compliance:
    """Compliance of the organisations in ``code`` (already checked against the user's scope)."""
    today = today or as_of()
    periods_by_org_kind: dict[str, list[Period]] = {}
    for requirement in requirements():
        periods = due_periods(requirement, r, today)
        for org_kind in requirement.organization_kinds or ():
            periods_by_org_kind.setdefault(org_kind, []).extend(periods)
    organizations = list(
        PartyOrganization.objects.accessible_to(user)
        .within(code)
        .filter(active=True, kind__in=[k for k, p in periods_by_org_kind.items() if p])
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=r.last))
        .select_related("area", "parent")
        .order_by("area_id", "kind", "name", "pk")
    )
    held = set()
    for row in (
        PartyMeeting.objects.accessible_to(user)
        .within(code)
        .filter(held_on__gte=_earliest(periods_by_org_kind, r), held_on__lte=r.last)
        .annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
        .values("organization_id", "kind", "y", "m")
        .annotate(n=Count("id"))
    ):
        held.add((row["organization_id"], row["kind"], row["y"], row["m"]))

    def was_held(org_id, period: Period) -> bool:
        month = period.first
        while month <= period.last:
            if (org_id, period.kind, month.year, month.month) in held:
                return True
            month = month_end(month.year, month.month) + datetime.timedelta(days=1)
        return False

    late = []
    for org in organizations:
        founded = org.founded_on.replace(day=1) if org.founded_on else None
        missing = [
            p
            for p in periods_by_org_kind.get(org.kind, ())
            if (founded is None or p.first >= founded) and not was_held(org.pk, p)
        ]
        if missing:
            late.append(Late(org, sorted(missing, key=lambda p: (p.first, p.kind))))
    absences = list(
        MeetingAbsence.objects.accessible_to(user)
        .within(code)
        .filter(meeting__held_on__gte=r.first, meeting__held_on__lte=min(r.last, today))
        .select_related("member", "meeting", "meeting__organization")
        .order_by("meeting__held_on", "meeting_id", "member__name", "pk")
    )
    return Compliance(
        r,
        min(r.last, today),
        len(organizations),
        late,
        absences,
        [o.area_id for o in organizations],
    )


def _earliest(periods_by_org_kind, r: Range) -> datetime.date:
    firsts = [p.first for periods in periods_by_org_kind.values() for p in periods]
    return min(firsts) if firsts else r.first


# ------------------------------------------------------------------------- members, meetings


def roster(organization: PartyOrganization):
    """The members an organisation's meetings are about: a group's by ``group``."""
    if organization.is_group:
        return PartyMember.objects.filter(group=organization)
    return PartyMember.objects.filter(organization=organization)


COMMITTEE_POSTS = (
    PartyMember.Post.SECRETARY,
    PartyMember.Post.DEPUTY,
    PartyMember.Post.COMMITTEE,
)


def members_on(organization: PartyOrganization, day: datetime.date, kind: str | None = None):
    """The members a meeting of ``kind`` on ``day`` is for: in the organisation since then,
    not yet gone; a 支部委员会 is for the committee (书记、副书记、委员) only."""
    members = roster(organization)
    if kind == MeetingKind.COMMITTEE_MEETING and not organization.is_group:
        members = members.filter(post__in=COMMITTEE_POSTS)
    return (
        members.filter(Q(org_since__isnull=True) | Q(org_since__lte=day))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .exclude(status=PartyMember.Status.DECEASED, left_on__isnull=True)
    )


def attendees(meeting: PartyMeeting):
    """Attendance by exception: the members on the day minus the absentees."""
    return (
        members_on(meeting.organization, meeting.held_on, meeting.kind)
        .exclude(pk__in=meeting.absences.values("member_id"))
        .order_by("name", "pk")
    )


def member_meetings(member: PartyMember):
    """The meetings that were the member's: of the present organisation (and group) since
    ``org_since``, of each earlier organisation between the transfers; committee meetings
    only for a member who holds a committee post now."""
    since = member.org_since or member.joined_on
    until = member.left_on
    current = Q(organization_id=member.organization_id)
    if member.group_id:
        current |= Q(organization_id=member.group_id)
    q = current & (Q(held_on__gte=since) if since else Q())
    if until:
        q &= Q(held_on__lt=until)
    start = member.joined_on
    for transfer in member.transfers.order_by("date", "pk"):
        earlier = Q(organization_id=transfer.from_organization_id, held_on__lt=transfer.date)
        if start:
            earlier &= Q(held_on__gte=start)
        q |= earlier
        start = transfer.date
    meetings = PartyMeeting.objects.filter(q)
    if member.post not in COMMITTEE_POSTS:
        meetings = meetings.exclude(kind=MeetingKind.COMMITTEE_MEETING)
    return meetings


@dataclass
class Archive:
    member: PartyMember
    attended: list
    absences: list
    entries: list
    households: list
    counts: dict


def archive(member: PartyMember, today: datetime.date | None = None) -> Archive:
    """政治生活档案: the meetings and lessons attended (computed), absences, appraisals,
    commitments, recognitions and — for a cadre — the paired households."""
    today = today or as_of()
    absences = list(
        member.absences.select_related("meeting", "meeting__organization").order_by(
            "-meeting__held_on"
        )
    )
    absent_ids = {a.meeting_id for a in absences}
    attended = [
        m
        for m in member_meetings(member)
        .filter(held_on__lte=today)
        .select_related("organization")
        .order_by("-held_on", "-pk")
        if m.pk not in absent_ids
    ]
    counts = {kind: 0 for kind in MeetingKind.values}
    for m in attended:
        counts[m.kind] += 1
    households = []
    if member.cadre is not None:
        households = list(
            member.cadre.pairings.filter(start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("household")
            .order_by("household__number")
        )
    entries = list(member.archive.order_by("-year", "kind", "-date", "pk"))
    return Archive(member, attended, absences, entries, households, counts)


def last_meetings(organizations) -> dict:
    """{org pk: {kind: last held_on}} in one grouped query."""
    from django.db.models import Max

    out: dict = {}
    for row in (
        PartyMeeting.objects.filter(organization__in=organizations, held_on__lte=as_of())
        .values("organization_id", "kind")
        .annotate(last=Max("held_on"))
    ):
        out.setdefault(row["organization_id"], {})[row["kind"]] = row["last"]
    return out
