"""Publishing a report: freeze its content and files (docs/reports.md)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.models import User
from fupin.areas.models import Area
from fupin.core import clock
from fupin.core.audit import audit

from . import content as report_content
from .models import Report
from .permissions import can_publish
from .rendering import render_pdf_bytes, render_xlsx

NOT_ALLOWED = gettext_lazy("您无权发布该区划的报告。")
PUBLISHED = "reports.published"
EXPORTED = "reports.exported"


def file_stem(content: dict) -> str:
    return f"{content['kind']}-{content['area']['code']}-{content['period']['key']}"


@transaction.atomic
def report_publish(
    *, actor: User | None, area: Area, kind: str, day: datetime.date, pdf_later: bool = False
) -> Report:
    """Generate the report now, store its content and its xlsx and PDF, and mark the earlier
    published version of the same kind, period and area superseded.

    With ``pdf_later`` the PDF is left to :func:`report_render_pending_pdf` (the scheduler's
    worker): a league's weekly PDF lists every pairing behind and takes far longer to lay out
    than the content takes to compute."""
    if actor is not None and not can_publish(actor, area.code):
        raise PermissionDenied(str(NOT_ALLOWED))
    user = actor if actor is not None else _system_user()
    data = report_content.build(user, area, kind, day)
    period = data["period"]
    earlier = Report.objects.select_for_update().filter(kind=kind, area=area, first=period["first"])
    version = (earlier.aggregate(v=Max("version"))["v"] or 0) + 1
    earlier.filter(status=Report.Status.PUBLISHED).update(status=Report.Status.SUPERSEDED)
    now = clock.now()
    report = Report(
        kind=kind,
        first=period["first"],
        last=period["last"],
        label=period["label"],
        key=period["key"],
        area=area,
        version=version,
        status=Report.Status.PUBLISHED,
        content=data,
        generated_at=parse_datetime(data["generated_at"]) or now,
        published_at=now,
        published_by=actor,
    )
    report.xlsx.save(f"{_stem(report)}.xlsx", ContentFile(render_xlsx(data)), save=False)
    if not pdf_later:
        report.pdf.save(f"{_stem(report)}.pdf", ContentFile(_pdf(report)), save=False)
    report.save()
    audit(actor, PUBLISHED, report.pk, area=area.code, kind=kind, key=report.key, version=version)
    return report


def _stem(report: Report) -> str:
    return f"{file_stem(report.content)}-v{report.version}"


def _pdf(report: Report) -> bytes:
    note = _("已发布 第%(v)d版 %(at)s") % {
        "v": report.version,
        "at": timezone.localtime(report.published_at).strftime("%Y-%m-%d %H:%M"),
    }
    return render_pdf_bytes(report.content, status_note=note)


def reports_pending_pdf():
    """Reports whose PDF is still to be laid out, latest period first: the archive lists
    those first, and a backlog's newest reports are the ones read."""
    return Report.objects.filter(pdf="").order_by("-first", "kind", "area_id", "pk")


def report_render_pending_pdf() -> Report | None:
    """Lay out the PDF of the first report waiting for one (:func:`reports_pending_pdf`'s
    order); None when none waits. Two workers
    may lay out the same one: the first to store it wins and the other's file is removed."""
    report = reports_pending_pdf().first()
    if report is None:
        return None
    name = report.pdf.storage.save(
        report.pdf.field.generate_filename(report, f"{_stem(report)}.pdf"),
        ContentFile(_pdf(report)),
    )
    if not Report.objects.filter(pk=report.pk, pdf="").update(pdf=name):
        report.pdf.storage.delete(name)
    return report


def _system_user() -> User:
    """The command line's reader: the whole database (it runs on the server, as its owner)."""
    return User(username="fupin-report", is_superuser=True, is_active=True)
