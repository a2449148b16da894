"""The day-to-day writes of the registry (日常维护): a household's facts, a year's income, the
changes of members (birth, death, marriage in or out, moving away) and a household split (分户).

Each write is one transaction: the actor's right (``registry.edit`` over the household's
village, fupin.accounts.actions), the same rules as the import (fupin.registry.rules, with its
messages), the history rows with the reason, one audit event. A refused write raises
``ValidationError`` as ``{field name: [reasons]}`` (``None`` for the form as a whole) and
writes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, allowed
from fupin.accounts.models import User
from fupin.areas.scope import user_can_see_code
from fupin.core import cells
from fupin.core.audit import audit, changes, save_with_reason
from fupin.core.clock import as_of

from . import codes, rules
from .models import Household, IncomeRecord, Member
from .services import MSG_NO_RIGHT, _check_member, status_record_set

HOUSEHOLD_EDITED = "registry.household_edited"
INCOME_RECORDED = "registry.income_recorded"
MEMBER_JOINED = "registry.member_joined"
MEMBER_LEFT = "registry.member_left"
HOUSEHOLD_SPLIT = "registry.household_split"

# Sent inside a split's transaction with ``year``, ``village`` and ``household_ids``: the
# assessment (an app above the registry) evaluates both households of the year on its own.
households_split = Signal()

MSG_REASON = _("请填写变更原因")
MSG_NEW_HEAD = _("户主减员后须指定新户主（本户其他在册成员之一）")
MSG_NOT_MEMBER = _("所选成员不是本户在册成员")
MSG_LEFT_ALREADY = _("该成员已于%(day)s减员（%(reason)s）")
MSG_SPLIT_NONE = _("请选择分出的成员")
MSG_SPLIT_ALL = _("不能分出全部成员：原户至少保留1人")
MSG_SPLIT_HEAD = _("新户户主须是分出的成员之一")
MSG_SPLIT_OLD_HEAD = _("原户户主分出后须指定原户新户主（留在原户的成员之一）")
MSG_BEFORE_BIRTH = _("日期不能早于出生日期 %(birth)s")

# The household fields the edit form writes (status and years belong to the cases).
HOUSEHOLD_FIELDS = (
    "address",
    "phone",
    "bank_account",
    "attribute",
    "main_cause",
    "other_causes",
    "dangerous_housing",
    "safe_water",
    "has_electricity",
    "farmland_mu",
    "house_area",
    "road_km",
    "planned_exit_year",
)
INCOME_FIELDS = tuple(rules.INCOME_AMOUNT_COLUMNS.values())
# The rules' columns → the forms' fields.
HOUSEHOLD_COLUMN_FIELDS = {
    rules.COL_MAIN_CAUSE: "main_cause",
    rules.COL_OTHER_CAUSES: "other_causes",
    rules.COL_RELATION: "relation",
    rules.COL_ATTRIBUTE: "attribute",
    rules.COL_PER_CAPITA: NON_FIELD_ERRORS,
    rules.COL_YEAR: "year",
    **{column: field for column, field in rules.INCOME_AMOUNT_COLUMNS.items()},
}
# History reasons are stored data, not interface text: Chinese whatever the user's language.
HISTORY_KINDS = {
    "birth": "出生",
    "marriage_in": "婚入",
    Member.Leave.DEATH: "死亡",
    Member.Leave.MARRIAGE_OUT: "婚出",
    Member.Leave.MOVED_AWAY: "迁出",
}
RULE_MEMBER_FIELDS = ("relation", "school_status", "health", "labour", "birth_date")


def open_members(household: Household):
    """The members still in the household (not died, married out or moved away)."""
    return household.members.filter(left_on__isnull=True)


def _require(actor: User, household: Household) -> None:
    if not user_can_see_code(actor, household.village_id) or not allowed(
        actor, Action.REGISTRY_EDIT, household.village_id
    ):
        raise PermissionDenied(MSG_NO_RIGHT)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [MSG_REASON]})
    return reason


def _household_values(household: Household) -> dict:
    return {
        "main_cause": household.main_cause,
        "other_causes": household.other_causes,
        "status": household.status,
        "identified_year": household.identified_year,
        "exit_year": household.exit_year,
    }


def _message(field: str, problem: cells.Problem) -> str:
    """A rule's reason under its form field (the page names the field); above the form, the
    reason with the import's column name."""
    return str(problem) if field == NON_FIELD_ERRORS else str(problem.reason)


def _household_problems(household: Household, members: list[dict]) -> dict[str, list[str]]:
    """The import's household rules (one head, causes against members, years) as form errors."""
    today = as_of()
    problems: dict[str, list[str]] = {}
    for problem in rules.check_household(
        _household_values(household), members, data_year=today.year, as_of=today
    ):
        field = HOUSEHOLD_COLUMN_FIELDS.get(problem.field, NON_FIELD_ERRORS)
        problems.setdefault(field, []).append(_message(field, problem))
    return problems


def _refresh_counts(actor: User, household: Household, reason: str) -> None:
    """members_count and head_name from the open members; this year's status row with them."""
    members = list(open_members(household))
    head = next((m for m in members if m.relation == codes.Relation.HEAD), None)
    household.members_count = len(members)
    household.head_name = head.name if head is not None else household.head_name
    save_with_reason(
        household,
        actor=actor,
        reason=reason,
        update_fields=["members_count", "head_name", "updated_at"],
    )
    status_record_set(
        actor=actor,
        household=household,
        year=as_of().year,
        status=household.status,
        reason=reason,
    )


def _check_day(day: datetime.date, field: str = "date") -> None:
    today = as_of()
    if day > today:
        raise ValidationError({field: [cells.MSG_DATE_FUTURE % {"today": today.isoformat()}]})


# -- The household ----------------------------------------------------------------------------


@transaction.atomic
def household_edit(*, actor: User, household: Household, data: dict, reason: str) -> Household:
    """Change the household's facts in ``data`` (keys of :data:`HOUSEHOLD_FIELDS`)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(actor, household)
    reason = _reason(reason)
    before = {field: getattr(household, field) for field in HOUSEHOLD_FIELDS if field in data}
    for field, value in data.items():
        if field in HOUSEHOLD_FIELDS:
            setattr(household, field, value)
    members = list(open_members(household).values(*RULE_MEMBER_FIELDS))
    problems = _household_problems(household, members)
    if problems:
        raise ValidationError(problems)
    household.full_clean(exclude=["village", "number"])
    save_with_reason(household, actor=actor, reason=reason, update_fields=[*before, "updated_at"])
    after = {field: getattr(household, field) for field in before}
    audit(actor, HOUSEHOLD_EDITED, household.pk, changes=changes(before, after), reason=reason)
    return household


# -- Income -----------------------------------------------------------------------------------


def parse_amounts(raw: dict) -> tuple[dict[str, Decimal | None], dict[str, list[str]]]:
    """Parse the typed amounts as the import parses its cells (same messages); blank is 0."""
    amounts: dict[str, Decimal | None] = {}
    problems: dict[str, list[str]] = {}
    for field in rules.INCOME_AMOUNT_COLUMNS.values():
        try:
            amounts[field] = cells.amount(
                str(raw.get(field) or "").strip(), required=False, blank=Decimal(0)
            )
        except cells.CellError as error:
            amounts[field] = None
            problems.setdefault(field, []).append(str(error.reason))
    return amounts, problems


def income_problems(year: int, amounts: dict, members_count: int) -> dict[str, list[str]]:
    """The import's income rules (year, per-person net income) as form errors."""
    problems: dict[str, list[str]] = {}
    for problem in rules.check_income({"year": year, **amounts}, members_count, as_of=as_of()):
        field = HOUSEHOLD_COLUMN_FIELDS.get(problem.field, NON_FIELD_ERRORS)
        problems.setdefault(field, []).append(_message(field, problem))
    return problems


@transaction.atomic
def income_set(
    *, actor: User, household: Household, year: int, amounts: dict, reason: str
) -> IncomeRecord:
    """Write the household's income of ``year`` (created or replaced), for its open members."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(actor, household)
    reason = _reason(reason)
    members_count = open_members(household).count()
    problems = income_problems(year, amounts, members_count)
    if problems:
        raise ValidationError(problems)
    record = IncomeRecord.objects.filter(household=household, year=year).first()
    before = {f: getattr(record, f) for f in INCOME_FIELDS} if record else {}
    if record is None:
        record = IncomeRecord(household=household, village_id=household.village_id, year=year)
    for field in INCOME_FIELDS:
        setattr(record, field, amounts[field])
    record.members_count = members_count
    save_with_reason(record, actor=actor, reason=reason)
    audit(
        actor,
        INCOME_RECORDED,
        household.pk,
        year=year,
        changes=changes(before, {f: amounts[f] for f in INCOME_FIELDS}),
        per_capita=str(record.net_income_per_capita),
        reason=reason,
    )
    return record


# -- Members ----------------------------------------------------------------------------------


@transaction.atomic
def member_join(
    *, actor: User, household: Household, kind: str, day: datetime.date, fields: dict, reason: str
) -> Member:
    """Add a person born into the household or married into it (``kind``: birth, marriage_in).

    A person married out or moved away from another household keeps the same row (and its
    history): it is moved here and opened again. The member is checked by the import's rules
    (fupin.registry.services._check_member: ID number, one household per person, age, heads,
    causes).
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(actor, household)
    reason = _reason(reason)
    _check_day(day)
    info, _problems = rules.check_id_number(fields.get("id_number", ""), today=as_of())
    member = None
    if info is not None:
        member = (
            Member.objects.select_for_update()
            .filter(
                id_number=info.number,
                left_reason__in=[Member.Leave.MARRIAGE_OUT, Member.Leave.MOVED_AWAY],
            )
            .first()
        )
    if member is None:
        member = Member(household=household, village_id=household.village_id)
    member.household, member.village_id = household, household.village_id
    member.left_on, member.left_reason = None, ""
    for field, value in fields.items():
        setattr(member, field, value)
    problems = _check_member(actor, member, household)
    if not problems and info is not None and day < info.birth_date:
        problems["date"] = [MSG_BEFORE_BIRTH % {"birth": info.birth_date.isoformat()}]
    if problems:
        raise ValidationError(problems)
    member.full_clean(exclude=["household", "village", "id_number"])
    history_reason = f"{HISTORY_KINDS[kind]} {day.isoformat()}：{reason}"
    save_with_reason(member, actor=actor, reason=history_reason)
    _refresh_counts(actor, household, history_reason)
    audit(
        actor,
        MEMBER_JOINED,
        member.pk,
        household=household.pk,
        kind=kind,
        date=day.isoformat(),
        reason=reason,
    )
    return member


@transaction.atomic
def member_leave(
    *,
    actor: User,
    member: Member,
    kind: str,
    day: datetime.date,
    reason: str,
    new_head: Member | None = None,
) -> Member:
    """Close a member who died, married out or moved away (``kind``: a :class:`Member.Leave`).

    The row stays with its history. A head's leaving needs ``new_head``, another open member,
    who becomes the head; the household is then checked by the import's household rules.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    household = Household.objects.select_for_update().get(pk=member.household_id)
    _require(actor, household)
    reason = _reason(reason)
    _check_day(day)
    if member.left_on is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    MSG_LEFT_ALREADY
                    % {
                        "day": member.left_on.isoformat(),
                        "reason": member.get_left_reason_display(),
                    }
                ]
            }
        )
    if day < member.birth_date:
        raise ValidationError(
            {"date": [MSG_BEFORE_BIRTH % {"birth": member.birth_date.isoformat()}]}
        )
    history_reason = f"{HISTORY_KINDS[Member.Leave(kind)]} {day.isoformat()}：{reason}"
    remaining = list(open_members(household).exclude(pk=member.pk))
    if member.relation != codes.Relation.HEAD or not remaining:
        new_head = None
    else:
        if new_head is None or new_head.pk not in {m.pk for m in remaining}:
            raise ValidationError({"new_head": [MSG_NEW_HEAD]})
        new_head = next(m for m in remaining if m.pk == new_head.pk)
        new_head.relation = codes.Relation.HEAD
    if remaining:
        values = [{f: getattr(m, f) for f in RULE_MEMBER_FIELDS} for m in remaining]
        problems = _household_problems(household, values)
        if problems:
            raise ValidationError(problems)
    member.left_on, member.left_reason = day, kind
    save_with_reason(member, actor=actor, reason=history_reason)
    if new_head is not None:
        save_with_reason(new_head, actor=actor, reason=history_reason)
    _refresh_counts(actor, household, history_reason)
    audit(
        actor,
        MEMBER_LEFT,
        member.pk,
        household=household.pk,
        kind=kind,
        date=day.isoformat(),
        new_head=new_head.pk if new_head is not None else None,
        reason=reason,
    )
    return member


# -- Household split (分户) ---------------------------------------------------------------------


def next_number(village: str) -> str:
    """The next free household number of the village, in the one format (rules.household_number)."""
    numbers = Household.objects.filter(number__startswith=village).values_list("number", flat=True)
    serials = [
        int(n[len(village) :])
        for n in numbers
        if len(n) == rules.NUMBER_LENGTH and n[len(village) :].isdigit()
    ]
    return rules.household_number(village, max(serials, default=0) + 1)


@transaction.atomic
def household_split(
    *,
    actor: User,
    household: Household,
    leaving: list[Member],
    new_head: Member,
    relations: dict[int, str],
    old_head: Member | None = None,
    reason: str,
) -> Household:
    """Split ``leaving`` off ``household`` into a new household headed by ``new_head``.

    The same member rows move (their history continues, its entry naming the split); the new
    household gets the next number of the village and the old one's facts; ``relations`` are
    the leaving members' relations to the new head; ``old_head`` replaces a head who leaves.
    Both households are checked by the import's rules, get this year's status row and are
    assessed for the year on their own (:data:`households_split`, which
    fupin.assessment.services.households_assess answers).
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(actor, household)
    reason = _reason(reason)
    members = {m.pk: m for m in open_members(household).select_for_update()}
    leaving_ids = [m.pk for m in leaving]
    if not leaving_ids:
        raise ValidationError({"members": [MSG_SPLIT_NONE]})
    if any(pk not in members for pk in leaving_ids):
        raise ValidationError({"members": [MSG_NOT_MEMBER]})
    staying = [m for pk, m in members.items() if pk not in leaving_ids]
    if not staying:
        raise ValidationError({"members": [MSG_SPLIT_ALL]})
    if new_head is None or new_head.pk not in leaving_ids:
        raise ValidationError({"new_head": [MSG_SPLIT_HEAD]})
    moving = [members[pk] for pk in leaving_ids]
    for m in moving:
        m.relation = relations.get(m.pk, m.relation)
    members[new_head.pk].relation = codes.Relation.HEAD
    promoted = None  # the member who becomes the old household's head
    if not any(m.relation == codes.Relation.HEAD for m in staying):
        if old_head is None or old_head.pk not in {m.pk for m in staying}:
            raise ValidationError({"old_head": [MSG_SPLIT_OLD_HEAD]})
        promoted = members[old_head.pk]
        promoted.relation = codes.Relation.HEAD
    problems: dict[str, list[str]] = {}
    for group in (staying, moving):
        values = [{f: getattr(m, f) for f in RULE_MEMBER_FIELDS} for m in group]
        for field, reasons in _household_problems(household, values).items():
            problems.setdefault(field, []).extend(
                r for r in reasons if r not in problems.get(field, [])
            )
    if problems:
        raise ValidationError(problems)

    number = next_number(household.village_id)
    history_reason = f"分户：由 {household.number} 分出至 {number}：{reason}"
    fields = {
        field.attname: getattr(household, field.attname)
        for field in Household._meta.concrete_fields
        if field.attname not in ("id", "number", "created_at", "updated_at")
    }
    new = Household(**fields)
    new.number = number
    new.head_name = members[new_head.pk].name
    new.members_count = len(moving)
    save_with_reason(new, actor=actor, reason=history_reason)
    for m in moving:
        m.household = new
        save_with_reason(m, actor=actor, reason=history_reason)
    if promoted is not None:
        save_with_reason(promoted, actor=actor, reason=history_reason)
    _refresh_counts(actor, household, history_reason)
    _refresh_counts(actor, new, history_reason)
    year = as_of().year
    households_split.send(
        sender=Household,
        year=year,
        village=household.village_id,
        household_ids=[household.pk, new.pk],
    )
    audit(
        actor,
        HOUSEHOLD_SPLIT,
        household.pk,
        new_household=new.pk,
        number=number,
        members=leaving_ids,
        reason=reason,
    )
    return new
