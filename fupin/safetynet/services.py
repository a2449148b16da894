"""Writes of the safety-net policies: keyword-only, atomic, scope- and right-checked, audited;
history by django-simple-history."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.core.audit import audit, delete_with_reason, save_with_reason
from fupin.core.clock import FIRST_YEAR, as_of
from fupin.registry.models import Member

from .models import Policy, PolicyEnrolment
from .permissions import can_edit

ENROLMENT_SET = "safetynet.enrolment_set"
ENROLMENT_REMOVED = "safetynet.enrolment_removed"

MSG_NOT_ALLOWED = _("您没有登记该户政策保障的权限")
MSG_YEAR_FUTURE = _("年度不能晚于%(year)s年")
MSG_YEAR_PAST = _("年度不能早于%(year)s年")
MSG_NEGATIVE = _("金额不能为负数")
MSG_POLICY = _("“%(value)s”不是有效的政策")


@transaction.atomic
def enrolment_set(
    *, actor: User, member: Member, year: int, policy: str, amount: Decimal, note: str = ""
) -> PolicyEnrolment:
    """Enrol a member in a policy for a year, or change the amount and note of the enrolment."""
    if not can_edit(actor, member.village_id):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if year > as_of().year:
        raise ValidationError({"year": MSG_YEAR_FUTURE % {"year": as_of().year}})
    if year < FIRST_YEAR:
        raise ValidationError({"year": MSG_YEAR_PAST % {"year": FIRST_YEAR}})
    if policy not in Policy.values:
        raise ValidationError({"policy": MSG_POLICY % {"value": policy}})
    if amount is None or amount < 0:
        raise ValidationError({"amount": MSG_NEGATIVE})
    enrolment = (
        PolicyEnrolment.objects.select_for_update()
        .filter(member=member, year=year, policy=policy)
        .first()
    )
    if enrolment is None:
        enrolment = PolicyEnrolment(
            member=member,
            household_id=member.household_id,
            village_id=member.village_id,
            year=year,
            policy=policy,
        )
    enrolment.amount = amount.quantize(Decimal("0.01"))
    enrolment.note = (note or "").strip()
    enrolment.full_clean(validate_unique=False)
    save_with_reason(enrolment, actor=actor, reason="登记政策保障")
    audit(actor, ENROLMENT_SET, member.household_id, year=year, policy=policy)
    return enrolment


@transaction.atomic
def enrolment_remove(*, actor: User, enrolment: PolicyEnrolment) -> None:
    if not can_edit(actor, enrolment.village_id):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    audit(actor, ENROLMENT_REMOVED, enrolment.household_id, year=enrolment.year)
    delete_with_reason(enrolment, actor=actor, reason="撤销政策保障")
