"""Writes of poor villages: the designation, the yearly conditions and the exit procedure.

Every function is keyword-only and atomic, checks the actor's role at the village through
:mod:`fupin.accounts.actions`, keeps the history (simple_history, with the reason) and leaves
an audit event. Steps are dated by the system's clock. Messages are module constants.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, allowed
from fupin.areas.models import Area, Level
from fupin.core.audit import audit, save_with_reason
from fupin.core.clock import as_of

from . import rules, workflow
from .models import (
    CONDITIONS,
    PoorVillageDesignation,
    VillageConditions,
    VillageExitCase,
    VillageExitRules,
    VillageExitStep,
)

MSG_NO_RIGHT = _("您没有办理该环节的权限（%(step)s）")
MSG_NOT_VILLAGE = _("只有嘎查村可以认定为贫困村")
MSG_ALREADY = _("该嘎查村已认定为贫困村")
MSG_NOT_POOR = _("该嘎查村不是贫困村")
MSG_EXITED = _("该贫困村已于%(year)s年出列")
MSG_OPEN = _("该嘎查村已有办理中的出列程序")
MSG_CLOSED = _("该出列程序已办结")
MSG_REASON = _("不同意时必须填写理由")
MSG_RULE_FAILS = _("未达到出列标准，不能审定出列：%(reasons)s")
MSG_NOTICE_RUNNING = _("公示期至%(ends_on)s结束，公示期满后才能公告出列")
MSG_BAD_YEAR = _("年度不正确")
MSG_CHECK = _("%(label)s：%(value)s，标准 %(threshold)s")

DESIGNATED = "villages.designated"
CONDITIONS_RECORDED = "villages.conditions_recorded"
EXIT_STEP = "villages.exit_step"


def _require(actor, action: Action | str, code: str, what) -> None:
    if not allowed(actor, action, code):
        raise PermissionDenied(MSG_NO_RIGHT % {"step": what})


@transaction.atomic
def designate(
    *, actor, village: Area, year: int, source: str, designated_on: datetime.date
) -> PoorVillageDesignation:
    """Put ``village`` on the poor-village list from ``year``, with the designation's source."""
    _require(actor, Action.POOR_VILLAGE_DESIGNATE, village.code, _("贫困村认定"))
    if village.level != Level.VILLAGE:
        raise ValidationError(MSG_NOT_VILLAGE)
    if PoorVillageDesignation.objects.filter(village=village).exists():
        raise ValidationError(MSG_ALREADY)
    designation = PoorVillageDesignation(
        village=village, year=year, source=source, designated_on=designated_on
    )
    save_with_reason(designation, actor=actor, reason=gettext("贫困村认定"))
    audit(actor, DESIGNATED, village.code, year=year, source=source)
    return designation


@transaction.atomic
def record_conditions(*, actor, village: Area, year: int, **values: bool) -> VillageConditions:
    """Set the village's exit conditions of ``year`` (the conditions not given stay as they are)."""
    _require(actor, Action.VILLAGE_EXIT_VILLAGE, village.code, _("出列条件"))
    if not 2000 <= year <= as_of().year:
        raise ValidationError(MSG_BAD_YEAR)
    row = VillageConditions.objects.filter(village=village, year=year).first()
    row = row or VillageConditions(village=village, year=year)
    before = {name: getattr(row, name) for name, _label in CONDITIONS}
    for name, _label in CONDITIONS:
        if name in values:
            setattr(row, name, bool(values[name]))
    save_with_reason(row, actor=actor, reason=gettext("出列条件"))
    after = {name: getattr(row, name) for name, _label in CONDITIONS}
    audit(actor, CONDITIONS_RECORDED, village.code, year=year, before=before, after=after)
    return row


def open_case(village_code: str) -> VillageExitCase | None:
    return (
        VillageExitCase.objects.filter(
            village_id=village_code, outcome=VillageExitCase.Outcome.OPEN
        )
        .order_by("-pk")
        .first()
    )


_step_row = VillageExitStep.record


@transaction.atomic
def exit_apply(*, actor, village: Area, year: int, opinion: str = "") -> VillageExitCase:
    """The village team applies for the village's exit in ``year`` (the first step)."""
    first = workflow.STEPS[0]
    _require(actor, first.action, village.code, first.label)
    designation = PoorVillageDesignation.objects.filter(village=village).first()
    if designation is None:
        raise ValidationError(MSG_NOT_POOR)
    if designation.exit_year is not None:
        raise ValidationError(MSG_EXITED % {"year": designation.exit_year})
    if open_case(village.code) is not None:
        raise ValidationError(MSG_OPEN)
    case = VillageExitCase(
        village=village, year=year, state=first.name, rules=VillageExitRules.current()
    )
    save_with_reason(case, actor=actor, reason=str(first.label))
    result = rules.evaluate(village.code, year, case.rules).as_dict()
    _step_row(case, first, actor, opinion=opinion, result=result)
    audit(actor, EXIT_STEP, village.code, case=case.pk, step=first.name, year=year)
    return case


@transaction.atomic
def exit_step(
    *, actor, case: VillageExitCase, approved: bool = True, opinion: str = ""
) -> VillageExitCase:
    """Take the case's next step: review, decision, notice or announcement."""
    case = VillageExitCase.objects.select_for_update().get(pk=case.pk)
    if case.outcome != VillageExitCase.Outcome.OPEN:
        raise ValidationError(MSG_CLOSED)
    step = workflow.next_step(case.state)
    if step is None:
        raise ValidationError(MSG_CLOSED)
    _require(actor, step.action, case.village_id, step.label)
    opinion = opinion.strip()
    if not approved and not step.decides:
        approved = True
    if not approved and not opinion:
        raise ValidationError(MSG_REASON)
    result = rules.evaluate(case.village_id, case.year, case.rules)
    if step.name == "county_decision" and approved and not result.passes:
        reasons = "；".join(
            MSG_CHECK % {"label": check.label, "value": check.value, "threshold": check.threshold}
            for check in result.failed
        )
        raise ValidationError(MSG_RULE_FAILS % {"reasons": reasons})
    if step.final:
        notice = case.steps.filter(step="notice").order_by("-pk").get()
        ends_on = notice.taken_on + datetime.timedelta(days=workflow.NOTICE_DAYS)
        if as_of() <= ends_on:
            raise ValidationError(MSG_NOTICE_RUNNING % {"ends_on": ends_on.isoformat()})
    _step_row(case, step, actor, approved=approved, opinion=opinion, result=result.as_dict())
    case.state = step.name
    if not approved:
        case.outcome = VillageExitCase.Outcome.REJECTED
    elif step.final:
        case.outcome = VillageExitCase.Outcome.EXITED
        designation = PoorVillageDesignation.objects.get(village_id=case.village_id)
        designation.exit_year = case.year
        save_with_reason(designation, actor=actor, reason=str(step.label))
    save_with_reason(case, actor=actor, reason=str(step.label))
    audit(
        actor,
        EXIT_STEP,
        case.village_id,
        case=case.pk,
        step=step.name,
        approved=approved,
        passes=result.passes,
    )
    return case
