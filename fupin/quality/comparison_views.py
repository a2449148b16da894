"""Pages of the comparison: the department lists (import for league HQ and county offices)
and the flags a village team reviews (docs/data-quality.md)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.accounts.actions import Action, allowed
from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area
from fupin.areas.scope import scope_safe
from fupin.core.sheets import ErrorWorkbooks, ImportFileError, import_upload, xlsx_response

from . import comparison, queries, services
from .dataquality import rule_label
from .models import Flag, ListKind

ERRORS = ErrorWorkbooks("quality-errors", "quality_list_errors", "比对名单.errors.xlsx")


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def lists(request):
    """The lists imported in the user's scope; league HQ and county offices import here."""
    area = page_area(request, post_field="area_page")
    may_import = area is not None and allowed(request.user, Action.QUALITY_LIST_IMPORT, area.code)
    context = {
        "area": area,
        "may_import": may_import,
        "kinds": ListKind.choices,
        "columns": {k: comparison.list_columns(k) for k in ListKind.values},
        "sources": comparison.DEFAULT_SOURCES,
        "lists": queries.lists(request.user)[:100],
    }
    upload = request.FILES.get("file")
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied(gettext("您没有导入部门名单的权限"))
        kind = request.POST.get("kind", "")
        if kind not in ListKind.values or upload is None:
            context["file_error"] = gettext("请选择名单类型和文件")
            return render(request, "quality/lists.html", context, status=400)
        list_date = _date(request.POST.get("list_date", ""))
        found = {}

        def run(path, *, actor, area_code):
            result, department_list = services.list_import(
                actor=actor,
                path=path,
                kind=kind,
                scope_code=area_code,
                source=request.POST.get("source") or None,
                list_date=list_date,
                file_name=upload.name,
            )
            found["list"] = department_list
            return result

        try:
            result = import_upload(request, upload, run, context, area_code=area.code)
        except ValueError as error:
            if isinstance(error, ImportFileError):
                raise
            context["file_error"] = str(error)
            result = None
        if result is None:
            return render(request, "quality/lists.html", context, status=400)
        if result.ok:
            for warning in result.warnings:
                messages.warning(request, str(warning))
            messages.success(request, gettext("名单已导入并完成比对"))
            return redirect("quality:list", pk=found["list"].pk)
        context["error_file"] = ERRORS.keep(request, result)
        return render(request, "quality/lists.html", context, status=400)
    return render(request, "quality/lists.html", context)


@scope_safe
@login_required
@require_GET
def list_errors(request):
    return ERRORS.response(request)


@scope_safe
@login_required
@require_GET
def list_detail(request, pk):
    department_list = get_object_or_404(queries.lists(request.user), pk=pk)
    flags = (
        queries.flags(request.user, status="")
        .filter(list_row__department_list=department_list)
        .order_by("village_id", "household__number", "pk")
    )
    return render(
        request,
        "quality/list_detail.html",
        {
            "list": department_list,
            "unmatched": list(queries.unmatched_rows(department_list)[: queries.UNMATCHED_LIMIT]),
            "flags": flags[:200],
        },
    )


@scope_safe
@login_required
@require_GET
def list_unmatched(request, pk):
    department_list = get_object_or_404(queries.lists(request.user), pk=pk)
    return xlsx_response(
        queries.unmatched_workbook(department_list), f"未比中-{department_list.pk}.xlsx"
    )


@scope_safe
@login_required
@require_GET
def flags(request):
    """The open flags of an area (a village team's own village), to verify."""
    area = page_area(request, required=True)
    status = request.GET.get("status", Flag.Status.OPEN)
    if status not in ("", *Flag.Status.values):
        status = Flag.Status.OPEN
    found = queries.flags(request.user, area.code, status).order_by(
        "village_id", "household__number", "pk"
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/flags.html",
        {
            "area": area,
            "crumbs": area_selectors.breadcrumbs(request.user, area),
            "status": status,
            "statuses": Flag.Status.choices,
            "page": page,
        },
    )


def _flag(request, pk) -> Flag:
    return get_object_or_404(queries.flags(request.user, status=""), pk=pk)


@scope_safe
@login_required
@require_GET
def flag(request, pk):
    item = _flag(request, pk)
    return render(
        request,
        "quality/flag.html",
        {
            "flag": item,
            "rule_label": rule_label(item.rule_code),
            "may_review": item.status == Flag.Status.OPEN
            and allowed(request.user, Action.QUALITY_FLAG_REVIEW, item.village_id),
        },
    )


def _review(request, pk, write):
    item = _flag(request, pk)
    try:
        write(item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("quality:flag", pk=item.pk)
    messages.success(request, gettext("核实结果已保存"))
    return redirect(f"{reverse('quality:flags')}?area={item.village_id}")


@scope_safe
@login_required
@require_POST
def flag_confirm(request, pk):
    return _review(
        request,
        pk,
        lambda item: services.flag_confirm(
            actor=request.user, flag=item, note=request.POST.get("note", "").strip()
        ),
    )


@scope_safe
@login_required
@require_POST
def flag_dismiss(request, pk):
    return _review(
        request,
        pk,
        lambda item: services.flag_dismiss(
            actor=request.user,
            flag=item,
            reason=request.POST.get("reason", ""),
            evidence=request.FILES.get("evidence"),
        ),
    )


@scope_safe
@login_required
@require_GET
def flag_evidence(request, pk):
    item = _flag(request, pk)
    if not item.evidence:
        raise Http404(gettext("没有核实佐证"))
    return FileResponse(item.evidence.open("rb"), as_attachment=True)
