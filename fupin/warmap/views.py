"""The war map page (挂图作战): ``/warmap/?area=CODE&year=Y``, from :mod:`.selectors`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.areas import selectors as area_selectors
from fupin.areas import summaries
from fupin.areas.params import page_area, page_year
from fupin.areas.scope import scope_safe
from fupin.assistance.models import Measure, MeasureType
from fupin.core.clock import as_of, current_year
from fupin.core.sheets import xlsx_response

from . import ledgers, selectors
from .charts import chart_data

PAGE_SIZE = 50


@scope_safe
@login_required
@require_GET
def warmap(request):
    area = page_area(request)
    if area is None:
        return render(request, "warmap/warmap.html", {"area": None})
    year = page_year(request, last=current_year())
    user = request.user

    def figures() -> str:
        data = selectors.warmap(user, area.code, year)
        context = {"area": area, "year": year, "w": data, "charts": chart_data(data)}
        return render_to_string("warmap/_figures.html", context)

    # Rendered once for every viewer of the area with the same scope (fupin.areas.summaries):
    # a township's tables are thousands of formatted numbers, as dear as their queries.
    html, computed_at = summaries.kept("warmap-page", user, area.code, year, compute=figures)
    return render(
        request,
        "warmap/warmap.html",
        {
            "area": area,
            "year": year,
            "years": selectors.years(),
            "crumbs": area_selectors.breadcrumbs(user, area),
            "figures": mark_safe(html),  # noqa: S308 -- rendered by the template above
            # The figures are as of the system date (the rollups follow every write).
            "as_of": as_of(),
            "computed_at": computed_at,
            "keep_seconds": settings.FUPIN_SUMMARY_SECONDS,
        },
    )


def _int(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name) or "")
    except ValueError:
        return None


def _date(request, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((request.GET.get(name) or "").strip())
    except ValueError:
        return None


def ledger_filters(request) -> ledgers.Filters:
    """The ledger's filters from the query string (unknown values are ignored)."""
    type_ = request.GET.get("type") or ""
    status = request.GET.get("status") or ""
    kind = request.GET.get("kind") or ""
    link = request.GET.get("link") or ""
    return ledgers.Filters(
        year=page_year(request, last=current_year()),
        planned=_int(request, "planned"),
        exited=_int(request, "exited"),
        type=type_ if type_ in MeasureType.values else "",
        status=status if status in Measure.State.values else "",
        kind=kind if kind in ledgers.WorkKind.values else "",
        link=link if link in dict(ledgers.LINK_GROUPS) else "",
        start=_date(request, "from"),
        end=_date(request, "to"),
    )


@scope_safe
@login_required
@require_GET
def ledger(request, kind: str):
    """``/warmap/ledgers/<kind>/?area=&year=&…``: one of the three ledgers, paginated;
    ``&format=xlsx`` downloads every filtered row."""
    if kind not in ledgers.KINDS:
        raise Http404(_("台账不存在"))
    area = page_area(request)
    f = ledger_filters(request)
    context = {"area": area, "kind": kind, "title": ledgers.TITLES[kind], "f": f}
    if area is None:
        return render(request, "warmap/ledger.html", context)
    if request.GET.get("format") == "xlsx":
        n = ledgers.QUERIES[kind](request.user, area.code, f).count()
        if n > ledgers.XLSX_MAX:
            message = _("记录过多（%(n)s 条），请缩小区划或日期范围后导出（上限 %(max)s 条）。") % {
                "n": f"{n:,}",
                "max": f"{ledgers.XLSX_MAX:,}",
            }
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return xlsx_response(
            ledgers.xlsx(request.user, kind, area.code, f),
            f"ledger-{kind}-{area.code}-{f.year}.xlsx",
        )
    page = Paginator(ledgers.QUERIES[kind](request.user, area.code, f), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context.update(
        page=page,
        rows=ledgers.rows(request.user, kind, page.object_list, f),
        columns=ledgers.columns(kind, f),
        years=selectors.years(),
        crumbs=area_selectors.breadcrumbs(request.user, area),
        query=query.urlencode(),
        kinds=[(k, ledgers.TITLES[k]) for k in ledgers.KINDS],
        link_groups=ledgers.LINK_GROUPS,
        measure_types=MeasureType.choices,
        measure_states=Measure.State.choices,
        work_kinds=ledgers.WorkKind.choices,
        period=f.period(),
        flagged=ledgers.flagged_work(request.user, area.code, f) if kind == "work" else None,
    )
    return render(request, "warmap/ledger.html", context)
