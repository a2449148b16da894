"""Data checks: a county check's rates are shares (0 to 100 %), and no adjustment round is
opened for a year after the as-of year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fupin.assessment.models import CountyCheck
from fupin.identification import services
from fupin.identification.models import AdjustmentRound
from tests.factories import ZHALAITE, make_user

pytestmark = pytest.mark.django_db


def _check(**rates) -> CountyCheck:
    fields = {"missed_rate": "1", "wrong_exit_rate": "2", "approval_rate": "95", **rates}
    return CountyCheck(
        county_id=ZHALAITE,
        year=2017,
        entered_on=datetime.date(2017, 6, 30),
        **{name: Decimal(value) for name, value in fields.items()},
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("approval_rate", "500"), ("missed_rate", "-20"), ("wrong_exit_rate", "100.01")],
)
def test_a_rate_outside_0_to_100_is_refused(field, value):
    with pytest.raises(ValidationError) as error:
        _check(**{field: value}).full_clean()
    assert list(error.value.message_dict) == [field]
    assert "应在 0 到 100 之间" in error.value.message_dict[field][0]


def test_rates_of_0_and_100_are_accepted():
    _check(missed_rate="0", approval_rate="100").full_clean()


def test_the_admin_refuses_a_rate_of_500(client):
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    data = {
        "county": ZHALAITE,
        "year": 2017,
        "missed_rate": "500",
        "wrong_exit_rate": "-20",
        "approval_rate": "90",
        "households_sampled": 10,
        "persons_surveyed": 30,
        "entered_on": "2017-06-30",
        "note": "",
    }
    response = client.post(reverse("admin:assessment_countycheck_add"), data)
    assert response.status_code == 200
    assert "应在 0 到 100 之间" in response.content.decode()
    assert not CountyCheck.objects.exists()


def test_an_adjustment_round_for_a_future_year_is_refused():
    county = make_user("county_office", ZHALAITE)
    with pytest.raises(ValidationError, match="当前年度为2017年"):
        services.round_open(actor=county, county_code=ZHALAITE, year=2018)
    assert not AdjustmentRound.objects.exists()
    services.round_open(actor=county, county_code=ZHALAITE, year=2017)
