"""Pages of 两联一包 and 一户一法: the coverage page, the plan checks and the pairing import.

Every page reads through :mod:`fupin.assistance.selectors` (scoped by the user and the area
of ``?area=``, which :func:`fupin.areas.selectors.access_area` checks first).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.actions import EDIT_REGISTRY, IMPORT_REGISTRY
from fupin.areas.params import page_area, page_year
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of
from fupin.core.sheets import ErrorWorkbooks, import_upload
from fupin.registry.selectors import access_household

from . import selectors, services
from .forms import MeasureForm
from .importing import COLUMNS, import_pairings
from .models import AssistancePlan, Cadre, Measure, Pairing

PAGE_SIZE = 50
LISTS = (
    "villages_without_link",
    "households_without_cadre",
    "cadres_over_cap",
    "cadres_registered_poor",
)
ERRORS = ErrorWorkbooks("assistance-errors", "assistance_pairing_errors", "结对导入.errors.xlsx")


@scope_safe
@login_required
@require_GET
def coverage(request):
    area = page_area(request)
    context = {"area": area, "lists": LISTS}
    if area is not None:
        show = request.GET.get("list") or LISTS[1]
        show = show if show in LISTS else LISTS[1]
        data = selectors.coverage(request.user, area.code)
        context.update(
            show=show,
            counts=data.counts,
            rows=Paginator(getattr(data, show), PAGE_SIZE).get_page(request.GET.get("page")),
        )
    return render(request, "assistance/coverage.html", context)


@scope_safe
@login_required
@require_GET
def plan_checks(request):
    area = page_area(request)
    year = page_year(request)
    context = {"area": area, "year": year}
    if area is not None:
        show = request.GET.get("list") or "households_without_income"
        show = (
            show
            if show in ("households_without_income", "adults_without_path")
            else ("households_without_income")
        )
        data = selectors.plan_checks(request.user, area.code, year)
        context.update(
            show=show,
            counts=data["counts"],
            rows=Paginator(data[show], PAGE_SIZE).get_page(request.GET.get("page")),
        )
    return render(request, "assistance/plan_checks.html", context)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def pairing_import(request):
    area = page_area(request)
    context = {"area": area, "columns": COLUMNS}
    if area is not None and not request.user.has_role_at(IMPORT_REGISTRY, area.code):
        raise PermissionDenied(gettext("您没有导入结对帮扶的权限"))
    upload = request.FILES.get("file")
    if request.method == "POST" and area is not None and upload is not None:
        result = import_upload(request, upload, import_pairings, context, area_code=area.code)
        if result is None:
            return render(request, "assistance/pairing_import.html", context, status=400)
        context["error_file"] = ERRORS.keep(request, result)
        status = 200 if result.ok else 400
        return render(request, "assistance/pairing_import.html", context, status=status)
    return render(request, "assistance/pairing_import.html", context)


@scope_safe
@login_required
@require_GET
def pairing_import_errors(request):
    """The error workbook of this session's last refused pairing import (only its own)."""
    return ERRORS.response(request)


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def household_plan(request, pk):
    """一户一法 of a household for a year: its measures, the suggested types, add / progress."""
    household = access_household(request.user, pk)
    year = page_year(request)
    can_edit = request.user.has_role_at(EDIT_REGISTRY, household.village_id)
    # The household's paired cadres (visible through the household's pairings, wherever the
    # cadre's unit is recorded).
    paired = Pairing.objects.accessible_to(request.user).filter(
        selectors.active_q(as_of()), household=household
    )
    cadres = Cadre.objects.filter(pk__in=paired.values("cadre_id"))
    suggested = selectors.suggested_measures(household)
    form = MeasureForm(cadres=cadres, suggested=suggested)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(gettext("您没有编辑帮扶计划的权限"))
        url = reverse("assistance:household_plan", args=[household.pk]) + f"?year={year}"
        measure_pk = request.POST.get("measure")
        if measure_pk:
            measure = (
                Measure.objects.accessible_to(request.user)
                .filter(pk=measure_pk, plan__household=household)
                .first()
            )
            if measure is None:
                raise Http404(gettext("措施不存在"))
            services.measure_update(
                actor=request.user,
                measure=measure,
                status=request.POST.get("status", ""),
                outcome=request.POST.get("outcome", ""),
            )
            return redirect(url)
        form = MeasureForm(request.POST, cadres=cadres)
        if form.is_valid():
            services.measure_create(
                actor=request.user, household=household, year=year, **form.cleaned_data
            )
            return redirect(url)
    plan = (
        AssistancePlan.objects.accessible_to(request.user)
        .filter(household=household, year=year)
        .first()
    )
    measures = plan.measures.select_related("responsible").order_by("type", "pk") if plan else []
    labels = dict(selectors.MeasureType.choices)
    return render(
        request,
        "assistance/household_plan.html",
        {
            "household": household,
            "year": year,
            "plan": plan,
            "measures": measures,
            "suggested": [labels[t] for t in suggested],
            "form": form,
            "can_edit": can_edit,
            "states": Measure.State.choices,
            "cadres": cadres.order_by("name"),
        },
    )


@scope_safe
@login_required
@require_GET
def pairing_import_template(request):
    """The pairing import template: the header, and a drop-down on 职务类别 and 是否党员."""
    from django.utils import translation

    from fupin.core.sheets import template_workbook, xlsx_response

    from .importing import COL_PARTY, COL_POST

    with translation.override("zh-hans"):
        posts = [str(label) for label in Cadre.Post.labels]
    content = template_workbook(
        title="结对帮扶", columns=COLUMNS, dropdowns={COL_POST: posts, COL_PARTY: ["是", "否"]}
    )
    return xlsx_response(content, "pairings-template.xlsx")
