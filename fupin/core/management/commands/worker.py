"""``fupin worker``: one background-task worker (django-tasks-db's ``db_worker``) that first
fails the import jobs a dead worker left "running" past the time limit (``fupin imports
recover``). ``fupin serve`` starts ``FUPIN_TASK_WORKERS`` of them."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动一个后台任务进程。Run one background-task worker."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5)
        parser.add_argument("--worker-id", default=None)

    def handle(self, *args, interval, worker_id, **options):
        call_command("imports", "recover", stdout=self.stdout)
        extra = ["--worker-id", worker_id] if worker_id else []
        call_command("db_worker", "--interval", str(interval), *extra)
