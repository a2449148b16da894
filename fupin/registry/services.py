"""Writes to the registry one record at a time (bulk writes live in importing.py).

Every write: keyword-only arguments, one transaction, the actor's right checked against the
record's village, validation with the same rules as the import, and a history row with the
actor and the reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import EDIT_REGISTRY, User
from fupin.areas.scope import user_can_see_code
from fupin.core.audit import (
    HOUSEHOLD_CREATED,
    HOUSEHOLD_UPDATED,
    MEMBER_CREATED,
    MEMBER_UPDATED,
    STATUS_RECORDED,
    audit,
    changes,
    save_with_reason,
)
from fupin.core.clock import as_of

from . import codes, rules
from .models import Household, Member, StatusRecord

MSG_NO_RIGHT = _("您没有修改该户数据的权限")

MEMBER_FIELDS = (
    "name",
    "id_number",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "migrant_months",
    "medical_insurance",
    "pension",
    "phone",
)


# The rules speak in the import format's column headers; the form speaks in field names.
COLUMN_FIELDS = {
    rules.COL_NAME: "name",
    rules.COL_ID: "id_number",
    rules.COL_RELATION: "relation",
    rules.COL_SCHOOL: "school_status",
    rules.COL_LABOUR: "labour",
    rules.COL_MIGRANT: "migrant_months",
    rules.COL_HEALTH: "health",
    rules.COL_MAIN_CAUSE: "health",
    rules.COL_OTHER_CAUSES: "health",
}
MEMBER_RULE_FIELDS = ("relation", "school_status", "health", "labour", "birth_date")


def _check_member(actor: User, member: Member, household: Household) -> dict[str, list[str]]:
    """Return the problems of a member as {field name: [reasons]} (empty when valid).

    The same rules as the import (fupin.registry.rules): the member's own fields, then the
    household's rules with this member's new values among the others.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, reason: str) -> None:
        problems.setdefault(field, []).append(reason)

    today = as_of()
    info, id_problems = rules.check_id_number(member.id_number, today=today)
    for problem in id_problems:
        add("id_number", problem.reason)
    if info is None:
        return problems
    member.id_number, member.birth_date, member.sex = info.number, info.birth_date, info.sex
    other = (
        Member.objects.filter(id_number=info.number)
        .exclude(pk=member.pk)
        .select_related("household")
        .first()
    )
    if other is not None:
        visible = user_can_see_code(actor, other.village_id)
        county = (
            "" if visible else rules.county_names([other.village_id]).get(other.village_id[:6], "")
        )
        for problem in rules.check_person_in_one_household(
            info.number, household.number, other.household.number, visible=visible, county=county
        ):
            add("id_number", problem.reason)
    values = {field: getattr(member, field) for field in MEMBER_RULE_FIELDS}
    values["migrant_months"] = member.migrant_months
    for problem in rules.check_member(values, as_of=today):
        add(COLUMN_FIELDS.get(problem.field, "name"), problem.reason)
    others = household.members.exclude(pk=member.pk).values(*MEMBER_RULE_FIELDS)
    household_values = {
        "main_cause": household.main_cause,
        "other_causes": household.other_causes,
        "status": household.status,
        "identified_year": household.identified_year,
        "exit_year": household.exit_year,
    }
    for problem in rules.check_household(
        household_values, [values, *others], data_year=today.year, as_of=today
    ):
        if problem.field in (rules.COL_RELATION, rules.COL_MAIN_CAUSE, rules.COL_OTHER_CAUSES):
            add(COLUMN_FIELDS[problem.field], problem.reason)
    return problems


@transaction.atomic
def member_update(*, actor: User, member: Member, data: dict, reason: str = "") -> Member:
    """Change a member's data; raise ValidationError naming each bad field in Chinese."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    household = Household.objects.select_for_update().get(pk=member.household_id)
    if not actor.has_role_at(EDIT_REGISTRY, member.village_id):
        raise PermissionDenied(MSG_NO_RIGHT)
    before = {field: getattr(member, field) for field in MEMBER_FIELDS}
    for field in MEMBER_FIELDS:
        if field in data:
            setattr(member, field, data[field])
    problems = _check_member(actor, member, household)
    if problems:
        raise ValidationError(problems)
    save_with_reason(member, actor=actor, reason=reason)
    if member.relation == codes.Relation.HEAD and household.head_name != member.name:
        household.head_name = member.name
        save_with_reason(
            household, actor=actor, reason=reason, update_fields=["head_name", "updated_at"]
        )
    after = {field: getattr(member, field) for field in MEMBER_FIELDS}
    audit(
        actor,
        MEMBER_UPDATED,
        member.pk,
        household=household.pk,
        changes=changes(before, after),
        reason=reason,
    )
    return member


# -- Writes of the case workflow (fupin.identification.services decides; these write) -----
# The case checks the actor's right to its step; these write the registry rows, with the
# case as the history reason, and leave one audit event each.


@transaction.atomic
def household_create(
    *, actor: User, village: str, number: str, fields: dict, reason: str = ""
) -> Household:
    """Register a household in ``village`` (validated; history with ``reason``; audited)."""
    household = Household(number=number, village_id=village, **fields)
    household.full_clean(exclude=["village"])
    save_with_reason(household, actor=actor, reason=reason)
    audit(actor, HOUSEHOLD_CREATED, household.pk, number=number, village=village, reason=reason)
    return household


@transaction.atomic
def member_create(*, actor: User, household: Household, fields: dict, reason: str = "") -> Member:
    """Add a member to ``household`` (validated; history with ``reason``; audited)."""
    member = Member(household=household, village_id=household.village_id, **fields)
    member.full_clean(exclude=["household", "village"])
    save_with_reason(member, actor=actor, reason=reason)
    audit(actor, MEMBER_CREATED, member.pk, household=household.pk, reason=reason)
    return member


@transaction.atomic
def household_update(
    *, actor: User, household: Household, data: dict, reason: str = ""
) -> Household:
    """Change a household's fields in ``data`` (history with ``reason``; audited)."""
    before = {field: getattr(household, field) for field in data}
    for field, value in data.items():
        setattr(household, field, value)
    save_with_reason(household, actor=actor, reason=reason, update_fields=[*data, "updated_at"])
    audit(
        actor,
        HOUSEHOLD_UPDATED,
        household.pk,
        changes=changes(before, data),
        reason=reason,
    )
    return household


@transaction.atomic
def status_record_set(
    *, actor: User, household: Household, year: int, status: str, reason: str = ""
) -> StatusRecord:
    """Write the household's yearly status row (created if missing) from its current data."""
    record = StatusRecord.objects.filter(household=household, year=year).first()
    before = record.status if record is not None else None
    if record is None:
        record = StatusRecord(household=household, village_id=household.village_id)
        record.year = year
    record.status = status
    record.attribute = household.attribute
    record.members_count = household.members.count()
    save_with_reason(record, actor=actor, reason=reason)
    audit(
        actor,
        STATUS_RECORDED,
        household.pk,
        year=year,
        status=[before, status],
        reason=reason,
    )
    return record
