"""Answers, completing a round (it writes the county's check, which the yearly assessment
reads), and the county exit procedure: each step by its role, the region's decision held to
the exit rule, the notice period, refusals with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.areas.models import Area, Level, RuralPopulation
from fupin.assessment import services as assessment_services
from fupin.assessment.models import CountyAssessment, CountyCheck
from fupin.core.models import AuditEvent
from fupin.counties import services
from fupin.counties.models import AssessmentRound, CountyExitCase, SampledHousehold
from tests.counties.conftest import ARXAN, DESIGN, YEAR

pytestmark = pytest.mark.django_db
Stratum = SampledHousehold.Stratum


def _answer_all(round_, people, *, wrong_exits=0, unsatisfied=0, missed=0):
    for s in round_.samples.order_by("position"):
        values = {"satisfied": True}
        if s.stratum == Stratum.EXITED:
            values["truly_out"] = not (wrong_exits > 0)
            wrong_exits -= 1 if wrong_exits > 0 else 0
        if s.stratum == Stratum.NON_REGISTERED:
            values.update(name="王某", should_register=missed > 0)
            missed -= 1 if missed > 0 else 0
        if unsatisfied > 0:
            values["satisfied"] = False
            unsatisfied -= 1
        services.answer(actor=people["league"], sample=s, **values)


@pytest.fixture
def population(arxan):
    villages = Area.objects.within(ARXAN).filter(level=Level.VILLAGE, participates=True)
    RuralPopulation.objects.bulk_create(
        RuralPopulation(village=v, year=2016, population=1000) for v in villages
    )


@pytest.fixture
def round_(arxan, people):
    return services.round_create(
        actor=people["league"], county=arxan, year=YEAR, seed=5, design=DESIGN
    )


def test_answers_follow_the_strata(round_, people):
    poor = round_.samples.filter(stratum=Stratum.POOR).first()
    exited = round_.samples.filter(stratum=Stratum.EXITED).first()
    other = round_.samples.filter(stratum=Stratum.NON_REGISTERED).first()
    with pytest.raises(ValidationError):
        services.answer(actor=people["league"], sample=poor, truly_out=True)
    with pytest.raises(ValidationError):
        services.answer(actor=people["league"], sample=exited, should_register=True)
    with pytest.raises(ValidationError):
        services.answer(actor=people["league"], sample=other, should_register=False)
    with pytest.raises(PermissionDenied):
        services.answer(actor=people["county"], sample=poor, satisfied=True)
    row = services.answer(actor=people["league"], sample=exited, truly_out=False, satisfied=True)
    assert row.answered_on is not None
    assert row.history.first().history_change_reason == "录入调查结果"
    assert AuditEvent.objects.filter(action=services.ANSWERED).count() == 1


def test_completing_writes_the_county_check(round_, people, population):
    _answer_all(round_, people, wrong_exits=1, unsatisfied=2, missed=1)
    found = services.rates.rates(round_.pk)
    assert found.wrong_exit.numerator == 1
    assert found.missed.numerator == 1
    assessment_services.assessment_run(year=YEAR, code=ARXAN)
    check = services.round_complete(actor=people["league"], round_=round_)
    assert check.missed_rate == found.missed.rate
    assert check.wrong_exit_rate == found.wrong_exit.rate
    assert check.approval_rate == found.approval.rate
    assert f"评估编号 {round_.pk}" in check.note and "抽样种子 5" in check.note
    round_.refresh_from_db()
    assert round_.state == AssessmentRound.State.COMPLETED
    # The stored yearly assessment reads the new check at once.
    stored = CountyAssessment.objects.get(county_id=ARXAN, year=YEAR)
    assert stored.county_check == check and stored.missed_rate == check.missed_rate
    with pytest.raises(ValidationError):
        services.round_complete(actor=people["league"], round_=round_)
    with pytest.raises(ValidationError):
        services.answer(actor=people["league"], sample=round_.samples.first(), satisfied=False)


def test_a_round_without_answers_cannot_complete(round_, people):
    with pytest.raises(ValidationError):
        services.round_complete(actor=people["league"], round_=round_)
    with pytest.raises(PermissionDenied):
        services.round_complete(actor=people["county"], round_=round_)


def _check(passing: bool):
    CountyCheck.objects.create(
        county_id=ARXAN,
        year=YEAR,
        missed_rate="0.50" if passing else "2.50",
        wrong_exit_rate="0.50",
        approval_rate="96.00",
        entered_on="2017-06-30",
    )


def _steps_to_decision(people, arxan):
    case = services.exit_apply(actor=people["county"], county=arxan, year=YEAR)
    return services.exit_step(actor=people["league"], case=case, opinion="审核通过")


def test_each_step_by_its_role(arxan, people, population, settings):
    _check(passing=True)
    with pytest.raises(PermissionDenied):
        services.exit_apply(actor=people["league"], county=arxan, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.exit_apply(actor=people["other_county"], county=arxan, year=YEAR)
    case = services.exit_apply(actor=people["county"], county=arxan, year=YEAR)
    for who in ("county", "township", "supervisor", "other_county"):
        with pytest.raises(PermissionDenied):
            services.exit_step(actor=people[who], case=case)
    case = services.exit_step(actor=people["league"], case=case)
    assert case.state == "league_review"
    with pytest.raises(PermissionDenied):
        services.exit_step(actor=people["county"], case=case)
    case = services.exit_step(actor=people["league"], case=case)
    assert case.state == "region_decision"
    case = services.exit_step(actor=people["league"], case=case)
    assert case.state == "notice"
    with pytest.raises(ValidationError):
        services.exit_step(actor=people["league"], case=case)
    settings.FUPIN_AS_OF = "2017-07-08"
    case = services.exit_step(actor=people["league"], case=case)
    assert case.outcome == CountyExitCase.Outcome.EXITED
    assert [s.step for s in case.steps.all()] == [
        "applied",
        "league_review",
        "region_decision",
        "notice",
        "announced",
    ]
    assert AuditEvent.objects.filter(action=services.EXIT_STEP).count() == 5
    with pytest.raises(ValidationError):
        services.exit_apply(actor=people["county"], county=arxan, year=YEAR)


def test_the_region_decision_is_held_to_the_rule(arxan, people, population):
    _check(passing=False)
    case = _steps_to_decision(people, arxan)
    with pytest.raises(ValidationError) as error:
        services.exit_step(actor=people["league"], case=case)
    assert "漏评率 2.50% ≥ 2%" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.exit_step(actor=people["league"], case=case, approved=False)
    case = services.exit_step(
        actor=people["league"], case=case, approved=False, opinion="漏评率超标"
    )
    assert case.outcome == CountyExitCase.Outcome.REJECTED
    # A refused county may apply again.
    services.exit_apply(actor=people["county"], county=arxan, year=YEAR)
