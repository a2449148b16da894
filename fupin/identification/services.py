"""Writes of the case workflow (一申请两评议三公开): filing, steps, notices, objections, rounds.

Every function is keyword-only and atomic, checks the actor's role at the case's village
(:mod:`fupin.identification.workflow` says which role owns which step), is dated
by the server's clock (:func:`_step_date`), writes a :class:`CaseStep` and an
audit event. Completed cases are the only writers of the registry's yearly status
(:func:`_complete`). Messages are module constants, asserted by the tests.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import Role, User
from fupin.areas.models import Area
from fupin.core import dates
from fupin.core.audit import audit
from fupin.core.cells import Problem
from fupin.core.clock import as_of, in_historical_load
from fupin.notify.services import notify, users_with_role_over
from fupin.notify.services import text as notify_text
from fupin.registry import codes, rules
from fupin.registry import services as registry_services
from fupin.registry.models import Household, Member

from . import workflow
from .models import (
    DEFAULT_NOTICE_DAYS,
    AdjustmentRound,
    Case,
    CaseStep,
    Notice,
    NoticePeriod,
    Objection,
)

MSG_NO_RIGHT = _("您没有办理该环节的权限（%(step)s应由%(roles)s办理）")
MSG_NOT_OPEN = _("该案件已办结，不能再办理")
MSG_PAUSED = _("该案件有未处理的异议，处理完毕前不能继续办理")
MSG_NOTICE_NOT_ENDED = _("公示期至%(ends_on)s结束，公示期满后才能继续办理")
MSG_NOTICE_MISSING = _("尚未发布%(step)s，不能继续办理")
MSG_REASON_REQUIRED = _("不通过或退回时必须填写理由")
MSG_BAD_DECISION = _("无效的决定")
MSG_CANNOT_RETURN = _("该案件已在第一个环节，不能退回")
MSG_USE_NOTICE = _("该环节须发布公示公告")
MSG_NOT_A_NOTICE_STEP = _("案件“%(case)s”当前不待发布%(what)s")
MSG_NOTICE_MIXED = _("一次公示的案件须为同一事项、同一%(area)s")
MSG_NOTICE_NO_CASES = _("请选择要公示的案件")
MSG_RECORD_REQUIRED = _("请填写“%(label)s”")
MSG_RECORD_BAD = _("“%(label)s”格式不正确")
MSG_MEETING_COUNTS = _("到会代表人数不能多于参会人数，赞成票与反对票之和不能多于到会代表人数")
MSG_MEETING_VOTES = _("民主评议赞成票未超过反对票，不能评议通过")
MSG_OBJECTION_NOT_NOTICE = _("该公告不受理异议，只有公示期内可以提出异议")
MSG_OBJECTION_OUT_OF_PERIOD = _("公示期为%(start)s至%(end)s，现已不在公示期内")
MSG_OBJECTION_CASE = _("该案件不在此公示中")
MSG_OBJECTION_CASE_CLOSED = _("该案件已办结")
MSG_OBJECTION_REQUIRED = _("请填写%(what)s")
MSG_OBJECTION_ANSWERED = _("该异议已处理")
MSG_OBJECTION_ANSWER_REQUIRED = _("请填写处理答复")
MSG_OBJECTION_OUTCOME = _("异议成立时须选择不予通过或退回")
MSG_NO_RIGHT_OBJECTION = _("您没有处理该异议的权限")
MSG_NO_RIGHT_CREATE = _("只有嘎查村工作队（两委、第一书记）可以提出申请")
MSG_HOUSEHOLD_REQUIRED = _("退出、返贫和监测案件须选择已登记的户")
MSG_HOUSEHOLD_VILLAGE = _("该户不属于本嘎查村")
MSG_CASE_DUPLICATE = _("该户%(year)s年已有办理中的同类案件")
MSG_APPLICATION_NO_MEMBERS = _("申请须至少列出一名家庭成员")
MSG_MEMBER_PROBLEM = _("成员“%(name)s”：%(problem)s")
MSG_ROUND_NO_RIGHT = _("只有旗县市扶贫办可以开启或关闭动态调整")
MSG_ROUND_EXISTS = _("%(county)s%(year)s年动态调整已存在")
MSG_ROUND_CLOSED = _("该动态调整已关闭")
MSG_ROUND_FUTURE = _("不能开启%(year)s年的动态调整：当前年度为%(current)s年")
MSG_ROUND_OPEN_CASES = _("还有%(count)s件案件在办理中：请先办结，或选择结转到下一轮")
MSG_NOTIFY_WAITING = _("%(count)s件%(kind)s案件待%(step)s")
MSG_NOTIFY_OBJECTION = _("%(case)s收到异议，请及时核实答复")

DECISIONS = (CaseStep.Decision.APPROVE, CaseStep.Decision.REJECT, CaseStep.Decision.RETURN)
NOTICE_AREA_DIGITS: dict[str, int] = {
    Notice.Level.VILLAGE: 12,
    Notice.Level.TOWNSHIP: 9,
    Notice.Level.COUNTY: 6,
}
AREA_WORDS: dict[str, str | Promise] = {
    Notice.Level.VILLAGE: _("嘎查村"),
    Notice.Level.TOWNSHIP: _("苏木乡镇"),
    Notice.Level.COUNTY: _("旗县市"),
}

HOUSEHOLD_FIELDS = (
    "attribute",
    "main_cause",
    "other_causes",
    "dangerous_housing",
    "safe_water",
    "farmland_mu",
    "house_area",
    "has_electricity",
    "road_km",
    "phone",
    "standard",
    "planned_exit_year",
)
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


# -- Helpers ------------------------------------------------------------------------------


def _roles_label(roles) -> str:
    return gettext("、").join(str(Role(r).label) for r in sorted(roles))


def _actor_role(actor: User, roles, code: str) -> str:
    """Return the role the actor acts in, or raise PermissionDenied."""
    for role in sorted(roles):
        if actor.has_role_at({role}, code):
            return "superuser" if actor.is_superuser else role
    return ""


def _check_step_right(actor: User, case: Case, step: workflow.Step) -> str:
    role = _actor_role(actor, step.roles, case.village_id) if step.roles else ""
    if not role:
        raise PermissionDenied(
            MSG_NO_RIGHT % {"step": step.label, "roles": _roles_label(step.roles)}
        )
    return role


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def notice_days(code: str) -> int:
    """Return the notice duration of the nearest area up the prefixes of ``code``."""
    prefixes = [code[:n] for n in (12, 9, 6, 4, 2) if len(code) >= n]
    periods = dict(NoticePeriod.objects.filter(area_id__in=prefixes).values_list("area_id", "days"))
    for prefix in prefixes:
        if prefix in periods:
            return periods[prefix]
    return DEFAULT_NOTICE_DAYS


def last_notice(case: Case, step_name: str) -> Notice | None:
    """Return the latest notice the case got at step ``step_name`` (none when not published)."""
    publishes = workflow.step(case.kind, step_name).publishes
    if publishes is None:
        return None
    level, kind = publishes
    return case.notices.filter(level=level, kind=kind).order_by("-published_on", "-pk").first()


def _check_can_move(case: Case, step: workflow.Step) -> None:
    if not case.is_open:
        raise ValidationError(MSG_NOT_OPEN)
    if case.paused or case.objections.filter(state=Objection.State.OPEN).exists():
        raise ValidationError(MSG_PAUSED)


def _step_date(given: datetime.date | None, *, reason: str = "") -> dates.RecordDate:
    """The date a step is taken on: today by the system clock. A given date other than today
    is refused, unless the case-step window (``FUPIN_BACKDATE_DAYS``) allows it with a reason;
    a trusted historical load (the demo) dates its steps itself."""
    return dates.record_date(dates.Kind.CASE_STEP, given, reason=reason, field="acted_on")


def _check_notice_over(case: Case, step: workflow.Step, acted_on: datetime.date) -> None:
    if not step.after_notice:
        return
    notice = last_notice(case, step.after_notice)
    if notice is None:
        raise ValidationError(
            MSG_NOTICE_MISSING % {"step": workflow.label(case.kind, step.after_notice)}
        )
    # The period must be over on the system clock, whatever date the step carries; only a
    # historical load, whose clock is the simulated day, compares with the step's date.
    today = acted_on if in_historical_load() else min(acted_on, as_of())
    if notice.ends_on and not today > notice.ends_on:
        raise ValidationError(MSG_NOTICE_NOT_ENDED % {"ends_on": notice.ends_on.isoformat()})


def _clean_record(step: workflow.Step, record: dict | None, decision: str) -> dict:
    """Return the step's record with typed values (JSON-ready); raise naming each problem."""
    record = record or {}
    if decision != CaseStep.Decision.APPROVE and not step.record:
        return {}
    clean: dict = {}
    problems: list[str] = []
    for field, label, kind in step.record:
        value = record.get(field)
        if value in (None, ""):
            if decision == CaseStep.Decision.APPROVE:
                problems.append(MSG_RECORD_REQUIRED % {"label": label})
            continue
        try:
            if kind == "date":
                if isinstance(value, str):
                    value = datetime.date.fromisoformat(value)
                clean[field] = value.isoformat()
            elif kind == "int":
                value = int(value)
                if value < 0:
                    raise ValueError
                clean[field] = value
            elif kind == "bool":
                clean[field] = bool(value)
            else:
                clean[field] = str(value).strip()
        except (TypeError, ValueError):
            problems.append(MSG_RECORD_BAD % {"label": label})
    if problems:
        raise ValidationError(problems)
    if step.record is workflow.MEETING and len(clean) == len(step.record):
        if clean["representatives"] > clean["attendees"] or (
            clean["votes_for"] + clean["votes_against"] > clean["representatives"]
        ):
            raise ValidationError(MSG_MEETING_COUNTS)
        if decision == CaseStep.Decision.APPROVE and clean["votes_for"] <= clean["votes_against"]:
            raise ValidationError(MSG_MEETING_VOTES)
    return clean


def _write_step(
    *, case, step_name, decision, actor: User | None, role, acted_on, reason="", record=None
) -> CaseStep:
    return CaseStep.objects.create(
        case=case,
        village_id=case.village_id,
        step=step_name,
        decision=decision,
        reason=reason,
        acted_on=acted_on,
        actor=actor,
        role=role,
        record=record or {},
    )


def _reject(case: Case, *, reason: str, acted_on) -> None:
    case.outcome = Case.Outcome.REJECTED
    case.outcome_reason = reason
    case.closed_on = acted_on
    case.paused = False
    case.save(update_fields=["outcome", "outcome_reason", "closed_on", "paused"])


def _return(case: Case) -> None:
    previous = workflow.previous_step(case.kind, case.state)
    if previous is None:
        raise ValidationError(MSG_CANNOT_RETURN)
    case.state = previous.name
    case.save(update_fields=["state"])


def _notify_waiting(actor: User, cases: list[Case], taken: workflow.Step) -> None:
    """Tell the users of the next level that cases now wait on them: only when the next step
    belongs to other roles than the step just taken (the same team goes on by itself)."""
    following = workflow.next_step(cases[0].kind, taken.name)
    if following is None or not following.roles or following.roles == taken.roles:
        return
    url = (
        reverse("identification:case_detail", args=[cases[0].pk])
        if len(cases) == 1
        else reverse("identification:case_list")
    )
    notify(
        users_with_role_over(following.roles, cases[0].village_id),
        kind="case.waiting",
        title=notify_text(
            MSG_NOTIFY_WAITING,
            count=len(cases),
            kind=Case.Kind(cases[0].kind).label,
            step=following.label,
        ),
        body="、".join(c.applicant_name for c in cases[:20]),
        url=url,
        exclude=actor,
    )


# -- Filing -------------------------------------------------------------------------------


def _open_round(county: str, year: int) -> AdjustmentRound | None:
    return AdjustmentRound.objects.filter(
        county_id=county, year=year, closed_on__isnull=True
    ).first()


def application_problems(
    application: dict, *, village: str, today: datetime.date
) -> list[tuple[int | None, Problem]]:
    """Return the problems of an application, each with the position of its member in
    ``application["members"]`` (None for the household's), judged by the import's rules
    (:mod:`fupin.registry.rules`) so a form and a spreadsheet get the same reasons."""
    members = list(application.get("members") or [])
    if not members:
        return [(None, Problem("", MSG_APPLICATION_NO_MEMBERS))]
    problems: list[tuple[int | None, Problem]] = []
    values_list = []
    seen: set[str] = set()
    for position, data in enumerate(members):
        info, id_problems = rules.check_id_number(data.get("id_number", ""), today=today)
        problems += [(position, problem) for problem in id_problems]
        values = {
            "relation": data.get("relation", ""),
            "school_status": data.get("school_status", ""),
            "health": data.get("health", ""),
            "labour": data.get("labour", ""),
            "migrant_months": int(data.get("migrant_months") or 0),
        }
        if info is not None:
            values["birth_date"] = info.birth_date
            if info.number in seen:
                problems.append((position, rules.duplicate_id_problem(info.number, [])))
            seen.add(info.number)
            other = Member.objects.filter(id_number=info.number).select_related("household").first()
            if other is not None:
                problems += [
                    (position, problem)
                    for problem in rules.check_person_in_one_household(
                        info.number, "", other.household.number
                    )
                ]
            problems += [(position, problem) for problem in rules.check_member(values, as_of=today)]
        values_list.append(values)
    household = application.get("household") or {}
    for problem in rules.check_household(
        {
            "main_cause": household.get("main_cause"),
            "other_causes": household.get("other_causes") or [],
            "status": codes.Status.POOR,
            "identified_year": None,
            "exit_year": None,
        },
        values_list,
        data_year=today.year,
        as_of=today,
    ):
        problems.append((None, problem))
    return problems


def check_application(application: dict, *, village: str, today: datetime.date) -> list[str]:
    """Return the problems of an application (household and members in registry fields)."""
    members = list(application.get("members") or [])
    out = []
    for position, problem in application_problems(application, village=village, today=today):
        if position is None:
            out.append(str(problem.reason) if not problem.field else str(problem))
        else:
            name = members[position].get("name") or "—"
            # The ID number's reasons name the number itself; the others name their field.
            said = problem.reason if problem.field == rules.COL_ID else problem
            out.append(MSG_MEMBER_PROBLEM % {"name": name, "problem": said})
    return out


@transaction.atomic
def case_create(
    *,
    actor: User,
    kind: str,
    village: str,
    year: int,
    applicant_name: str,
    application: dict | None = None,
    household: Household | None = None,
    scan=None,
    acted_on: datetime.date | None = None,
    reason: str = "",
) -> Case:
    """File a case (application, or exit/relapse/monitoring proposal) for a village."""
    if not actor.has_role_at(workflow.VILLAGE, village):
        raise PermissionDenied(MSG_NO_RIGHT_CREATE)
    acted_on = _step_date(acted_on).date
    application = application or {}
    if kind == Case.Kind.IDENTIFICATION:
        problems = check_application(application, village=village, today=acted_on)
        if problems:
            raise ValidationError(problems)
    else:
        if household is None:
            raise ValidationError(MSG_HOUSEHOLD_REQUIRED)
        if household.village_id != village:
            raise ValidationError(MSG_HOUSEHOLD_VILLAGE)
        if Case.objects.filter(
            household=household, kind=kind, year=year, outcome=Case.Outcome.OPEN
        ).exists():
            raise ValidationError(MSG_CASE_DUPLICATE % {"year": year})
        applicant_name = applicant_name or household.head_name
    first = workflow.first_step(kind)
    case = Case(
        kind=kind,
        village_id=village,
        year=year,
        adjustment_round=_open_round(village[:6], year),
        household=household,
        applicant_name=applicant_name,
        application=application,
        state=first.name,
        created_by=actor,
        created_on=acted_on,
    )
    if scan:
        case.scan = scan
    case.full_clean(exclude=["scan", "adjustment_round", "household", "village", "created_by"])
    case.save()
    _write_step(
        case=case,
        step_name=first.name,
        decision=CaseStep.Decision.APPROVE,
        actor=actor,
        role=Role.VILLAGE_TEAM if not actor.is_superuser else "superuser",
        acted_on=acted_on,
        reason=reason,
    )
    audit(actor, "case.created", case.pk, kind=kind, village=village, year=year)
    return case


MSG_EXIT_PROPOSAL = (
    "年度评估（规则 v{version}）：人均纯收入 {income} 元，高于 {line} 元；两不愁三保障达标"
)


@transaction.atomic
def exit_cases_create(*, actor: User, village: str, year: int) -> list[Case]:
    """File an exit case for every household of ``village`` that the yearly assessment of
    ``year`` found to meet the exit criteria and that has no exit case of that year yet.

    The assessment's numbers become the proposal's reason, so the notice says why.
    """
    from fupin.assessment.selectors import exit_candidates

    if not actor.has_role_at(workflow.VILLAGE, village):
        raise PermissionDenied(MSG_NO_RIGHT_CREATE)
    taken = Case.objects.filter(kind=Case.Kind.EXIT, year=year, village_id=village).exclude(
        outcome=Case.Outcome.REJECTED
    )
    results = (
        exit_candidates(actor, village, year)
        .exclude(household_id__in=taken.values("household_id"))
        .select_related("household", "rule_set")
        .order_by("household__number")
    )
    return [
        case_create(
            actor=actor,
            kind=Case.Kind.EXIT,
            village=village,
            year=year,
            applicant_name=result.household.head_name,
            household=result.household,
            reason=MSG_EXIT_PROPOSAL.format(
                version=result.rule_set.version,
                income=f"{result.net_income_per_capita:,.2f}",
                line=f"{result.line_amount:,.2f}",
            ),
        )
        for result in results
    ]


# -- Steps --------------------------------------------------------------------------------


@transaction.atomic
def case_act(
    *,
    actor: User,
    case: Case,
    decision: str,
    reason: str = "",
    record: dict | None = None,
    acted_on: datetime.date | None = None,
    backdate_reason: str = "",
) -> Case:
    """Take the case's next step: approve (advance), reject (end) or return (one step back).

    Approving a step that publishes a notice publishes one for this case alone
    (:func:`notice_publish` publishes several at once); approving the last step completes
    the case and writes the registry. The step is dated by the system clock (:func:`_step_date`).
    """
    case = _lock(case)
    dated = _step_date(acted_on, reason=backdate_reason)
    acted_on = dated.date
    if decision not in DECISIONS:
        raise ValidationError(MSG_BAD_DECISION)
    if not case.is_open:
        raise ValidationError(MSG_NOT_OPEN)
    step = workflow.next_step(case.kind, case.state)
    if step is None:
        raise ValidationError(MSG_NOT_OPEN)
    role = _check_step_right(actor, case, step)
    _check_can_move(case, step)
    reason = (reason or "").strip()
    if decision != CaseStep.Decision.APPROVE and not reason:
        raise ValidationError(MSG_REASON_REQUIRED)
    if decision == CaseStep.Decision.APPROVE:
        _check_notice_over(case, step, acted_on)
        if step.publishes:
            level, kind = step.publishes
            # A notice starts on the day it is published, never on a chosen or backdated day.
            published_on = acted_on if in_historical_load() else None
            notice_publish(
                actor=actor, cases=[case], level=level, kind=kind, published_on=published_on
            )
            case.refresh_from_db()
            return case
    clean = _clean_record(step, record, decision)
    if dated.backdated:
        clean["backdate_reason"] = dated.reason
    _write_step(
        case=case,
        step_name=step.name,
        decision=decision,
        actor=actor,
        role=role,
        acted_on=acted_on,
        reason=reason,
        record=clean,
    )
    if decision == CaseStep.Decision.REJECT:
        _reject(case, reason=reason, acted_on=acted_on)
    elif decision == CaseStep.Decision.RETURN:
        _return(case)
    else:
        case.state = step.name
        case.save(update_fields=["state"])
        if step.final:
            _complete(actor=actor, case=case, acted_on=acted_on)
        else:
            _notify_waiting(actor, [case], step)
    audit(actor, f"case.{decision}", case.pk, step=step.name, reason=reason)
    return case


def next_action(user: User, case: Case) -> workflow.Step | None:
    """Return the step this user may take on the case now (None: nothing for this user)."""
    if not case.is_open:
        return None
    step = workflow.next_step(case.kind, case.state)
    if step is None or not step.roles or not _actor_role(user, step.roles, case.village_id):
        return None
    return step


# -- Notices ------------------------------------------------------------------------------


def _notice_title(area: Area, case_kind: str, year: int, level: str, kind: str) -> str:
    with translation.override("zh-hans"):
        what = str(Case.Kind(case_kind).label)
        which = str(Notice.Kind(kind).label)
        if kind == Notice.Kind.NOTICE:
            which = str(Notice.Level(level).label)
    return f"{area.name}{year}年{what}{which}"


@transaction.atomic
def notice_publish(
    *,
    actor: User,
    cases,
    level: str,
    kind: str,
    published_on: datetime.date | None = None,
    title: str | None = None,
) -> Notice:
    """Publish a notice (公示) or announcement (公告) of ``cases`` and move each case past it.

    All cases must be of one kind, in one area of the notice's level, and waiting for this
    publication as their next step. A notice runs for the area's configured number of days
    (``ends_on`` is its last day) from the day it is published by the system clock, so its
    objection period cannot be moved into the past; an announcement has no objection period.
    """
    cases = [_lock(c) for c in cases]
    if not cases:
        raise ValidationError(MSG_NOTICE_NO_CASES)
    published_on = dates.record_date(
        dates.Kind.NOTICE, published_on, field="published_on", label=_("发布日期")
    ).date
    digits = NOTICE_AREA_DIGITS[level]
    case_kinds = {c.kind for c in cases}
    area_codes = {c.village_id[:digits] for c in cases}
    if len(case_kinds) > 1 or len(area_codes) > 1:
        raise ValidationError(MSG_NOTICE_MIXED % {"area": AREA_WORDS[level]})
    what = Notice.Kind(kind).label
    steps = {}
    for case in cases:
        if not case.is_open:
            raise ValidationError(MSG_NOT_OPEN)
        step = workflow.next_step(case.kind, case.state)
        if step is None or step.publishes != (level, kind):
            raise ValidationError(MSG_NOT_A_NOTICE_STEP % {"case": case, "what": what})
        steps[case.pk] = (step, _check_step_right(actor, case, step))
        _check_can_move(case, step)
        _check_notice_over(case, step, published_on)
    area = Area.objects.get(pk=area_codes.pop())
    (case_kind,) = case_kinds
    year = max(c.year for c in cases)
    ends_on = None
    if kind == Notice.Kind.NOTICE:
        ends_on = published_on + datetime.timedelta(days=notice_days(area.code) - 1)
    notice = Notice.objects.create(
        kind=kind,
        level=level,
        case_kind=case_kind,
        area=area,
        title=title or _notice_title(area, case_kind, year, level, kind),
        published_on=published_on,
        ends_on=ends_on,
        contact=getattr(actor, "phone", "") or "",
        created_by=actor,
    )
    notice.cases.set(cases)
    for case in cases:
        step, role = steps[case.pk]
        _write_step(
            case=case,
            step_name=step.name,
            decision=CaseStep.Decision.APPROVE,
            actor=actor,
            role=role,
            acted_on=published_on,
            record={"notice": notice.pk, "ends_on": ends_on.isoformat() if ends_on else ""},
        )
        case.state = step.name
        case.save(update_fields=["state"])
    _notify_waiting(actor, cases, steps[cases[0].pk][0])
    audit(actor, "notice.published", notice.pk, cases=[c.pk for c in cases], level=level)
    return notice


# -- Objections ---------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    *, notice: Notice, case: Case, filer_name: str, filer_contact: str, text: str, source: str
) -> Objection:
    """File a villager's objection to a case on a notice, during its period; pause the case.

    Called by the public form (no account): ``source`` is a hash of the filer's address.
    """
    case = _lock(case)
    today = as_of()
    if notice.kind != Notice.Kind.NOTICE or notice.ends_on is None:
        raise ValidationError(MSG_OBJECTION_NOT_NOTICE)
    if not notice.published_on <= today <= notice.ends_on:
        raise ValidationError(
            MSG_OBJECTION_OUT_OF_PERIOD
            % {"start": notice.published_on.isoformat(), "end": notice.ends_on.isoformat()}
        )
    if not notice.cases.filter(pk=case.pk).exists():
        raise ValidationError(MSG_OBJECTION_CASE)
    if not case.is_open:
        raise ValidationError(MSG_OBJECTION_CASE_CLOSED)
    filer_name, filer_contact, text = (
        (filer_name or "").strip(),
        (filer_contact or "").strip(),
        (text or "").strip(),
    )
    problems = [
        MSG_OBJECTION_REQUIRED % {"what": what}
        for value, what in (
            (filer_name, _("反映人")),
            (filer_contact, _("联系方式")),
            (text, _("异议内容")),
        )
        if not value
    ]
    if problems:
        raise ValidationError(problems)
    objection = Objection(
        notice=notice,
        case=case,
        village_id=case.village_id,
        filer_name=filer_name,
        filer_contact=filer_contact,
        text=text,
        source=source or "",
    )
    objection.full_clean(exclude=["notice", "case", "village", "answered_by"])
    objection.save()
    if not case.paused:
        case.paused = True
        case.save(update_fields=["paused"])
    _write_step(
        case=case,
        step_name=case.state,
        decision=CaseStep.Decision.PAUSE,
        actor=None,
        role="",
        acted_on=today,
        reason=text,
        record={"objection": objection.pk, "filer": filer_name},
    )
    notify(
        users_with_role_over(workflow.VILLAGE, case.village_id),
        kind="objection.filed",
        title=notify_text(MSG_NOTIFY_OBJECTION, case=case),
        body=text[:200],
        url=reverse("identification:case_detail", args=[case.pk]),
    )
    audit(None, "objection.filed", objection.pk, case=case.pk, notice=notice.pk)
    return objection


@transaction.atomic
def objection_answer(
    *,
    actor: User,
    objection: Objection,
    upheld: bool,
    answer: str,
    outcome: str | None = None,
    answered_on: datetime.date | None = None,
) -> Objection:
    """Answer an objection: upheld rejects or returns the case; dismissed lets it resume.

    The case resumes (``paused`` cleared, a resume step written) when no other objection of
    it stays open.
    """
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    case = _lock(objection.case)
    role = _actor_role(actor, workflow.ANSWERS_OBJECTIONS, case.village_id)
    if not role:
        raise PermissionDenied(MSG_NO_RIGHT_OBJECTION)
    if objection.state != Objection.State.OPEN:
        raise ValidationError(MSG_OBJECTION_ANSWERED)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(MSG_OBJECTION_ANSWER_REQUIRED)
    if upheld and outcome not in (CaseStep.Decision.REJECT, CaseStep.Decision.RETURN):
        raise ValidationError(MSG_OBJECTION_OUTCOME)
    answered_on = _step_date(answered_on).date
    objection.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_on = answered_on
    objection.save(update_fields=["state", "answer", "answered_by", "answered_on"])
    record = {"objection": objection.pk, "upheld": upheld}
    if upheld and case.is_open:
        _write_step(
            case=case,
            step_name=case.state,
            decision=outcome,
            actor=actor,
            role=role,
            acted_on=answered_on,
            reason=answer,
            record=record,
        )
        if outcome == CaseStep.Decision.REJECT:
            _reject(case, reason=answer, acted_on=answered_on)
        else:
            _return(case)
    still_open = case.objections.filter(state=Objection.State.OPEN).exists()
    if case.is_open and case.paused and not still_open:
        case.paused = False
        case.save(update_fields=["paused"])
        _write_step(
            case=case,
            step_name=case.state,
            decision=CaseStep.Decision.RESUME,
            actor=actor,
            role=role,
            acted_on=answered_on,
            reason=answer,
            record=record,
        )
    audit(actor, "objection.answered", objection.pk, case=case.pk, upheld=upheld, outcome=outcome)
    return objection


# -- Completion: the only writer of the registry's yearly status --------------------------


def _new_household_number(village: str) -> str:
    """The village's next free number in the registry's one format (village + 4-digit serial)."""
    numbers = Household.objects.filter(number__startswith=village).values_list("number", flat=True)
    taken = set(numbers)
    n = len(taken) + 1
    while rules.household_number(village, n) in taken:
        n += 1
    return rules.household_number(village, n)


def _reason(case: Case) -> str:
    return f"案件{case.pk}：{case}"


def _lock_household(case: Case) -> Household:
    # A relapse or exit case is opened on a registered household (case_create requires one).
    if case.household_id is None:
        raise ValidationError(MSG_NOT_OPEN)
    return Household.objects.select_for_update().get(pk=case.household_id)


def _complete(*, actor: User, case: Case, acted_on: datetime.date) -> None:
    """Write the registry for a completed case (identification/relapse/exit)."""
    reason = _reason(case)
    if case.kind == Case.Kind.IDENTIFICATION:
        household = _register_household(actor=actor, case=case, acted_on=acted_on)
        status = codes.Status.POOR
    elif case.kind == Case.Kind.RELAPSE:
        household = _lock_household(case)
        status = codes.Status.RELAPSED
        registry_services.household_update(
            actor=actor, household=household, data={"status": status}, reason=reason
        )
    elif case.kind == Case.Kind.EXIT:
        household = _lock_household(case)
        status = codes.Status.EXITED
        registry_services.household_update(
            actor=actor,
            household=household,
            data={"status": status, "exit_year": case.year},
            reason=reason,
        )
    else:
        # A monitoring case puts the household under monitoring; its poverty status stays.
        household, status = None, None
    if household is not None and status is not None:
        registry_services.status_record_set(
            actor=actor, household=household, year=case.year, status=status, reason=reason
        )
    case.outcome = Case.Outcome.COMPLETED
    case.closed_on = acted_on
    case.household = household or case.household
    case.save(update_fields=["outcome", "closed_on", "household"])


def _register_household(*, actor: User, case: Case, acted_on: datetime.date) -> Household:
    problems = check_application(case.application, village=case.village_id, today=acted_on)
    if problems:
        raise ValidationError(problems)
    data = case.application.get("household") or {}
    members = case.application["members"]
    fields = {
        "head_name": case.applicant_name,
        "members_count": len(members),
        "identified_year": case.year,
        "status": codes.Status.POOR,
    }
    for field in HOUSEHOLD_FIELDS:
        if data.get(field) not in (None, ""):
            fields[field] = data[field]
    for member in members:
        if member.get("relation") == codes.Relation.HEAD:
            fields["head_name"] = member["name"]
    reason = _reason(case)
    household = registry_services.household_create(
        actor=actor,
        village=case.village_id,
        number=_new_household_number(case.village_id),
        fields=fields,
        reason=reason,
    )
    for data in members:
        info, id_problems = rules.check_id_number(data["id_number"], today=acted_on)
        if info is None:  # check_application above has already refused such a number
            raise ValidationError(id_problems)
        fields = {"sex": info.sex, "birth_date": info.birth_date}
        for field in MEMBER_FIELDS:
            if data.get(field) not in (None, ""):
                fields[field] = data[field]
        fields["id_number"] = info.number
        registry_services.member_create(
            actor=actor, household=household, fields=fields, reason=reason
        )
    return household


# -- Adjustment rounds --------------------------------------------------------------------


@transaction.atomic
def round_open(
    *, actor: User, county_code: str, year: int, opened_on: datetime.date | None = None
) -> AdjustmentRound:
    """Open a county's adjustment round of a year; open cases without a round join it."""
    if not actor.has_role_at(workflow.ROUNDS, county_code):
        raise PermissionDenied(MSG_ROUND_NO_RIGHT)
    if year > as_of().year:
        raise ValidationError(MSG_ROUND_FUTURE % {"year": year, "current": as_of().year})
    if AdjustmentRound.objects.filter(county_id=county_code, year=year).exists():
        county = Area.objects.filter(pk=county_code).values_list("name", flat=True).first()
        raise ValidationError(MSG_ROUND_EXISTS % {"county": county or county_code, "year": year})
    adjustment_round = AdjustmentRound.objects.create(
        county_id=county_code, year=year, opened_on=opened_on or as_of(), opened_by=actor
    )
    # Cases of the year, and open ones carried over from a closed round, join the round.
    Case.objects.within(county_code).filter(
        outcome=Case.Outcome.OPEN, adjustment_round__isnull=True
    ).update(adjustment_round=adjustment_round)
    audit(actor, "round.opened", adjustment_round.pk, county=county_code, year=year)
    return adjustment_round


@transaction.atomic
def round_close(
    *,
    actor: User,
    adjustment_round: AdjustmentRound,
    carry_over: bool = False,
    closed_on: datetime.date | None = None,
) -> AdjustmentRound:
    """Close a round. Open cases refuse the closing unless ``carry_over``: then they leave the
    round and join the county's next round when it opens."""
    adjustment_round = AdjustmentRound.objects.select_for_update().get(pk=adjustment_round.pk)
    if not actor.has_role_at(workflow.ROUNDS, adjustment_round.county_id):
        raise PermissionDenied(MSG_ROUND_NO_RIGHT)
    if not adjustment_round.is_open:
        raise ValidationError(MSG_ROUND_CLOSED)
    open_cases = adjustment_round.cases.filter(outcome=Case.Outcome.OPEN)
    carried = list(open_cases.values_list("pk", flat=True))
    if carried and not carry_over:
        raise ValidationError(MSG_ROUND_OPEN_CASES % {"count": len(carried)})
    open_cases.update(adjustment_round=None)
    adjustment_round.closed_on = closed_on or as_of()
    adjustment_round.closed_by = actor
    adjustment_round.save(update_fields=["closed_on", "closed_by"])
    audit(actor, "round.closed", adjustment_round.pk, carried_over=carried)
    return adjustment_round
