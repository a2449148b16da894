"""``fupin recheck [--date YYYY-MM-DD] [--area CODE] [--no-duplicates]``

Re-check the stored registry at the system date (or ``--date``) with every cleaning rule of
the import, and look for duplicate persons; print the counts per rule (docs/data-quality.md).
The scheduler runs the same every night.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.quality import recheck


class Command(BaseCommand):
    help = "数据复核：按清洗规则复核已存数据并查找疑似重复人员。Re-check the stored registry."

    def add_arguments(self, parser):
        parser.add_argument("--date", default="", help="按此日期复核（默认：系统日期）YYYY-MM-DD")
        parser.add_argument("--area", default="", help="只复核此行政区划代码以下（默认：全部）")
        parser.add_argument("--no-duplicates", action="store_true", help="不查找疑似重复人员")

    def handle(self, *args, date, area, no_duplicates, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    _("--date “%(value)s”不是有效日期，格式应为 YYYY-MM-DD。") % {"value": date}
                ) from None
        if area and not Area.objects.filter(code=area).exists():
            raise CommandError(_("行政区划代码“%(code)s”不存在。") % {"code": area})
        run = recheck.recheck_run(day=day, code=area or None, duplicates=not no_duplicates)
        totals = (
            run.counts.order_by("rule_code")
            .values("rule_code")
            .annotate(found=Sum("found"), new=Sum("new"))
        )
        for row in totals:
            label = recheck.RULES.get(row["rule_code"], row["rule_code"])
            self.stdout.write(f"{row['rule_code']:26} {label}  {row['found']}（新增 {row['new']}）")
        self.stdout.write(
            _("复核完成：%(day)s，发现 %(found)s 条，新增疑点 %(new)s 条。")
            % {"day": run.day, "found": run.findings, "new": run.new_flags}
        )
