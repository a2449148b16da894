"""``fupin escalate_overdue [--date YYYY-MM-DD]``: move every overdue open concern one level up.

Meant for a daily cron / timer; set-based (fupin.fieldwork.services.concerns_escalate_overdue)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from fupin.core.clock import as_of
from fupin.fieldwork.services import concerns_escalate_overdue


class Command(BaseCommand):
    help = "超期未办结的民情诉求逐级上报（村 → 乡 → 县）"

    def add_arguments(self, parser):
        parser.add_argument("--date", default="", help="按此日期判断超期（默认：系统日期）")

    def handle(self, *args, date, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else as_of()
        except ValueError:
            raise CommandError(f"日期格式错误：{date}") from None
        moved = concerns_escalate_overdue(day)
        self.stdout.write(f"{day}：上报 {moved} 件超期诉求")
