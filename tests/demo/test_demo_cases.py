"""The demo's cases at a small scale: consistent with the registry, every state, notices in
their period, open objections, no full ID number on a public page, deterministic."""

from __future__ import annotations

import datetime
import re

from fupin.accounts.models import User
from fupin.areas.models import Area
from fupin.areas.scope import prefixes_q
from fupin.assessment.models import MonitoredHousehold
from fupin.demo import users
from fupin.identification import services as case_services
from fupin.identification import workflow
from fupin.identification.models import AdjustmentRound, Case, CaseStep, Notice, Objection
from fupin.registry.stats import area_stats
from tests.demo.snapshots import snapshot_part

AS_OF = datetime.date(2017, 6, 30)
FULL_ID = re.compile(r"\d{17}[\dXx]")


@snapshot_part("cases")
def _snapshot() -> dict:
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "kind", "village_id", "year", "state", "outcome", "applicant_name", "created_on"
            )
        ),
        "steps": list(CaseStep.objects.order_by("pk").values_list("step", "acted_on", "role")),
        "notices": list(
            Notice.objects.order_by("pk").values_list("title", "published_on", "ends_on")
        ),
    }


def test_completed_exit_cases_equal_the_registry_exits(admin):
    for year in (2014, 2015, 2016):
        stats = area_stats(admin, "1522", year)
        cases = Case.objects.filter(kind=Case.Kind.EXIT, year=year, outcome=Case.Outcome.COMPLETED)
        assert stats.exited_households > 0
        assert cases.count() == stats.exited_households, year
        county = area_stats(admin, "152223", year).exited_households
        assert cases.filter(village_id__in=_villages("152223")).count() == county


def _villages(prefix):
    return Area.objects.filter(prefixes_q("code", (prefix,))).values("code")


def test_completed_identifications_equal_the_registry(admin):
    for year in (2014, 2015, 2016):
        stats = area_stats(admin, "1522", year)
        cases = Case.objects.filter(
            kind=Case.Kind.IDENTIFICATION, year=year, outcome=Case.Outcome.COMPLETED
        )
        assert cases.count() == stats.identified_households, year


def test_completed_cases_have_every_step_and_their_notices(demo, db):
    case = (
        Case.objects.filter(kind=Case.Kind.EXIT, year=2016, outcome=Case.Outcome.COMPLETED)
        .order_by("pk")
        .first()
    )
    steps = list(case.steps.order_by("pk"))
    assert [s.step for s in steps] == [s.name for s in workflow.steps(Case.Kind.EXIT)]
    assert all(s.acted_on.year == 2016 for s in steps)
    assert [s.acted_on for s in steps] == sorted(s.acted_on for s in steps)
    meeting = steps[1].record
    assert meeting["votes_for"] > meeting["votes_against"]
    assert meeting["votes_for"] + meeting["votes_against"] <= meeting["representatives"]
    assert meeting["representatives"] <= meeting["attendees"]
    assert steps[3].record["signed_by"] == case.applicant_name
    levels = set(case.notices.values_list("level", flat=True))
    assert levels == {Notice.Level.VILLAGE, Notice.Level.COUNTY}
    # one village notice per village and year, one announcement per county and year
    village_notice = case.notices.get(level=Notice.Level.VILLAGE)
    assert (
        village_notice.cases.count()
        == Case.objects.filter(kind=Case.Kind.EXIT, year=2016, village_id=case.village_id).count()
    )
    assert village_notice.ends_on < steps[5].acted_on  # announced after the period
    ident = Case.objects.filter(kind=Case.Kind.IDENTIFICATION, year=2015).first()
    assert [s.step for s in ident.steps.order_by("pk")] == [
        s.name for s in workflow.steps(Case.Kind.IDENTIFICATION)
    ]
    assert ident.household.identified_year == 2015
    assert ident.application["members"]


def test_changfa_has_its_exits_and_work_in_progress(demo, db):
    changfa = users.CHANGFA
    exits = Case.objects.filter(village_id=changfa, kind=Case.Kind.EXIT)
    assert set(exits.values_list("year", flat=True)) >= {2015, 2016}
    assert Case.objects.filter(village_id=changfa, year=2017, outcome=Case.Outcome.OPEN).exists()
    village_user = User.objects.get(username=f"village_team-{changfa}")
    mine = [
        c
        for c in Case.objects.filter(village_id=changfa, outcome=Case.Outcome.OPEN)
        if case_services.next_action(village_user, c)
    ]
    assert mine


def test_every_open_state_of_both_chains(demo, db):
    open_cases = Case.objects.filter(outcome=Case.Outcome.OPEN, year=2017)
    for kind in (Case.Kind.IDENTIFICATION, Case.Kind.EXIT):
        wanted = {s.name for s in workflow.steps(kind) if not s.final}
        assert set(open_cases.filter(kind=kind).values_list("state", flat=True)) == wanted
    assert len(set(open_cases.values_list("village_id", flat=True))) >= 2
    rounds = AdjustmentRound.objects.filter(year=2017)
    assert rounds.count() == 6 and all(r.is_open for r in rounds)
    assert not open_cases.filter(adjustment_round__isnull=True).exists()
    rejected = Case.objects.filter(outcome=Case.Outcome.REJECTED)
    assert rejected.count() >= 3 and all(r.outcome_reason for r in rejected)


def test_notices_in_period_and_open_objections(demo, db):
    current = Notice.objects.filter(published_on__lte=AS_OF, ends_on__gte=AS_OF)
    assert current.count() >= 3
    assert all(n.published_on >= datetime.date(2017, 6, 26) for n in current)
    objections = Objection.objects.filter(state=Objection.State.OPEN)
    assert objections.count() >= 2
    assert all(o.case.paused for o in objections)
    kinds = {o.case.kind for o in objections}
    assert kinds == {Case.Kind.IDENTIFICATION, Case.Kind.EXIT}


def test_monitoring_flags_2016(demo, db):
    assert MonitoredHousehold.objects.filter(year=2016).exists()


def test_public_notices_show_no_full_id_number(demo, client):
    """The demo's public notices, as page, xlsx and PDF, mask ID numbers: two notices of each
    level, kind and case kind (every layout the public sees; the masking itself is one
    function, tested on its own against every formatting people type)."""
    from tests.identification.test_notice_pdf import pdf_text, weasyprint_missing
    from tests.identification.test_notices_public import _xlsx_text

    notices = list(Notice.objects.filter(published_on__lte=AS_OF).order_by("pk"))
    assert len(notices) > 20
    by_layout: dict[tuple, list] = {}
    for notice in notices:
        by_layout.setdefault((notice.level, notice.kind, notice.case_kind), []).append(notice)
    pdf_sample = {key: sample[0] for key, sample in by_layout.items()}
    for sample in by_layout.values():
        for notice in sample[:2]:
            response = client.get(f"/notices/{notice.pk}/")
            assert response.status_code == 200
            assert not FULL_ID.search(response.content.decode()), notice.title
            xlsx = _xlsx_text(client.get(f"/notices/{notice.pk}/notice.xlsx").content)
            assert not FULL_ID.search(xlsx), notice.title
    if not weasyprint_missing():
        for notice in pdf_sample.values():
            text = pdf_text(client.get(f"/notices/{notice.pk}/notice.pdf").content)
            assert notice.title[:4] in text.replace(" ", "")
            assert not FULL_ID.search(text), notice.title
    assert not FULL_ID.search(client.get("/notices/?when=current").content.decode())


def test_the_assessment_finds_exactly_the_households_that_exited(admin):
    """docs/domain.md §3.3 applied to the demo: the yearly assessment's eligible households of
    2015 and 2016 are the households the registry shows exiting in that year."""
    from fupin.assessment.models import HouseholdAssessment
    from fupin.assessment.services import assessment_run
    from fupin.registry import codes
    from fupin.registry.models import StatusRecord

    for year in (2015, 2016):
        assessment_run(year=year)
        eligible = set(
            HouseholdAssessment.objects.filter(year=year, eligible=True).values_list(
                "household_id", flat=True
            )
        )
        before = StatusRecord.objects.filter(year=year - 1, status__in=codes.POOR_STATUSES)
        exited = set(
            StatusRecord.objects.filter(
                year=year,
                status__in=codes.EXITED_STATUSES,
                household_id__in=before.values("household_id"),
            ).values_list("household_id", flat=True)
        )
        missing = HouseholdAssessment.objects.filter(year=year, household_id__in=exited - eligible)
        assert eligible == exited, [(r.household_id, r.reasons) for r in missing]
        assert len(eligible) == area_stats(admin, "1522", year).exited_households


def test_every_exit_notice_gives_the_exit_reason(admin):
    from fupin.identification.public_views import _exit_reason

    completed = Case.objects.filter(kind=Case.Kind.EXIT, outcome=Case.Outcome.COMPLETED)
    assert completed.exists()
    for case in completed.prefetch_related("steps")[:200]:
        assert "人均纯收入" in _exit_reason(case)
