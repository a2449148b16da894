"""The funds import page (upload, result, error workbook), the templates and the exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts.actions import EDIT_FUNDS
from fupin.areas.params import page_area
from fupin.areas.scope import scope_safe
from fupin.core.audit import audit
from fupin.core.sheets import (
    ErrorWorkbooks,
    import_upload,
    template_workbook,
    write_workbook,
    xlsx_response,
)

from . import importing

ERRORS = ErrorWorkbooks("funds-errors", "funds_import_errors", "资金导入.errors.xlsx")


def _kind(kind: str) -> str:
    if kind not in importing.COLUMNS:
        raise Http404(_("没有该格式"))
    return kind


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    area = page_area(request, post_field="area_page")
    context = {"area": area, "formats": importing.COLUMNS, "labels": importing.KIND_LABELS}
    if area is not None and not request.user.has_role_at(EDIT_FUNDS, area.code):
        raise PermissionDenied(importing.MSG_NOT_ALLOWED)
    upload = request.FILES.get("file")
    if request.method == "POST" and area is not None and upload is not None:
        result = import_upload(
            request, upload, importing.import_workbook, context, area_code=area.code
        )
        if result is None:
            return render(request, "funds/import.html", context, status=400)
        context["kind_label"] = importing.KIND_LABELS.get(result.kind, "")
        context["error_file"] = ERRORS.keep(request, result)
        return render(request, "funds/import.html", context, status=200 if result.ok else 400)
    return render(request, "funds/import.html", context)


@scope_safe
@login_required
@require_GET
def errors(request):
    """The error workbook of this session's last refused import (only its own)."""
    return ERRORS.response(request)


def _xlsx(rows, title: str, filename: str) -> HttpResponse:
    return xlsx_response(write_workbook(rows, title=title), filename)


@scope_safe
@login_required
@require_GET
def template(request, kind):
    """An empty workbook in the import format (no record: the header only), with a drop-down
    on each coded column."""
    kind = _kind(kind)
    label = importing.KIND_LABELS[kind]
    content = template_workbook(
        title=str(label), columns=importing.COLUMNS[kind], dropdowns=importing.coded_columns()
    )
    return xlsx_response(content, f"{label}导入模板.xlsx")


@scope_safe
@login_required
@require_GET
def export(request, kind):
    kind = _kind(kind)
    area = page_area(request, post_field="area_page")
    if area is None:
        raise Http404(_("区划不存在或不在您的权限范围内"))
    label = importing.KIND_LABELS[kind]
    audit(request.user, f"funds.exported.{kind}", area.code)
    rows = importing.export_rows(request.user, kind, area.code)
    return _xlsx(rows, label, f"{label}-{area.code}.xlsx")
