"""Serve fupin with a production WSGI server (gunicorn) and the background-task workers.

At start-up, before any worker runs, the import jobs a dead worker left "running" are failed
(``fupin imports recover --all``: no worker is alive yet) and the expired import files are
deleted (``fupin imports purge``). Then ``--task-workers`` (``FUPIN_TASK_WORKERS``, default 2)
workers start, so that one long import does not hold up the others; each also keeps the
schedule (docs/schedule.md). When data are still being built (:mod:`fupin.core.building`: the
demo's parts left for later), their command runs first, beside the web server, and the task
workers start only once it has finished: a scheduled report published meanwhile would
freeze figures from half the data. A build that fails leaves the workers stopped and says why
(every page says so too).

The web server's size defaults to the machine's (:func:`web_size`): ``os.cpu_count() + 1``
gunicorn processes of 2 threads each, overridden by ``--workers``/``--threads`` or
``WEB_WORKERS``/``WEB_THREADS``. A page is mostly Python (CPU-bound under the GIL), so the
processes carry the load, one per core plus one to use a core while another process waits on
the database or the network; the second thread of each lets a process serve a quick request
while its other one waits on a write lock or a slow query. More threads only queue work in a
process that is already busy (bench/bench_load.py measured 3 × 4 and 3 × 2 on 2 cores:
bench/README.md).
"""

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fupin.core.building import building_state
from fupin.core.checks import check_secret_key

# Seconds an idle kept-alive connection stays open. gunicorn's 2 s closed connections while a
# person paused between two clicks, and a request sent at that moment on the closing socket
# failed (bench/bench_load.py's 1–3 s pauses: 61 failed requests of 1,084); a POST is not
# resent by the browser.
KEEP_ALIVE = 15


def web_size(cpus: int | None = None, environ=os.environ) -> tuple[int, int]:
    """The gunicorn processes and threads per process for a machine of ``cpus`` cores."""
    cpus = cpus or os.cpu_count() or 1
    workers = int(environ.get("WEB_WORKERS") or cpus + 1)
    threads = int(environ.get("WEB_THREADS") or 2)
    return workers, threads


class Command(BaseCommand):
    help = "启动服务（gunicorn + 后台任务）。Serve fupin (gunicorn and the task worker)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        workers, threads = web_size()
        parser.add_argument("--workers", type=int, default=workers, help="gunicorn 进程数")
        parser.add_argument("--threads", type=int, default=threads, help="每个进程的线程数")
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
        children: list[subprocess.Popen] = []
        lock, stopping = threading.Lock(), threading.Event()

        def spawn(arguments: list[str]) -> subprocess.Popen | None:
            with lock:
                if stopping.is_set():
                    return None
                child = subprocess.Popen([sys.executable, "-m", "fupin.cli", *arguments], env=env)
                children.append(child)
                return child

        with_workers = not no_worker and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]
        # Without our workers, others may be running elsewhere: only the overdue jobs are stale.
        call_command("imports", "recover", *(["--all"] if with_workers else []), stdout=self.stdout)
        call_command("imports", "purge", stdout=self.stdout)
        building = building_state()
        if building is not None:
            self.stdout.write(
                f"先生成尚未完成的数据：{'、'.join(building.pending)}"
                f"（fupin {' '.join(building.command)}），完成后启动后台任务。"
            )
        count = max(task_workers, 1) if with_workers else 0
        if building is None:
            self._start_workers(spawn, stopping, None, count)
        else:
            threading.Thread(
                target=self._start_workers,
                args=(spawn, stopping, building.command, count),
                name="fupin-start-workers",
                daemon=True,
            ).start()
        self.stdout.write(
            f"fupin 已启动：http://{host}:{port}/  （Ctrl+C 停止；gunicorn {workers} workers × "
            f"{threads} threads）"
        )
        web = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "fupin.core.serve_app:application", "--preload",
                "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
                "--timeout", "120", "--keep-alive", str(KEEP_ALIVE), "--access-logfile", "-",
            ],
            env=env,
        )  # fmt: skip
        with lock:
            children.append(web)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            with lock:
                stopping.set()
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait(timeout=30)

    def _start_workers(self, spawn, stopping, build: list[str] | None, count: int) -> None:
        """Run ``build`` (the command of data still being built), then start ``count`` task
        workers, unless the build failed."""
        if build is not None:
            builder = spawn(build)
            if builder is None or builder.wait() != 0:
                if builder is not None and not stopping.is_set():
                    self.stderr.write(
                        f"数据生成失败（fupin {' '.join(build)}），后台任务未启动："
                        "修正后重新运行该命令，再重启 fupin serve。"
                    )
                return
        for _number in range(count):
            spawn(["worker", "--interval", "0.5"])
