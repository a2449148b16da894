"""Background work of the registry: running an uploaded import (an :class:`ImportJob`).

The upload page stores the file and an ImportJob row, then (once that is committed) enqueues
:func:`run_import_job` (django-tasks; the database backend in production, the immediate backend in tests and with
``FUPIN_TASKS=immediate``). The task records its progress on the job row (``done``/``total``),
which the status fragment polls; on refusal it stores the error workbook in ``error_file``.

What keeps a job from being turned against the server (docs/security.md, "Uploads and
background jobs"): a job that runs past ``FUPIN_JOB_TIME_LIMIT`` seconds stops at its next
progress report and is failed, its transaction rolled back; :func:`fail_stale_jobs` fails
the jobs a dead worker left "running" (``fupin serve`` and ``fupin worker`` call it at
start-up through ``fupin imports recover``); :func:`purge_old_files` deletes refused and
failed uploads and every error workbook after ``FUPIN_IMPORT_RETENTION_DAYS``
(``fupin imports purge``, run by ``fupin serve`` at start-up and by cron).
"""

from __future__ import annotations

import datetime
import logging
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from fupin.core import sheets

from . import importing
from .models import ImportJob

logger = logging.getLogger(__name__)
# ImportJob.kind holds ten characters: a workbook with both sheets is "both".
JOB_KINDS = {"members+income": "both"}
# How long past the time limit a job's worker may take to notice it before the job counts as
# left behind by a dead worker.
STALE_GRACE = datetime.timedelta(minutes=5)

MSG_TIME_LIMIT = _(
    "导入超过 %(limit)s 秒的时间上限，已停止，未写入任何数据：请分成几个较小的文件导入"
)
MSG_WORKER_DIED = _("处理此导入的后台进程意外中止，导入未完成，未写入任何数据：请重新上传")


class JobTimeLimit(Exception):
    """The job ran past ``FUPIN_JOB_TIME_LIMIT``."""


class WorkerDied(Exception):
    """The worker running the job is gone (recorded on its task result)."""


@task()
def run_import_job(job_id: int, language: str | None = None) -> str:
    """Run the import of ``ImportJob`` ``job_id`` in ``language`` (the uploader's: the
    messages kept with the job are in it); return its final state."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        return import_job_run(job)


def import_job_run(job: ImportJob) -> str:
    """Import the job's file as its user, recording progress and the outcome on the job."""
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, done=0)
    limit = settings.FUPIN_JOB_TIME_LIMIT
    deadline = time.monotonic() + limit

    def progress(done: int, total: int) -> None:
        # Raised inside the import, so its transaction is rolled back; the last report
        # (done == total) may come after the commit, when stopping would undo nothing.
        if done < total and time.monotonic() > deadline:
            raise JobTimeLimit(gettext(MSG_TIME_LIMIT) % {"limit": limit})
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        result = importing.import_file(
            actor=job.user,
            path=job.file.path,
            year=job.year,
            scope_code=job.scope_code or None,
            progress=progress,
            historical=job.historical_reason if job.historical else None,
            job=job.pk,
        )
    except Exception as error:  # the job must not stay "running" forever
        if isinstance(error, JobTimeLimit):
            logger.warning("import job %s stopped at the time limit", job.pk)
        else:
            logger.exception("import job %s failed", job.pk)
        job.refresh_from_db()
        job.state = ImportJob.State.FAILED
        job.summary = {"exception": str(error) or error.__class__.__name__}
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "summary", "finished_at"])
        return job.state

    job.refresh_from_db()
    job.kind = JOB_KINDS.get(result.kind, result.kind)[:10]
    job.summary = result.summary()
    job.total = max(job.total, 2 * result.rows)
    job.done = job.total if result.ok else job.done
    job.finished_at = timezone.now()
    if result.ok:
        job.state = ImportJob.State.DONE
    else:
        job.state = ImportJob.State.REFUSED
        stem = Path(job.original_name).stem or "import"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "errors.xlsx"
            sheets.write_error_workbook(result, out)
            job.error_file.save(f"{stem}.errors.xlsx", ContentFile(out.read_bytes()), save=False)
    job.save()
    return job.state


def _fail(job_ids, message_of) -> int:
    failed = 0
    for job in ImportJob.objects.filter(pk__in=job_ids, state=ImportJob.State.RUNNING):
        job.state = ImportJob.State.FAILED
        job.summary = {**(job.summary or {}), "exception": message_of(job.pk)}
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "summary", "finished_at"])
        logger.warning("import job %s failed: its worker is gone", job.pk)
        failed += 1
    return failed


def fail_stale_jobs(*, every_running: bool = False) -> int:
    """Fail the import jobs left "running" by a dead worker, with a message on each; return
    how many.

    ``every_running`` when no worker is alive (``fupin serve`` before it starts them): every
    running job is stale. Otherwise (a worker starting beside others) only the jobs whose task
    started longer ago than the time limit allows: a live worker would have stopped them.
    """
    results = DBTaskResult.objects.running().filter(task_path=run_import_job.module_path)
    if not every_running:
        limit = datetime.timedelta(seconds=settings.FUPIN_JOB_TIME_LIMIT)
        results = results.filter(started_at__lt=timezone.now() - limit - STALE_GRACE)
    languages: dict[int, str] = {}
    for result in results:
        args = (result.args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            languages[args[0]] = args[1] if len(args) > 1 and args[1] else ""
        result.set_failed(WorkerDied(str(MSG_WORKER_DIED)))
    job_ids = list(languages)
    if every_running:
        job_ids += ImportJob.objects.filter(state=ImportJob.State.RUNNING).values_list(
            "pk", flat=True
        )

    def message_of(pk: int) -> str:
        with translation.override(languages.get(pk) or settings.LANGUAGE_CODE):
            return gettext(MSG_WORKER_DIED)

    return _fail(job_ids, message_of)


def purge_old_files(*, days: int | None = None) -> int:
    """Delete the uploads of refused and failed import jobs and every error workbook older
    than ``days`` (default ``FUPIN_IMPORT_RETENTION_DAYS``): they hold ID numbers. The job
    rows and their summaries stay. Return how many files were deleted."""
    days = settings.FUPIN_IMPORT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted = 0
    not_imported = [ImportJob.State.REFUSED, ImportJob.State.FAILED]
    jobs = ImportJob.objects.filter(finished_at__lt=cutoff).filter(
        (Q(state__in=not_imported) & ~Q(file="")) | ~Q(error_file="")
    )
    for job in jobs:
        if job.state in not_imported and job.file:
            job.file.delete(save=False)
            job.file = ""  # type: ignore[assignment]
            deleted += 1
        if job.error_file:
            job.error_file.delete(save=False)
            job.error_file = ""  # type: ignore[assignment]
            deleted += 1
        job.save(update_fields=["file", "error_file"])
    return deleted + sheets.purge_error_workbooks(cutoff)
