"""Writes of county exit: the third-party assessment's rounds and answers, and the exit
procedure (docs/counties.md).

Every function is keyword-only and atomic, checks the actor's role at the county through
:mod:`fupin.accounts.actions`, keeps the history (simple_history, with the reason) and leaves
an audit event. Dates are the system's clock. Messages are module constants.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fupin.accounts.actions import Action, allowed
from fupin.areas.models import Area, Level
from fupin.assessment import services as assessment_services
from fupin.assessment.models import CountyAssessment, CountyCheck, RuleSet
from fupin.assessment.rules import reason_display
from fupin.core.audit import audit, audit_many, save_with_reason
from fupin.core.clock import as_of

from . import rates, sampling, workflow
from .models import AssessmentRound, CountyExitCase, CountyExitStep, SampledHousehold

MSG_NO_RIGHT = _("您没有办理该环节的权限（%(step)s）")
MSG_NOT_COUNTY = _("只有旗县市可以进行摘帽评估")
MSG_BAD_YEAR = _("年度不正确")
MSG_ROUND_EXISTS = _("该旗县市%(year)s年已有%(kind)s")
MSG_BAD_DESIGN = _("抽样设计“%(name)s”应为0至%(max)s之间的整数")
MSG_ROUND_DONE = _("该评估已完成，不能再修改调查结果")
MSG_NOT_NON_REGISTERED = _("“应纳入建档立卡”只适用于非建档立卡户")
MSG_NOT_EXITED = _("“真实脱贫”只适用于已脱贫户")
MSG_NAME_REQUIRED = _("非建档立卡户须填写户主姓名")
MSG_EMPTY_RATE = _("尚不能计算%(rate)s：没有可计入的调查结果")
MSG_OPEN = _("该旗县市已有办理中的摘帽程序")
MSG_EXITED = _("该旗县市已于%(year)s年摘帽")
MSG_CLOSED = _("该摘帽程序已办结")
MSG_REASON = _("不同意时必须填写理由")
MSG_RULE_FAILS = _("未达到摘帽标准，不能审定摘帽：%(reasons)s")
MSG_NOTICE_RUNNING = _("公示期至%(ends_on)s结束，公示期满后才能公告摘帽")
REASON_ROUND = _("第三方评估抽样")
REASON_ANSWER = _("录入调查结果")
REASON_COMPLETE = _("第三方评估完成")
# The note of the CountyCheck a round writes (it names its source).
CHECK_NOTE = "第三方评估（%(kind)s，评估编号 %(round)s，抽样种子 %(seed)s）"
MAX_DESIGN = 1000

ROUND_CREATED = "counties.round_created"
ANSWERED = "counties.answered"
ROUND_COMPLETED = "counties.round_completed"
EXIT_STEP = "counties.exit_step"
Stratum = SampledHousehold.Stratum


def _require(actor, action: Action | str, code: str, what) -> None:
    if not allowed(actor, action, code):
        raise PermissionDenied(MSG_NO_RIGHT % {"step": what})


def _check_design(design: dict) -> dict:
    design = sampling.design_of(None) | dict(design or {})
    for name, value in design.items():
        if name not in sampling.DEFAULT_DESIGN:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DESIGN:
            raise ValidationError(MSG_BAD_DESIGN % {"name": name, "max": MAX_DESIGN})
    return sampling.design_of(design)


@transaction.atomic
def round_create(
    *,
    actor,
    county: Area,
    year: int,
    kind: str = AssessmentRound.Kind.PRE,
    seed: int | None = None,
    design: dict | None = None,
) -> AssessmentRound:
    """Open a round for ``county`` and ``year`` and draw its sample (a new seed when none)."""
    _require(actor, Action.THIRD_PARTY_ASSESS, county.code, _("第三方评估"))
    if county.level != Level.COUNTY:
        raise ValidationError(MSG_NOT_COUNTY)
    if not 2013 <= year <= as_of().year:
        raise ValidationError(MSG_BAD_YEAR)
    kind = AssessmentRound.Kind(kind)
    if AssessmentRound.objects.filter(county=county, year=year, kind=kind).exists():
        raise ValidationError(MSG_ROUND_EXISTS % {"year": year, "kind": kind.label})
    design = _check_design(design or {})
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    round_ = AssessmentRound(
        county=county,
        year=year,
        kind=kind,
        seed=seed,
        design=design,
        drawn_on=as_of(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    save_with_reason(round_, actor=actor, reason=str(REASON_ROUND))
    samples = sampling.draw(round_, seed=seed, design=design)
    bulk_create_with_history(
        samples,
        SampledHousehold,
        batch_size=1000,
        default_user=actor if actor is not None and actor.is_authenticated else None,
        default_change_reason=str(REASON_ROUND),
    )
    audit(
        actor,
        ROUND_CREATED,
        county.code,
        round=round_.pk,
        year=year,
        kind=kind.value,
        seed=seed,
        size=len(samples),
    )
    return round_


def _apply(sample: SampledHousehold, values: dict) -> list[str]:
    """Set ``values`` on ``sample`` after the survey's rules; the changed field names."""
    if sample.stratum != Stratum.NON_REGISTERED and values.get("should_register") is not None:
        raise ValidationError(MSG_NOT_NON_REGISTERED)
    if sample.stratum != Stratum.EXITED and values.get("truly_out") is not None:
        raise ValidationError(MSG_NOT_EXITED)
    changed = []
    for name, value in values.items():
        if getattr(sample, name) != value:
            setattr(sample, name, value)
            changed.append(name)
    answered = any(
        getattr(sample, name) is not None for name in ("should_register", "truly_out", "satisfied")
    )
    if sample.stratum == Stratum.NON_REGISTERED and answered and not sample.name.strip():
        raise ValidationError(MSG_NAME_REQUIRED)
    if changed:
        sample.answered_on = as_of()
        changed.append("answered_on")
    return changed


ANSWER_FIELDS = ("name", "address", "should_register", "truly_out", "satisfied", "note")


@transaction.atomic
def answer(*, actor, sample: SampledHousehold, **values) -> SampledHousehold:
    """Record the survey's answers of one sampled household (the fields given)."""
    sample = SampledHousehold.objects.select_related("round").select_for_update().get(pk=sample.pk)
    round_ = sample.round
    _require(actor, Action.THIRD_PARTY_ASSESS, round_.county_id, _("录入调查结果"))
    if round_.state != AssessmentRound.State.SURVEYING:
        raise ValidationError(MSG_ROUND_DONE)
    values = {k: v for k, v in values.items() if k in ANSWER_FIELDS}
    before = {k: getattr(sample, k) for k in values}
    changed = _apply(sample, values)
    if changed:
        save_with_reason(sample, actor=actor, reason=str(REASON_ANSWER))
        audit(
            actor,
            ANSWERED,
            sample.village_id,
            round=round_.pk,
            sample=sample.pk,
            before=before,
            after={k: getattr(sample, k) for k in values},
        )
    return sample


@transaction.atomic
def answers_import(*, actor, round_: AssessmentRound, rows: list[tuple[int, dict]], filename: str):
    """Write the answers of an import, all checked beforehand (fupin.counties.importing):
    ``rows`` are (position, values). One bulk update, its history rows and the audit events
    in bulk; returns how many samples changed."""
    _require(actor, Action.THIRD_PARTY_ASSESS, round_.county_id, _("导入调查结果"))
    round_ = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
    if round_.state != AssessmentRound.State.SURVEYING:
        raise ValidationError(MSG_ROUND_DONE)
    by_position = {s.position: s for s in SampledHousehold.objects.filter(round=round_)}
    changed_rows = []
    events = []
    for position, values in rows:
        sample = by_position[position]
        if _apply(sample, values):
            changed_rows.append(sample)
            events.append((sample.village_id, {"round": round_.pk, "sample": sample.pk}))
    if changed_rows:
        bulk_update_with_history(
            changed_rows,
            SampledHousehold,
            [*ANSWER_FIELDS, "answered_on"],
            batch_size=1000,
            default_user=actor if actor is not None and actor.is_authenticated else None,
            default_change_reason=gettext("导入 %(file)s") % {"file": filename},
        )
        audit_many(actor, ANSWERED, events)
    return len(changed_rows)


def _refresh_county_assessment(county: str, year: int) -> None:
    """A stored yearly assessment of the county reads the new check at once (the war map's
    县摘帽进度表 reads the stored one)."""
    stored = CountyAssessment.objects.filter(county_id=county, year=year).first()
    if stored is None:
        return
    fresh = assessment_services.assess_counties(year, county, stored.rule_set)
    if not fresh:
        return
    new = fresh[0]
    for name in (
        "county_check",
        "poor_persons",
        "rural_population",
        "incidence",
        "missed_rate",
        "wrong_exit_rate",
        "approval_rate",
        "eligible",
        "reasons",
    ):
        setattr(stored, name, getattr(new, name))
    stored.save()


@transaction.atomic
def round_complete(*, actor, round_: AssessmentRound) -> CountyCheck:
    """Close the round and write its rates as the county's check of the year (the yearly
    assessment and the war map read it), naming the round in the check's note."""
    _require(actor, Action.THIRD_PARTY_ASSESS, round_.county_id, _("完成评估"))
    round_ = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
    if round_.state != AssessmentRound.State.SURVEYING:
        raise ValidationError(MSG_ROUND_DONE)
    found = rates.rates(round_.pk)
    values = []
    for rate, label in (
        (found.missed, _("漏评率")),
        (found.wrong_exit, _("错退率")),
        (found.approval, _("群众认可度")),
    ):
        if rate.rate is None:
            raise ValidationError(MSG_EMPTY_RATE % {"rate": label})
        values.append(rate.rate)
    note = CHECK_NOTE % {"kind": round_.get_kind_display(), "round": round_.pk, "seed": round_.seed}
    check = CountyCheck.objects.filter(county_id=round_.county_id, year=round_.year).first()
    check = check or CountyCheck(county_id=round_.county_id, year=round_.year)
    check.missed_rate, check.wrong_exit_rate, check.approval_rate = values
    check.households_sampled = found.sample_size
    check.persons_surveyed = found.answered
    check.entered_by = actor if actor is not None and actor.is_authenticated else None
    check.entered_on = as_of()
    check.note = note
    check.full_clean(exclude=["entered_by"])
    check.save()
    round_.state = AssessmentRound.State.COMPLETED
    round_.completed_on = as_of()
    save_with_reason(round_, actor=actor, reason=str(REASON_COMPLETE))
    _refresh_county_assessment(round_.county_id, round_.year)
    audit(
        actor,
        ROUND_COMPLETED,
        round_.county_id,
        round=round_.pk,
        check=check.pk,
        missed_rate=str(check.missed_rate),
        wrong_exit_rate=str(check.wrong_exit_rate),
        approval_rate=str(check.approval_rate),
    )
    return check


# --- the exit procedure ---------------------------------------------------------------------
def exit_result(county: str, year: int) -> dict:
    """The county exit rule of the yearly assessment (incidence and the county's check)."""
    rule_set = RuleSet.current()
    found = assessment_services.assess_counties(year, county, rule_set)
    if not found:
        reasons = assessment_services.county_reasons(None, None, rule_set)
        return {
            "passes": False,
            "reasons": [str(r) for r in reasons],
            "rule_version": rule_set.version,
        }
    a = found[0]
    return {
        "passes": a.eligible,
        "reasons": [str(r) for r in a.reasons],
        "incidence": None if a.incidence is None else str(a.incidence),
        "missed_rate": None if a.missed_rate is None else str(a.missed_rate),
        "wrong_exit_rate": None if a.wrong_exit_rate is None else str(a.wrong_exit_rate),
        "approval_rate": None if a.approval_rate is None else str(a.approval_rate),
        "rule_version": rule_set.version,
    }


def open_case(county_code: str) -> CountyExitCase | None:
    return (
        CountyExitCase.objects.filter(county_id=county_code, outcome=CountyExitCase.Outcome.OPEN)
        .order_by("-pk")
        .first()
    )


_step_row = CountyExitStep.record


@transaction.atomic
def exit_apply(*, actor, county: Area, year: int, opinion: str = "") -> CountyExitCase:
    """The county applies for its exit in ``year`` (the first step)."""
    first = workflow.CHAIN.first
    _require(actor, first.action, county.code, first.label)
    if county.level != Level.COUNTY:
        raise ValidationError(MSG_NOT_COUNTY)
    if not 2013 <= year <= as_of().year + 1:
        raise ValidationError(MSG_BAD_YEAR)
    done = CountyExitCase.objects.filter(
        county=county, outcome=CountyExitCase.Outcome.EXITED
    ).first()
    if done is not None:
        raise ValidationError(MSG_EXITED % {"year": done.year})
    if open_case(county.code) is not None:
        raise ValidationError(MSG_OPEN)
    case = CountyExitCase(county=county, year=year, state=first.name)
    save_with_reason(case, actor=actor, reason=str(first.label))
    _step_row(case, first, actor, opinion=opinion.strip(), result=exit_result(county.code, year))
    audit(actor, EXIT_STEP, county.code, case=case.pk, step=first.name, year=year)
    return case


@transaction.atomic
def exit_step(
    *, actor, case: CountyExitCase, approved: bool = True, opinion: str = ""
) -> CountyExitCase:
    """Take the case's next step: league review, region decision, notice or announcement."""
    case = CountyExitCase.objects.select_for_update().get(pk=case.pk)
    if case.outcome != CountyExitCase.Outcome.OPEN:
        raise ValidationError(MSG_CLOSED)
    step = workflow.CHAIN.next_step(case.state)
    if step is None:
        raise ValidationError(MSG_CLOSED)
    _require(actor, step.action, case.county_id, step.label)
    opinion = opinion.strip()
    if not approved and not step.decides:
        approved = True
    if not approved and not opinion:
        raise ValidationError(MSG_REASON)
    result = exit_result(case.county_id, case.year)
    if step.name == "region_decision" and approved and not result["passes"]:
        reasons = "；".join(reason_display(r) for r in result["reasons"])
        raise ValidationError(MSG_RULE_FAILS % {"reasons": reasons})
    if step.final:
        notice = case.steps.filter(step="notice").order_by("-pk").get()
        ends_on = workflow.CHAIN.notice_ends(notice.taken_on)
        if as_of() <= ends_on:
            raise ValidationError(MSG_NOTICE_RUNNING % {"ends_on": ends_on.isoformat()})
    _step_row(case, step, actor, approved=approved, opinion=opinion, result=result)
    case.state = step.name
    if not approved:
        case.outcome = CountyExitCase.Outcome.REJECTED
    elif step.final:
        case.outcome = CountyExitCase.Outcome.EXITED
    save_with_reason(case, actor=actor, reason=str(step.label))
    audit(
        actor,
        EXIT_STEP,
        case.county_id,
        case=case.pk,
        step=step.name,
        approved=approved,
        passes=result["passes"],
    )
    return case
