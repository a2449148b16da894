"""The assessment page, the API (shape, scope), county and village results, exit candidates."""

import datetime
from decimal import Decimal

import pytest

from fupin.areas.models import RuralPopulation
from fupin.assessment.models import CountyAssessment, CountyCheck, VillageAssessment
from fupin.assessment.selectors import exit_candidates
from fupin.assessment.services import assessment_run
from fupin.registry import codes
from fupin.registry.models import StatusRecord
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


def income(per_capita, members=3, year=2016):
    return {"year": year, "wage_income": Decimal(per_capita) * members}


@pytest.fixture
def data():
    ok = make_household(CHANGFA, year=2015, income=income(3000), head_name="达标户")
    ok_status = StatusRecord.objects.create(
        household=ok,
        village_id=CHANGFA,
        year=2016,
        status=codes.Status.EXITED,
        attribute="general",
        members_count=3,
    )
    poor = make_household(CHANGFA, year=2015, income=income(2610), head_name="未达标户")
    StatusRecord.objects.create(
        household=poor,
        village_id=CHANGFA,
        year=2016,
        status=codes.Status.POOR,
        attribute="general",
        members_count=3,
    )
    other = make_household(HADANALA, year=2015, income=income(3000), head_name="哈达户")
    RuralPopulation.objects.create(village_id=CHANGFA, year=2016, population=50)
    from fupin.registry import rollups

    rollups.refresh()
    return {"ok": ok, "poor": poor, "other": other, "ok_status": ok_status}


def test_village_incidence_and_reason(data):
    assessment_run(year=2016)
    village = VillageAssessment.objects.get(village_id=CHANGFA, year=2016)
    # 3 poor persons at the end of 2016 ÷ 50 rural inhabitants = 6.00 %.
    assert (village.poor_persons, village.rural_population) == (3, 50)
    assert village.incidence == Decimal("6.00") and not village.eligible
    assert village.reasons == ["贫困发生率 6.00% ≥ 3%"]
    assert (village.households_assessed, village.households_eligible) == (2, 1)
    assert village.rule_set.version == 1


def test_county_needs_its_checks(data):
    assessment_run(year=2016)
    county = CountyAssessment.objects.get(county_id=ZHALAITE, year=2016)
    assert not county.eligible
    assert county.reasons == ["综合贫困发生率 6.00% ≥ 3%", "缺少抽查评估数据"]
    RuralPopulation.objects.create(village_id=SHUANGYUSHU, year=2016, population=1000)
    CountyCheck.objects.create(
        county_id=ZHALAITE,
        year=2016,
        missed_rate=Decimal("2.5"),
        wrong_exit_rate=Decimal("0.5"),
        approval_rate=Decimal("88"),
        entered_on=datetime.date(2016, 12, 1),
    )
    assessment_run(year=2016, overwrite=True)
    county = CountyAssessment.objects.get(county_id=ZHALAITE, year=2016)
    assert county.incidence == Decimal("0.29")
    assert county.reasons == ["漏评率 2.50% ≥ 2%", "群众认可度 88.00% ≤ 90%"]
    CountyCheck.objects.create(
        county_id=ZHALAITE,
        year=2016,
        missed_rate=Decimal("1"),
        wrong_exit_rate=Decimal("0.5"),
        approval_rate=Decimal("95"),
        entered_on=datetime.date(2016, 12, 20),
    )
    assessment_run(year=2016, overwrite=True)
    county = CountyAssessment.objects.get(county_id=ZHALAITE, year=2016)
    assert county.eligible and county.reasons == [] and county.approval_rate == Decimal("95")


def test_exit_candidates_are_the_eligible_and_they_exited(data):
    assessment_run(year=2016)
    user = make_user("county_office", ZHALAITE)
    candidates = list(exit_candidates(user, ZHALAITE, 2016))
    assert [c.household_id for c in candidates] == [data["ok"].pk]
    # The households assessed eligible that exited at the end of the year.
    exited = StatusRecord.objects.filter(
        year=2016,
        status__in=codes.EXITED_STATUSES,
        household_id__in=[c.household_id for c in candidates],
    )
    assert exited.count() == 1


def test_api_shape(client, data):
    assessment_run(year=2016)
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get(f"/api/areas/{ZHALAITE}/assessment/?year=2016")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "households_assessed",
        "households_eligible",
        "households_not_eligible",
        "villages_eligible",
        "villages_not_eligible",
        "counties",
    }
    assert (body["households_assessed"], body["households_eligible"]) == (2, 1)
    assert body["households_not_eligible"] == 1
    assert (body["villages_eligible"], body["villages_not_eligible"]) == (0, 1)
    assert body["counties"] == [
        {
            "code": ZHALAITE,
            "name": "扎赉特旗",
            "eligible": False,
            "incidence": 6.0,
            "reasons": ["综合贫困发生率 6.00% ≥ 3%", "缺少抽查评估数据"],
        }
    ]


def test_api_scope(client, data):
    assessment_run(year=2016)
    client.force_login(make_user("village_team", CHANGFA))
    mine = client.get(f"/api/areas/{CHANGFA}/assessment/?year=2016").json()
    assert mine["households_assessed"] == 2 and mine["counties"] == []
    assert client.get(f"/api/areas/{HADANALA}/assessment/?year=2016").status_code == 404
    assert client.get(f"/api/areas/{ZHALAITE}/assessment/?year=2016").status_code == 404
    assert client.get(f"/api/areas/{CHANGFA}/assessment/?year=20x").status_code == 400


def test_page_village_user_sees_only_hers(client, data):
    assessment_run(year=2016)
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get("/assessment/?year=2016").content.decode()
    assert "人均纯收入 2,610 元 &lt; 2,952 元" in page
    assert data["ok"].number in page and data["poor"].number in page
    assert data["other"].number not in page
    assert "run-assessment" not in page
    assert client.get(f"/assessment/?area={HADANALA}&year=2016").status_code == 404
    assert client.post("/assessment/", {"year": 2016, "area": CHANGFA}).status_code == 403


def test_page_county_office_runs_the_assessment(client, data):
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/assessment/?area={ZHALAITE}&year=2016").content.decode()
    assert "run-assessment" in page and "尚未评估" in page
    response = client.post("/assessment/", {"year": 2016, "area": ZHALAITE})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "v1" in page and "缺少抽查评估数据" in page
    assert data["other"].number not in page
    # Only its own county was assessed.
    assert not VillageAssessment.objects.filter(village_id=HADANALA).exists()
