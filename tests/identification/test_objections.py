"""Objections pause a case; dismissed it resumes, upheld it is rejected or returned."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.identification import services
from fupin.identification.models import Case, CaseStep, Objection
from tests.factories import HADANALA, make_user

from .helpers import MEETING, approve, new_case, users

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed():
    u = users()
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    case = approve(u["village"], case)
    return u, case, case.notices.get()


def file(case, notice, text="该户有轿车，不符合条件"):
    return services.objection_file(
        notice=notice,
        case=case,
        filer_name="村民甲",
        filer_contact="13800000000",
        text=text,
        source="hash",
    )


def test_an_objection_pauses_the_case(noticed, settings):
    u, case, notice = noticed
    objection = file(case, notice)
    case.refresh_from_db()
    assert case.paused and objection.state == Objection.State.OPEN
    assert case.steps.last().decision == CaseStep.Decision.PAUSE
    settings.FUPIN_AS_OF = "2017-07-07"
    with pytest.raises(ValidationError) as error:
        approve(u["township"], case, {"spot_check": "x"})
    assert error.value.messages == [services.MSG_PAUSED]


def test_dismissed_the_case_resumes_only_when_no_other_is_open(noticed, settings):
    u, case, notice = noticed
    first, second = file(case, notice), file(case, notice, "重复")
    services.objection_answer(
        actor=u["village"], objection=first, upheld=False, answer="经核实，车辆为借用"
    )
    case.refresh_from_db()
    assert case.paused
    services.objection_answer(actor=u["township"], objection=second, upheld=False, answer="同上")
    case.refresh_from_db()
    assert not case.paused
    assert case.steps.last().decision == CaseStep.Decision.RESUME
    first.refresh_from_db()
    assert (first.state, first.answer, first.answered_by) == (
        Objection.State.DISMISSED,
        "经核实，车辆为借用",
        u["village"],
    )
    settings.FUPIN_AS_OF = "2017-07-07"
    assert approve(u["township"], case, {"spot_check": "x"}).state == "township_review"


def test_upheld_rejects(noticed):
    u, case, notice = noticed
    objection = file(case, notice)
    services.objection_answer(
        actor=u["village"], objection=objection, upheld=True, answer="异议属实", outcome="reject"
    )
    case.refresh_from_db()
    assert case.outcome == Case.Outcome.REJECTED and case.outcome_reason == "异议属实"
    assert not case.paused


def test_upheld_returns(noticed):
    u, case, notice = noticed
    objection = file(case, notice)
    services.objection_answer(
        actor=u["village"], objection=objection, upheld=True, answer="需重新评议", outcome="return"
    )
    case.refresh_from_db()
    assert case.is_open and not case.paused and case.state == "democratic_review"


def test_answer_needs_right_answer_and_outcome(noticed):
    u, case, notice = noticed
    objection = file(case, notice)
    for actor in (make_user("village_team", HADANALA), make_user("pairing_cadre", case.village_id)):
        with pytest.raises(PermissionDenied):
            services.objection_answer(actor=actor, objection=objection, upheld=False, answer="x")
    with pytest.raises(ValidationError) as error:
        services.objection_answer(actor=u["village"], objection=objection, upheld=False, answer="")
    assert error.value.messages == [services.MSG_OBJECTION_ANSWER_REQUIRED]
    with pytest.raises(ValidationError) as error:
        services.objection_answer(actor=u["village"], objection=objection, upheld=True, answer="x")
    assert error.value.messages == [services.MSG_OBJECTION_OUTCOME]


def test_objections_only_during_the_period(noticed, settings):
    u, case, notice = noticed
    settings.FUPIN_AS_OF = "2017-07-07"
    with pytest.raises(ValidationError) as error:
        file(case, notice)
    assert "不在公示期内" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.objection_file(
            notice=notice, case=case, filer_name="", filer_contact="", text="", source=""
        )
