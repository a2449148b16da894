"""The demo's third-party assessment: Ulanhot's 2017 pre-assessment, drawn with the demo's
seed and answered from the demo's own records, written as Ulanhot's check of 2017 so the
yearly assessment and the war map's county progress read its rates."""

import pytest

from fupin.assessment import services as assessment_services
from fupin.assessment.models import CountyCheck, PovertyLine
from fupin.counties.models import AssessmentRound, SampledHousehold
from fupin.demo.counties import COUNTY, YEAR
from fupin.registry.models import IncomeRecord
from tests.demo.snapshots import SEED, snapshot_part

pytestmark = pytest.mark.django_db
Stratum = SampledHousehold.Stratum


@snapshot_part("counties")
def _snapshot():
    """The round's sample and answers, for the determinism test's rebuild."""
    return {
        "rounds": list(AssessmentRound.objects.values_list("county_id", "year", "kind", "seed")),
        "samples": list(
            SampledHousehold.objects.order_by("round__county_id", "position").values_list(
                "position",
                "village_id",
                "stratum",
                "household__number",
                "name",
                "should_register",
                "truly_out",
                "satisfied",
            )
        ),
    }


def test_ulanhot_has_a_completed_pre_assessment(demo):
    round_ = AssessmentRound.objects.get()
    assert (round_.county_id, round_.year, round_.kind, round_.seed) == (
        COUNTY,
        YEAR,
        AssessmentRound.Kind.PRE,
        SEED,
    )
    assert round_.state == AssessmentRound.State.COMPLETED
    strata = set(round_.samples.values_list("stratum", flat=True))
    assert strata == {Stratum.POOR, Stratum.EXITED, Stratum.NON_REGISTERED}
    check = CountyCheck.objects.get(county_id=COUNTY, year=YEAR)
    assert f"评估编号 {round_.pk}" in check.note
    assert check.households_sampled == round_.samples.count()


def test_an_exited_answer_follows_its_income(demo):
    lines = dict(PovertyLine.objects.filter(standard="national").values_list("year", "amount"))
    for s in SampledHousehold.objects.filter(stratum=Stratum.EXITED).select_related("household"):
        income = IncomeRecord.objects.filter(
            household_id=s.household_id, year=s.household.exit_year
        ).first()
        if income is None:
            assert s.truly_out is None
            continue
        assert s.truly_out == (income.net_income_per_capita >= lines[income.year])
        assert s.satisfied == s.truly_out


def test_the_war_map_shows_ulanhot_s_rates(client, admin):
    client.force_login(admin)
    assessment_services.assessment_run(year=YEAR, code="1522")
    data = client.get(f"/api/areas/1522/warmap/?year={YEAR}").json()
    rows = {c["code"]: c for c in data["county_progress"]["counties"]}
    check = CountyCheck.objects.get(county_id=COUNTY, year=YEAR)
    assert rows[COUNTY]["missed_rate"] == float(check.missed_rate)
    assert rows[COUNTY]["approval_rate"] == float(check.approval_rate)
    assert "缺少抽查评估数据" not in rows[COUNTY]["reasons"]
    assert "缺少抽查评估数据" in rows["152223"]["reasons"]
    api = client.get(f"/api/areas/{COUNTY}/third-party/?year={YEAR}").json()
    assert api["sample_size"] == check.households_sampled
    assert api["missed_rate"] == float(check.missed_rate)
