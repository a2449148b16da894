"""Writes to the registry one record at a time (bulk writes live in importing.py).

Every write: keyword-only arguments, one transaction, the actor's right checked against the
record's village, validation with the same rules as the import, and a history row with the
actor and the reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fupin.accounts.models import EDIT_REGISTRY
from fupin.core.clock import as_of

from . import codes
from .idnumber import IdNumberError, parse_id_number
from .models import Household, Member

MSG_NO_RIGHT = "您没有修改该户数据的权限"
MSG_ID_TAKEN = "证件号码 {id_number} 已登记在户 {number}（一人只能在一户）"
MSG_SECOND_HEAD = "该户已有户主 {name}，一户只能有一个户主"

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


def _check_member(member: Member, household: Household) -> dict[str, list[str]]:
    """Return the problems of a member as {field name: [reasons]} (empty when valid)."""
    problems: dict[str, list[str]] = {}
    try:
        info = parse_id_number(member.id_number, today=as_of())
    except IdNumberError as error:
        problems.setdefault("id_number", []).append(str(error))
    else:
        member.id_number, member.birth_date, member.sex = info.number, info.birth_date, info.sex
        other = (
            Member.objects.filter(id_number=info.number)
            .exclude(pk=member.pk)
            .select_related("household")
            .first()
        )
        if other is not None:
            problems.setdefault("id_number", []).append(
                MSG_ID_TAKEN.format(id_number=info.number, number=other.household.number)
            )
    if member.relation == codes.Relation.HEAD:
        head = household.members.filter(relation=codes.Relation.HEAD).exclude(pk=member.pk).first()
        if head is not None:
            problems.setdefault("relation", []).append(MSG_SECOND_HEAD.format(name=head.name))
    return problems


@transaction.atomic
def member_update(*, actor, member: Member, data: dict, reason: str = "") -> Member:
    """Change a member's data; raise ValidationError naming each bad field in Chinese."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    household = Household.objects.select_for_update().get(pk=member.household_id)
    if not actor.has_role_at(EDIT_REGISTRY, member.village_id):
        raise PermissionDenied(MSG_NO_RIGHT)
    for field in MEMBER_FIELDS:
        if field in data:
            setattr(member, field, data[field])
    problems = _check_member(member, household)
    if problems:
        raise ValidationError(problems)
    member._history_user = actor
    member._change_reason = reason
    member.save()
    if member.relation == codes.Relation.HEAD and household.head_name != member.name:
        household.head_name = member.name
        household._history_user = actor
        household._change_reason = reason
        household.save(update_fields=["head_name", "updated_at"])
    return member
