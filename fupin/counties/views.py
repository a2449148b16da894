"""Pages of county exit: the counties in scope with their assessments and exit procedure, a
county's page (the exit rule and the procedure, where the user whose level holds the next
step takes it), and an assessment round's page (the sample with an answer form per
household, the import and export of the answers, the rates with their intervals and the
rule's result) (docs/counties.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.actions import Action, allowed
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Area, Level
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.assessment.rules import reason_display
from fupin.core.sheets import ErrorWorkbooks, import_upload, xlsx_response

from . import importing, selectors, services, workflow
from .models import DEFAULT_DESIGN, AssessmentRound, CountyExitCase, SampledHousehold

ERRORS = ErrorWorkbooks("third-party-errors", "third_party_import_errors", "第三方评估.errors.xlsx")
PAGE_SIZE = 50
DESIGN_LABELS = {
    "villages_per_township": _("每个苏木乡镇抽取嘎查村数"),
    "poor_per_village": _("每村抽取未脱贫户数"),
    "exited_per_village": _("每村抽取已脱贫户数"),
    "non_registered_per_village": _("每村走访非建档立卡户数"),
}
ANSWERS = (
    ("should_register", SampledHousehold._meta.get_field("should_register").verbose_name),
    ("truly_out", SampledHousehold._meta.get_field("truly_out").verbose_name),
    ("satisfied", SampledHousehold._meta.get_field("satisfied").verbose_name),
)


def _county(request, code: str) -> Area:
    area = area_selectors.access_area(request.user, code)
    if area.level != Level.COUNTY:
        raise Http404(gettext("不是旗县市"))
    return area


def _round(request, pk: int) -> AssessmentRound:
    round_ = get_object_or_404(
        AssessmentRound.objects.accessible_to(request.user).select_related("county"), pk=pk
    )
    return round_


def _counties(user, area: Area) -> list[Area]:
    if area.level == Level.COUNTY:
        return [area]
    return list(
        Area.objects.filter(level=Level.COUNTY)
        .within(area.code)
        .accessible_to(user)
        .order_by("code")
    )


@scope_safe
@login_required
@require_GET
def county_list(request):
    area = page_area(request, required=True)
    year = page_year(request)
    counties = _counties(request.user, area)
    by_county: dict[str, list] = {}
    for r in selectors.rounds(request.user, area.code, year):
        by_county.setdefault(r.county_id, []).append(r)
    cases = {
        c.county_id: c
        for c in CountyExitCase.objects.accessible_to(request.user)
        .within(area.code)
        .order_by("county_id", "pk")
    }
    can_create = [c for c in counties if allowed(request.user, Action.THIRD_PARTY_ASSESS, c.code)]
    return render(
        request,
        "counties/list.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "rows": [
                {
                    "county": c,
                    "rounds": by_county.get(c.code, []),
                    "case": cases.get(c.code),
                    "step": workflow.CHAIN.label(cases[c.code].state) if c.code in cases else "",
                }
                for c in counties
            ],
            "can_create": can_create,
            "kinds": AssessmentRound.Kind.choices,
            "design": [(k, str(DESIGN_LABELS[k]), v) for k, v in DEFAULT_DESIGN.items()],
        },
    )


@scope_safe
@login_required
@require_POST
def round_new(request):
    county = _county(request, request.POST.get("county", ""))
    year = page_year(request)
    design = {}
    for name in DEFAULT_DESIGN:
        value = request.POST.get(name, "").strip()
        if value:
            design[name] = int(value) if value.isdigit() else -1
    seed_text = request.POST.get("seed", "").strip()
    try:
        if seed_text and not seed_text.isdigit():
            raise ValidationError(gettext("抽样种子应为非负整数"))
        round_ = services.round_create(
            actor=request.user,
            county=county,
            year=year,
            kind=request.POST.get("kind", AssessmentRound.Kind.PRE),
            seed=int(seed_text) if seed_text else None,
            design=design,
        )
    except (ValidationError, ValueError) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect(reverse("counties:list") + f"?area={county.code}&year={year}")
    messages.success(request, gettext("已抽样"))
    return redirect("counties:round", pk=round_.pk)


def _answer_value(text: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(text or "")


@scope_safe
@login_required
@require_GET
def round_page(request, pk):
    round_ = _round(request, pk)
    found, judged = selectors.round_result(round_)
    samples = (
        SampledHousehold.objects.accessible_to(request.user)
        .filter(round=round_)
        .select_related("village", "household")
        .order_by("position")
    )
    stratum = request.GET.get("stratum", "")
    if stratum in SampledHousehold.Stratum.values:
        samples = samples.filter(stratum=stratum)
    if request.GET.get("open") == "1":
        samples = samples.filter(answered_on__isnull=True)
    page = Paginator(samples, PAGE_SIZE).get_page(request.GET.get("page"))
    can = allowed(request.user, Action.THIRD_PARTY_ASSESS, round_.county_id)
    return render(
        request,
        "counties/round.html",
        {
            "round": round_,
            "area": round_.county,
            "year": round_.year,
            "crumbs": area_selectors.breadcrumbs(request.user, round_.county),
            "rates": found,
            "rate_rows": [
                ("missed", gettext("漏评率"), found.missed),
                ("wrong_exit", gettext("错退率"), found.wrong_exit),
                ("approval", gettext("群众认可度"), found.approval),
            ],
            "judged": judged,
            "reasons": [reason_display(r) for r in judged.reasons],
            "design": [
                (str(DESIGN_LABELS[k]), v) for k, v in round_.design.items() if k in DESIGN_LABELS
            ],
            "page": page,
            "stratum": stratum,
            "open_only": request.GET.get("open") == "1",
            "strata": SampledHousehold.Stratum.choices,
            "answers": ANSWERS,
            "can_edit": can and round_.state == AssessmentRound.State.SURVEYING,
            "columns": importing.COLUMNS,
        },
    )


@scope_safe
@login_required
@require_POST
def round_answer(request, pk, sample):
    round_ = _round(request, pk)
    row = get_object_or_404(
        SampledHousehold.objects.accessible_to(request.user).filter(round=round_), pk=sample
    )
    values = {name: _answer_value(request.POST.get(name)) for name, _label in ANSWERS}
    if row.stratum != SampledHousehold.Stratum.NON_REGISTERED:
        values.pop("should_register")
    if row.stratum != SampledHousehold.Stratum.EXITED:
        values.pop("truly_out")
    if row.stratum == SampledHousehold.Stratum.NON_REGISTERED:
        values["name"] = request.POST.get("name", "").strip()[:50]
        values["address"] = request.POST.get("address", "").strip()[:200] or row.address
    values["note"] = request.POST.get("note", "").strip()[:200]
    try:
        services.answer(actor=request.user, sample=row, **values)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, gettext("第%(n)s户：%(m)s") % {"n": row.position, "m": message})
    else:
        messages.success(request, gettext("第%(n)s户已保存") % {"n": row.position})
    back = request.POST.get("back", "")
    query = back if back.startswith("?") else ""
    return redirect(reverse("counties:round", args=[round_.pk]) + query + f"#s{row.position}")


@scope_safe
@login_required
@require_POST
def round_complete(request, pk):
    round_ = _round(request, pk)
    try:
        services.round_complete(actor=request.user, round_=round_)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("评估已完成，结果已写入该旗县市的抽查评估"))
    return redirect("counties:round", pk=round_.pk)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def round_import(request, pk):
    round_ = _round(request, pk)
    if not allowed(request.user, Action.THIRD_PARTY_ASSESS, round_.county_id):
        raise PermissionDenied(importing.MSG_NOT_ALLOWED)
    context = {"round": round_, "area": round_.county, "columns": importing.COLUMNS}
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is not None:

        def run(path, *, actor, area_code):
            return importing.import_answers(path, actor=actor, round_=round_)

        result = import_upload(request, upload, run, context, area_code=round_.county_id)
        if result is None:
            return render(request, "counties/import.html", context, status=400)
        context["error_file"] = ERRORS.keep(request, result)
        return render(request, "counties/import.html", context, status=200 if result.ok else 400)
    return render(request, "counties/import.html", context)


@scope_safe
@login_required
@require_GET
def import_errors(request):
    """The error workbook of this session's last refused import (only its own)."""
    return ERRORS.response(request)


@scope_safe
@login_required
@require_GET
def round_export(request, pk):
    round_ = _round(request, pk)
    if not allowed(request.user, Action.THIRD_PARTY_ASSESS, round_.county_id):
        raise PermissionDenied(importing.MSG_NOT_ALLOWED)
    name = f"third-party-{round_.county_id}-{round_.year}-{round_.kind}.xlsx"
    return xlsx_response(importing.export_workbook(round_), name)


def _next(user, case: CountyExitCase | None, exited: CountyExitCase | None, code: str):
    if exited is not None:
        return None
    if case is None:
        step = workflow.CHAIN.first
    else:
        step = workflow.CHAIN.next_step(case.state)
        if step is None:
            return None
    notice_ends = None
    if case is not None and step.final:
        notice = case.steps.filter(step="notice").order_by("-pk").first()
        if notice is not None:
            notice_ends = workflow.CHAIN.notice_ends(notice.taken_on)
    return {"step": step, "can": allowed(user, step.action, code), "notice_ends": notice_ends}


@scope_safe
@login_required
@require_GET
def county(request, code):
    area = _county(request, code)
    year = page_year(request, last=page_years()[-1] + 1)
    cases = list(
        CountyExitCase.objects.accessible_to(request.user)
        .filter(county=area)
        .prefetch_related("steps__actor")
    )
    current = next((c for c in cases if c.outcome == CountyExitCase.Outcome.OPEN), None)
    exited = next((c for c in cases if c.outcome == CountyExitCase.Outcome.EXITED), None)
    result = services.exit_result(area.code, year)
    return render(
        request,
        "counties/county.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "rounds": list(selectors.rounds(request.user, area.code)),
            "third_party": selectors.third_party(request.user, area, year),
            "result": result,
            "reasons": [reason_display(r) for r in result["reasons"]],
            "cases": [
                {
                    "case": case,
                    "steps": [
                        {"row": s, "label": workflow.CHAIN.label(s.step)} for s in case.steps.all()
                    ],
                }
                for case in cases
            ],
            "current": current,
            "exited": exited,
            "next": _next(request.user, current, exited, area.code),
        },
    )


@scope_safe
@login_required
@require_POST
def county_step(request, code):
    area = _county(request, code)
    opinion = request.POST.get("opinion", "")
    approved = request.POST.get("decision", "approve") != "reject"
    current = services.open_case(area.code)
    try:
        if current is None:
            year = page_year(request)
            services.exit_apply(actor=request.user, county=area, year=year, opinion=opinion)
        else:
            services.exit_step(actor=request.user, case=current, approved=approved, opinion=opinion)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("已办理"))
    year = request.POST.get("year", "")
    query = f"?year={year}" if year.isdigit() else ""
    return redirect(reverse("counties:county", args=[area.code]) + query)
