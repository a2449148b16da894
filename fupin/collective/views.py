"""Pages of the collective economy: the 清零递增 board, the village lists behind its counts, a
village's incomes and sharing households, the income form, the import and the export.

Every page reads through :mod:`fupin.collective.selectors` with the area of ``?area=`` (or
the URL) checked first by :func:`fupin.areas.selectors.access_area`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.actions import EDIT_COLLECTIVE, EXPORT_REGISTRY
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Level
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.core.sheets import ErrorWorkbooks, import_upload, template_workbook, xlsx_response

from . import importing, permissions, selectors, services, sharing
from .forms import IncomeForm
from .models import CollectiveIncome, Source
from .selectors import Status

PAGE_SIZE = 100
ERRORS = ErrorWorkbooks("collective-errors", "collective_import_errors", "集体经济收入.errors.xlsx")

STATUS_LABELS = {
    Status.ZERO: _("无收入（空壳村）"),
    Status.WEAK: _("薄弱（未达稳定标准）"),
    Status.STABLE: _("稳定"),
    Status.GROWING: _("稳定增长"),
}
# The village lists behind the board's counts.
LISTS = {
    "all": _("全部嘎查村"),
    "zero": _("无收入"),
    "weak": _("薄弱"),
    "stable": _("有稳定收入"),
    "growing": _("稳定增长"),
    "left_zero": _("当年清零"),
}


def _year(request) -> int:
    # A year's collective income is known once the year has ended.
    return page_year(request, default=selectors.default_year(), last=as_of().year)


def _village(request, code: str):
    area = area_selectors.access_area(request.user, code)
    if area.level != Level.VILLAGE:
        raise Http404(gettext("不是嘎查村"))
    return area


def _chart(yearly: list[dict]) -> dict:
    """The board's chart: villages with zero and with stable income per year, total in 万元."""
    return {
        "years": [str(r["year"]) for r in yearly],
        "zero": [r["villages_zero"] for r in yearly],
        "stable": [r["villages_stable"] for r in yearly],
        "total": [str((r["total_yuan"] / 10_000).quantize(Decimal("0.1"))) for r in yearly],
        "labels": {
            "zero": gettext("无收入嘎查村"),
            "stable": gettext("有稳定收入嘎查村"),
            "total": gettext("收入总额（万元）"),
        },
    }


@scope_safe
@login_required
@require_GET
def board(request):
    area = page_area(request)
    year = _year(request)
    context = {
        "area": area,
        "year": year,
        "years": page_years(),
        "lists": LISTS,
    }
    if area is not None:
        yearly = selectors.yearly(request.user, area.code, as_of().year)
        counts = selectors.collective_counts(request.user, area.code, year)
        context.update(
            crumbs=area_selectors.breadcrumbs(request.user, area),
            counts=counts,
            total_wan=(counts["total_yuan"] / 10_000).quantize(Decimal("0.01")),
            children=selectors.child_rows(request.user, area, year),
            yearly=yearly,
            chart=_chart(yearly),
            can_import=request.user.has_role_at(EDIT_COLLECTIVE, area.code),
        )
    return render(request, "collective/board.html", context)


@scope_safe
@login_required
@require_GET
def village_list(request):
    area = page_area(request, required=True)
    year = _year(request)
    show = request.GET.get("list") or "all"
    show = show if show in LISTS else "all"
    if show == "left_zero":
        rows = selectors.left_zero_villages(request.user, area.code, year)
    else:
        rows = selectors.village_statuses(request.user, area.code, year)
        wanted = {
            "all": Status.ALL,
            "zero": (Status.ZERO,),
            "weak": (Status.WEAK,),
            "stable": Status.WITH_STABLE_INCOME,
            "growing": (Status.GROWING,),
        }[show]
        rows = [r for r in rows if r.status in wanted]
    return render(
        request,
        "collective/village_list.html",
        {
            "area": area,
            "year": year,
            "show": show,
            "title": LISTS[show],
            "count": len(rows),
            "rows": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "labels": STATUS_LABELS,
            "threshold": selectors.threshold_for(year),
        },
    )


@scope_safe
@login_required
@require_GET
def shares(request):
    """The households sharing collective income in the area and year, with their amounts."""
    area = page_area(request, required=True)
    year = _year(request)
    rows = selectors.distributions(request.user, area.code, year).select_related(
        "household__village"
    )
    return render(
        request,
        "collective/shares.html",
        {
            "area": area,
            "year": year,
            "count": rows.count(),
            "rows": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@scope_safe
@login_required
@require_GET
def village(request, code):
    area = _village(request, code)
    year = _year(request)
    shares = selectors.distributions(request.user, area.code, year)
    return render(
        request,
        "collective/village.html",
        {
            "area": area,
            "year": year,
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "years": selectors.village_years(request.user, area.code),
            "labels": STATUS_LABELS,
            "shares": Paginator(shares, PAGE_SIZE).get_page(request.GET.get("page")),
            "shares_count": shares.count(),
            "can_edit": permissions.can_edit(request.user, area.code),
            "this_year": as_of().year,
        },
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def village_edit(request, code):
    area = _village(request, code)
    if not permissions.can_edit(request.user, area.code):
        raise PermissionDenied(services.MSG_NOT_ALLOWED)
    source = request.POST if request.method == "POST" else request.GET
    year_text = (source.get("year") or "").strip()
    year_error = None
    try:
        year = int(year_text) if year_text else selectors.default_year()
        services.check_year(year)
    except ValueError:
        year, year_error = selectors.default_year(), gettext("年度应为四位数字")
    except ValidationError as error:
        year_error = error.messages[0]
    lines = {
        line.source: line
        for line in CollectiveIncome.objects.accessible_to(request.user).filter(
            village=area, year=year
        )
    }
    if request.method == "POST":
        form = IncomeForm(request.POST, lines=lines)
        if year_error is None and form.is_valid():
            try:
                services.income_set(actor=request.user, village=area, year=year, lines=form.lines())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                url = reverse("collective:village", args=[area.code])
                return redirect(f"{url}?year={year}")
        status = 400
    else:
        form = IncomeForm(lines=lines)
        status = 400 if year_error else 200
    return render(
        request,
        "collective/village_edit.html",
        {
            "area": area,
            "year": year,
            "year_error": year_error,
            "form": form,
            "this_year": as_of().year,
        },
        status=status,
    )


KINDS = {
    "income": (importing.import_income, importing.COLUMNS, importing.export_workbook),
    "shares": (sharing.import_distributions, sharing.COLUMNS, sharing.export_workbook),
}


def _kind(request) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or "income"
    return kind if kind in KINDS else "income"


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def income_import(request):
    """Import collective income lines (``kind=income``) or households' shares (``kind=shares``)."""
    area = page_area(request)
    kind = _kind(request)
    run, columns, _export = KINDS[kind]
    context = {"area": area, "kind": kind, "columns": columns, "sources": Source.labels}
    if area is not None and not request.user.has_role_at(EDIT_COLLECTIVE, area.code):
        raise PermissionDenied(importing.MSG_NOT_ALLOWED)
    upload = request.FILES.get("file")
    if request.method == "POST" and area is not None and upload is not None:
        result = import_upload(request, upload, run, context, area_code=area.code)
        if result is None:
            return render(request, "collective/import.html", context, status=400)
        context["error_file"] = ERRORS.keep(request, result)
        return render(request, "collective/import.html", context, status=200 if result.ok else 400)
    return render(request, "collective/import.html", context)


@scope_safe
@login_required
@require_GET
def import_errors(request):
    """The error workbook of this session's last refused import (only its own)."""
    return ERRORS.response(request)


@scope_safe
@login_required
@require_GET
def income_export(request):
    area = page_area(request, required=True)
    year = _year(request) if request.GET.get("year") else None
    kind = _kind(request)
    if kind == "shares" and not request.user.has_role_at(EXPORT_REGISTRY, area.code):
        # Households and their heads are registry data: exported under the registry's right.
        raise PermissionDenied(gettext("您没有导出数据的权限"))
    content = KINDS[kind][2](request.user, area.code, year)
    audit(request.user, importing.EXPORTED, area.code, year=year, kind=kind)
    filename = f"collective-{kind}-{area.code}-{year or 'all'}.xlsx"
    return xlsx_response(content, filename)


@scope_safe
@login_required
@require_GET
def import_template(request, kind):
    """The import template of ``kind`` (income|shares): the header, and a drop-down on each
    coded column (收入来源)."""
    if kind not in KINDS:
        raise Http404(gettext("没有该格式"))
    with translation.override("zh-hans"):
        sources = [str(label) for label in Source.labels]
    content = template_workbook(
        title=importing.SHEET if kind == "income" else sharing.SHEET,
        columns=KINDS[kind][1],
        dropdowns={importing.COL_SOURCE: sources},
    )
    return xlsx_response(content, f"collective-{kind}-template.xlsx")
