"""Imports cannot be turned against the server: the upload size limit, the sheet's real used
range, the row and column limits, the zip-bomb guard, the job time limit, the jobs a dead
worker left running, and the retention of refused files and error workbooks.

Each malicious file is built here, tiny; a read that would pad a million rows is caught by
counting the rows read, not by timing."""

import datetime
import io
import os
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fupin.accounts.models import Role
from fupin.core import sheets
from fupin.core.sheets import ImportFileError, read_sheets
from fupin.registry import importing, tasks
from fupin.registry.models import Household, ImportJob
from tests.factories import ZHALAITE, make_user
from tests.registry.helpers import household_rows, write_csv

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def _workbook(path: Path, rows) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _rewrite(path: Path, part: str, change) -> Path:
    """Rewrite one part of the xlsx package (``change(xml bytes) -> bytes``)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path


def _huge_dimension(xml: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)


# -- The used range, rows and columns -----------------------------------------------------


def test_a_tiny_file_declaring_a_huge_dimension_reads_only_its_rows(tmp_path):
    path = _workbook(tmp_path / "tiny.xlsx", [["户编号", "姓名"], ["1", "张三"]])
    _rewrite(path, SHEET, _huge_dimension)
    assert b"XFD1048576" in zipfile.ZipFile(path).read(SHEET)
    assert path.stat().st_size < 10_000
    (sheet,) = read_sheets(path)
    assert sheet.headers == ["户编号", "姓名"]
    assert sheet.rows == [(2, ["1", "张三"])]


def test_one_far_cell_is_one_row_not_a_million(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["户编号", "姓名"])
    workbook.active["A1048576"] = "远"
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    _rewrite(path, SHEET, _huge_dimension)
    (sheet,) = read_sheets(path)
    assert sheet.rows == [(1048576, ["远"])]


def test_a_cell_past_the_column_limit_is_refused_with_the_limit(tmp_path, settings):
    workbook = openpyxl.Workbook()
    workbook.active.append(["户编号"])
    workbook.active["XFD2"] = "远"
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    _rewrite(path, SHEET, _huge_dimension)
    with pytest.raises(ImportFileError, match="200 列"):
        read_sheets(path)
    settings.FUPIN_IMPORT_MAX_COLS = 2
    with pytest.raises(ImportFileError, match="第1行超过 2 列"):
        read_sheets(write_csv(tmp_path / "wide.csv", [], columns=["a", "b", "c"]))


def test_rows_past_the_limit_are_refused_with_the_limit(tmp_path, settings):
    settings.FUPIN_IMPORT_MAX_ROWS = 3
    rows = [["户编号"], *[[str(n)] for n in range(5)]]
    with pytest.raises(ImportFileError, match="超过 3 行"):
        read_sheets(_workbook(tmp_path / "long.xlsx", rows))
    path = tmp_path / "long.csv"
    path.write_text("\n".join(r[0] for r in rows), encoding="utf-8")
    with pytest.raises(ImportFileError, match="超过 3 行"):
        read_sheets(path)
    settings.FUPIN_IMPORT_MAX_ROWS = 5  # empty rows do not count
    path.write_text("\n".join([r[0] for r in rows] + [",,"] * 10), encoding="utf-8")
    assert len(read_sheets(path)[0].rows) == 5


def test_a_registry_import_past_the_limit_is_refused_before_any_row(tmp_path, settings):
    settings.FUPIN_IMPORT_MAX_ROWS = 2
    path = write_csv(tmp_path / "long.csv", household_rows())
    result = importing.import_file(actor=None, path=path, year=2017)
    assert not result.ok and "超过 2 行" in result.messages()[0]


# -- The zip bomb -------------------------------------------------------------------------


def _bomb(tmp_path: Path, megabytes: int = 8) -> Path:
    """A valid xlsx whose sheet XML unpacks to ``megabytes`` MB from a few kilobytes."""
    path = _workbook(tmp_path / "bomb.xlsx", [["户编号"], ["1"]])
    filler = b"<row/>" * (megabytes * 1024 * 1024 // 6)
    return _rewrite(path, SHEET, lambda xml: xml.replace(b"</sheetData>", filler + b"</sheetData>"))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    path = _bomb(tmp_path)
    assert path.stat().st_size < 100_000
    info = zipfile.ZipFile(path).getinfo(SHEET)
    assert info.file_size > 100 * info.compress_size

    def unpack(*args, **kwargs):
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", unpack)
    with pytest.raises(ImportFileError, match="100 倍"):
        read_sheets(path)


def test_the_unpacked_size_is_limited(tmp_path, settings):
    settings.FUPIN_IMPORT_MAX_UNZIPPED_MB = 2
    with pytest.raises(ImportFileError, match="2 MB"):
        read_sheets(_bomb(tmp_path, megabytes=3))


def test_an_ordinary_workbook_passes_the_guard(tmp_path):
    rows = [["户编号", "姓名"], *[[str(n), f"名{n}"] for n in range(2000)]]
    assert len(read_sheets(_workbook(tmp_path / "ok.xlsx", rows))[0].rows) == 2000


# -- The upload size ----------------------------------------------------------------------


@pytest.fixture
def officer(client, db):
    user = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    client.force_login(user)
    return user


def _big(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, os.urandom(1024 * 1024 + 1))


def _stored(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_an_oversize_registry_upload_is_refused_before_it_is_stored(client, officer, settings):
    settings.FUPIN_UPLOAD_MAX_MB = 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("registry:import_upload"),
            {"file": _big("big.xlsx"), "year": 2017, "scope": ZHALAITE},
        )
    assert response.status_code == 200
    assert "上传文件不能超过 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert _stored(settings) == []


def test_an_oversize_upload_within_the_request_is_refused(client, officer, settings):
    settings.FUPIN_UPLOAD_MAX_MB = 1
    response = client.post(
        f"{reverse('assistance:pairing_import')}?area={ZHALAITE}", {"file": _big("big.xlsx")}
    )
    assert response.status_code == 400
    assert "上传文件不能超过 1 MB" in response.content.decode()


def test_the_handler_keeps_nothing_past_the_limit(settings):
    from fupin.core.uploads import LimitedUploadHandler, OversizeUpload, check_upload_size

    settings.FUPIN_UPLOAD_MAX_MB = 1
    handler = LimitedUploadHandler(SimpleNamespace())
    handler.new_file("file", "big.xlsx", "application/octet-stream", None)
    chunk = b"x" * 64 * 1024
    passed = sum(len(handler.receive_data_chunk(chunk, 0) or b"") for _n in range(32))
    assert passed == 1024 * 1024
    upload = handler.file_complete(32 * len(chunk))
    assert isinstance(upload, OversizeUpload) and upload.size == 2 * 1024 * 1024
    with pytest.raises(Exception, match="1 MB"):
        check_upload_size(upload)
    with pytest.raises(Exception, match="1 MB"):
        upload.read()


# -- The job time limit, dead workers, retention ------------------------------------------


def _job(user, path: Path, **fields) -> ImportJob:
    job = ImportJob(user=user, scope_code=ZHALAITE, original_name=path.name, year=2017, **fields)
    job.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    job.save()
    return job


def test_a_job_past_its_time_limit_fails_and_writes_nothing(
    officer, settings, tmp_path, monkeypatch
):
    settings.FUPIN_JOB_TIME_LIMIT = 0
    monkeypatch.setattr(importing, "PROGRESS_STEP", 1)
    job = _job(officer, write_csv(tmp_path / "slow.csv", household_rows()))
    assert tasks.import_job_run(job) == ImportJob.State.FAILED
    job.refresh_from_db()
    assert "0 秒的时间上限" in job.summary["exception"]
    assert not Household.objects.exists()


def _task_result(job: ImportJob, started: datetime.datetime) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [job.pk, "en"], "kwargs": {}},
        task_path=tasks.run_import_job.module_path,
        backend_name="default",
        run_after=started,
        started_at=started,
        exception_class_path="",
        traceback="",
    )


def test_jobs_left_running_by_a_dead_worker_are_failed_at_start_up(officer, tmp_path):
    path = write_csv(tmp_path / "a.csv", household_rows())
    now = timezone.now()
    dead = _job(officer, path, state=ImportJob.State.RUNNING)
    alive = _job(officer, path, state=ImportJob.State.RUNNING)
    _task_result(dead, now - datetime.timedelta(hours=2))
    alive_task = _task_result(alive, now - datetime.timedelta(minutes=1))

    # A worker starting beside others fails only the jobs past the time limit.
    call_command("imports", "recover", stdout=io.StringIO())
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == ImportJob.State.FAILED and dead.finished_at
    assert "worker" in dead.summary["exception"]  # in the uploader's language
    assert alive.state == ImportJob.State.RUNNING

    # `fupin serve`, before it starts any worker: every running job is stale.
    call_command("imports", "recover", "--all", stdout=io.StringIO())
    alive.refresh_from_db()
    alive_task.refresh_from_db()
    assert alive.state == ImportJob.State.FAILED
    assert alive_task.status == TaskResultStatus.FAILED


def test_refused_files_and_error_workbooks_are_purged_after_retention(officer, settings, tmp_path):
    path = write_csv(tmp_path / "a.csv", household_rows())
    old = timezone.now() - datetime.timedelta(days=31)
    refused = _job(officer, path, state=ImportJob.State.REFUSED, finished_at=old)
    refused.error_file.save("a.errors.xlsx", ContentFile(b"PK"))
    done = _job(officer, path, state=ImportJob.State.DONE, finished_at=old)
    recent = _job(officer, path, state=ImportJob.State.REFUSED, finished_at=timezone.now())
    files = [Path(refused.file.path), Path(refused.error_file.path)]
    folder = Path(settings.MEDIA_ROOT) / "funds-errors"
    folder.mkdir(parents=True)
    (folder / "old.xlsx").write_bytes(b"PK")
    os.utime(folder / "old.xlsx", (old.timestamp(), old.timestamp()))
    (folder / "new.xlsx").write_bytes(b"PK")

    out = io.StringIO()
    call_command("imports", "purge", stdout=out)
    assert "3" in out.getvalue()
    assert not any(f.exists() for f in files)
    refused.refresh_from_db()
    assert not refused.file and not refused.error_file and refused.summary == {}
    assert Path(done.file.path).exists() and Path(recent.file.path).exists()
    assert not (folder / "old.xlsx").exists() and (folder / "new.xlsx").exists()
    assert sheets.purge_error_workbooks(timezone.now()) == 1


@pytest.mark.django_db
def test_serve_recovers_purges_and_starts_several_workers(monkeypatch, settings):
    from fupin.core.management.commands import serve

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.FUPIN_TASK_WORKERS = 3
    settings.SECRET_KEY = "a-production-key-" + "x" * 40  # serve refuses the development key
    started, commands = [], []

    class Child:
        def __init__(self, args, env):
            started.append(args)

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", Child)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kw: commands.append(args))
    call_command("serve", stdout=io.StringIO())
    assert commands == [("imports", "recover", "--all"), ("imports", "purge")]
    workers = [a for a in started if "worker" in a]
    assert len(workers) == 3 and len(started) == 4
