"""Write side of field work: keyword-only, atomic, scope-checked, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.areas.periods import Kind as PeriodKind
from fupin.areas.periods import period_check
from fupin.areas.scope import user_can_see_code
from fupin.assistance.models import Cadre
from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.registry.models import Household

from .models import NEXT_LEVEL, CheckIn, Concern, ConcernEvent, Level, ReviewMeeting, Visit

S = Concern.State


MSG_SCOPE = _("该记录不在您的权限范围内")
MSG_STATE = _("状态 %(state)s 不能转为 %(to)s")
MSG_HOUSEHOLD_VILLAGE = _("户不属于该村")
MSG_ANSWER_REQUIRED = _("答复不能为空")
MSG_ESCALATE_CLOSED = _("只有未办结的诉求可以上报")
MSG_ESCALATE_TOP = _("已是最高层级")
MSG_ESCALATE_EARLY = _("未超期且未超出本级权限，不能上报")


def _check_scope(user: User, code: str) -> None:
    if not user_can_see_code(user, code):
        raise PermissionDenied(MSG_SCOPE)


def _event(
    concern: Concern,
    *,
    user: User | None,
    from_state: str,
    note: str = "",
    day: datetime.date | None = None,
) -> None:
    ConcernEvent.objects.create(
        concern=concern,
        village_id=concern.village_id,
        day=day or as_of(),
        user=user if getattr(user, "is_authenticated", False) else None,
        from_state=from_state,
        to_state=concern.state,
        level=concern.level,
        note=note,
    )


def _move(
    user: User,
    concern: Concern,
    *,
    allowed: tuple[str, ...],
    to: str,
    note: str = "",
    **changes: object,
) -> Concern:
    _check_scope(user, concern.village_id)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.state not in allowed:
        raise ValidationError(MSG_STATE % {"state": concern.state, "to": to})
    before = concern.state
    concern.state = to
    for field, value in changes.items():
        setattr(concern, field, value)
    concern.save()
    _event(concern, user=user, from_state=before, note=note)
    audit(user, f"concern.{to}", concern.pk, village=concern.village_id)
    return concern


@transaction.atomic
def visit_log(
    *,
    user: User,
    cadre: Cadre,
    household: Household,
    visited_on: datetime.date | None = None,
    kind: str = Visit.Kind.HOME,
    content: str = "",
    concerns: Iterable[dict] = (),
    correction_reason: str = "",
) -> Visit:
    """Log a visit; ``concerns`` is a list of ``{"text", "category"}`` raised in the same call."""
    _check_scope(user, household.village_id)
    visit = Visit.objects.create(
        cadre=cadre,
        household=household,
        village_id=household.village_id,
        visited_on=visited_on or as_of(),
        kind=kind,
        content=content,
        created_by=user if user.is_authenticated else None,
    )
    # A closed month takes the visit only as a correction (fupin.areas.periods).
    period_check(
        PeriodKind.FIELDWORK_MONTH,
        visit.village_id,
        visit.visited_on,
        correction_reason,
        record=visit,
        actor=user,
    )
    for item in concerns:
        concern_raise(
            user=user,
            village_code=household.village_id,
            household=household,
            text=item["text"],
            category=item.get("category", Concern.Category.OTHER),
            raised_by=cadre,
            visit=visit,
        )
    audit(user, "visit.logged", visit.pk, village=visit.village_id)
    return visit


@transaction.atomic
def check_in_record(
    *,
    user: User,
    cadre: Cadre,
    village_code: str,
    day: datetime.date | None = None,
    lat: Decimal | float | None = None,
    lon: Decimal | float | None = None,
    note: str = "",
    correction_reason: str = "",
) -> CheckIn:
    """One check-in per cadre and day: a second one the same day returns the first."""
    _check_scope(user, village_code)
    row, created = CheckIn.objects.get_or_create(
        cadre=cadre,
        day=day or as_of(),
        defaults={"village_id": village_code, "lat": lat, "lon": lon, "note": note},
    )
    # A closed month takes a new check-in only as a correction (fupin.areas.periods).
    if created:
        period_check(
            PeriodKind.FIELDWORK_MONTH,
            row.village_id,
            row.day,
            correction_reason,
            record=row,
            actor=user,
        )
    return row


@transaction.atomic
def concern_raise(
    *,
    user: User | None,
    village_code: str,
    text: str,
    category: str = Concern.Category.OTHER,
    household: Household | None = None,
    raised_by: Cadre | None = None,
    visit: Visit | None = None,
    filer_contact: str = "",
    source_hash: str = "",
) -> Concern:
    if user is not None and user.is_authenticated:
        _check_scope(user, village_code)
    if household is not None and household.village_id != village_code:
        raise ValidationError(MSG_HOUSEHOLD_VILLAGE)
    source = (
        Concern.Source.VISIT
        if visit
        else Concern.Source.CADRE
        if raised_by
        else Concern.Source.HOUSEHOLD
    )
    concern = Concern.objects.create(
        household=household,
        village_id=village_code,
        source=source,
        raised_by=raised_by,
        visit=visit,
        raised_on=as_of(),
        text=text,
        category=category,
        filer_contact=filer_contact,
        source_hash=source_hash,
    )
    _event(concern, user=user, from_state="")
    audit(user, "concern.raised", concern.pk, village=village_code)
    return concern


@transaction.atomic
def concern_assign(
    *, user: User, concern: Concern, owner: Cadre, deadline: datetime.date, note: str = ""
) -> Concern:
    return _move(
        user,
        concern,
        allowed=(S.RAISED, S.ASSIGNED),
        to=S.ASSIGNED,
        note=note,
        owner=owner,
        deadline=deadline,
    )


@transaction.atomic
def concern_start(*, user: User, concern: Concern, note: str = "") -> Concern:
    return _move(user, concern, allowed=(S.ASSIGNED,), to=S.IN_PROGRESS, note=note)


@transaction.atomic
def concern_answer(*, user: User, concern: Concern, answer: str) -> Concern:
    if not answer.strip():
        raise ValidationError(MSG_ANSWER_REQUIRED)
    return _move(user, concern, allowed=(S.ASSIGNED, S.IN_PROGRESS), to=S.ANSWERED, answer=answer)


@transaction.atomic
def concern_feedback(*, user: User, concern: Concern, satisfied: bool, note: str = "") -> Concern:
    """The household's word: yes closes, no reopens to the owner (assigned)."""
    return _move(
        user,
        concern,
        allowed=(S.ANSWERED,),
        to=S.CLOSED if satisfied else S.ASSIGNED,
        note=note,
        satisfied=satisfied,
        feedback_on=as_of(),
    )


def is_overdue(concern: Concern, day: datetime.date | None = None) -> bool:
    day = day or as_of()
    return concern.state in Concern.OPEN_STATES and bool(
        concern.deadline and concern.deadline < day
    )


@transaction.atomic
def concern_escalate(
    *, user: User, concern: Concern, beyond_power: bool = False, note: str = ""
) -> Concern:
    """Move one level up (village → township → county) when overdue or beyond the level."""
    _check_scope(user, concern.village_id)
    if concern.state not in Concern.OPEN_STATES:
        raise ValidationError(MSG_ESCALATE_CLOSED)
    if concern.level not in NEXT_LEVEL:
        raise ValidationError(MSG_ESCALATE_TOP)
    if not (beyond_power or concern.beyond_power or is_overdue(concern)):
        raise ValidationError(MSG_ESCALATE_EARLY)
    return _move(
        user,
        concern,
        allowed=Concern.OPEN_STATES,
        to=S.RAISED,
        note=note,
        level=NEXT_LEVEL[Level(concern.level)],
        beyond_power=False,
        owner=None,
        deadline=None,
    )


@transaction.atomic
def concerns_escalate_overdue(day: datetime.date | None = None, *, user: User | None = None) -> int:
    """Set-based: every overdue open concern moves one level up; events written in bulk."""
    day = day or as_of()
    moved = 0
    # County first so a concern moved village → township is not moved twice.
    for level in (Level.TOWNSHIP, Level.VILLAGE):
        overdue = Concern.objects.filter(
            level=level, state__in=Concern.OPEN_STATES, deadline__lt=day
        )
        rows = list(overdue.values_list("pk", "village_id", "state"))
        if not rows:
            continue
        new_level = NEXT_LEVEL[level]
        Concern.objects.filter(pk__in=[r[0] for r in rows]).update(
            level=new_level, state=S.RAISED, owner=None, deadline=None
        )
        ConcernEvent.objects.bulk_create(
            ConcernEvent(
                concern_id=pk,
                village_id=village,
                day=day,
                user=user,
                from_state=state,
                to_state=S.RAISED,
                level=new_level,
                note="超期自动上报",
            )
            for pk, village, state in rows
        )
        moved += len(rows)
    return moved


@transaction.atomic
def review_meeting_record(
    *,
    user: User,
    area_code: str,
    level: str,
    held_on: datetime.date,
    attendees: str = "",
    minutes: str = "",
    concerns: Iterable[Concern] = (),
    correction_reason: str = "",
) -> ReviewMeeting:
    _check_scope(user, area_code)
    meeting = ReviewMeeting.objects.create(
        area_id=area_code,
        level=level,
        held_on=held_on,
        attendees=attendees,
        minutes=minutes,
        created_by=user if user.is_authenticated else None,
    )
    # A closed month takes the meeting only as a correction (fupin.areas.periods).
    period_check(
        PeriodKind.FIELDWORK_MONTH,
        meeting.area_id,
        meeting.held_on,
        correction_reason,
        record=meeting,
        actor=user,
    )
    concerns = list(concerns)
    for concern in concerns:
        _check_scope(user, concern.village_id)
    meeting.concerns.set(concerns)
    audit(user, "review.recorded", meeting.pk, area=area_code)
    return meeting
