"""Pages of the outreach ledgers: each ledger's list (area and year), a record's page (its
form for those who may write it, its history), the import and the export.

One set of views serves the five ledgers, named by ``kind`` in the URL; the lists read
:func:`fupin.outreach.selectors.records`, the figures :mod:`fupin.outreach.selectors`.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas import selectors as area_selectors
from fupin.areas.params import page_area, page_year, page_years
from fupin.areas.scope import scope_safe
from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.core.sheets import ErrorWorkbooks, import_upload, template_workbook, xlsx_response

from . import importing, selectors, services
from .forms import FORMS
from .permissions import can_edit

PAGE_SIZE = 50
TITLES = {
    "lectures": _("政策宣讲"),
    "trips": _("外出学习"),
    "visits": _("联系点调研指导"),
    "subsidies": _("乡镇工作补贴"),
    "documents": _("政策文件"),
}
ERRORS = {
    kind: ErrorWorkbooks("outreach-errors", f"outreach_{kind}_errors", f"{kind}.errors.xlsx")
    for kind in TITLES
}
HEADERS = {
    "lectures": (_("日期"), _("区划"), _("主题"), _("宣讲人"), _("地点"), _("听众")),
    "trips": (_("出发"), _("返回"), _("组织区划"), _("学习地点"), _("学习内容"), _("人数")),
    "visits": (_("日期"), _("领导干部"), _("调研区划"), _("联系点"), _("发现"), _("解决")),
    "subsidies": (_("干部"), _("干部编号"), _("所在区划"), _("年度"), _("补贴金额（元）")),
    "documents": (_("标题"), _("发文机关"), _("文号"), _("发文日期")),
}
# The columns shown right-aligned (numbers), by ledger.
NUMERIC = {"lectures": 1, "trips": 1, "visits": 2, "subsidies": 1, "documents": 0}


def _kind(kind: str) -> str:
    if kind not in TITLES:
        raise Http404(gettext("没有该台账"))
    return kind


def _cells(kind: str, r) -> list:
    # Dates as YYYY-MM-DD: the narrow table of a phone keeps them on one line.
    return [c.isoformat() if isinstance(c, datetime.date) else c for c in _values(kind, r)]


def _values(kind: str, r) -> list:
    if kind == "lectures":
        return [r.date, r.area.name, r.topic, r.speaker, r.place, r.audience]
    if kind == "trips":
        return [r.start_date, r.end_date, r.area.name, r.destination, r.topic, r.persons]
    if kind == "visits":
        linked = gettext("是") if r.link_id else "—"
        return [r.date, r.cadre.name, r.area.name, linked, r.problems_raised, r.problems_solved]
    if kind == "subsidies":
        return [r.cadre.name, r.cadre_id, r.area.name, r.year, r.amount]
    return [r.title, r.issuer, r.doc_number or "—", r.date or "—"]


def _year(request, kind: str) -> int | None:
    if kind == "documents":
        return page_year(request, default=None)
    default = selectors.default_subsidy_year() if kind == "subsidies" else as_of().year
    return page_year(request, default=default)


def _figures(request, kind: str, area, year):
    if area is None or year is None:
        return None
    if kind == "subsidies":
        return selectors.subsidy_figures(request.user, area.code, year)
    if kind == "documents":
        return None
    return selectors.outreach_figures(request.user, area.code, year)


@scope_safe
@login_required
@require_GET
def ledger_list(request, kind):
    kind = _kind(kind)
    area = page_area(request)
    year = _year(request, kind)
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "titles": TITLES,
        "area": area,
        "year": year,
        "year_text": str(year or ""),
        "years": page_years(),
        "headers": HEADERS[kind],
        "numeric": NUMERIC[kind],
    }
    if area is not None:
        rows = selectors.records(request.user, kind, area.code, year)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            crumbs=area_selectors.breadcrumbs(request.user, area),
            count=page.paginator.count,
            page=page,
            rows=[(r.pk, _cells(kind, r)) for r in page],
            figures=_figures(request, kind, area, year),
            can_edit=can_edit(request.user, kind, area.code),
            by_cadre=(
                selectors.visits_by_cadre(request.user, area.code, year)[:10]
                if kind == "visits" and year
                else None
            ),
        )
    return render(request, "outreach/list.html", context)


def _record(request, kind: str, pk: int):
    record = selectors.records(request.user, kind, None, None).filter(pk=pk).first()
    if record is None:
        raise Http404(gettext("记录不存在或不在您的权限范围内"))
    return record


def _initial(kind: str, record) -> dict:
    form = FORMS[kind]
    initial = {n: getattr(record, n, None) for n in form.base_fields if n != "pdf"}
    if kind == "documents":
        initial["rule_sets"] = list(record.rule_sets.all())
    if kind == "trips":
        initial["cadre_ids"] = "、".join(str(c.pk) for c in record.cadres.all())
    return initial


def _display(kind: str, form, record) -> list[tuple[str, object]]:
    """The record's fields as a reader sees them: names for codes, labels for choices."""
    if record is None:
        return []
    rows: list[tuple[str, object]] = []
    for name, field in form.fields.items():
        if name == "pdf":
            continue
        if name == "area_id":
            value: object = f"{record.area.name}（{record.area_id}）"
        elif name == "cadre_id":
            value = f"{record.cadre.name}（{record.cadre_id}）"
        elif name in ("measure_types", "safetynet_policies"):
            labels = dict(field.choices)
            value = "、".join(str(labels.get(v, v)) for v in getattr(record, name))
        elif name == "cadre_ids":
            value = "、".join(f"{c.name}（{c.pk}）" for c in record.cadres.all())
        elif name == "rule_sets":
            value = "、".join(str(r.version) for r in record.rule_sets.all())
        else:
            value = getattr(record, name)
        rows.append((field.label, "—" if value in (None, "") else value))
    return rows


def _save(request, kind: str, form, record):
    values = {k: v for k, v in form.cleaned_data.items() if k not in ("pdf", "rule_sets")}
    if kind == "documents":
        return services.document_save(
            actor=request.user,
            values=values,
            rule_sets=form.cleaned_data["rule_sets"],
            pdf=form.cleaned_data.get("pdf"),
            record=record,
        )
    return services.record_save(actor=request.user, kind=kind, values=values, record=record)


def _form_page(request, kind: str, record=None):
    area = record.area if record is not None else page_area(request)
    writable = area is not None and can_edit(request.user, kind, area.code)
    if record is None and not writable:
        raise PermissionDenied(services.MSG_NOT_ALLOWED)
    form_class = FORMS[kind]
    status = 200
    if request.method == "POST":
        if not writable:
            raise PermissionDenied(services.MSG_NOT_ALLOWED)
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = _save(request, kind, form, record)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, messages in error.message_dict.items():
                        target = field if field in form.fields else None
                        for message in messages:
                            form.add_error(target, message)
                else:
                    form.add_error(None, error)
            else:
                return redirect(reverse("outreach:record", args=[kind, saved.pk]))
        status = 400
    elif record is not None:
        form = form_class(initial=_initial(kind, record))
    else:
        initial = {"area_id": area.code} if kind != "subsidies" else {}
        form = form_class(initial=initial)
    history = list(record.history.select_related("history_user")[:20]) if record else []
    return render(
        request,
        "outreach/record.html",
        {
            "kind": kind,
            "title": TITLES[kind],
            "area": area,
            "record": record,
            "form": form,
            "writable": writable,
            "display": [] if writable else _display(kind, form, record),
            "cadres": (
                selectors.cadre_choices(request.user, kind, area.code)
                if writable and kind in ("visits", "subsidies")
                else []
            ),
            "history": history,
        },
        status=status,
    )


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def record_new(request, kind):
    return _form_page(request, _kind(kind))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def record_page(request, kind, pk):
    kind = _kind(kind)
    return _form_page(request, kind, _record(request, kind, pk))


@scope_safe
@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request, kind):
    kind = _kind(kind)
    area = page_area(request)
    if area is not None and not can_edit(request.user, kind, area.code):
        raise PermissionDenied(importing.MSG_NOT_ALLOWED)
    context = {
        "kind": kind,
        "title": TITLES[kind],
        "area": area,
        "columns": importing.COLUMNS[kind],
        "required": importing.REQUIRED[kind],
    }
    upload = request.FILES.get("file")
    if request.method == "POST" and area is not None and upload is not None:

        def run(path, *, actor, area_code):
            return importing.import_ledger(path, actor=actor, area_code=area_code, kind=kind)

        result = import_upload(request, upload, run, context, area_code=area.code)
        if result is None:
            return render(request, "outreach/import.html", context, status=400)
        context["error_file"] = ERRORS[kind].keep(request, result)
        return render(request, "outreach/import.html", context, status=200 if result.ok else 400)
    return render(request, "outreach/import.html", context)


@scope_safe
@login_required
@require_GET
def import_errors(request, kind):
    return ERRORS[_kind(kind)].response(request)


@scope_safe
@login_required
@require_GET
def import_template(request, kind):
    kind = _kind(kind)
    content = template_workbook(
        title=importing.SHEETS[kind], columns=importing.COLUMNS[kind], dropdowns={}
    )
    return xlsx_response(content, f"outreach-{kind}-template.xlsx")


@scope_safe
@login_required
@require_GET
def ledger_export(request, kind):
    kind = _kind(kind)
    area = page_area(request, required=True)
    year = _year(request, kind) if request.GET.get("year") else None
    rows = selectors.records(request.user, kind, area.code, year)
    content = importing.export_workbook(kind, rows)
    audit(request.user, services.EXPORTED % kind, area.code, year=year)
    return xlsx_response(content, f"outreach-{kind}-{area.code}-{year or 'all'}.xlsx")
