"""Running the jobs that are due, each at most once (docs/schedule.md)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.core.audit import audit
from fupin.core.clock import as_of
from fupin.reports.services import report_render_pending_pdf

from .jobs import DAY, JOBS, REPORT_JOBS, Job
from .models import ScheduledRun

log = logging.getLogger(__name__)
RAN = "schedule.ran"
FAILED = "schedule.failed"
QUEUED = "schedule.queued"


@dataclass(frozen=True)
class Outcome:
    job: str
    slot: datetime.date
    status: str
    summary: str


def due_slots(job: Job, today: datetime.date) -> list[datetime.date]:
    """The days in the catch-up window up to ``today`` on which ``job`` is due and has not
    run: a worker that was down over a Monday still publishes that week's report when it
    comes back, but a clock moved years ahead does not replay the years."""
    window = settings.FUPIN_SCHEDULE_CATCH_UP_DAYS
    days = [today - DAY * back for back in range(window, -1, -1)]
    wanted = [day for day in days if job.due(day)]
    done = set(
        ScheduledRun.objects.filter(
            job=job.name, slot__in=wanted, status=ScheduledRun.Status.DONE
        ).values_list("slot", flat=True)
    )
    queued = ScheduledRun.objects.filter(
        job=job.name, slot__lte=today, status=ScheduledRun.Status.QUEUED
    ).values_list("slot", flat=True)
    return sorted({day for day in wanted if day not in done}.union(queued))


def queue(first: datetime.date, last: datetime.date, *, actor=None) -> int:
    """Queue every report job's slots from ``first`` to ``last`` that have not run, for the
    workers to run oldest first whatever the catch-up window; returns how many were queued."""
    now = timezone.now()
    days = [first + DAY * n for n in range((last - first).days + 1)]
    runs = [
        ScheduledRun(job=job.name, slot=day, status=ScheduledRun.Status.QUEUED, started_at=now)
        for job in JOBS
        if job.name in REPORT_JOBS
        for day in days
        if job.due(day)
    ]
    with transaction.atomic():
        before = ScheduledRun.objects.filter(status=ScheduledRun.Status.QUEUED).count()
        ScheduledRun.objects.bulk_create(runs, ignore_conflicts=True)
        added = ScheduledRun.objects.filter(status=ScheduledRun.Status.QUEUED).count() - before
        audit(actor, QUEUED, f"{first} {last}", first=str(first), last=str(last), added=added)
    return added


def queued_count() -> int:
    return ScheduledRun.objects.filter(status=ScheduledRun.Status.QUEUED).count()


def render_pending_pdfs(limit: int = 1) -> int:
    """Lay out up to ``limit`` PDFs of published reports that wait for one (the scheduler
    publishes without them, docs/schedule.md); returns how many were laid out."""
    done = 0
    while done < limit and report_render_pending_pdf() is not None:
        done += 1
    return done


def run_due(today: datetime.date | None = None) -> list[Outcome]:
    """Run every job's due slots, oldest first; each slot's claim and work commit together."""
    today = today or as_of()
    outcomes = []
    for job in JOBS:
        for slot in due_slots(job, today):
            outcome = _run_slot(job, slot)
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def _run_slot(job: Job, slot: datetime.date) -> Outcome | None:
    started = timezone.now()
    try:
        with transaction.atomic():
            run = _claim(job, slot, started)
            if run is None:
                return None
            run.summary = job.run(slot)[:500]
            run.finished_at = timezone.now()
            run.save(update_fields=["summary", "finished_at"])
            audit(
                None, RAN, f"{job.name} {slot}", job=job.name, slot=str(slot), summary=run.summary
            )
            return Outcome(job.name, slot, run.status, run.summary)
    except Exception as error:  # a job's failure is recorded and retried, never fatal
        log.exception("scheduled job %s for %s failed", job.name, slot)
        summary = f"{type(error).__name__}: {error}"[:500]
        with transaction.atomic():
            # A queued slot stays queued, so it is retried whatever the catch-up window.
            updated = ScheduledRun.objects.filter(
                job=job.name,
                slot=slot,
                status__in=(ScheduledRun.Status.FAILED, ScheduledRun.Status.QUEUED),
            ).update(summary=summary, started_at=started, finished_at=timezone.now())
            if not updated:
                try:
                    with transaction.atomic():
                        ScheduledRun.objects.create(
                            job=job.name,
                            slot=slot,
                            status=ScheduledRun.Status.FAILED,
                            started_at=started,
                            finished_at=timezone.now(),
                            summary=summary,
                        )
                except IntegrityError:
                    return None  # another worker ran it meanwhile
            audit(None, FAILED, f"{job.name} {slot}", job=job.name, slot=str(slot), error=summary)
        return Outcome(job.name, slot, ScheduledRun.Status.FAILED, summary)


def _claim(job: Job, slot: datetime.date, started: datetime.datetime) -> ScheduledRun | None:
    """The slot's row marked done, or None when another worker holds or finished it. A failed
    or queued run is taken over by a conditional update, so two workers cannot both run it."""
    retried = ScheduledRun.objects.filter(
        job=job.name,
        slot=slot,
        status__in=(ScheduledRun.Status.FAILED, ScheduledRun.Status.QUEUED),
    ).update(status=ScheduledRun.Status.DONE, started_at=started, summary="")
    if retried:
        return ScheduledRun.objects.get(job=job.name, slot=slot)
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                job=job.name, slot=slot, status=ScheduledRun.Status.DONE, started_at=started
            )
    except IntegrityError:
        return None


def next_runs(
    today: datetime.date | None = None,
) -> list[tuple[Job, datetime.date, ScheduledRun | None]]:
    """Each job with its next due day (today when today's slot has not run) and its last run."""
    today = today or as_of()
    rows = []
    for job in JOBS:
        pending = due_slots(job, today)
        day = pending[0] if pending else today + DAY
        while not pending and not job.due(day):
            day += DAY
        last = ScheduledRun.objects.filter(job=job.name).order_by("-slot").first()
        rows.append((job, pending[0] if pending else day, last))
    return rows
