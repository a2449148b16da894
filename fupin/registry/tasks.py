"""Background work of the registry: running an uploaded import (an :class:`ImportJob`).

The upload page stores the file and an ImportJob row, then (once that is committed) enqueues
:func:`run_import_job` (django-tasks; the database backend in production, the immediate backend in tests and with
``FUPIN_TASKS=immediate``). The task records its progress on the job row (``done``/``total``),
which the status fragment polls; on refusal it stores the error workbook in ``error_file``.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from fupin.core import sheets

from . import importing
from .models import ImportJob

logger = logging.getLogger(__name__)
# ImportJob.kind holds ten characters: a workbook with both sheets is "both".
JOB_KINDS = {"members+income": "both"}


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

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        result = importing.import_file(
            actor=job.user,
            path=job.file.path,
            year=job.year,
            scope_code=job.scope_code or None,
            progress=progress,
        )
    except Exception as error:  # the job must not stay "running" forever
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
