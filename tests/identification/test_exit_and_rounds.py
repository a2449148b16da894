"""Exit and relapse cases write the registry's yearly status; adjustment rounds."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.identification import services
from fupin.identification.models import Case
from fupin.registry import codes
from fupin.registry.models import StatusRecord
from fupin.registry.stats import area_stats
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_household, make_user

from .helpers import MEETING, approve, new_case, users

pytestmark = pytest.mark.django_db


def test_exit_chain_writes_the_exited_status_and_the_figures(settings):
    u = users()
    household = make_household(CHANGFA, members=3, year=2016)
    StatusRecord.objects.create(
        household=household,
        village_id=CHANGFA,
        year=2017,
        status="poor",
        attribute="general",
        members_count=3,
    )
    before = area_stats(u["county"], CHANGFA, 2017)
    assert (before.poor_households, before.exited_households) == (1, 0)
    case = services.case_create(
        actor=u["village"],
        kind=Case.Kind.EXIT,
        village=CHANGFA,
        year=2017,
        applicant_name="",
        household=household,
    )
    assert case.state == "proposed" and case.applicant_name == household.head_name
    approve(u["village"], case, MEETING)
    with pytest.raises(PermissionDenied):
        approve(u["township"], case, {"verification": "x"})
    approve(u["village"], case, {"verification": "收入稳定超过标准，两不愁三保障已落实"})
    approve(u["village"], case, {"agreed_on": "2017-06-30", "signed_by": household.head_name})
    case = approve(u["village"], case)
    assert case.state == "notice"
    with pytest.raises(ValidationError):
        approve(u["county"], case)
    settings.FUPIN_AS_OF = "2017-07-07"
    approve(u["county"], case)
    case = approve(u["county"], case)
    assert case.outcome == Case.Outcome.COMPLETED and case.state == "exited"
    household.refresh_from_db()
    assert (household.status, household.exit_year) == (codes.Status.EXITED, 2017)
    assert StatusRecord.objects.get(household=household, year=2017).status == codes.Status.EXITED
    after = area_stats(u["county"], CHANGFA, 2017)
    assert (after.poor_households, after.exited_households) == (0, 1)
    assert after.exited_persons == 3


def test_relapse_registers_a_relapsed_status(settings):
    u = users()
    household = make_household(CHANGFA, status=codes.Status.EXITED, exit_year=2016, year=2016)
    case = services.case_create(
        actor=u["village"],
        kind=Case.Kind.RELAPSE,
        village=CHANGFA,
        year=2017,
        applicant_name="",
        household=household,
    )
    approve(u["village"], case, MEETING)
    approve(u["village"], case)
    settings.FUPIN_AS_OF = "2017-07-07"
    approve(u["township"], case, {"spot_check": "因病返贫属实"})
    approve(u["township"], case)
    settings.FUPIN_AS_OF = "2017-07-14"
    approve(u["county"], case, {"opinion": "同意"})
    approve(u["county"], case)
    case = approve(u["county"], case)
    assert case.outcome == Case.Outcome.COMPLETED
    assert StatusRecord.objects.get(household=household, year=2017).status == "relapsed"


def test_rounds_gather_cases_and_refuse_closing_with_open_ones(settings):
    u = users()
    with pytest.raises(PermissionDenied):
        services.round_open(actor=u["township"], county_code=ZHALAITE, year=2017)
    with pytest.raises(PermissionDenied):
        services.round_open(
            actor=make_user("county_office", HADANALA[:6]), county_code=ZHALAITE, year=2017
        )
    adjustment_round = services.round_open(actor=u["county"], county_code=ZHALAITE, year=2017)
    with pytest.raises(ValidationError):
        services.round_open(actor=u["county"], county_code=ZHALAITE, year=2017)
    case = new_case(u["village"])
    assert case.adjustment_round == adjustment_round
    with pytest.raises(ValidationError) as error:
        services.round_close(actor=u["county"], adjustment_round=adjustment_round)
    assert error.value.messages == [services.MSG_ROUND_OPEN_CASES % {"count": 1}]
    services.round_close(actor=u["county"], adjustment_round=adjustment_round, carry_over=True)
    adjustment_round.refresh_from_db()
    case.refresh_from_db()
    assert not adjustment_round.is_open and case.adjustment_round is None
    settings.FUPIN_AS_OF = "2018-01-15"  # a round opens in its own year, not before
    next_round = services.round_open(actor=u["county"], county_code=ZHALAITE, year=2018)
    case.refresh_from_db()
    assert case.adjustment_round == next_round
