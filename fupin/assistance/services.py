"""Writes of 两联一包 and 一户一法: keyword-only, atomic, scope-checked, audited."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, require
from fupin.accounts.models import User
from fupin.areas.scope import user_can_see_code
from fupin.core.audit import PAIRINGS_IMPORTED, audit
from fupin.core.clock import as_of
from fupin.registry.models import Household

from .models import AssistancePlan, Cadre, Link, Measure, Pairing
from .permissions import can_import
from .selectors import active_q, cap_for

LINK_CREATED = "assistance.link_created"
LINK_ENDED = "assistance.link_ended"
PAIRING_CREATED = "assistance.pairing_created"
PAIRING_ENDED = "assistance.pairing_ended"

MSG_SCOPE = _("该记录不在您的权限范围内")
MSG_LINK_LEVEL = _("%(kind)s只能联系%(level)s")
MSG_LINK_WHO = _("请填写联系人或帮扶单位")
MSG_ALREADY_PAIRED = _("该干部已与该户结对")
MSG_OVER_CAP = _("%(cadre)s已结对 %(count)s 户，达到上限 %(cap)s 户")
MSG_CADRE_INACTIVE = _("该干部已不在岗")
MSG_END_BEFORE_START = _("结束日期不能早于开始日期")
MSG_ENDED = _("该记录已结束")
MSG_IMPORT_NOT_ALLOWED = _("您没有导入结对帮扶的权限")

LINK_REASSIGNED = "assistance.link_reassigned"
PAIRING_REASSIGNED = "assistance.pairing_reassigned"
MSG_REASSIGN_SAME = _("新的帮扶责任人与原帮扶责任人相同")

LINK_LEVELS: dict[str, tuple[str, str | Promise]] = {
    Link.Kind.LEADER_TOWNSHIP: ("township", _("苏木乡镇")),
    Link.Kind.DEPARTMENT_VILLAGE: ("village", _("嘎查村")),
    Link.Kind.DEPUTY_VILLAGE: ("village", _("嘎查村")),
}


def _check_scope(actor: User, code: str) -> None:
    if not user_can_see_code(actor, code or ""):
        raise PermissionDenied(MSG_SCOPE)


@transaction.atomic
def link_create(
    *,
    actor: User,
    kind: str,
    area,
    cadre: Cadre | None = None,
    department: str = "",
    start_date: datetime.date | None = None,
) -> Link:
    """Link a leader to a township, or a department / deputy head to a village."""
    _check_scope(actor, area.code)
    require(actor, Action.LINK_EDIT, area.code)
    level, level_label = LINK_LEVELS[kind]
    if area.level != level:
        raise ValidationError(
            MSG_LINK_LEVEL % {"kind": Link.Kind(kind).label, "level": level_label}
        )
    if cadre is None and not department.strip():
        raise ValidationError(MSG_LINK_WHO)
    if cadre is not None:
        _check_scope(actor, cadre.area_id)
    row = Link.objects.create(
        kind=kind,
        area=area,
        cadre=cadre,
        department=department.strip() or (cadre.unit if cadre else ""),
        start_date=start_date or as_of(),
    )
    audit(actor, LINK_CREATED, row.pk, kind=kind, area=area.code, cadre=cadre and cadre.pk)
    return row


@transaction.atomic
def link_end(
    *, actor: User, link: Link, end_date: datetime.date | None = None, reason: str = ""
) -> Link:
    link = Link.objects.select_for_update().get(pk=link.pk)
    _check_scope(actor, link.area_id)
    require(actor, Action.LINK_EDIT, link.area_id)
    if link.end_date is not None:
        raise ValidationError(MSG_ENDED)
    end_date = end_date or as_of()
    if end_date < link.start_date:
        raise ValidationError(MSG_END_BEFORE_START)
    link.end_date = end_date
    link.save(update_fields=["end_date"])
    audit(
        actor,
        LINK_ENDED,
        link.pk,
        area=link.area_id,
        end_date=end_date.isoformat(),
        reason=reason,
    )
    return link


@transaction.atomic
def link_reassign(
    *,
    actor: User,
    link: Link,
    cadre: Cadre | None = None,
    department: str = "",
    day: datetime.date | None = None,
    reason: str = "",
) -> Link:
    """Hand a link over: the old one ends on ``day``, a new one of the same kind and area starts."""
    day = day or as_of()
    link_end(actor=actor, link=link, end_date=day, reason=reason)
    row = link_create(
        actor=actor,
        kind=link.kind,
        area=link.area,
        cadre=cadre,
        department=department,
        start_date=day,
    )
    audit(actor, LINK_REASSIGNED, row.pk, previous=link.pk, reason=reason)
    return row


@transaction.atomic
def pairing_create(
    *, actor: User, cadre: Cadre, household: Household, start_date: datetime.date | None = None
) -> Pairing:
    """Pair a cadre with a household; refused past the cadre's cap (by post), with the
    pairing import's message."""
    from .importing import MSG_OVER_CAP as MSG_IMPORT_OVER_CAP

    _check_scope(actor, household.village_id)
    require(actor, Action.PAIRING_EDIT, household.village_id)
    # A county department's cadre is outside a village team's scope yet pairs with its
    # households: the cadre need only be visible, or already paired in this village.
    if (
        not user_can_see_code(actor, cadre.area_id)
        and not Pairing.objects.filter(cadre=cadre, village_id=household.village_id).exists()
    ):
        raise PermissionDenied(MSG_SCOPE)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if not cadre.active:
        raise ValidationError(MSG_CADRE_INACTIVE)
    start_date = start_date or as_of()
    active = Pairing.objects.filter(active_q(start_date), cadre=cadre)
    if active.filter(household=household).exists():
        raise ValidationError(MSG_ALREADY_PAIRED)
    count, cap = active.count(), cap_for(cadre.post)
    if count >= cap:
        raise ValidationError(
            MSG_IMPORT_OVER_CAP % {"name": cadre.name, "count": count + 1, "cap": cap}
        )
    row = Pairing.objects.create(
        cadre=cadre, household=household, village_id=household.village_id, start_date=start_date
    )
    audit(actor, PAIRING_CREATED, row.pk, cadre=cadre.pk, household=household.pk)
    return row


@transaction.atomic
def pairing_end(
    *, actor: User, pairing: Pairing, end_date: datetime.date | None = None, reason: str = ""
) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    _check_scope(actor, pairing.village_id)
    require(actor, Action.PAIRING_EDIT, pairing.village_id)
    if pairing.end_date is not None:
        raise ValidationError(MSG_ENDED)
    end_date = end_date or as_of()
    if end_date < pairing.start_date:
        raise ValidationError(MSG_END_BEFORE_START)
    pairing.end_date = end_date
    pairing.save(update_fields=["end_date"])
    audit(
        actor,
        PAIRING_ENDED,
        pairing.pk,
        household=pairing.household_id,
        end_date=end_date.isoformat(),
        reason=reason,
    )
    return pairing


@transaction.atomic
def pairing_reassign(
    *,
    actor: User,
    pairing: Pairing,
    cadre: Cadre,
    day: datetime.date | None = None,
    reason: str = "",
) -> Pairing:
    """Hand a household to another cadre: the pairing ends on ``day`` and the new cadre's
    starts (within its cap); nothing is written when either is refused."""
    if cadre.pk == pairing.cadre_id:
        raise ValidationError(MSG_REASSIGN_SAME)
    day = day or as_of()
    pairing_end(actor=actor, pairing=pairing, end_date=day, reason=reason)
    row = pairing_create(actor=actor, cadre=cadre, household=pairing.household, start_date=day)
    audit(actor, PAIRING_REASSIGNED, row.pk, previous=pairing.pk, reason=reason)
    return row


@transaction.atomic
def measure_create(
    *,
    actor: User,
    household: Household,
    year: int,
    type: str,  # noqa: A002
    **fields: Any,
) -> Measure:
    """Add a measure to the household's plan of ``year`` (the plan is created if missing)."""
    _check_scope(actor, household.village_id)
    responsible = fields.get("responsible")
    # The responsible cadre is one of the actor's scope or one paired with the household (a
    # county department's cadre is outside a village team's scope but is its household's).
    if responsible is not None and not user_can_see_code(actor, responsible.area_id):
        paired = Pairing.objects.filter(active_q(as_of()), household=household, cadre=responsible)
        if not paired.exists():
            raise PermissionDenied(MSG_SCOPE)
    plan, _created = AssistancePlan.objects.get_or_create(
        household=household, year=year, defaults={"village_id": household.village_id}
    )
    measure = Measure(plan=plan, village_id=plan.village_id, type=type, year=year, **fields)
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def measure_update(*, actor: User, measure: Measure, status: str, outcome: str = "") -> Measure:
    """Record a measure's progress (计划 → 实施中 → 已完成) and its outcome."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    _check_scope(actor, measure.village_id)
    if status not in Measure.State.values:
        raise ValidationError(_("无效的状态"))
    measure.status = status
    measure.outcome = outcome.strip()
    measure.save(update_fields=["status", "outcome"])
    return measure


@dataclasses.dataclass
class PairingRow:
    """One checked row of a pairings import: the cadre (its key, and its pk when registered,
    else the fields of the cadre to create), the household and the start date."""

    cadre_key: tuple
    cadre: int | None
    cadre_fields: dict[str, Any]
    household: int
    village: str
    start_date: datetime.date


@transaction.atomic
def pairings_import(
    *, actor: User, area_code: str, rows: list[PairingRow], unchanged: int, filename: str
) -> dict[str, int]:
    """Write the checked rows of an imported file, set-based: the new cadres (in
    ``area_code``, one per key) and a pairing per row.

    Refused (``PermissionDenied``, nothing written) unless the actor may import pairings in
    ``area_code``, every household is inside it and every registered cadre is in scope. One
    audit event for the file. Return the counts written (``unchanged``: rows already paired);
    each row of a new cadre is given the new cadre's pk.
    """
    registered = {row.cadre for row in rows if row.cadre is not None}
    cadre_areas = Cadre.objects.filter(pk__in=registered).values_list("area_id", flat=True)
    if (
        not can_import(actor, area_code)
        or not all(row.village.startswith(area_code) for row in rows)
        or not all(user_can_see_code(actor, code) for code in set(cadre_areas))
    ):
        raise PermissionDenied(MSG_IMPORT_NOT_ALLOWED)
    new_cadres: dict[tuple, Cadre] = {}
    for row in rows:
        if row.cadre is None and row.cadre_key not in new_cadres:
            new_cadres[row.cadre_key] = Cadre(area_id=area_code, **row.cadre_fields)
    Cadre.objects.bulk_create(new_cadres.values())
    for row in rows:  # the caller learns the new cadres' keys (their logins are made next)
        if row.cadre is None:
            row.cadre = new_cadres[row.cadre_key].pk
    pairings = [
        Pairing(
            cadre_id=row.cadre if row.cadre is not None else new_cadres[row.cadre_key].pk,
            household_id=row.household,
            village_id=row.village,
            start_date=row.start_date,
        )
        for row in rows
    ]
    Pairing.objects.bulk_create(pairings)
    counts = {
        "cadres_created": len(new_cadres),
        "pairings_created": len(pairings),
        "pairings_unchanged": unchanged,
    }
    audit(actor, PAIRINGS_IMPORTED, area_code, file=filename, **counts)
    return counts
