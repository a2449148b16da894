"""The village exit procedure: each step by its level's role (refused for the others), the
county's decision held to the rule, the notice period, the announcement setting the exit
year; the village page and its step form."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.areas.models import Area, RuralPopulation
from fupin.collective.models import CollectiveIncome, Source
from fupin.core.models import AuditEvent
from fupin.villages import services
from fupin.villages.models import (
    CONDITIONS,
    PoorVillageDesignation,
    VillageConditions,
    VillageExitCase,
)
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
YEAR = 2017


@pytest.fixture
def village():
    area = Area.objects.get(pk=CHANGFA)
    services.designate(
        actor=make_user("county_office", ZHALAITE),
        village=area,
        year=2014,
        source="扎赉特旗贫困村认定文件",
        designated_on=datetime.date(2014, 10, 1),
    )
    make_household(CHANGFA, members=2, year=YEAR)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2016, population=100)
    CollectiveIncome.objects.create(
        village_id=CHANGFA, year=YEAR, source=Source.RESOURCE, amount=Decimal("80000")
    )
    VillageConditions.objects.create(
        village_id=CHANGFA, year=YEAR, **{name: True for name, _label in CONDITIONS}
    )
    return area


@pytest.fixture
def people():
    return {
        "village": make_user("village_team", CHANGFA),
        "township": make_user("township_officer", YINDEER),
        "county": make_user("county_office", ZHALAITE),
        "cadre": make_user("pairing_cadre", CHANGFA),
        "supervisor": make_user("supervisor", "1522"),
        "other_village": make_user("village_team", HADANALA),
    }


def _walk(case, people, settings):
    case = services.exit_step(actor=people["township"], case=case, opinion="核实无误")
    case = services.exit_step(actor=people["county"], case=case, opinion="同意")
    case = services.exit_step(actor=people["county"], case=case)
    settings.FUPIN_AS_OF = "2017-07-08"
    return services.exit_step(actor=people["county"], case=case)


def test_the_steps_in_order_each_by_its_level(village, people, settings):
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    case = _walk(case, people, settings)
    assert case.state == "announced"
    assert case.outcome == VillageExitCase.Outcome.EXITED
    assert PoorVillageDesignation.objects.get(village=village).exit_year == YEAR
    assert [s.step for s in case.steps.all()] == [
        "applied",
        "township_review",
        "county_decision",
        "notice",
        "announced",
    ]
    assert case.steps.get(step="county_decision").result["passes"] is True
    assert AuditEvent.objects.filter(action=services.EXIT_STEP, target=CHANGFA).count() == 5
    assert case.history.count() == 5


@pytest.mark.parametrize("who", ["township", "county", "cadre", "supervisor", "other_village"])
def test_the_application_is_refused_for_the_wrong_role(village, people, who):
    with pytest.raises(PermissionDenied):
        services.exit_apply(actor=people[who], village=village, year=YEAR)
    assert not VillageExitCase.objects.exists()


@pytest.mark.parametrize("who", ["village", "county", "cadre", "supervisor"])
def test_the_township_review_is_refused_for_the_wrong_role(village, people, who):
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.exit_step(actor=people[who], case=case)
    case.refresh_from_db()
    assert case.state == "applied"


@pytest.mark.parametrize("who", ["village", "township", "cadre", "supervisor"])
def test_the_county_steps_are_refused_for_the_wrong_role(village, people, who):
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    case = services.exit_step(actor=people["township"], case=case)
    with pytest.raises(PermissionDenied):
        services.exit_step(actor=people[who], case=case)
    case = services.exit_step(actor=people["county"], case=case)
    case = services.exit_step(actor=people["county"], case=case)
    with pytest.raises(PermissionDenied):
        services.exit_step(actor=people[who], case=case)


def test_the_county_cannot_decide_an_exit_the_rule_refuses(village, people):
    VillageConditions.objects.filter(village=village).update(clinic=False)
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    case = services.exit_step(actor=people["township"], case=case)
    with pytest.raises(ValidationError, match="有标准化卫生室"):
        services.exit_step(actor=people["county"], case=case)


def test_a_refusal_needs_a_reason_and_closes_the_case(village, people):
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    with pytest.raises(ValidationError):
        services.exit_step(actor=people["township"], case=case, approved=False)
    case = services.exit_step(
        actor=people["township"], case=case, approved=False, opinion="道路未完工"
    )
    assert case.outcome == VillageExitCase.Outcome.REJECTED
    with pytest.raises(ValidationError):
        services.exit_step(actor=people["county"], case=case)
    # A new application may follow.
    services.exit_apply(actor=people["village"], village=village, year=YEAR)


def test_the_announcement_waits_for_the_notice_period(village, people):
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    for actor in ("township", "county", "county"):
        case = services.exit_step(actor=people[actor], case=case)
    with pytest.raises(ValidationError, match="公示期"):
        services.exit_step(actor=people["county"], case=case)


def test_only_a_poor_village_applies_and_only_once(village, people):
    services.exit_apply(actor=people["village"], village=village, year=YEAR)
    with pytest.raises(ValidationError):
        services.exit_apply(actor=people["village"], village=village, year=YEAR)
    other = Area.objects.get(pk=HADANALA)
    with pytest.raises(ValidationError):
        services.exit_apply(actor=make_user("village_team", HADANALA), village=other, year=YEAR)


def test_designation_is_the_county_or_league(people):
    with pytest.raises(PermissionDenied):
        services.designate(
            actor=people["township"],
            village=Area.objects.get(pk=CHANGFA),
            year=2014,
            source="x",
            designated_on=datetime.date(2014, 1, 1),
        )


def test_the_page_offers_the_next_step_to_its_level_only(client, village, people):
    client.force_login(people["village"])
    page = client.get(f"/villages/{CHANGFA}/?year={YEAR}")
    assert page.status_code == 200
    assert 'id="next-step"' in page.text and "<form" in page.text.split('id="next-step"')[0][-300:]
    response = client.post(f"/villages/{CHANGFA}/step/", {"year": YEAR, "opinion": "申请"})
    assert response.status_code == 302
    case = VillageExitCase.objects.get()
    assert case.state == "applied"
    # The next step is the township's: the village team sees it but gets no form, and a
    # post is refused.
    page = client.get(f"/villages/{CHANGFA}/?year={YEAR}")
    assert "苏木乡镇审核" in page.text
    assert '/step/"' not in page.text
    assert client.post(f"/villages/{CHANGFA}/step/", {}).status_code == 403
    client.force_login(people["township"])
    client.post(f"/villages/{CHANGFA}/step/", {"opinion": "核实"})
    case.refresh_from_db()
    assert case.state == "township_review"


def test_the_page_is_out_of_reach_of_another_village(client, village, people):
    client.force_login(people["other_village"])
    assert client.get(f"/villages/{CHANGFA}/").status_code == 404
    assert client.post(f"/villages/{CHANGFA}/step/", {}).status_code == 404


def test_the_village_team_records_the_conditions_on_the_page(client, village, people):
    client.force_login(people["village"])
    page = client.get(f"/villages/{CHANGFA}/?year=2016")
    assert 'id="record-conditions"' in page.text
    response = client.post(
        f"/villages/{CHANGFA}/conditions/", {"year": 2016, "road": "on", "clinic": "on"}
    )
    assert response.status_code == 302
    row = VillageConditions.objects.get(village=village, year=2016)
    assert (row.road, row.clinic, row.safe_water, row.broadband) == (True, True, False, False)
    assert row.history.first().history_user == people["village"]
    assert AuditEvent.objects.filter(action=services.CONDITIONS_RECORDED).count() == 1
    client.force_login(people["township"])
    assert 'id="record-conditions"' not in client.get(f"/villages/{CHANGFA}/").text
    assert client.post(f"/villages/{CHANGFA}/conditions/", {"year": 2016}).status_code == 403


def test_the_refusal_of_the_county_names_each_failed_condition(village, people):
    VillageConditions.objects.filter(village=village).update(clinic=False, broadband=False)
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    case = services.exit_step(actor=people["township"], case=case)
    with pytest.raises(ValidationError) as error:
        services.exit_step(actor=people["county"], case=case)
    assert error.value.messages == [
        "未达到出列标准，不能审定出列：有标准化卫生室：否，标准 是；通宽带：否，标准 是"
    ]


def test_the_page_shows_when_the_notice_ends(client, village, people):
    case = services.exit_apply(actor=people["village"], village=village, year=YEAR)
    for actor in ("township", "county", "county"):
        case = services.exit_step(actor=people[actor], case=case)
    client.force_login(people["county"])
    page = client.get(f"/villages/{CHANGFA}/?year={YEAR}")
    assert "公示期至2017-07-07结束" in page.text
