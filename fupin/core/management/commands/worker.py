"""``fupin worker``: one background-task worker (django-tasks-db's ``db_worker``) that first
fails the import jobs a dead worker left "running" past the time limit (``fupin imports
recover``), and keeps the cadence in a thread beside it (``fupin schedule --loop``: the weekly
report, the ten-day bulletins, the monthly dispatch, the quarterly review, the concerns'
escalation; docs/schedule.md). ``fupin serve`` starts ``FUPIN_TASK_WORKERS`` of them; each
job's slot is claimed in the database, so several workers never run it twice."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动一个后台任务进程（含定时任务）。Run one background-task worker (and the schedule)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5)
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--no-schedule", action="store_true", help="不运行定时任务")

    def handle(self, *args, interval, worker_id, no_schedule, **options):
        call_command("imports", "recover", stdout=self.stdout)
        if not no_schedule:
            # By name: core sits below the apps whose jobs the schedule runs.
            threading.Thread(
                target=call_command,
                args=("schedule", "--loop"),
                kwargs={"stdout": self.stdout},
                name="fupin-schedule",
                daemon=True,
            ).start()
        extra = ["--worker-id", worker_id] if worker_id else []
        call_command("db_worker", "--interval", str(interval), *extra)
