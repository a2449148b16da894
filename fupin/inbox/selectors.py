"""What waits on a user (docs/inbox.md): computed live from the records, plus unread messages.

Each kind of live item is one queryset built from the user's role assignments, already
scoped (``accessible_to``), so the list (:func:`inbox`) and the navigation's count
(:func:`unread_count`) read the very same rows:

* ``case_step`` — open, unpaused cases whose next step belongs to a role the user holds over
  the case's village (fupin.identification.workflow);
* ``objection`` — open objections in the areas where the user may answer them;
* ``concern`` — open concerns whose owner is the user's cadre; ``concern_overdue`` — open
  concerns past their deadline at the level the user handles (village team: the village's,
  township officer: the township's, county and league: the county's), not the user's own;
* ``visit_due`` — the pairings behind in this week as the compliance figures define it
  (fupin.fieldwork.selectors: the 7 days ending on the as-of day): a pairing cadre's own,
  a village team's village's;
* ``party_meeting`` — Party organisations of the user's own area (where the user records
  三会一课) with no meeting of a required kind in the current period (due at its end) or in
  the period before it (overdue).
* ``quality_flag`` — open flags (fupin.quality: a department's list, a duplicate, a re-check)
  of the villages where the user verifies them (the village team).
* ``review_item`` — households of an open 回头看 round (fupin.review) still to be visited, in
  the areas where the user records the outcome (village team, township officer).

The count is one SQL statement of scalar sub-queries (plus the requirements table, and the
user's role assignments that the page has already read); its text is built once per process
for the same user, day and requirements (:func:`unread_count`).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, roles
from fupin.accounts.models import Role, User
from fupin.assistance.models import Pairing
from fupin.core.clock import as_of
from fupin.core.figures import serialized
from fupin.fieldwork import selectors as fieldwork_selectors
from fupin.fieldwork.models import Concern, Level
from fupin.identification import workflow
from fupin.identification.models import Case, Objection
from fupin.notify.models import Notification
from fupin.notify.services import unread
from fupin.party.models import MeetingKind, PartyMeeting, PartyOrganization, requirements
from fupin.quality.models import Flag
from fupin.review.models import ReviewItem

KIND_LABELS = {
    "case_step": _("待办案件"),
    "objection": _("待答复异议"),
    "concern": _("交办给我的诉求"),
    "concern_overdue": _("超期诉求"),
    "visit_due": _("本周未走访"),
    "party_meeting": _("三会一课待开"),
    "quality_flag": _("待核实疑点"),
    "review_item": _("回头看待核查"),
    "notification": _("消息"),
}
# How many rows of each live kind the list shows (the count counts them all).
LIMIT = 50

# The level of concerns a handler of an area of this code length handles.
_CONCERN_LEVEL = {12: Level.VILLAGE, 9: Level.TOWNSHIP, 6: Level.COUNTY, 4: Level.COUNTY}


@dataclasses.dataclass(frozen=True)
class Item:
    kind: str = dataclasses.field(metadata=serialized(_("类型")))
    kind_label: str = dataclasses.field(metadata=serialized(_("类型名称")))
    title: str = dataclasses.field(metadata=serialized(_("标题")))
    body: str = dataclasses.field(metadata=serialized(_("说明")))
    url: str = dataclasses.field(metadata=serialized(_("办理链接")))
    due: datetime.date | None = dataclasses.field(metadata=serialized(_("期限")))
    overdue: bool = dataclasses.field(metadata=serialized(_("是否超期")))
    # An unread message's id (the page marks it read when it is opened).
    notification: int | None = None


@dataclasses.dataclass(frozen=True)
class Inbox:
    unread: int = dataclasses.field(metadata=serialized(_("未读条数（未读消息与待办之和）")))
    results: list[Item]


def _areas(user: User, wanted: Iterable[str]) -> list[str]:
    """The areas over which the user holds one of ``wanted`` roles (its assignments)."""
    wanted = set(wanted)
    return sorted({area for role, area in user.assignments() if role in wanted})


# -- The live querysets -------------------------------------------------------------------


def _waiting_states(role: str) -> Q | None:
    """Cases whose next step belongs to ``role``: (kind, state) pairs from the workflow."""
    q = Q()
    found = False
    for kind, chain in workflow.STEPS.items():
        states = [chain[i].name for i in range(len(chain) - 1) if role in chain[i + 1].roles]
        if states:
            q |= Q(kind=kind, state__in=states)
            found = True
    return q if found else None


def cases_waiting(user: User) -> QuerySet[Case]:
    result = Case.objects.none()
    for role, area in user.assignments():
        states = _waiting_states(role)
        if states is None:
            continue
        result = result | Case.objects.accessible_to(user).within(area).filter(states)
    return result.filter(outcome=Case.Outcome.OPEN, paused=False)


def objections_open(user: User) -> QuerySet[Objection]:
    areas = _areas(user, workflow.ANSWERS_OBJECTIONS)
    return Objection.objects.accessible_to(user).within(areas).filter(state=Objection.State.OPEN)


def concerns_mine(user: User) -> QuerySet[Concern]:
    return Concern.objects.accessible_to(user).filter(
        owner__user_id=user.pk, state__in=Concern.OPEN_STATES
    )


def concerns_overdue(user: User, today: datetime.date) -> QuerySet[Concern]:
    result = Concern.objects.none()
    for area in _areas(user, roles(Action.CONCERN_ESCALATE)):
        level = _CONCERN_LEVEL.get(len(area))
        if level is not None:
            result = result | Concern.objects.accessible_to(user).within(area).filter(level=level)
    return result.filter(state__in=Concern.OPEN_STATES, deadline__lt=today).exclude(
        owner__user_id=user.pk
    )


def visits_due(user: User, today: datetime.date) -> QuerySet[Pairing]:
    week = fieldwork_selectors.this_week(today)
    result = Pairing.objects.none()
    for village in _areas(user, {Role.VILLAGE_TEAM}):
        if len(village) == 12:
            result = result | fieldwork_selectors.pairings_behind(user, village, week)
    if _areas(user, {Role.PAIRING_CADRE}):
        own = fieldwork_selectors.pairings_behind(user, "", week).filter(cadre__user_id=user.pk)
        result = result | own
    return result


def flags_open(user: User) -> QuerySet[Flag]:
    """Open flags (fupin.quality) of the villages where the user verifies them."""
    areas = _areas(user, roles(Action.QUALITY_FLAG_REVIEW))
    return Flag.objects.accessible_to(user).within(areas).filter(status=Flag.Status.OPEN)


def review_items_pending(user: User) -> QuerySet[ReviewItem]:
    """Items of open 回头看 rounds (fupin.review) with no outcome yet, in the areas where the
    user records outcomes."""
    areas = _areas(user, roles(Action.REVIEW_OUTCOME))
    return (
        ReviewItem.objects.accessible_to(user)
        .within(areas)
        .filter(outcome="", review_round__closed_on__isnull=True)
    )


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _periods(every_months: int, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The period of ``every_months`` months holding ``today`` and the one before it."""
    n = max(1, every_months)
    start = ((today.month - 1) // n) * n + 1
    first = datetime.date(today.year, start, 1)
    last = _month_end(today.year, min(12, start + n - 1))
    before_last = first - datetime.timedelta(days=1)
    before_start = ((before_last.month - 1) // n) * n + 1
    return [(first, last), (datetime.date(before_last.year, before_start, 1), before_last)]


def party_meetings_due(user: User, today: datetime.date, reqs=None):
    """[(kind, first, last, overdue, organisations without that meeting in the period)]."""
    areas = _areas(user, roles(Action.PARTY_RECORD))
    if not areas:
        return []
    out = []
    for requirement in reqs if reqs is not None else requirements():
        if not requirement.organization_kinds:
            continue
        for i, (first, last) in enumerate(_periods(requirement.every_months, today)):
            held = PartyMeeting.objects.filter(
                organization_id=OuterRef("pk"),
                kind=requirement.kind,
                held_on__gte=first,
                held_on__lte=last,
            )
            founded = Q(founded_on__isnull=True) | Q(founded_on__lt=first)
            missing = (
                PartyOrganization.objects.accessible_to(user)
                .filter(area_id__in=areas, active=True, kind__in=requirement.organization_kinds)
                .filter(founded)
                .exclude(Exists(held))
            )
            out.append((requirement.kind, first, last, i > 0, missing))
    return out


# -- The count ----------------------------------------------------------------------------


def _count(queryset) -> Subquery:
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


# The count's statement, kept per process under everything it is built from: the user, its
# active and superuser flags and role assignments, the day (the as-of day too, which the
# pairing cadre's own-households filter reads), the meeting requirements and the database.
# Building the querysets and compiling them cost 20–30 ms of Python on every page that shows
# the navigation; running the statement under 1 ms (bench/README.md, "Many users at once").
# The rows are always read live: only the SQL text and its parameters are reused. A part of
# the count that comes to depend on another value read from the database adds it to the key.
_STATEMENTS: dict[tuple, tuple[str, tuple]] = {}
_STATEMENTS_MAX = 2048


def _requirements_key(reqs) -> tuple:
    return tuple((r.kind, repr(r.organization_kinds), r.every_months) for r in reqs)


def _count_statement(user: User, today: datetime.date, reqs) -> tuple[str, tuple]:
    parts = {
        "notifications": unread(user),
        "cases": cases_waiting(user),
        "objections": objections_open(user),
        "concerns": concerns_mine(user),
        "overdue": concerns_overdue(user, today),
        "visits": visits_due(user, today),
        "flags": flags_open(user),
        "review": review_items_pending(user),
    }
    for i, (*_x, missing) in enumerate(party_meetings_due(user, today, reqs)):
        parts[f"party{i}"] = missing
    names = {f"inbox_{k}": q for k, q in parts.items()}
    counts = User.objects.filter(pk=user.pk).annotate(**{k: _count(q) for k, q in names.items()})
    sql, params = counts.values(*names).query.sql_with_params()
    return sql, tuple(params)


def unread_count(user: User, today: datetime.date | None = None) -> int:
    """Unread messages plus live items, in one statement (the navigation's number)."""
    if user is None or not user.is_authenticated:
        return 0
    day = as_of()
    today = today or day
    reqs = requirements()
    key = (
        connection.alias,
        user.pk,
        user.is_active,
        user.is_superuser,
        tuple(sorted(user.assignments())),
        today,
        day,
        _requirements_key(reqs),
    )
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _count_statement(user, today, reqs)
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        row = cursor.fetchone()
    return sum(value or 0 for value in row or ())


# -- The list -----------------------------------------------------------------------------


def _label(kind: str) -> str:
    return str(KIND_LABELS[kind])


def _case_items(user: User) -> list[Item]:
    rows = cases_waiting(user).select_related("village").order_by("created_on", "pk")[:LIMIT]
    items = []
    for case in rows:
        step = workflow.next_step(case.kind, case.state)
        items.append(
            Item(
                kind="case_step",
                kind_label=_label("case_step"),
                title=gettext("%(case)s：待%(step)s")
                % {"case": case, "step": step.label if step else ""},
                body=f"{case.village.name} · {case.get_kind_display()}",
                url=reverse("identification:case_detail", args=[case.pk]),
                due=None,
                overdue=False,
            )
        )
    return items


def _objection_items(user: User) -> list[Item]:
    rows = objections_open(user).select_related("case").order_by("filed_at", "pk")[:LIMIT]
    return [
        Item(
            kind="objection",
            kind_label=_label("objection"),
            title=gettext("%(case)s：%(filer)s提出异议") % {"case": o.case, "filer": o.filer_name},
            body=o.text[:200],
            url=reverse("identification:case_detail", args=[o.case_id]),
            due=None,
            overdue=False,
        )
        for o in rows
    ]


def _concern_items(user: User, today: datetime.date) -> list[Item]:
    items = []
    for kind, rows in (
        ("concern", concerns_mine(user)),
        ("concern_overdue", concerns_overdue(user, today)),
    ):
        for c in rows.select_related("village").order_by(F("deadline").asc(nulls_last=True), "pk")[
            :LIMIT
        ]:
            items.append(
                Item(
                    kind=kind,
                    kind_label=_label(kind),
                    title=gettext("%(village)s：%(category)s诉求")
                    % {"village": c.village.name, "category": c.get_category_display()},
                    body=c.text[:200],
                    url=reverse("fieldwork:concern", args=[c.pk]),
                    due=c.deadline,
                    overdue=bool(c.deadline and c.deadline < today),
                )
            )
    return items


def _visit_items(user: User, today: datetime.date) -> list[Item]:
    rows = (
        visits_due(user, today)
        .select_related("household", "cadre")
        .order_by("household__number", "pk")[:LIMIT]
    )
    return [
        Item(
            kind="visit_due",
            kind_label=_label("visit_due"),
            title=gettext("%(head)s户本周尚未走访") % {"head": p.household.head_name},
            body=gettext("帮扶责任人：%(cadre)s；户编号：%(number)s")
            % {"cadre": p.cadre.name, "number": p.household.number},
            url=f"/m/visit/{p.household_id}/",
            due=today,
            overdue=False,
        )
        for p in rows
    ]


def _party_items(user: User, today: datetime.date) -> list[Item]:
    items = []
    for kind, first, last, overdue, missing in party_meetings_due(user, today):
        for org in missing.order_by("area_id", "name", "pk")[:LIMIT]:
            items.append(
                Item(
                    kind="party_meeting",
                    kind_label=_label("party_meeting"),
                    title=gettext("%(org)s：%(kind)s")
                    % {"org": org.name, "kind": MeetingKind(kind).label},
                    body=gettext("应于%(first)s至%(last)s召开")
                    % {"first": first.isoformat(), "last": last.isoformat()},
                    url=reverse("party:meeting-new", args=[org.pk]),
                    due=last,
                    overdue=overdue,
                )
            )
    return items


def _flag_items(user: User) -> list[Item]:
    rows = flags_open(user).select_related("household").order_by("raised_on", "pk")[:LIMIT]
    return [
        Item(
            kind="quality_flag",
            kind_label=_label("quality_flag"),
            title=gettext("%(head)s户：%(reason)s")
            % {"head": f.household.head_name, "reason": f.reason},
            body=gettext("户编号：%(number)s") % {"number": f.household.number},
            url=reverse("quality:flag", args=[f.pk]),
            due=None,
            overdue=False,
        )
        for f in rows
    ]


def _review_items(user: User) -> list[Item]:
    rows = (
        review_items_pending(user)
        .select_related("household", "review_round")
        .order_by("review_round__ends_on", "pk")[:LIMIT]
    )
    return [
        Item(
            kind="review_item",
            kind_label=_label("review_item"),
            title=gettext("%(head)s户：%(round)s")
            % {
                "head": i.household.head_name if i.household else i.found_name,
                "round": i.review_round.name,
            },
            body=gettext("户编号：%(number)s")
            % {"number": i.household.number if i.household else "—"},
            url=reverse("review:item", args=[i.pk]),
            due=i.review_round.ends_on,
            overdue=i.review_round.ends_on < as_of(),
        )
        for i in rows
    ]


def _notification_items(user: User) -> list[Item]:
    rows = Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
    items = []
    for n in rows.filter(read_at__isnull=True)[:LIMIT]:
        items.append(
            Item(
                kind=n.kind,
                kind_label=_label("notification"),
                title=n.title,
                body=n.body,
                url=n.url,
                due=None,
                overdue=False,
                notification=n.pk,
            )
        )
    return items


def inbox(user: User, today: datetime.date | None = None) -> Inbox:
    """The user's inbox: unread messages first, then the live items, overdue ones first."""
    today = today or as_of()
    live = [
        *_case_items(user),
        *_objection_items(user),
        *_concern_items(user, today),
        *_visit_items(user, today),
        *_party_items(user, today),
        *_flag_items(user),
        *_review_items(user),
    ]
    live.sort(key=lambda i: (not i.overdue, i.due or datetime.date.max))
    return Inbox(unread=unread_count(user, today), results=[*_notification_items(user), *live])


def recent_messages(user: User, limit: int = 20) -> list[Notification]:
    """The user's latest messages, read ones included (the page's history)."""
    return list(Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")[:limit])
