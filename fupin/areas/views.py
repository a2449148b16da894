"""Area pages: the overview with drill-down, the division browser, county boundaries."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from fupin.assessment.models import MonitoredHousehold
from fupin.assessment.selectors import monitored_households
from fupin.registry import stats as registry_stats

from . import selectors
from .models import CHILD_LEVEL, Level
from .params import page_year, page_years
from .scope import public, scope_safe

COUNTIES_GEOJSON = Path(__file__).with_name("data") / "hinggan-counties.geojson"


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
    area = selectors.access_area(request.user, code)
    year = page_year(request)
    stats = registry_stats.area_stats(request.user, area.code, year)
    children = registry_stats.child_stats(request.user, area, year)
    series = registry_stats.area_series(request.user, area.code, page_years())
    return render(
        request,
        "areas/overview.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "stats": stats,
            "children": children,
            "series": series,
            "crumbs": selectors.breadcrumbs(request.user, area),
            "child_is_village": CHILD_LEVEL.get(area.level) == Level.VILLAGE,
            "is_village": area.level == Level.VILLAGE,
            "at_risk": monitored_households(
                request.user, area.code, state=MonitoredHousehold.State.AT_RISK
            ).count(),
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


@public
@require_GET
def counties_geojson(request):
    """County boundaries (public map data, not registry data)."""
    if not COUNTIES_GEOJSON.exists():
        raise Http404
    # FileResponse closes the file when the response is closed.
    response = FileResponse(open(COUNTIES_GEOJSON, "rb"), content_type="application/geo+json")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response
