"""The league's ten-day bulletin and monthly dispatch on the shared demo at 2017-06-30."""

import datetime

from fupin.areas.models import Area
from fupin.duties.models import Task
from fupin.fieldwork.models import Concern
from fupin.reports.content import build


def test_dekad_bulletin_of_the_league_ranks_counties_and_names_laggards(admin):
    c = build(admin, Area.objects.get(pk="1522"), "dekad", datetime.date(2017, 6, 30))
    assert c["title"] == "兴安盟2017年6月下旬旬通报"
    units = c["units"]
    assert len(units) == 6 and all(u["rank"] is not None for u in units)
    assert sorted(u["rank"] for u in units)[0] == 1
    assert c["laggards"], "the bulletin names laggards"
    assert all(lag["reasons"] for lag in c["laggards"])
    assert sum(c["flag_counts"].values()) == 6
    # The totals agree with counts made here from the records.
    assert (
        c["totals"]["concerns_overdue"]
        == Concern.objects.filter(state__in=Concern.OPEN_STATES, deadline__lt="2017-06-30").count()
    )
    assert c["totals"]["poor_persons"] > 0 and c["totals"]["visits"] > 0


def test_monthly_dispatch_of_the_league_lists_owners(admin, client):
    c = build(admin, Area.objects.get(pk="1522"), "monthly", datetime.date(2017, 6, 30))
    d = c["dispatch"]
    overdue = Task.objects.filter(deadline__lt="2017-06-30", year=2017, progress__lt=100).filter(
        completed_on__isnull=True
    )
    assert d["tasks"]["total"] == overdue.count()
    assert d["meetings"]["total"] > 0  # the demo leaves Party meetings out on purpose
    rows = d["tasks"]["rows"] + d["meetings"]["rows"] + d["concerns"]["rows"]
    assert rows and all(r["unit"] and r["deadline"] for r in rows)
    assert any(r["owner"] for r in rows)
    assert any(r["first_secretary"] for r in rows)
    assert all(u["values"]["funds_received"] is not None for u in c["units"])
    client.force_login(admin)
    page = client.get("/reports/new/?kind=monthly&area=1522&period=2017-06-30")
    assert page.status_code == 200
    assert "调度清单" in page.content.decode()


def test_the_archive_of_the_first_half_of_2017_waits_for_the_workers(db):
    """`fupin demo` queues the reports of January to June 2017 for the workers of `fupin
    serve` (tests/schedule covers their publishing): every Monday's weekly report, the
    ten-day bulletins of the 1st, 11th and 21st, each month's dispatch and the first
    quarter's review."""
    from fupin.schedule.models import ScheduledRun

    queued = ScheduledRun.objects.filter(status=ScheduledRun.Status.QUEUED)
    slots = {job: sorted(queued.filter(job=job).values_list("slot", flat=True)) for job in (
        "weekly_report", "dekad_bulletin", "monthly_dispatch", "quarterly_review"
    )}  # fmt: skip
    mondays = [datetime.date(2017, 1, 2) + datetime.timedelta(weeks=n) for n in range(26)]
    assert slots["weekly_report"] == mondays and mondays[-1] == datetime.date(2017, 6, 26)
    assert slots["dekad_bulletin"] == [datetime.date(2017, 1, 11), datetime.date(2017, 1, 21)] + [
        datetime.date(2017, m, d) for m in range(2, 7) for d in (1, 11, 21)
    ]
    assert slots["monthly_dispatch"] == [datetime.date(2017, m, 1) for m in range(2, 7)]
    assert slots["quarterly_review"] == [datetime.date(2017, 4, 1)]
    assert not queued.filter(job="concern_escalation").exists()
