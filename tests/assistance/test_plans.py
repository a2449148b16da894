"""一户一法: suggested measures and the checks 户户有增收项目、人人有脱贫门路."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from fupin.assistance import services
from fupin.assistance.models import AssistancePlan, Measure, MeasureType
from fupin.assistance.selectors import plan_checks, suggested_measures
from fupin.registry import codes
from fupin.registry.models import Member
from tests.assistance.helpers import make_cadre
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


def test_measure_types_have_chinese_labels():
    assert MeasureType.SOCIAL_SECURITY.label == "社会保障兜底"
    assert len(MeasureType.choices) == 11


def test_suggested_measures_follow_the_causes():
    household = make_household(
        CHANGFA, main_cause=codes.Cause.ILLNESS, other_causes=[codes.Cause.SKILLS]
    )
    assert suggested_measures(household) == [
        MeasureType.HEALTH,
        MeasureType.SOCIAL_SECURITY,
        MeasureType.EMPLOYMENT,
        MeasureType.INDUSTRY,
    ]


def test_checks_flag_households_without_income_and_adults_without_path():
    county = make_user("county_office", ZHALAITE)
    cadre = make_cadre(ZHALAITE)
    with_income = make_household(CHANGFA)  # 产业 this year: income and a path
    education_only = make_household(CHANGFA)  # 教育: neither
    asset_only = make_household(CHANGFA)  # 资产收益: income, but no path
    last_year = make_household(CHANGFA)  # 就业 last year only: neither
    make_household(CHANGFA, status=codes.Status.EXITED)  # not checked
    services.measure_create(
        actor=county,
        household=with_income,
        year=2017,
        type=MeasureType.INDUSTRY,
        amount=Decimal("3000.00"),
        responsible=cadre,
    )
    services.measure_create(actor=county, household=education_only, year=2017, type="education")
    services.measure_create(actor=county, household=asset_only, year=2017, type="asset_income")
    services.measure_create(actor=county, household=last_year, year=2016, type="employment")
    # A child and a pensioner of a flagged household are not adults of working age.
    Member.objects.filter(household=education_only, relation=codes.Relation.SON).update(
        birth_date=datetime.date(2005, 1, 1)
    )
    Member.objects.filter(household=asset_only, relation=codes.Relation.SPOUSE).update(
        labour=codes.Labour.LOST
    )

    result = plan_checks(county, ZHALAITE, 2017)

    assert set(result["households_without_income"]) == {education_only, last_year}
    expected = [
        m.pk
        for m in Member.objects.filter(household__in=[education_only, asset_only, last_year])
        if m.labour in (codes.Labour.ORDINARY, codes.Labour.SKILLED)
        and 16 <= 2017 - m.birth_date.year <= 65
    ]
    assert sorted(m.pk for m in result["adults_without_path"]) == sorted(expected)
    assert result["counts"] == {
        "households_without_income": 2,
        "adults_without_path": len(expected),
    }
    assert plan_checks(make_user("village_team", HADANALA), ZHALAITE, 2017)["counts"] == {
        "households_without_income": 0,
        "adults_without_path": 0,
    }


def test_one_plan_per_household_and_year():
    household = make_household(CHANGFA)
    AssistancePlan.objects.create(household=household, village_id=CHANGFA, year=2017)
    with pytest.raises(IntegrityError):
        AssistancePlan.objects.create(household=household, village_id=CHANGFA, year=2017)


def test_measures_share_the_plan(client):
    county = make_user("county_office", ZHALAITE)
    household = make_household(CHANGFA)
    first = services.measure_create(actor=county, household=household, year=2017, type="health")
    second = services.measure_create(actor=county, household=household, year=2017, type="finance")
    assert first.plan_id == second.plan_id
    assert Measure.objects.accessible_to(county).count() == 2
    assert Measure.objects.accessible_to(make_user("village_team", HADANALA)).count() == 0
    client.force_login(county)
    page = client.get(f"/plans/checks/?area={CHANGFA}&year=2017")
    assert page.status_code == 200
    assert household.number in page.content.decode()


def test_the_household_plan_page_adds_measures_and_records_progress(client):
    from fupin.assistance.models import Pairing
    from tests.assistance.helpers import START

    household = make_household(CHANGFA, main_cause=codes.Cause.ILLNESS)
    cadre = make_cadre(ZHALAITE)
    Pairing.objects.create(cadre=cadre, household=household, village_id=CHANGFA, start_date=START)
    client.force_login(make_user("village_team", CHANGFA))
    url = f"/households/{household.pk}/plan/"
    page = client.get(url + "?year=2017")
    assert page.status_code == 200
    assert "健康、社会保障兜底" in page.content.decode()
    response = client.post(
        url,
        {
            "year": "2017",
            "type": "health",
            "amount": "1200",
            "responsible": cadre.pk,
            "status": "planned",
            "description": "大病救助",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.plan.year, measure.responsible, measure.amount) == (2017, cadre, 1200)
    client.post(url, {"year": "2017", "measure": measure.pk, "status": "done", "outcome": "已报销"})
    measure.refresh_from_db()
    assert (measure.status, measure.outcome) == ("done", "已报销")
    assert "大病救助" in client.get(url + "?year=2017").content.decode()
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"year": "2017", "type": "health", "status": "planned"}).status_code == 404
    )
