"""The assessment page (everyone in scope reads; county office and above run it) and the
monitoring list. Both read through :mod:`fupin.assessment.selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas import period_views, periods
from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe

from . import rules, selectors, services
from .models import MonitoredHousehold, RuleSet
from .permissions import can_run

PAGE_SIZE = 50
MSG_DONE = _(
    "已完成 %(year)s 年评估：贫困户 %(households)s 户（达标 %(households_eligible)s 户），"
    "贫困村 %(villages)s 个（达标 %(villages_eligible)s 个）。"
)
MSG_NOT_ALLOWED = _("只有旗县扶贫办及以上可以运行评估。")


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def assessment(request):
    area = page_area(request)
    year = page_year(request)
    if area is None:
        return render(request, "assessment/assessment.html", {"area": None, "year": year})
    if request.method == "POST":
        back = f"{reverse('assessment:assessment')}?area={area.code}&year={year}"
        if request.POST.get("period_action"):
            # The county closes the year's assessment (league HQ may reopen it).
            return period_views.close_or_reopen(
                request, periods.Kind.ASSESSMENT_YEAR, area, str(year), back
            )
        if not can_run(request.user, area):
            return HttpResponseForbidden(gettext(MSG_NOT_ALLOWED))
        overwrite = request.POST.get("overwrite") == "1"
        if not overwrite and services.results_exist(year, area.code):
            # Earlier results would be replaced: show the confirm step instead of running.
            return redirect(f"{back}&confirm=1")
        try:
            counts = services.assessment_run(
                year=year,
                code=area.code,
                actor=request.user,
                correction_reason=request.POST.get("correction_reason", ""),
                overwrite=overwrite,
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, gettext(MSG_DONE) % {"year": year, **counts})
        return redirect(back)
    user = request.user
    summary = selectors.assessment_summary(user, area.code, year)
    households = selectors.household_results(user, area.code, year)
    eligible = Paginator(households.filter(eligible=True), PAGE_SIZE).get_page(
        request.GET.get("ok_page")
    )
    not_eligible = Paginator(households.filter(eligible=False), PAGE_SIZE).get_page(
        request.GET.get("no_page")
    )
    villages = Paginator(selectors.village_results(user, area.code, year), PAGE_SIZE).get_page(
        request.GET.get("village_page")
    )
    return render(
        request,
        "assessment/assessment.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "summary": summary,
            # Nothing eligible says nothing by itself: name the missing data behind it.
            "empty_reasons": (
                services.empty_reasons(year, area.code) if not summary.households_eligible else []
            ),
            "confirm": request.GET.get("confirm") == "1" and can_run(user, area),
            "children": selectors.child_summary(user, area, year),
            "eligible": eligible,
            "not_eligible": not_eligible,
            "villages": villages,
            "counties": selectors.county_results(user, area.code, year),
            "rule_sets": selectors.rule_versions(user, area.code, year),
            "crumbs": area_selectors.breadcrumbs(user, area),
            "can_run": can_run(user, area),
            "period_state": period_views.period_context(
                user, periods.Kind.ASSESSMENT_YEAR, area, str(year)
            ),
        },
    )


@scope_safe
@login_required
@require_GET
def monitoring(request):
    area = page_area(request)
    kind = request.GET.get("kind") or ""
    state = request.GET.get("state") or ""
    kind = kind if kind in MonitoredHousehold.Kind.values else ""
    state = state if state in MonitoredHousehold.State.values else ""
    year = request.GET.get("year") or ""
    year = page_year(request) if year else None
    rows = None
    rule_set = RuleSet.current()
    rule_counts: list[dict] = []
    if area is not None:
        qs = selectors.monitored_households(
            request.user, area.code, year=year, kind=kind, state=state
        )
        rows = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rule_counts = selectors.monitoring_rule_counts(request.user, area.code, year=year)
    return render(
        request,
        "assessment/monitoring.html",
        {
            "area": area,
            "rows": rows,
            "rule_counts": rule_counts,
            "rule_set": rule_set,
            # Thresholds as the reasons write them (1.5, not 1.50).
            "limits": {
                "ratio": rules.fmt_limit(rule_set.monitor_income_ratio),
                "drop": rules.fmt_limit(rule_set.monitor_risk_drop_share),
                "share": rules.fmt_limit(rule_set.sharp_drop_share),
            },
            "year": year,
            "kind": kind,
            "state": state,
            "years": page_years(),
            "kinds": MonitoredHousehold.Kind.choices,
            "states": MonitoredHousehold.State.choices,
        },
    )
