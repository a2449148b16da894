"""Case pages: the list, a new application, a case with its next action, rounds (thin views).

Every read goes through :mod:`fupin.identification.selectors` (scoped; one 404 for missing
and forbidden); every write is a service of :mod:`fupin.identification.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts import actions
from fupin.accounts.actions import Action
from fupin.areas.models import Area, Level
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of, current_year
from fupin.registry.models import Household

from . import selectors, services, workflow
from .forms import (
    ActionForm,
    ApplicationForm,
    CaseFilterForm,
    HouseholdCaseForm,
    MemberFormSet,
    ObjectionAnswerForm,
    RoundOpenForm,
    add_application_problems,
    member_rows,
)
from .models import Case, Objection

PAGE_SIZE = 50
MSG_HOUSEHOLD_UNKNOWN = gettext_lazy("户编号不存在或不在您的权限范围内")
ADD_MEMBER = "add_member"


def _areas_of_role(user, roles, level):
    if user.is_superuser:
        return Area.objects.filter(level=level).order_by("code")
    codes = [area for role, area in user.assignments() if role in roles]
    if not codes:
        return Area.objects.none()
    return Area.objects.within(codes).filter(level=level).order_by("code")


def _publishers(user) -> bool:
    """Whether the user takes any step that publishes a notice (village, township, county)."""
    return user.has_role_anywhere(workflow.VILLAGE | workflow.TOWNSHIP | workflow.COUNTY)


def _errors(request, error) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


@scope_safe
@login_required
@require_GET
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = selectors.case_list(
        request.user,
        kind=filters.get("kind") or "",
        state=filters.get("state") or "",
        year=filters.get("year"),
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "identification/case_list.html",
        {
            "form": form,
            "page": page,
            "can_file": request.user.has_role_anywhere(workflow.VILLAGE),
            "can_publish": _publishers(request.user),
            "villages": _areas_of_role(request.user, workflow.VILLAGE, Level.VILLAGE),
            "assessment_year": current_year() - 1,
        },
    )


@scope_safe
@login_required
@require_POST
def exit_cases_from_assessment(request):
    """File exit cases for the village's households the year's assessment found eligible."""
    villages = _areas_of_role(request.user, workflow.VILLAGE, Level.VILLAGE)
    village = request.POST.get("village", "")
    if not villages.filter(code=village).exists():
        raise PermissionDenied(services.MSG_NO_RIGHT_CREATE)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = current_year() - 1
    cases = services.exit_cases_create(actor=request.user, village=village, year=year)
    messages.success(
        request,
        _("已根据 %(year)s 年度评估发起 %(n)s 件脱贫退出。") % {"year": year, "n": len(cases)},
    )
    return redirect(f"{reverse('identification:case_list')}?kind=exit&year={year}")


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    villages = _areas_of_role(request.user, workflow.VILLAGE, Level.VILLAGE)
    if not villages.exists():
        raise PermissionDenied(services.MSG_NO_RIGHT_CREATE)
    data = request.POST if request.method == "POST" else None
    if data is not None and ADD_MEMBER in data:
        # Without JavaScript, 添加成员 posts the form back: render it again with one more row.
        data = data.copy()
        data["m-TOTAL_FORMS"] = str(int(data.get("m-TOTAL_FORMS") or 0) + 1)
        form = ApplicationForm(data, villages=villages)
        members = MemberFormSet(data, prefix="m")
        return render(
            request,
            "identification/case_new.html",
            {"form": form, "members": members, "adding": True},
        )
    form = ApplicationForm(
        data, request.FILES or None, villages=villages, initial={"year": current_year()}
    )
    members = MemberFormSet(data, prefix="m")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        rows = [values for _row, values in member_rows(members)]
        application = {"household": form.household(), "members": rows}
        problems = services.application_problems(
            application, village=form.cleaned_data["village"], today=as_of()
        )
        if problems:
            for message in add_application_problems(form, members, problems):
                messages.error(request, message)
        else:
            head = next((r["name"] for r in rows if r["relation"] == "head"), rows[0]["name"])
            try:
                case = services.case_create(
                    actor=request.user,
                    kind=Case.Kind.IDENTIFICATION,
                    village=form.cleaned_data["village"],
                    year=form.cleaned_data["year"],
                    applicant_name=head,
                    application=application,
                    scan=form.cleaned_data.get("scan"),
                )
            except (ValidationError, PermissionDenied) as error:
                _errors(request, error)
            else:
                messages.success(request, _("申请已提交，下一步：村民代表大会民主评议。"))
                return redirect("identification:case_detail", case.pk)
    return render(request, "identification/case_new.html", {"form": form, "members": members})


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def case_new_for_household(request):
    """File an exit, relapse or monitoring case for a registered household."""
    # The role before the form: filing is the village team's (the household's village is
    # checked again by the service).
    actions.require(request.user, Action.CASE_STEP_VILLAGE)
    form = HouseholdCaseForm(request.POST or None, initial={"year": current_year()})
    if request.method == "POST" and form.is_valid():
        household = (
            Household.objects.accessible_to(request.user)
            .filter(number=form.cleaned_data["household_number"].strip())
            .first()
        )
        if household is None:
            form.add_error("household_number", MSG_HOUSEHOLD_UNKNOWN)
        else:
            try:
                case = services.case_create(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    village=household.village_id,
                    year=form.cleaned_data["year"],
                    applicant_name=household.head_name,
                    household=household,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                return redirect("identification:case_detail", case.pk)
    return render(request, "identification/case_new_household.html", {"form": form})


@scope_safe
@login_required
@require_GET
def case_detail(request, pk):
    case = selectors.access_case(request.user, pk)
    step = services.next_action(request.user, case)
    can_answer = case.is_open and request.user.has_role_at(
        workflow.ANSWERS_OBJECTIONS, case.village_id
    )
    chain = workflow.steps(case.kind)
    reached = [s.name for s in chain].index(case.state)
    return render(
        request,
        "identification/case_detail.html",
        {
            "case": case,
            "steps": [(s, workflow.label(case.kind, s.step)) for s in selectors.case_steps(case)],
            "chain": [(i, s, i <= reached) for i, s in enumerate(chain)],
            "next_step": workflow.next_step(case.kind, case.state) if case.is_open else None,
            "action": step,
            "form": ActionForm(step=step) if step else None,
            "objections": case.objections.select_related("answered_by", "notice"),
            "answer_form": ObjectionAnswerForm() if can_answer else None,
            "notices": case.notices.all(),
            "state_label": workflow.label(case.kind, case.state),
            "applied": selectors.application_display(case),
        },
    )


@scope_safe
@login_required
@require_POST
def case_act(request, pk):
    case = selectors.access_case(request.user, pk)
    step = services.next_action(request.user, case)
    if step is None:
        raise PermissionDenied(_("您当前不能办理该案件"))
    form = ActionForm(request.POST, step=step)
    if form.is_valid():
        try:
            services.case_act(
                actor=request.user,
                case=case,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                record=form.record(),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("已办理：%(step)s") % {"step": step.label})
    else:
        _errors(request, ValidationError([e for errs in form.errors.values() for e in errs]))
    return redirect("identification:case_detail", case.pk)


@scope_safe
@login_required
@require_POST
def objection_answer(request, pk):
    objection = selectors.access_objection(request.user, pk)
    actions.require(request.user, Action.OBJECTION_ANSWER, objection.case.village_id)
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        result = form.cleaned_data["result"]
        try:
            services.objection_answer(
                actor=request.user,
                objection=objection,
                upheld=result != Objection.State.DISMISSED,
                answer=form.cleaned_data["answer"],
                outcome=None if result == Objection.State.DISMISSED else result,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("异议已答复"))
    else:
        _errors(request, ValidationError([e for errs in form.errors.values() for e in errs]))
    return redirect("identification:case_detail", objection.case_id)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def round_list(request):
    if request.method == "POST":
        actions.require(request.user, Action.ROUND_MANAGE)
    counties = _areas_of_role(request.user, workflow.ROUNDS, Level.COUNTY)
    form = RoundOpenForm(request.POST or None, counties=counties, initial={"year": current_year()})
    if request.method == "POST" and form.is_valid():
        try:
            adjustment_round = services.round_open(
                actor=request.user,
                county_code=form.cleaned_data["county"],
                year=form.cleaned_data["year"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            return redirect("identification:round_detail", adjustment_round.pk)
    return render(
        request,
        "identification/round_list.html",
        {
            "rounds": selectors.round_list(request.user),
            "form": form if counties.exists() else None,
        },
    )


@scope_safe
@login_required
@require_GET
def round_detail(request, pk):
    adjustment_round = selectors.access_round(request.user, pk)
    cases = adjustment_round.cases.select_related("village").order_by("kind", "village_id", "pk")
    return render(
        request,
        "identification/round_detail.html",
        {
            "round": adjustment_round,
            "summary": selectors.round_summary(adjustment_round),
            "cases": cases[:500],
            "can_publish": _publishers(request.user),
            "can_close": adjustment_round.is_open
            and request.user.has_role_at(workflow.ROUNDS, adjustment_round.county_id),
        },
    )


@scope_safe
@login_required
@require_POST
def round_close(request, pk):
    adjustment_round = selectors.access_round(request.user, pk)
    try:
        services.round_close(
            actor=request.user,
            adjustment_round=adjustment_round,
            carry_over=request.POST.get("carry_over") == "1",
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("动态调整已关闭"))
    return redirect("identification:round_detail", adjustment_round.pk)


MSG_NOTICE_GROUP_GONE = gettext_lazy("这批案件已不在待发布状态，请刷新页面后重新选择")


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    """Publish one notice (公示 or 公告) for several households' cases waiting for it."""
    if not _publishers(request.user):
        raise PermissionDenied(services.MSG_NO_RIGHT_CREATE)
    adjustment_round = None
    round_pk = request.GET.get("round") or request.POST.get("round") or ""
    if round_pk.isdigit():
        adjustment_round = selectors.access_round(request.user, int(round_pk))
    groups = selectors.cases_awaiting_notice(request.user, adjustment_round=adjustment_round)
    if request.method == "POST":
        group = next((g for g in groups if g["key"] == request.POST.get("group")), None)
        chosen = {int(pk) for pk in request.POST.getlist("case") if pk.isdigit()}
        cases = [c for c in group["cases"] if c.pk in chosen] if group else []
        if group is None:
            messages.error(request, MSG_NOTICE_GROUP_GONE)
        elif not cases:
            messages.error(request, services.MSG_NOTICE_NO_CASES)
        else:
            try:
                notice = services.notice_publish(
                    actor=request.user,
                    cases=cases,
                    level=group["level"],
                    kind=group["notice_kind"],
                )
            except (ValidationError, PermissionDenied) as error:
                _errors(request, error)
            else:
                messages.success(
                    request,
                    _("已发布“%(title)s”，共 %(n)s 户。")
                    % {"title": notice.title, "n": len(cases)},
                )
                return redirect("notices:page", notice.pk)
        groups = selectors.cases_awaiting_notice(request.user, adjustment_round=adjustment_round)
    return render(
        request,
        "identification/notice_new.html",
        {"groups": groups, "round": adjustment_round},
    )
