"""The cadence runs itself: over a month of a fake clock each report is published on its days,
exactly once, through a restart; a failed job is recorded and retried; the list command."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.models import Role
from fupin.core.models import AuditEvent
from fupin.fieldwork.models import Concern
from fupin.reports.models import Report
from fupin.schedule import jobs, services
from fupin.schedule.models import ScheduledRun
from tests.factories import YINDEER, make_household, make_user

D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _small(settings, tmp_path):
    # A township's reports: the same publishing as the league's, with smaller files.
    settings.FUPIN_SCHEDULE_AREAS = [YINDEER]
    settings.MEDIA_ROOT = tmp_path / "media"


def _tick(settings, day: datetime.date) -> list[services.Outcome]:
    settings.FUPIN_AS_OF = day.isoformat()
    return services.run_due()


def _published(kind: str) -> list[str]:
    return list(
        Report.objects.filter(kind=kind, area_id=YINDEER, status="published")
        .order_by("first")
        .values_list("key", flat=True)
    )


@pytest.mark.django_db
def test_a_month_publishes_each_report_on_its_days_once_through_a_restart(settings):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    first = D(2017, 5, 1)  # a Monday: May 2017 has five Mondays (1, 8, 15, 22, 29)
    days = [first + DAY * n for n in range(31)]
    for day in days[:15]:
        _tick(settings, day)
        _tick(settings, day)  # the loop wakes again the same day: nothing more
    # A restart: nothing is kept in memory, so a new worker starts from the stored runs alone.
    for day in days[14:]:
        _tick(settings, day)
    assert _published("weekly") == ["2017-W17", "2017-W18", "2017-W19", "2017-W20", "2017-W21"]
    assert _published("dekad") == ["2017-04-3", "2017-05-1", "2017-05-2"]
    assert _published("monthly") == ["2017-04"]
    assert _published("quarterly") == []  # May holds no quarter's first day
    assert Report.objects.filter(version__gt=1).count() == 0
    assert ScheduledRun.objects.filter(job="concern_escalation").count() == 31
    assert ScheduledRun.objects.filter(job="data_recheck").count() == 31
    runs = ScheduledRun.objects.exclude(job__in=["concern_escalation", "data_recheck"])
    assert sorted(runs.values_list("job", "slot")) == sorted(
        [("weekly_report", d) for d in days if d.weekday() == 0]
        + [("dekad_bulletin", d) for d in days if d.day in (1, 11, 21)]
        + [("monthly_dispatch", D(2017, 5, 1))]
    )
    assert AuditEvent.objects.filter(action=services.RAN).count() == 31 + 31 + 5 + 3 + 1


@pytest.mark.django_db
def test_a_quarter_starts_with_its_review(settings):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    _tick(settings, D(2017, 7, 1))
    assert _published("quarterly") == ["2017-Q2"]
    assert _published("monthly") == ["2017-06"]
    assert _published("dekad") == ["2017-06-3"]
    assert _published("weekly") == []  # 2017-07-01 is a Saturday


@pytest.mark.django_db
def test_a_worker_down_over_a_monday_catches_up_within_the_window(settings):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 10
    # Friday the 30th, back after ten days: Monday the 26th (week 25) and the 21st (dekad 2).
    _tick(settings, D(2017, 6, 30))
    assert _published("weekly") == ["2017-W25"]
    assert _published("dekad") == ["2017-06-2"]
    # A clock moved months ahead does not replay them: Saturday the 30th of September, five
    # days back, holds only Monday the 25th (week 38 ended the day before).
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 5
    _tick(settings, D(2017, 9, 30))
    assert _published("weekly") == ["2017-W25", "2017-W38"]


@pytest.mark.django_db
def test_a_failed_job_is_recorded_retried_and_then_runs_once(settings, monkeypatch):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    calls = []

    def broken(slot):
        calls.append(slot)
        raise RuntimeError("磁盘已满")

    weekly = next(job for job in jobs.JOBS if job.name == "weekly_report")
    monkeypatch.setattr(
        services, "JOBS", (jobs.Job(weekly.name, weekly.label, weekly.due, broken),)
    )
    [outcome] = _tick(settings, D(2017, 6, 26))
    assert outcome.status == "failed" and "磁盘已满" in outcome.summary
    run = ScheduledRun.objects.get(job="weekly_report")
    assert (run.status, run.slot) == ("failed", D(2017, 6, 26))
    assert Report.objects.count() == 0
    monkeypatch.setattr(services, "JOBS", jobs.JOBS)
    _tick(settings, D(2017, 6, 26))
    _tick(settings, D(2017, 6, 26))
    assert ScheduledRun.objects.get(job="weekly_report").status == "done"
    assert _published("weekly") == ["2017-W25"]
    assert AuditEvent.objects.filter(action=services.FAILED).count() == 1


@pytest.mark.django_db
def test_escalation_runs_daily_on_the_system_date(settings):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    household = make_household(f"{YINDEER}234", year=2017)
    concern = Concern.objects.create(
        household=household,
        village_id=household.village_id,
        source="visit",
        raised_on=D(2017, 6, 1),
        text="饮水困难",
        category="other",
        state="raised",
        level="village",
        deadline=D(2017, 6, 10),
    )
    _tick(settings, D(2017, 6, 11))
    concern.refresh_from_db()
    assert concern.level == "township"


@pytest.mark.django_db
def test_list_shows_each_job_with_its_next_and_last_run(settings):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    _tick(settings, D(2017, 6, 26))
    out = io.StringIO()
    call_command("schedule", "--list", "--day", "2017-06-27", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert set(lines) == {job.name for job in jobs.JOBS}
    assert (
        "下次 2017-07-03" in lines["weekly_report"] and "上次 2017-06-26" in lines["weekly_report"]
    )
    assert "下次 2017-07-01" in lines["dekad_bulletin"] and "上次 —" in lines["dekad_bulletin"]
    assert "下次 2017-06-27" in lines["concern_escalation"]


@pytest.mark.django_db
def test_queued_past_reports_are_published_once_and_their_pdfs_follow(settings, client):
    """A new system's archive: the reports of past days are queued, then each is published
    once whatever the catch-up window, and its PDF is laid out on a later turn."""
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    make_household()
    out = io.StringIO()
    call_command("schedule", "--queue", "2017-01-02", "2017-02-01", stdout=out)
    # January 2017: Mondays 2, 9, 16, 23, 30; ten-day bulletins on 11 and 21 Jan and 1 Feb;
    # the January dispatch on 1 Feb.
    assert "已排入 9 期报告" in out.getvalue()
    assert _tick(settings, D(2017, 2, 2)) and not _tick(settings, D(2017, 2, 2))
    assert _published("weekly") == ["2016-W52", "2017-W01", "2017-W02", "2017-W03", "2017-W04"]
    assert _published("dekad") == ["2017-01-1", "2017-01-2", "2017-01-3"]
    assert _published("monthly") == ["2017-01"]
    assert not ScheduledRun.objects.filter(status=ScheduledRun.Status.QUEUED).exists()
    assert services.queue(D(2017, 1, 2), D(2017, 2, 1)) == 0  # what ran is not queued again

    report = Report.objects.get(kind="monthly")
    assert report.xlsx and not report.pdf
    client.force_login(make_user(Role.LEAGUE_HQ, "1522"))
    pending = client.get(f"/reports/{report.pk}/report.pdf")
    assert pending.status_code == 202 and pending["Retry-After"]
    assert "PDF 正由后台任务排版" in pending.content.decode()
    assert "PDF 生成中" in client.get("/reports/").content.decode()

    assert services.render_pending_pdfs(limit=100) == 9
    assert not Report.objects.filter(pdf="").exists()
    ready = client.get(f"/reports/{report.pk}/report.pdf")
    assert ready.status_code == 200 and b"".join(ready.streaming_content).startswith(b"%PDF")
    assert services.render_pending_pdfs() == 0


@pytest.mark.django_db
def test_a_queued_slot_that_fails_is_recorded_and_retried(settings, monkeypatch):
    settings.FUPIN_SCHEDULE_CATCH_UP_DAYS = 0
    services.queue(D(2017, 1, 11), D(2017, 1, 11))

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    def dekad(day):
        return [o for o in _tick(settings, day) if o.job == "dekad_bulletin"]

    monkeypatch.setattr(jobs, "report_publish", broken)
    (outcome,) = dekad(D(2017, 1, 12))
    assert outcome.status == ScheduledRun.Status.FAILED and "磁盘已满" in outcome.summary
    run = ScheduledRun.objects.get(job="dekad_bulletin")
    assert run.status == ScheduledRun.Status.QUEUED and "磁盘已满" in run.summary
    monkeypatch.undo()
    (outcome,) = dekad(D(2017, 1, 12))
    assert outcome.status == ScheduledRun.Status.DONE
    assert _published("dekad") == ["2017-01-1"]


def test_queue_refuses_bad_dates():
    with pytest.raises(CommandError, match="不是有效日期"):
        call_command("schedule", "--queue", "2017-13-01", "2017-02-01")
    with pytest.raises(CommandError, match="晚于"):
        call_command("schedule", "--queue", "2017-02-01", "2017-01-01")
