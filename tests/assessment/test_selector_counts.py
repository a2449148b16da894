"""Each assessment selector against an independent count (plain loops and raw SQL) on
hand-built data: several households per village, so a grouped count that also grouped by
the lists' display ordering (one group per household) would show up as 1s."""

from decimal import Decimal

import pytest
from django.db import connection

from fupin.areas.models import Area, RuralPopulation
from fupin.assessment import selectors
from fupin.assessment.models import CountyAssessment, HouseholdAssessment, VillageAssessment
from fupin.assessment.services import assessment_run
from fupin.registry import rollups
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


def income(per_capita, members=3, year=2016):
    return {"year": year, "wage_income": Decimal(per_capita) * members}


@pytest.fixture
def assessed():
    # 长发村: 3 eligible, 2 not; 双榆树: 1 eligible, 3 not; 哈达那拉 (another county): 2 eligible.
    for village, ok, poor in ((CHANGFA, 3, 2), (SHUANGYUSHU, 1, 3), (HADANALA, 2, 0)):
        for _ in range(ok):
            make_household(village, year=2015, income=income(3000))
        for _ in range(poor):
            make_household(village, year=2015, income=income(1000))
        RuralPopulation.objects.create(village_id=village, year=2016, population=1000)
    rollups.refresh()
    assessment_run(year=2016)


def _sql_counts(table: str, prefix: str) -> dict[bool, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT eligible, COUNT(*) FROM {table} WHERE year = 2016 AND village_id LIKE %s"
            " GROUP BY eligible",
            [prefix + "%"],
        )
        return {bool(flag): n for flag, n in cursor.fetchall()}


@pytest.mark.parametrize("code", ["1522", ZHALAITE, CHANGFA, HADANALA])
def test_summary_cards_equal_raw_sql(assessed, code):
    summary = selectors.assessment_summary(make_user("league_hq", "1522"), code, 2016)
    households = _sql_counts(HouseholdAssessment._meta.db_table, code)
    villages = _sql_counts(VillageAssessment._meta.db_table, code)
    assert summary.households_eligible == households.get(True, 0)
    assert summary.households_not_eligible == households.get(False, 0)
    assert summary.households_assessed == sum(households.values())
    assert summary.villages_eligible == villages.get(True, 0)
    assert summary.villages_not_eligible == villages.get(False, 0)


def test_summary_cards_by_hand(assessed):
    summary = selectors.assessment_summary(make_user("county_office", ZHALAITE), ZHALAITE, 2016)
    assert (summary.households_assessed, summary.households_eligible) == (9, 4)
    assert summary.households_not_eligible == 5
    # No status row of 2016: no poor person at the end of the year, both villages at 0 %.
    assert (summary.villages_eligible, summary.villages_not_eligible) == (2, 0)


def test_child_summary_equals_a_loop(assessed):
    user = make_user("league_hq", "1522")
    league = Area.objects.get(pk="1522")
    rows = {r["area"].code: r for r in selectors.child_summary(user, league, 2016)}
    for county, row in rows.items():
        results = [r for r in HouseholdAssessment.objects.all() if r.village_id.startswith(county)]
        villages = [v for v in VillageAssessment.objects.all() if v.village_id.startswith(county)]
        assert row["households_assessed"] == len(results)
        assert row["households_eligible"] == sum(r.eligible for r in results)
        assert row["households_not_eligible"] == sum(not r.eligible for r in results)
        assert row["villages_eligible"] == sum(v.eligible for v in villages)
        assert row["villages_not_eligible"] == sum(not v.eligible for v in villages)
    assert rows[ZHALAITE]["households_assessed"] == 9


def test_lists_and_candidates_equal_a_loop(assessed):
    user = make_user("county_office", ZHALAITE)
    mine = [r for r in HouseholdAssessment.objects.all() if r.village_id.startswith(ZHALAITE)]
    assert selectors.household_results(user, ZHALAITE, 2016).count() == len(mine)
    assert {r.pk for r in selectors.exit_candidates(user, ZHALAITE, 2016)} == {
        r.pk for r in mine if r.eligible
    }
    assert selectors.village_results(user, ZHALAITE, 2016).count() == 2
    assert [c.county_id for c in selectors.county_results(user, ZHALAITE, 2016)] == [
        c.county_id for c in CountyAssessment.objects.filter(county_id=ZHALAITE, year=2016)
    ]
    assert [v.version for v in selectors.rule_versions(user, ZHALAITE, 2016)] == [1]


def test_page_cards_show_the_counts(client, assessed):
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/assessment/?area={ZHALAITE}&year=2016").content.decode()
    assert 'data-stat="households_assessed">9<' in page
    assert 'data-stat="households_eligible">4<' in page
    assert 'data-stat="households_not_eligible">5<' in page
    assert 'data-stat="villages">2 / 0<' in page
