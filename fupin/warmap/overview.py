"""The area pages: the start page, an area's overview (its yearly figures, its children's and
the households at risk) and the area browser.

They read the registry's figures (:mod:`fupin.registry.stats`) and the assessment's
monitoring, so they sit above both, beside the war map; their URLs keep the ``areas``
namespace (:mod:`fupin.warmap.area_urls`).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from fupin.areas import selectors, summaries
from fupin.areas.models import CHILD_LEVEL, Level
from fupin.areas.params import page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.assessment.models import MonitoredHousehold
from fupin.assessment.selectors import monitored_households
from fupin.registry import stats as registry_stats


@scope_safe
@login_required
@require_GET
def home(request):
    roots = selectors.user_root_areas(request.user)
    if len(roots) == 1:
        return redirect("areas:overview", code=roots[0].code)
    return render(request, "areas/home.html", {"roots": roots})


@scope_safe
@login_required
@require_GET
def overview(request, code):
    user = request.user
    area = selectors.access_area(user, code)
    year = page_year(request)

    def figures() -> dict:
        return {
            "stats": registry_stats.area_stats(user, area.code, year),
            "children": registry_stats.child_stats(user, area, year),
            "series": registry_stats.area_series(user, area.code, page_years()),
            "at_risk": monitored_households(
                user, area.code, state=MonitoredHousehold.State.AT_RISK
            ).count(),
        }

    # The first page of every user: kept and shared like the war map (fupin.areas.summaries).
    kept, computed_at = summaries.kept("overview", user, area.code, year, compute=figures)
    return render(
        request,
        "areas/overview.html",
        {
            **kept,
            "area": area,
            "year": year,
            "years": page_years(),
            "crumbs": selectors.breadcrumbs(user, area),
            "child_is_village": CHILD_LEVEL.get(area.level) == Level.VILLAGE,
            "is_village": area.level == Level.VILLAGE,
            "computed_at": computed_at,
            "keep_seconds": settings.FUPIN_SUMMARY_SECONDS,
        },
    )


@scope_safe
@login_required
@require_GET
def browser(request):
    roots = selectors.user_root_areas(request.user)
    return render(
        request, "areas/browser.html", {"roots": registry_stats.tree_nodes(request.user, roots)}
    )


@scope_safe
@login_required
@require_GET
def tree_children(request, code):
    area = selectors.access_area(request.user, code)
    nodes = registry_stats.tree_nodes(request.user, selectors.children_in_scope(request.user, area))
    return render(request, "areas/_tree_nodes.html", {"nodes": nodes})
