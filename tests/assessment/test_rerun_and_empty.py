"""A rerun replaces stored results only when asked to; an empty result says why."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from fupin.assessment import services
from fupin.assessment.models import HouseholdAssessment
from tests.factories import CHANGFA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return make_household(year=2015, income={"year": 2016, "wage_income": Decimal(9000)}, members=3)


def test_service_refuses_a_rerun_without_overwrite(household):
    services.assessment_run(year=2016)
    first = HouseholdAssessment.objects.get().pk
    with pytest.raises(ValidationError) as refused:
        services.assessment_run(year=2016, code=ZHALAITE)
    assert refused.value.messages == [services.MSG_RESULTS_EXIST % {"year": 2016}]
    assert HouseholdAssessment.objects.get().pk == first
    services.assessment_run(year=2016, code=ZHALAITE, overwrite=True)
    assert HouseholdAssessment.objects.get().pk != first


def test_command_needs_overwrite_for_a_rerun(household):
    call_command("assess", "--year", "2016")
    with pytest.raises(CommandError):
        call_command("assess", "--year", "2016")
    call_command("assess", "--year", "2016", "--overwrite")


def test_page_asks_before_overwriting(client, household):
    client.force_login(make_user("county_office", ZHALAITE))
    url = f"/assessment/?area={ZHALAITE}&year=2016"
    client.post("/assessment/", {"year": 2016, "area": ZHALAITE})
    first = HouseholdAssessment.objects.get().pk
    response = client.post("/assessment/", {"year": 2016, "area": ZHALAITE})
    assert response.status_code == 302 and "confirm=1" in response["Location"]
    assert HouseholdAssessment.objects.get().pk == first
    page = client.get(response["Location"]).content.decode()
    assert 'id="confirm-rerun"' in page and 'name="overwrite" value="1"' in page
    assert 'id="confirm-rerun"' not in client.get(url).content.decode()
    client.post("/assessment/", {"year": 2016, "area": ZHALAITE, "overwrite": "1"})
    assert HouseholdAssessment.objects.get().pk != first


def test_a_year_without_income_says_so(client, household):
    services.assessment_run(year=2017)
    reasons = services.empty_reasons(2017, ZHALAITE)
    assert services.MSG_NO_INCOME % {"year": 2017} in reasons
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/assessment/?area={ZHALAITE}&year=2017").content.decode()
    assert 'id="empty-reasons"' in page and "2017 年尚无收入数据" in page


def test_no_candidates_and_no_population_are_named():
    reasons = services.empty_reasons(2016, CHANGFA)
    assert reasons == [
        services.MSG_NO_INCOME % {"year": 2016},
        services.MSG_NO_CANDIDATES % {"year": 2016},
        services.MSG_NO_POPULATION % {"year": 2016},
    ]


def test_a_year_with_eligible_households_shows_no_explanation(client, household):
    services.assessment_run(year=2016)
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/assessment/?area={ZHALAITE}&year=2016").content.decode()
    assert 'id="empty-reasons"' not in page
