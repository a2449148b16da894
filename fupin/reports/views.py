"""Report pages: the archive, a draft (computed live, publishable) and a published report
(rendered only from its stored content, its files served as stored)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.core.sheets import xlsx_response

from . import periods, permissions, services
from .content import ReportError, build
from .models import Report
from .rendering import render_pdf_bytes, render_xlsx
from .selectors import access_report

PAGE_SIZE = 50


def _kinds():
    return [(k, periods.KIND_LABELS[k]) for k in periods.KINDS]


@scope_safe
@login_required
@require_GET
def archive(request):
    reports = Report.objects.accessible_to(request.user).select_related("area", "published_by")
    kind = request.GET.get("kind") or ""
    if kind in periods.KINDS:
        reports = reports.filter(kind=kind)
    area = None
    if request.GET.get("area"):
        area = page_area(request)
        reports = reports.filter(area=area)
    year = page_year(request, default=None, last=as_of().year)
    if year is not None:
        reports = reports.filter(first__year=year)
    page = Paginator(reports.order_by("-first", "kind", "area_id", "-version"), PAGE_SIZE)
    roots = area_selectors.user_root_areas(request.user)
    context = {
        "page": page.get_page(request.GET.get("page")),
        "kinds": _kinds(),
        "kind": kind,
        "area": area,
        "year": str(year or ""),
        "years": page_years()[::-1],
        "start_area": area or (roots[0] if roots else None),
        "today": as_of(),
    }
    return render(request, "reports/archive.html", context)


def _day(request) -> tuple[datetime.date, str | None]:
    """The day of ``?period=`` (any day of the period; default the as-of day) and an error."""
    value = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if not value:
        return as_of(), None
    try:
        return datetime.date.fromisoformat(value), None
    except ValueError:
        return as_of(), _("期别日期“%(value)s”无效，格式应为 YYYY-MM-DD；已改用系统日期。") % {
            "value": value[:20]
        }


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def draft(request):
    kind = request.GET.get("kind") or request.POST.get("kind") or periods.DEKAD
    if kind not in periods.KINDS:
        raise Http404(_("报告类型无效"))
    area = page_area(request)
    if area is None:
        raise PermissionDenied(_("您没有可查看的区划。"))
    day, day_error = _day(request)
    if request.method == "POST":
        if day_error:
            messages.error(request, day_error)
            return redirect(f"{request.path}?kind={kind}&area={area.code}")
        if not permissions.can_publish(request.user, area.code):
            raise PermissionDenied(str(services.NOT_ALLOWED))
        try:
            report = services.report_publish(actor=request.user, area=area, kind=kind, day=day)
        except ReportError as error:
            messages.error(request, str(error))
            return redirect(f"{request.path}?kind={kind}&area={area.code}")
        messages.success(request, _("报告已发布并归档。"))
        return redirect("reports:detail", pk=report.pk)
    error = day_error
    content = None
    try:
        content = build(request.user, area, kind, day)
    except ReportError as e:
        error = str(e)
    status = 200 if content else 400
    if request.GET.get("format") in ("xlsx", "pdf") and content:
        fmt = request.GET["format"]
        audit(
            request.user,
            services.EXPORTED,
            area.code,
            kind=kind,
            key=content["period"]["key"],
            format=fmt,
            draft=True,
        )
        return _download(content, fmt, draft=True)
    published = Report.objects.accessible_to(request.user).filter(
        kind=kind, area=area, status=Report.Status.PUBLISHED
    )
    if content:
        published = published.filter(first=content["period"]["first"])
    context = {
        "c": content,
        "error": error,
        "draft": True,
        "kind": kind,
        "kinds": _kinds(),
        "area": area,
        "day": day,
        "crumbs": area_selectors.breadcrumbs(request.user, area),
        "can_publish": permissions.can_publish(request.user, area.code),
        "published": published.first(),
    }
    return render(request, "reports/report.html", context, status=status)


def _download(content: dict, fmt: str, *, draft: bool) -> HttpResponse:
    stem = services.file_stem(content) + ("-draft" if draft else "")
    if fmt == "xlsx":
        return xlsx_response(render_xlsx(content), f"{stem}.xlsx")
    response = HttpResponse(
        render_pdf_bytes(content, status_note=_("草稿（未发布）")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f"inline; filename={stem}.pdf"
    return response


@scope_safe
@login_required
@require_GET
def detail(request, pk):
    report = access_report(request.user, pk)
    versions = Report.objects.accessible_to(request.user).filter(
        kind=report.kind, area_id=report.area_id, first=report.first
    )
    context = {
        "c": report.content,
        "report": report,
        "draft": False,
        "area": report.area,
        "crumbs": area_selectors.breadcrumbs(request.user, report.area),
        "versions": versions.order_by("-version"),
        "can_publish": permissions.can_publish(request.user, report.area_id),
    }
    return render(request, "reports/report.html", context)


def _stored(field):
    """The stored file, open, and its name (404 when the report has none)."""
    if not field:
        raise Http404(_("文件不存在"))
    return field.open("rb"), field.name.rsplit("/", 1)[-1]


@scope_safe
@login_required
@require_GET
def report_xlsx(request, pk):
    report = access_report(request.user, pk)
    audit(request.user, services.EXPORTED, report.area_id, report=report.pk, format="xlsx")
    return xlsx_response(*_stored(report.xlsx))


@scope_safe
@login_required
@require_GET
def report_pdf(request, pk):
    report = access_report(request.user, pk)
    if not report.pdf:
        # Published by the scheduler: the worker lays the PDF out shortly (docs/schedule.md).
        response = render(request, "reports/pdf_pending.html", {"report": report}, status=202)
        response["Retry-After"] = "60"
        return response
    audit(request.user, services.EXPORTED, report.area_id, report=report.pk, format="pdf")
    handle, name = _stored(report.pdf)
    return FileResponse(handle, content_type="application/pdf", as_attachment=False, filename=name)
