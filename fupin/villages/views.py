"""Pages of poor villages: the list of an area's poor villages, and a village's page with
its designation, yearly conditions, the exit rule's result and the exit procedure, where the
user whose level holds the next step takes it (docs/villages.md)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from fupin.accounts.actions import Action, allowed
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Level
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.clock import as_of

from . import rules, selectors, services, workflow
from .models import CONDITIONS, PoorVillageDesignation, VillageConditions, VillageExitCase


def _village(request, code: str):
    area = area_selectors.access_area(request.user, code)
    if area.level != Level.VILLAGE:
        raise Http404(gettext("不是嘎查村"))
    return area


@scope_safe
@login_required
@require_GET
def village_list(request):
    area = page_area(request, required=True)
    year = page_year(request)
    return render(
        request,
        "villages/list.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "figures": selectors.poor_villages(request.user, area.code, year),
        },
    )


def _next(user, case: VillageExitCase | None, designation) -> dict | None:
    """The step the page offers, and whether this user may take it."""
    if designation is None or designation.exit_year is not None:
        return None
    if case is None:
        step = workflow.STEPS[0]
    else:
        step = workflow.next_step(case.state)
        if step is None:
            return None
    notice_ends = None
    if case is not None and step.final:
        notice = case.steps.filter(step="notice").order_by("-pk").first()
        if notice is not None:
            notice_ends = notice.taken_on + datetime.timedelta(days=workflow.NOTICE_DAYS)
    return {
        "step": step,
        "can": allowed(user, step.action, designation.village_id),
        "notice_ends": notice_ends,
    }


@scope_safe
@login_required
@require_GET
def village(request, code):
    area = _village(request, code)
    year = page_year(request)
    designation = (
        PoorVillageDesignation.objects.accessible_to(request.user).filter(village=area).first()
    )
    cases = list(
        VillageExitCase.objects.accessible_to(request.user)
        .filter(village=area)
        .prefetch_related("steps__actor")
    )
    current = next((c for c in cases if c.outcome == VillageExitCase.Outcome.OPEN), None)
    conditions = list(
        VillageConditions.objects.accessible_to(request.user).filter(village=area).order_by("-year")
    )
    labels = {name: label for name, label in CONDITIONS}
    year_row = next((row for row in conditions if row.year == year), None)
    return render(
        request,
        "villages/village.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "designation": designation,
            "conditions": [
                {"year": row.year, "values": [(labels[n], getattr(row, n)) for n, _l in CONDITIONS]}
                for row in conditions
            ],
            "condition_labels": list(labels.values()),
            "result": rules.evaluate(area.code, year),
            "cases": [
                {
                    "case": case,
                    "steps": [
                        {"row": s, "label": workflow.label(s.step)} for s in case.steps.all()
                    ],
                }
                for case in cases
            ],
            "can_record": designation is not None
            and allowed(request.user, Action.VILLAGE_EXIT_VILLAGE, area.code),
            "form_conditions": [
                (name, label, year_row is not None and getattr(year_row, name))
                for name, label in CONDITIONS
            ],
            "next": _next(request.user, current, designation),
            "current": current,
            "this_year": as_of().year,
        },
    )


@scope_safe
@login_required
@require_POST
def village_step(request, code):
    area = _village(request, code)
    designation = (
        PoorVillageDesignation.objects.accessible_to(request.user).filter(village=area).first()
    )
    if designation is None:
        raise Http404(gettext("该嘎查村不是贫困村"))
    opinion = request.POST.get("opinion", "")
    approved = request.POST.get("decision", "approve") != "reject"
    current = services.open_case(area.code)
    try:
        if current is None:
            year = page_year(request)
            services.exit_apply(actor=request.user, village=area, year=year, opinion=opinion)
        else:
            services.exit_step(actor=request.user, case=current, approved=approved, opinion=opinion)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("已办理"))
    year = request.POST.get("year", "")
    query = f"?year={year}" if year.isdigit() else ""
    return redirect(reverse("villages:village", args=[area.code]) + query)


@scope_safe
@login_required
@require_POST
def village_conditions(request, code):
    """The village team records the year's exit conditions (the boxes ticked hold)."""
    area = _village(request, code)
    if not PoorVillageDesignation.objects.filter(village=area).exists():
        raise Http404(gettext("该嘎查村不是贫困村"))
    year = page_year(request)
    values = {name: name in request.POST for name, _label in CONDITIONS}
    try:
        services.record_conditions(actor=request.user, village=area, year=year, **values)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("已保存"))
    return redirect(reverse("villages:village", args=[area.code]) + f"?year={year}")
