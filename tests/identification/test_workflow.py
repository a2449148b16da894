"""The identification chain from application to registration, and its refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.audit import AuditEvent
from fupin.identification import services
from fupin.identification.models import Case, CaseStep, Notice, NoticePeriod
from fupin.registry import codes
from fupin.registry.models import Household, StatusRecord
from tests.factories import HADANALA, YINDEER, make_user

from .helpers import MEETING, approve, new_case, users

pytestmark = pytest.mark.django_db


def run_to_registration(u, settings):
    case = new_case(u["village"])
    assert case.state == "applied" and case.is_open
    approve(u["village"], case, MEETING)
    case = approve(u["village"], case)  # publishes the village notice
    assert case.state == "village_notice"
    village_notice = case.notices.get()
    assert village_notice.level == Notice.Level.VILLAGE
    assert village_notice.ends_on == village_notice.published_on + datetime.timedelta(days=6)
    settings.FUPIN_AS_OF = "2017-07-07"
    case = approve(u["township"], case, {"spot_check": "入户抽查属实"})
    notice = services.notice_publish(
        actor=u["township"], cases=[case], level=Notice.Level.TOWNSHIP, kind=Notice.Kind.NOTICE
    )
    assert notice.area_id == YINDEER
    settings.FUPIN_AS_OF = "2017-07-14"
    case = approve(u["county"], case, {"opinion": "同意"})
    case = approve(u["county"], case)  # the announcement
    assert case.state == "announced"
    assert case.notices.filter(kind=Notice.Kind.ANNOUNCEMENT).exists()
    case = approve(u["county"], case)
    return case


def test_the_whole_identification_chain_registers_the_household(settings):
    u = users()
    case = run_to_registration(u, settings)
    assert case.outcome == Case.Outcome.COMPLETED and case.state == "registered"
    household = case.household
    assert household.village_id == case.village_id
    # The registry's one number format: the village code and a 4-digit serial.
    assert household.number == f"{case.village_id}0001"
    assert household.head_name == "乌力吉·巴特尔"
    assert household.members.count() == 2
    assert household.identified_year == 2017
    status = StatusRecord.objects.get(household=household)
    assert (status.year, status.status, status.members_count) == (2017, codes.Status.POOR, 2)
    assert household.history.first().history_change_reason.startswith(f"案件{case.pk}")
    steps = list(case.steps.values_list("step", "decision", "role"))
    assert [s for s, _d, _r in steps] == [
        "applied",
        "democratic_review",
        "village_notice",
        "township_review",
        "township_notice",
        "county_review",
        "announced",
        "registered",
    ]
    assert {r for _s, _d, r in steps} == {"village_team", "township_officer", "county_office"}
    assert case.steps.get(step="democratic_review").record["votes_for"] == 28
    assert AuditEvent.objects.filter(action="case.approve", target=str(case.pk)).count() == 4
    assert AuditEvent.objects.filter(action="notice.published").count() == 3


def test_each_step_is_refused_to_the_wrong_role_and_scope(settings):
    u = users()
    other = make_user("village_team", HADANALA)
    case = new_case(u["village"])
    for wrong in (u["township"], u["county"], other):
        with pytest.raises(PermissionDenied):
            approve(wrong, case, MEETING)
    approve(u["village"], case, MEETING)
    approve(u["village"], case)
    settings.FUPIN_AS_OF = "2017-07-07"
    for wrong in (u["village"], u["county"], make_user("township_officer", "152223101")):
        with pytest.raises(PermissionDenied):
            approve(wrong, case, {"spot_check": "x"})
    approve(u["township"], case, {"spot_check": "x"})
    approve(u["township"], case)
    settings.FUPIN_AS_OF = "2017-07-14"
    for wrong in (u["village"], u["township"], make_user("county_office", "152201")):
        with pytest.raises(PermissionDenied):
            approve(wrong, case, {"opinion": "x"})
    case = approve(u["county"], case, {"opinion": "x"})
    assert case.state == "county_review"


def test_no_step_before_the_notice_period_ends(settings):
    u = users()
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    notice = approve(u["village"], case).notices.get()  # 2017-06-30 .. 2017-07-06
    for day in ("2017-06-30", "2017-07-06"):
        settings.FUPIN_AS_OF = day
        with pytest.raises(ValidationError) as error:
            approve(u["township"], case, {"spot_check": "x"})
        assert error.value.messages == [
            services.MSG_NOTICE_NOT_ENDED % {"ends_on": notice.ends_on.isoformat()}
        ]
    settings.FUPIN_AS_OF = "2017-07-07"
    assert approve(u["township"], case, {"spot_check": "x"}).state == "township_review"


def test_the_notice_period_is_the_nearest_areas(settings):
    u = users()
    NoticePeriod.objects.create(area_id="152223", days=10)
    NoticePeriod.objects.create(area_id=YINDEER, days=5)
    assert services.notice_days("152223100234") == 5
    assert services.notice_days("152223101200") == 10
    assert services.notice_days("152201101200") == 7
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    notice = approve(u["village"], case).notices.get()
    assert notice.ends_on == datetime.date(2017, 7, 4)


def test_reject_ends_the_case_with_its_reason():
    u = users()
    case = new_case(u["village"])
    with pytest.raises(ValidationError) as error:
        services.case_act(actor=u["village"], case=case, decision="reject", reason=" ")
    assert error.value.messages == [services.MSG_REASON_REQUIRED]
    case = services.case_act(
        actor=u["village"], case=case, decision="reject", reason="家庭人均收入高于标准"
    )
    assert case.outcome == Case.Outcome.REJECTED
    assert case.outcome_reason == "家庭人均收入高于标准"
    assert case.closed_on == datetime.date(2017, 6, 30)
    with pytest.raises(ValidationError) as error:
        approve(u["village"], case, MEETING)
    assert error.value.messages == [services.MSG_NOT_OPEN]
    assert not Household.objects.filter(village_id=case.village_id).exists()


def test_return_sends_the_case_one_step_back(settings):
    u = users()
    case = new_case(u["village"])
    approve(u["village"], case, MEETING)
    approve(u["village"], case)
    settings.FUPIN_AS_OF = "2017-07-07"
    case = services.case_act(
        actor=u["township"], case=case, decision="return", reason="公示内容有误，请重新公示"
    )
    assert case.state == "democratic_review"
    assert case.steps.last().decision == CaseStep.Decision.RETURN
    case = approve(u["village"], case)
    assert case.notices.count() == 2


def test_a_meeting_that_voted_against_cannot_approve():
    u = users()
    case = new_case(u["village"])
    with pytest.raises(ValidationError) as error:
        approve(u["village"], case, {**MEETING, "votes_for": 10, "votes_against": 15})
    assert error.value.messages == [services.MSG_MEETING_VOTES]
    with pytest.raises(ValidationError) as error:
        approve(u["village"], case, {**MEETING, "minutes": ""})
    assert "会议纪要" in error.value.messages[0]


def test_an_application_is_validated_with_the_registry_rules():
    from .helpers import application

    u = users()
    app = application()
    app["members"][0]["id_number"] = "152223196804020000"
    app["household"]["main_cause"] = codes.Cause.EDUCATION
    with pytest.raises(ValidationError) as error:
        new_case(u["village"], application=app)
    text = " ".join(error.value.messages)
    assert "乌力吉·巴特尔" in text and "因学" in text


def test_only_the_village_team_files_cases():
    u = users()
    with pytest.raises(PermissionDenied):
        new_case(u["township"])
    with pytest.raises(PermissionDenied):
        new_case(make_user("village_team", HADANALA))
