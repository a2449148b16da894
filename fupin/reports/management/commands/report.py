"""``fupin report weekly|dekad|monthly|quarterly --period YYYY-MM-DD [--area CODE] [--publish]``

Writes ``<kind>-<area>-<period key>.xlsx`` and ``.pdf`` under ``VAR_DIR/reports/`` and prints
their two paths. ``--publish`` also stores the report as a published, frozen version.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.reports import periods, services
from fupin.reports.content import ReportError, build
from fupin.reports.rendering import render_pdf_bytes, render_xlsx

LEAGUE = "1522"


class Command(BaseCommand):
    help = "生成周报告、旬通报、月调度或季观摩（xlsx 与 PDF，写入 var/reports/）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="weekly | dekad | monthly | quarterly")
        parser.add_argument("--period", required=True, help="期内任一日期 YYYY-MM-DD")
        parser.add_argument("--area", default=LEAGUE, help="区划代码（默认兴安盟 1522）")
        parser.add_argument("--publish", action="store_true", help="同时发布并归档")

    def handle(self, *args, kind, period, area, publish, **options):
        if kind not in periods.KINDS:
            raise CommandError(
                _("报告类型“%(kind)s”无效，应为 weekly、dekad、monthly 或 quarterly。")
                % {"kind": kind}
            )
        try:
            day = datetime.date.fromisoformat(period)
        except ValueError:
            raise CommandError(
                _("--period “%(value)s”不是有效日期，格式应为 YYYY-MM-DD。") % {"value": period}
            ) from None
        found = Area.objects.filter(pk=area.strip()).first()
        if found is None:
            raise CommandError(_("--area “%(value)s”不是已知的区划代码。") % {"value": area})
        user = services._system_user()
        try:
            if publish:
                report = services.report_publish(actor=None, area=found, kind=kind, day=day)
                content = report.content
                xlsx, pdf = report.xlsx.read(), report.pdf.read()
            else:
                content = build(user, found, kind, day)
                xlsx = render_xlsx(content)
                pdf = render_pdf_bytes(content, status_note=_("草稿（未发布）"))
        except ReportError as error:
            raise CommandError(str(error)) from None
        out = settings.VAR_DIR / "reports"
        out.mkdir(parents=True, exist_ok=True)
        stem = services.file_stem(content)
        paths = [out / f"{stem}.xlsx", out / f"{stem}.pdf"]
        paths[0].write_bytes(xlsx)
        paths[1].write_bytes(pdf)
        for path in paths:
            self.stdout.write(str(path))
