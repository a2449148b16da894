"""The command structure page: the 井 chart (ECharts, offline) and the same data as a table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area
from fupin.areas.scope import scope_safe

from . import selectors


@scope_safe
@login_required
@require_GET
def structure(request):
    area = page_area(request)
    context = {"area": area}
    if area is not None:
        data = selectors.command_structure(request.user, area.code)
        data["chart"]["texts"] = selectors.chart_texts()
        context.update(data)
        context["crumbs"] = area_selectors.breadcrumbs(request.user, area)
    return render(request, "command/structure.html", context)
