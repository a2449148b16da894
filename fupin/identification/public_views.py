"""Public notices (公示/公告): index, page, A4 PDF, xlsx and the objection form — no login.

These views are marked ``@public``: they show nothing beyond what a notice publishes (the
applicant's name, village, household size, attribute or exit reason) and ID numbers only
masked (:func:`fupin.core.masking.mask_id_number`); any ID or mobile number typed into a
published text is masked too (:func:`scrub`). Every row shown, printed or exported is built
by :func:`notice_rows`, which never carries a full ID or mobile number.

Objections are stored with an HMAC of the client's address (:func:`source_hash`), never the
address; the hash and the case's village rate-limit filing (:mod:`fupin.accounts.public_limits`).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.accounts import public_limits
from fupin.accounts.addresses import client_ip, source_hash
from fupin.areas.scope import public
from fupin.areas.selectors import is_bilingual
from fupin.core.clock import as_of
from fupin.core.masking import mask_id_number, mask_personal
from fupin.core.mongolian import mn_text
from fupin.core.sheets import workbook_bytes, xlsx_response
from fupin.registry import codes

from . import services
from .models import Case, Notice
from .public_forms import NoticeFilterForm, ObjectionForm

PAGE_SIZE = 20
# The Chinese source of each kind's label: the key of its Mongolian text (fupin.core.mongolian).
KIND_SOURCE = {Notice.Kind.NOTICE: "公示", Notice.Kind.ANNOUNCEMENT: "公告"}


def scrub(text: str) -> str:
    """Mask any ID or mobile number a cadre typed into a published text (title, body, name,
    reason), however it was typed."""
    return mask_personal(text)


# ---------------------------------------------------------------------------- notice facts


def is_open(notice: Notice, today: datetime.date | None = None) -> bool:
    """A notice takes objections from its publication to its end date, both included."""
    today = today or as_of()
    return bool(notice.ends_on) and notice.published_on <= today <= notice.ends_on


def published_notices(today: datetime.date):
    """Notices published on or before ``today`` (a notice dated later is not yet public)."""
    return Notice.objects.filter(published_on__lte=today).select_related("area")


@dataclasses.dataclass(frozen=True)
class NoticeRow:
    number: int
    name: str
    id_masked: str
    village: str
    members: int | None
    detail: str  # attribute (identification, relapse, monitoring) or exit reason (exit)
    cause: str
    name_mn: str = ""  # the head's name in Mongolian script, when the registry holds it


def _app(case: Case, *keys, default=None):
    data = case.application or {}
    for key in keys:
        if data.get(key) not in (None, ""):
            return data[key]
    return default


def _head(case: Case):
    if case.household_id:
        heads = [m for m in case.household.members.all() if m.relation == codes.Relation.HEAD]
        if heads:
            return heads[0]
    return None


def _head_id_number(case: Case) -> str:
    """The applicant's (head's) ID number, from the registry or the application."""
    if case.household_id:
        heads = [m for m in case.household.members.all() if m.relation == codes.Relation.HEAD]
        if heads:
            return heads[0].id_number
    number = _app(case, "id_number", "证件号码", "head_id_number", default="")
    if number:
        return str(number)
    for member in _app(case, "members", "成员", default=[]) or []:
        if not isinstance(member, dict):
            continue
        relation = member.get("relation") or member.get("与户主关系")
        if relation in (codes.Relation.HEAD, "户主") or member.get("name") == case.applicant_name:
            return str(member.get("id_number") or member.get("证件号码") or "")
    return ""


def _members(case: Case) -> int | None:
    if case.household_id:
        return case.household.members_count
    count = _app(case, "members_count", "家庭人口")
    if count is not None:
        return int(count)
    members = _app(case, "members", "成员")
    return len(members) if isinstance(members, list) else None


def _label(choices, value) -> str:
    if value in (None, ""):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)  # already a label (import format)


def _household_value(case: Case, field: str):
    """A household field as applied for (``application["household"]``), else the registry's."""
    data = (case.application or {}).get("household") or {}
    value = data.get(field) if isinstance(data, dict) else None
    if value in (None, "") and case.household_id:
        value = getattr(case.household, field, None)
    return value


def _exit_reason(case: Case) -> str:
    """The reason given when the exit was proposed (the case's first step), or the application's."""
    reason = _app(case, "exit_reason", "退出原因", default="")
    if not reason:
        first = min(case.steps.all(), key=lambda s: (s.created_at, s.pk), default=None)
        reason = first.reason if first is not None else ""
    return str(reason or "")


def _detail(case: Case) -> str:
    if case.kind == Case.Kind.EXIT:
        return _exit_reason(case)
    return _label(codes.Attribute, _household_value(case, "attribute"))


def _cause(case: Case) -> str:
    return _label(codes.Cause, _household_value(case, "main_cause"))


def notice_cases(notice: Notice):
    from fupin.registry.models import Member

    return (
        notice.cases.select_related("village", "household")
        .prefetch_related(
            Prefetch(
                "household__members",
                queryset=Member.objects.filter(relation=codes.Relation.HEAD).only(
                    "household_id", "id_number", "relation", "name_mn"
                ),
            ),
            "steps",
        )
        .order_by("village_id", "applicant_name", "pk")
    )


def notice_rows(notice: Notice, cases=None) -> list[NoticeRow]:
    """The published rows of a notice: the only shape in which cases leave these views."""
    cases = notice_cases(notice) if cases is None else cases
    rows = []
    for i, case in enumerate(cases, start=1):
        number = _head_id_number(case)
        head = _head(case)
        rows.append(
            NoticeRow(
                number=i,
                name=scrub(case.applicant_name),
                id_masked=mask_id_number(number) if number else "",
                village=case.village.name,
                members=_members(case),
                detail=scrub(_detail(case)),
                cause=_cause(case),
                name_mn=head.name_mn if head is not None else "",
            )
        )
    return rows


def detail_heading(notice: Notice) -> str:
    return _("退出原因") if notice.case_kind == Case.Kind.EXIT else _("贫困户属性")


def _context(notice: Notice, today: datetime.date, cases=None) -> dict:
    return {
        "notice": notice,
        "title": scrub(notice.title),
        "body": scrub(notice.body),
        "rows": notice_rows(notice, cases),
        "detail_heading": detail_heading(notice),
        "is_open": is_open(notice, today),
        "today": today,
        "issuer": _issuer(notice),
        "bilingual": is_bilingual(notice.area_id),
        "kind_source": KIND_SOURCE.get(notice.kind, ""),
        "issuer_mn": notice.area.name_mn,
    }


def _issuer(notice: Notice) -> str:
    """The issuing unit as printed under the notice (e.g. 长发村委会, 音德尔镇人民政府)."""
    name = notice.area.name
    if notice.level == Notice.Level.VILLAGE:
        return name if name.endswith(("委会", "委员会")) else name + _("村民委员会")
    if notice.level == Notice.Level.TOWNSHIP:
        return name + _("人民政府")
    return name + _("扶贫开发领导小组办公室")


# ---------------------------------------------------------------------------- rate limiting
# The limits, the client address and its hash are shared with the other public forms.


# A forwarded address is believed only from a trusted proxy (FUPIN_TRUSTED_PROXIES).
client_address = client_ip


# ---------------------------------------------------------------------------- views


@public
@require_GET
def notice_index(request):
    today = as_of()
    form = NoticeFilterForm(request.GET or None, today=today)
    notices = published_notices(today)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if form.area_code():
            # Notices of the area, of the areas above it, and of the areas within it.
            prefix = form.area_code()
            ancestors = [prefix[:n] for n in (2, 4, 6, 9) if n < len(prefix)]
            notices = notices.within(prefix) | notices.filter(area_id__in=ancestors)
        if data["kind"]:
            notices = notices.filter(kind=data["kind"])
        if data["when"] == NoticeFilterForm.WHEN_CURRENT:
            notices = notices.filter(ends_on__gte=today)
        elif data["when"] == NoticeFilterForm.WHEN_PAST:
            notices = notices.filter(Q(ends_on__lt=today) | Q(ends_on__isnull=True))
    page = Paginator(notices.order_by("-published_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for notice in page:
        notice.is_open = is_open(notice, today)
        notice.public_title = scrub(notice.title)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/notice_index.html",
        {
            "form": form,
            "area_fields": [
                (
                    name,
                    {
                        "label": form.fields[name].label,
                        "choices": form.area_choices[name],
                        "chosen": form.area_chosen[name],
                    },
                )
                for name in ("county", "township", "village")
            ],
            "page": page,
            "query": query.urlencode(),
            "today": today,
        },
    )


@public
@require_http_methods(["GET", "POST"])
def notice_page(request, pk):
    today = as_of()
    notice = get_object_or_404(published_notices(today), pk=pk)
    cases = list(notice_cases(notice))
    context = _context(notice, today, cases)
    form = None
    source = source_hash(client_address(request))
    if context["is_open"]:
        form = ObjectionForm(request.POST if request.method == "POST" else None, cases=cases)
        if public_limits.needs_captcha(source):
            public_limits.add_captcha(form)
    if request.method == "POST":
        if form is None:
            context["closed_error"] = _("本公示已不在公示期内，不能在网上提出异议。")
            return render(request, "identification/notice_page.html", context, status=400)
        if form.is_valid():
            error = public_limits.limit_error(
                source,
                form=public_limits.OBJECTION,
                village_code=form.cleaned_data["case"].village_id,
            )
            if error:
                form.add_error(None, error)
            else:
                data = form.cleaned_data
                try:
                    objection = services.objection_file(
                        notice=notice,
                        case=data["case"],
                        filer_name=data["filer_name"],
                        filer_contact=data["filer_contact"],
                        text=data["text"],
                        source=source,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    public_limits.record(
                        source, form=public_limits.OBJECTION, village_code=objection.village_id
                    )
                    messages.success(
                        request,
                        _(
                            "您的异议已收到（受理编号 %(no)d）。%(case)s 的办理已暂停，"
                            "核实后将通过您留下的电话答复您。感谢您的监督！"
                        )
                        % {"no": objection.pk, "case": data["case"].applicant_name},
                    )
                    return redirect(reverse("notices:page", args=[notice.pk]) + "#objection")
        context["status"] = 400 if form.errors else 200
    context["form"] = form
    return render(
        request, "identification/notice_page.html", context, status=context.get("status", 200)
    )


@public
@require_GET
def notice_pdf(request, pk):
    from fupin.core.pdf import render_pdf

    today = as_of()
    notice = get_object_or_404(published_notices(today), pk=pk)
    html = render_to_string("identification/notice_print.html", _context(notice, today))
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=notice-{notice.pk}.pdf"
    return response


@public
@require_GET
def notice_xlsx(request, pk):
    today = as_of()
    notice = get_object_or_404(published_notices(today), pk=pk)
    return xlsx_response(notice_workbook(notice), f"notice-{notice.pk}.xlsx")


MONGOLIAN_FONT = "Noto Sans Mongolian"
# The headings of the notice's table by their Chinese source (the keys of the mn catalog).
SHEET_SOURCES = ("序号", "姓名（户主）", "证件号码", "嘎查村", "家庭人口")


def _mongolian_headings(sheet, headings: list) -> None:
    """Add the Mongolian column (蒙古文姓名) and, under the Chinese headings, their Mongolian
    texts turned to read top to bottom (a cell cannot set vertical Mongolian itself)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    heading_row = sheet.max_row
    sheet.cell(heading_row, len(headings) + 1, str(_("蒙古文姓名"))).font = Font(bold=True)
    sheet.column_dimensions[get_column_letter(len(headings) + 1)].width = 16
    texts = [mn_text(source) for source in SHEET_SOURCES]
    if not any(texts):
        return
    sheet.append([entry.text if entry else "" for entry in texts])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(name=MONGOLIAN_FONT)
        cell.alignment = Alignment(textRotation=180, horizontal="center", vertical="top")
    sheet.row_dimensions[sheet.max_row].height = 90


def notice_workbook(notice: Notice) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = notice_rows(notice)
    bilingual = is_bilingual(notice.area_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(notice.get_kind_display())
    sheet.append([scrub(notice.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    period = notice.published_on.isoformat()
    if notice.ends_on:
        period += _(" 至 ") + notice.ends_on.isoformat()
    sheet.append([_("发布单位") + "：" + _issuer(notice), "", "", _("期间") + "：" + period])
    headings = [
        _("序号"),
        _("姓名（户主）"),
        _("证件号码"),
        _("嘎查村"),
        _("家庭人口"),
        detail_heading(notice),
    ]
    if notice.case_kind != Case.Kind.EXIT:
        headings.append(_("主要致贫原因"))
    sheet.append(headings)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    if bilingual:
        _mongolian_headings(sheet, headings)
    for row in rows:
        values = [row.number, row.name, row.id_masked, row.village, row.members, row.detail]
        if notice.case_kind != Case.Kind.EXIT:
            values.append(row.cause)
        if bilingual:
            values.append(row.name_mn)
        sheet.append(values)
        if bilingual and row.name_mn:
            sheet.cell(sheet.max_row, len(values)).font = Font(name=MONGOLIAN_FONT)
    if notice.contact:
        sheet.append([])
        sheet.append([_("异议受理电话") + "：" + notice.contact])
    for letter, width in zip("ABCDEFG", (6, 14, 22, 18, 10, 18, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
