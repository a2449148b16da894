"""Who may write field work: the roles of fupin.accounts.actions, with the scope and the
record's own ties checked beside (a visit only by a cadre paired with the household, a concern
started or answered by its handling level or its owner, a meeting by the level that holds it).

The views draw their forms and buttons from these checks; the services call them again."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from fupin.accounts.actions import REVIEW_MEETING_BY_LEVEL, Action, allowed
from fupin.accounts.models import Role
from fupin.areas.scope import user_can_see_code
from fupin.assistance.models import Cadre, Pairing


def linked_cadre(user) -> Cadre | None:
    """The active cadre whose login is ``user`` (a pairing cadre signs in as himself)."""
    if user is None or not user.is_authenticated:
        return None
    return Cadre.objects.filter(user=user, active=True).first()


def is_paired(cadre: Cadre, household_id: int, day: datetime.date) -> bool:
    spans = Pairing.objects.filter(cadre=cadre, household_id=household_id).values_list(
        "start_date", "end_date"
    )
    return paired_on(spans, day)


def paired_on(
    spans: Iterable[tuple[datetime.date, datetime.date | None]], day: datetime.date
) -> bool:
    """Whether one of a cadre's pairings with a household, as (start, end or None), holds
    on ``day`` (both ends included)."""
    return any(start <= day and (end is None or end >= day) for start, end in spans)


def pairing_spans(
    pairs: Iterable[tuple[int, int]],
) -> dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]]:
    """The pairings of each (cadre id, household id) in one query, for :func:`paired_on`."""
    pairs = set(pairs)
    spans: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]] = {}
    if not pairs:
        return spans
    rows = Pairing.objects.filter(
        cadre_id__in={c for c, _h in pairs}, household_id__in={h for _c, h in pairs}
    ).values_list("cadre_id", "household_id", "start_date", "end_date")
    for cadre_id, household_id, start, end in rows:
        if (cadre_id, household_id) in pairs:
            spans.setdefault((cadre_id, household_id), []).append((start, end))
    return spans


def _may(user, action: Action, code: str) -> bool:
    return user_can_see_code(user, code) and allowed(user, action, code)


def can_record_visit_anywhere(user) -> bool:
    return allowed(user, Action.VISIT_RECORD)


def can_record_visit_at(user, code: str) -> bool:
    """The role half of :func:`can_record_visit`, checked before the visit's date."""
    return _may(user, Action.VISIT_RECORD, code)


def can_record_visit(
    user, cadre: Cadre, household, day: datetime.date, *, paired: bool | None = None
) -> bool:
    """The village team for a cadre paired with the household; a pairing cadre only as
    himself, for a household he is paired with. ``paired`` is :func:`is_paired`'s answer when
    the caller looked the pairings up already (a batch)."""
    if not _may(user, Action.VISIT_RECORD, household.village_id):
        return False
    if paired is None:
        paired = is_paired(cadre, household.pk, day)
    if not paired:
        return user.is_superuser
    if user.is_superuser or user.has_role_at({Role.VILLAGE_TEAM}, household.village_id):
        return True
    # The cadre is the user's own (what linked_cadre would find, without its query).
    return cadre.user_id == user.pk and cadre.active


def can_check_in_anywhere(user) -> bool:
    return allowed(user, Action.CHECK_IN_RECORD)


def can_check_in(user, code: str) -> bool:
    return _may(user, Action.CHECK_IN_RECORD, code)


def can_raise_concern(user, code: str) -> bool:
    return _may(user, Action.CONCERN_RAISE, code)


def can_assign(user, concern) -> bool:
    return _may(user, Action.CONCERN_ASSIGN, concern.village_id)


def _is_owner(user, concern) -> bool:
    own = linked_cadre(user)
    return own is not None and concern.owner_id == own.pk


def can_start(user, concern) -> bool:
    if not user_can_see_code(user, concern.village_id):
        return False
    return allowed(user, Action.CONCERN_START, concern.village_id) or _is_owner(user, concern)


def can_answer(user, concern) -> bool:
    if not user_can_see_code(user, concern.village_id):
        return False
    return allowed(user, Action.CONCERN_ANSWER, concern.village_id) or _is_owner(user, concern)


def can_escalate(user, concern) -> bool:
    return _may(user, Action.CONCERN_ESCALATE, concern.village_id)


def can_feedback_on_paper(user, concern) -> bool:
    """The village team uploads the household's signed paper."""
    return _may(user, Action.CONCERN_FEEDBACK, concern.village_id) and (
        user.is_superuser or user.has_role_at({Role.VILLAGE_TEAM}, concern.village_id)
    )


def can_feedback_in_person(user, concern, day: datetime.date) -> bool:
    """The visiting cadre, paired with the concern's household, with the household present."""
    if concern.household_id is None:
        return False
    if not _may(user, Action.CONCERN_FEEDBACK, concern.village_id):
        return False
    own = linked_cadre(user)
    return own is not None and is_paired(own, concern.household_id, day)


def can_record_meeting(user, area_code: str, level: str) -> bool:
    action = REVIEW_MEETING_BY_LEVEL.get(level)
    return action is not None and _may(user, action, area_code)


def can_open_visit_form(user) -> bool:
    """The village team picks the visiting cadre; a pairing cadre records as himself, so he
    needs a login linked to his cadre record."""
    if not can_record_visit_anywhere(user):
        return False
    return (
        user.is_superuser
        or user.has_role_anywhere({Role.VILLAGE_TEAM})
        or linked_cadre(user) is not None
    )
