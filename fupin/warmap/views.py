"""The war map page (挂图作战): ``/warmap/?area=CODE&year=Y``, from :mod:`.selectors`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.areas import selectors as area_selectors
from fupin.areas.scope import scope_safe
from fupin.core.clock import current_year

from . import selectors
from .charts import chart_data


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return current_year()
    return year if selectors.FIRST_YEAR <= year <= current_year() else current_year()


@scope_safe
@login_required
@require_GET
def warmap(request):
    code = (request.GET.get("area") or "").strip()
    if code:
        area = area_selectors.access_area(request.user, code)
    else:
        roots = area_selectors.user_root_areas(request.user)
        if not roots:
            return render(request, "warmap/warmap.html", {"area": None})
        area = roots[0]
    year = _year(request)
    data = selectors.warmap(request.user, area.code, year)
    return render(
        request,
        "warmap/warmap.html",
        {
            "area": area,
            "year": year,
            "years": selectors.years(),
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "w": data,
            "charts": chart_data(data),
        },
    )
