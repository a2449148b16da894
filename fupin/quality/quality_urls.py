"""The data-quality page (docs/data-quality.md, "数据质量指数")."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe

from .dataquality import data_quality, rule_label


@scope_safe
@login_required
@require_GET
def data_quality_page(request):
    area = page_area(request, required=True)
    year = page_year(request)
    figures = data_quality(request.user, area.code, year)
    recheck_rules = [
        (code, rule_label(code), n) for code, n in sorted(figures.recheck_counts.items())
    ]
    return render(
        request,
        "quality/data_quality.html",
        {
            "area": area,
            "year": year,
            "years": page_years(),
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "figures": figures,
            "recheck_rules": recheck_rules,
        },
    )


app_name = "dataquality"
urlpatterns = [path("data-quality/", data_quality_page, name="page")]
