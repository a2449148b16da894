"""``fupin schedule --list | --run [--day YYYY-MM-DD] | --loop [--interval SECONDS]
| --queue FIRST LAST``

``--list`` prints each job, its next run and its last run. ``--run`` runs what is due on the
system date (or ``--day``) and prints what ran. ``--loop`` does that every ``--interval``
seconds until stopped, and between runs lays out the PDFs the published reports still wait
for: ``fupin worker`` runs it in a thread, so ``fupin serve`` keeps the cadence with no cron or
other service. ``--queue`` puts the reports of past days in the queue, e.g. to fill a new
system's archive (docs/schedule.md).
"""

from __future__ import annotations

import datetime
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _

from fupin.schedule import services


class Command(BaseCommand):
    help = "定时任务：列出、运行到期任务或持续运行。List the jobs, run those due, or keep running."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--list", dest="list_jobs", action="store_true", help="列出任务及下次运行日期"
        )
        action.add_argument("--run", action="store_true", help="运行今天到期的任务")
        action.add_argument("--loop", action="store_true", help="每隔 --interval 秒运行到期任务")
        action.add_argument(
            "--queue",
            nargs=2,
            metavar=("FIRST", "LAST"),
            help="把这两个日期之间（含）各期报告排入队列，由后台任务补发",
        )
        parser.add_argument("--day", help="按此日期运行（默认系统日期）YYYY-MM-DD")
        parser.add_argument("--interval", type=float, default=settings.FUPIN_SCHEDULE_INTERVAL)

    def handle(self, *args, list_jobs, run, loop, queue, day, interval, **options):
        today = _date("--day", day) if day else None
        if queue:
            first, last = _date("--queue", queue[0]), _date("--queue", queue[1])
            if first > last:
                raise CommandError(_("--queue 的起始日期晚于结束日期。"))
            added = services.queue(first, last)
            self.stdout.write(
                _("已排入 %(n)d 期报告，共 %(total)d 期待后台任务生成。")
                % {"n": added, "total": services.queued_count()}
            )
            return
        if list_jobs:
            for job, next_day, last in services.next_runs(today):
                previous = f"{last.slot} {last.get_status_display()}" if last else "—"
                self.stdout.write(f"{job.name:20} {job.label}  下次 {next_day}  上次 {previous}")
            return
        if run:
            self._run(today)
            return
        stop = threading.Event()
        try:
            while not stop.is_set():
                close_old_connections()
                self._run(today)
                # One PDF per turn, so that a day's slots are never held up behind a backlog.
                laid_out = services.render_pending_pdfs(limit=1)
                close_old_connections()
                if not laid_out:
                    stop.wait(interval)
        except KeyboardInterrupt:
            pass

    def _run(self, today):
        for outcome in services.run_due(today):
            self.stdout.write(f"{outcome.slot} {outcome.job} {outcome.status}: {outcome.summary}")


def _date(option: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s “%(value)s”不是有效日期，格式应为 YYYY-MM-DD。")
            % {"option": option, "value": value}
        ) from None
