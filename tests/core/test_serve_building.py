"""``fupin serve`` with data still being built (fupin.core.building): the build runs beside
the web server, and the task workers start only after it, so that no scheduled report is
published from half the data."""

from __future__ import annotations

import io
import secrets
import threading

import pytest
from django.core.management import call_command

from fupin.core.building import Building, building_save
from fupin.core.management.commands import serve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_production_key(settings):
    settings.SECRET_KEY = secrets.token_urlsafe(50)


class _Processes:
    """Stands in for subprocess.Popen: records what serve starts and in which order; the
    build exits with ``build_exit``; the web server runs until the workers are up (or the
    failed build has been reported)."""

    def __init__(self, build_exit: int, workers: int):
        self.started: list[list[str]] = []
        self.build_exit = build_exit
        self.built = threading.Event()
        self.settled = threading.Event()
        self.workers = workers
        test = self

        class Process:
            def __init__(self, args, env=None):
                self.args = list(args[3:] if args[1:3] == ["-m", "fupin.cli"] else args[2:3])
                if self.args == ["gunicorn"]:
                    test.web_arguments = list(args)
                if self.args[:1] == ["worker"]:
                    assert test.built.is_set(), "a task worker started before the build ended"
                test.started.append(self.args)
                if sum(a[:1] == ["worker"] for a in test.started) == test.workers:
                    test.settled.set()

            def wait(self, timeout=None):
                if self.args[:1] == ["demo"]:
                    test.built.set()
                    if test.build_exit:
                        threading.Timer(0.3, test.settled.set).start()
                    return test.build_exit
                if self.args == ["gunicorn"]:
                    assert test.settled.wait(10)
                return 0

            def poll(self):
                return 0

            def send_signal(self, signal):
                pass

        self.Process = Process


def test_serve_builds_what_is_left_before_the_task_workers_start(monkeypatch):
    building_save(Building(command=["demo", "--rest"], parts=["资金", "党建"]))
    processes = _Processes(build_exit=0, workers=2)
    monkeypatch.setattr(serve.subprocess, "Popen", processes.Process)
    out = io.StringIO()
    call_command("serve", "--task-workers", "2", stdout=out)
    assert processes.started[0] == ["demo", "--rest"]
    assert processes.started.count(["worker", "--interval", "0.5"]) == 2
    assert ["gunicorn"] in processes.started
    web = processes.web_arguments
    assert web[web.index("--workers") + 1].isdigit() and web[web.index("--threads") + 1].isdigit()
    assert "先生成尚未完成的数据：资金、党建" in out.getvalue()


def test_a_failed_build_leaves_the_task_workers_stopped_and_says_why(monkeypatch):
    building_save(Building(command=["demo", "--rest"], parts=["资金"]))
    processes = _Processes(build_exit=1, workers=2)
    monkeypatch.setattr(serve.subprocess, "Popen", processes.Process)
    err = io.StringIO()
    call_command("serve", "--task-workers", "2", stdout=io.StringIO(), stderr=err)
    assert ["demo", "--rest"] in processes.started
    assert not [a for a in processes.started if a[:1] == ["worker"]]
    assert "后台任务未启动" in err.getvalue()


def test_without_anything_to_build_the_workers_start_at_once(monkeypatch):
    processes = _Processes(build_exit=0, workers=2)
    processes.built.set()
    monkeypatch.setattr(serve.subprocess, "Popen", processes.Process)
    call_command("serve", "--task-workers", "2", stdout=io.StringIO())
    assert not [a for a in processes.started if a[:1] == ["demo"]]
    assert processes.started.count(["worker", "--interval", "0.5"]) == 2


def test_with_workers_asked_for_none_one_still_starts(monkeypatch):
    processes = _Processes(build_exit=0, workers=1)
    processes.built.set()
    monkeypatch.setattr(serve.subprocess, "Popen", processes.Process)
    call_command("serve", "--task-workers", "0", stdout=io.StringIO())
    assert processes.started.count(["worker", "--interval", "0.5"]) == 1
