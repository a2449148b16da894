"""Serve fupin with a production WSGI server (gunicorn) and the background-task workers.

At start-up, before any worker runs, the import jobs a dead worker left "running" are failed
(``fupin imports recover --all``: no worker is alive yet) and the expired import files are
deleted (``fupin imports purge``). Then ``--task-workers`` (``FUPIN_TASK_WORKERS``, default 2)
workers start, so that one long import does not hold up the others; each also keeps the
schedule (docs/schedule.md).
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fupin.core.checks import check_secret_key


class Command(BaseCommand):
    help = "启动服务（gunicorn + 后台任务）。Serve fupin (gunicorn and the task worker)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)))
        # Threads let a worker serve other requests while one waits on the database
        # (bench/bench_load.py measures the choice).
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 1)))
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        parser.add_argument(
            "--task-workers",
            type=int,
            default=settings.FUPIN_TASK_WORKERS,
            help="后台任务进程数",
        )

    def handle(self, *args, host, port, workers, threads, no_worker, task_workers, **options):
        for error in check_secret_key(None):  # the development key never serves with DEBUG off
            raise CommandError(f"{error.msg} {error.hint}")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fupin.settings"}
        children = []
        with_workers = not no_worker and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]
        # Without our workers, others may be running elsewhere: only the overdue jobs are stale.
        call_command("imports", "recover", *(["--all"] if with_workers else []), stdout=self.stdout)
        call_command("imports", "purge", stdout=self.stdout)
        if with_workers:
            for _number in range(max(task_workers, 1)):
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "fupin.cli", "worker", "--interval", "0.5"],
                        env=env,
                    )
                )
        self.stdout.write(f"fupin 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        web = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "fupin.wsgi:application",
                "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
                "--timeout", "120", "--access-logfile", "-",
            ],
            env=env,
        )  # fmt: skip
        children.append(web)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait(timeout=30)
