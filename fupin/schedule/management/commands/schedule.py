"""``fupin schedule --list | --run [--day YYYY-MM-DD] | --loop [--interval SECONDS]``

``--list`` prints each job, its next run and its last run. ``--run`` runs what is due on the
system date (or ``--day``) and prints what ran. ``--loop`` does that every ``--interval``
seconds until stopped: ``fupin worker`` runs it in a thread, so ``fupin serve`` keeps the
cadence with no cron or other service (docs/schedule.md).
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
        parser.add_argument("--day", help="按此日期运行（默认系统日期）YYYY-MM-DD")
        parser.add_argument("--interval", type=float, default=settings.FUPIN_SCHEDULE_INTERVAL)

    def handle(self, *args, list_jobs, run, loop, day, interval, **options):
        today = None
        if day:
            try:
                today = datetime.date.fromisoformat(day)
            except ValueError:
                raise CommandError(
                    _("--day “%(value)s”不是有效日期，格式应为 YYYY-MM-DD。") % {"value": day}
                ) from None
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
                close_old_connections()
                stop.wait(interval)
        except KeyboardInterrupt:
            pass

    def _run(self, today):
        for outcome in services.run_due(today):
            self.stdout.write(f"{outcome.slot} {outcome.job} {outcome.status}: {outcome.summary}")
