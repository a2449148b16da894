"""The villages' and counties' results of an assessment run, by hand: the incidence against the
population of the latest year up to the assessed one, each reason, the households' counts, and
the county's latest sample check. The run writes the villages as rows and reads each input
grouped, so a village or county mixed up with another would show here."""

import datetime
from decimal import Decimal

import pytest

from fupin.areas.models import RuralPopulation
from fupin.assessment.models import CountyAssessment, CountyCheck, VillageAssessment
from fupin.assessment.services import assessment_run
from fupin.registry import rollups
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, ZHALAITE, make_household

pytestmark = pytest.mark.django_db

WULANHAOTE = HADANALA[:6]


def income(per_capita, members=3, year=2016):
    return {"year": year, "wage_income": Decimal(per_capita) * members}


@pytest.fixture
def run():
    # 长发村: 2 poor households of 3 persons (6 persons) over 400 in 2016 (and 100 in 2015,
    # which the run must not take): 1.50 %, under 3 %. Of the two households of 2015 the
    # run assesses, one meets the criteria.
    for _ in range(2):
        make_household(CHANGFA, year=2016, income=income(1000))
    make_household(CHANGFA, year=2015, income=income(3000))
    make_household(CHANGFA, year=2015, income=income(1000))
    RuralPopulation.objects.create(village_id=CHANGFA, year=2015, population=100)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2016, population=400)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2017, population=9)
    # 双榆树: 6 persons over 150 (2015, the latest up to 2016): 4.00 %, at least 3 %.
    for _ in range(2):
        make_household(SHUANGYUSHU, year=2016, income=income(1000))
    RuralPopulation.objects.create(village_id=SHUANGYUSHU, year=2015, population=150)
    # 哈达那拉 (another county): no population at all.
    make_household(HADANALA, year=2016, income=income(1000))
    # Two sample checks of 扎赉特旗: the later entered is the one assessed.
    for day, missed in ((datetime.date(2016, 10, 1), "1.00"), (datetime.date(2016, 12, 1), "3.00")):
        CountyCheck.objects.create(
            county_id=ZHALAITE,
            year=2016,
            missed_rate=Decimal(missed),
            wrong_exit_rate=Decimal("0.50"),
            approval_rate=Decimal("95.00"),
            entered_on=day,
        )
    rollups.refresh()
    return assessment_run(year=2016)


def village(code):
    return VillageAssessment.objects.get(village_id=code, year=2016)


def test_each_villages_incidence_counts_and_reasons(run):
    changfa = village(CHANGFA)
    assert (changfa.poor_persons, changfa.rural_population) == (6, 400)
    assert changfa.incidence == Decimal("1.50")
    assert (changfa.households_assessed, changfa.households_eligible) == (2, 1)
    assert changfa.eligible and changfa.reasons == []

    shuangyushu = village(SHUANGYUSHU)
    assert (shuangyushu.poor_persons, shuangyushu.rural_population) == (6, 150)
    assert shuangyushu.incidence == Decimal("4.00")
    assert not shuangyushu.eligible
    assert shuangyushu.reasons == ["贫困发生率 4.00% ≥ 3%"]

    hadanala = village(HADANALA)
    assert hadanala.incidence is None and hadanala.rural_population == 0
    assert not hadanala.eligible and hadanala.reasons == ["缺少农村人口数据"]

    assert run["villages"] == 3 and run["villages_eligible"] == 1


def test_each_countys_population_and_latest_check(run):
    zhalaite = CountyAssessment.objects.get(county_id=ZHALAITE, year=2016)
    # 12 persons over the county's 2016 population: 长发村's 400 (双榆树 has no 2016 row).
    assert (zhalaite.poor_persons, zhalaite.rural_population) == (12, 400)
    assert zhalaite.incidence == Decimal("3.00")
    assert zhalaite.missed_rate == Decimal("3.00")
    assert not zhalaite.eligible

    wulanhaote = CountyAssessment.objects.get(county_id=WULANHAOTE, year=2016)
    assert wulanhaote.poor_persons == 3 and wulanhaote.incidence is None
    assert wulanhaote.county_check is None
    assert run["counties"] == 2


def test_a_countys_run_matches_the_whole_run(run):
    whole = {
        v.village_id: (v.incidence, v.eligible, v.reasons)
        for v in VillageAssessment.objects.filter(year=2016)
    }
    county = CountyAssessment.objects.get(county_id=ZHALAITE, year=2016)
    assessment_run(year=2016, code=ZHALAITE, overwrite=True)
    again = {
        v.village_id: (v.incidence, v.eligible, v.reasons)
        for v in VillageAssessment.objects.filter(year=2016)
    }
    assert again == whole
    rerun = CountyAssessment.objects.get(county_id=ZHALAITE, year=2016)
    assert (rerun.incidence, rerun.missed_rate, rerun.eligible) == (
        county.incidence,
        county.missed_rate,
        county.eligible,
    )
