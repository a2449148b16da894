"""The war map on hand-built data: the tables, the drill-down links, the API, the scope."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.areas.models import RuralPopulation
from fupin.assessment.models import CountyAssessment, RuleSet
from fupin.assistance.models import AssistancePlan, Measure
from fupin.registry import codes
from fupin.registry.models import StatusRecord
from fupin.warmap import selectors
from fupin.warmap.models import CauseFact, PlanFact
from tests.factories import CHANGFA, HADANALA, LEAGUE, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
S = codes.Status


def _status(household, year, status, members=None):
    StatusRecord.objects.create(
        household=household,
        village_id=household.village_id,
        year=year,
        status=status,
        attribute=household.attribute,
        members_count=members or household.members_count,
    )


@pytest.fixture
def world():
    """Two counties: 长发村 (扎赉特旗) with three households, 哈达那拉嘎查 (乌兰浩特市) with one."""
    a = make_household(
        CHANGFA,
        members=4,
        year=2016,
        status=S.POOR,
        planned_exit_year=2017,
        main_cause=codes.Cause.ILLNESS,
    )
    b = make_household(
        CHANGFA,
        members=3,
        year=2016,
        status=S.EXITED,
        exit_year=2016,
        planned_exit_year=2016,
        main_cause=codes.Cause.ILLNESS,
    )
    _status(b, 2015, S.POOR)
    c = make_household(
        CHANGFA,
        members=2,
        year=2016,
        status=S.RELAPSED,
        planned_exit_year=2019,
        main_cause=codes.Cause.LABOUR,
        identified_year=2016,
    )
    d = make_household(
        HADANALA,
        members=5,
        year=2016,
        status=S.POOR,
        planned_exit_year=2018,
        main_cause=codes.Cause.CAPITAL,
    )
    for village, pop in ((CHANGFA, 200), (HADANALA, 100)):
        RuralPopulation.objects.create(village_id=village, year=2014, population=pop)
    plan = AssistancePlan.objects.create(household=a, village_id=CHANGFA, year=2016)
    Measure.objects.create(
        plan=plan, village_id=CHANGFA, type="industry", year=2016, status=Measure.State.DONE
    )
    Measure.objects.create(plan=plan, village_id=CHANGFA, type="health", year=2016)
    plan_d = AssistancePlan.objects.create(household=d, village_id=HADANALA, year=2016)
    Measure.objects.create(plan=plan_d, village_id=HADANALA, type="industry", year=2016)
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def league():
    return make_user(Role.LEAGUE_HQ, LEAGUE)


def test_rollups_follow_single_saves(world):
    assert (
        CauseFact.objects.filter(year=2016, village_id=CHANGFA, cause="illness").get().persons == 4
    )
    world["a"].planned_exit_year = 2018
    world["a"].save(update_fields=["planned_exit_year"])
    assert PlanFact.objects.filter(village_id=CHANGFA, planned_exit_year=2018).get().persons == 4


def test_fupin_rollup_rebuilds_the_war_maps_rollups(world):
    from django.core.management import call_command

    before = sorted(CauseFact.objects.values_list("village_id", "year", "cause", "persons"))
    CauseFact.objects.all().delete()
    PlanFact.objects.all().delete()
    call_command("rollup", stdout=io.StringIO())
    assert sorted(CauseFact.objects.values_list("village_id", "year", "cause", "persons")) == before
    assert PlanFact.objects.filter(village_id=HADANALA).get().persons == 5
    assert selectors.refreshed_at() is not None


def test_headline_distribution_and_change(world, league):
    data = selectors.warmap(league, LEAGUE, 2016)
    h = data["headline"]
    assert h["poor_persons"]["value"] == 4 + 2 + 5
    assert h["poor_households"]["value"] == 3
    assert h["poor_persons"]["previous"] == 3  # b in 2015
    assert h["poor_persons"]["change"] == 8
    assert h["incidence"]["value"] == Decimal("3.67")  # 11 / 300
    assert h["exited_persons"]["value"] == 3
    children = {c["code"]: c for c in data["distribution"]["children"]}
    assert data["distribution"]["choropleth"] is True
    assert children[ZHALAITE]["poor_persons"] == 6
    assert children[ZHALAITE]["incidence"] == Decimal("3.00")
    assert children["152201"]["poor_households"] == 1


def test_causes_measures_plan_tables(world, league):
    data = selectors.warmap(league, LEAGUE, 2016)
    causes = {c["cause"]: c for c in data["causes"]["causes"]}
    assert causes["illness"]["households"] == 1 and causes["illness"]["persons"] == 4
    assert causes["labour"]["persons"] == 2 and causes["capital"]["persons"] == 5
    types = {t["type"]: t for t in data["measures"]["types"]}
    assert types["industry"]["measures"] == 2 and types["industry"]["done"] == 1
    assert types["industry"]["households"] == 2
    assert types["industry"]["coverage"] == Decimal("66.67")  # 2 of 3 poor households
    assert data["measures"]["households"] == 2
    plan = data["exit_plan"]
    rows = {r["code"]: r for r in plan["rows"]}
    planned = {c["year"]: c for c in rows[ZHALAITE]["planned"]}
    assert planned[2017]["households"] == 1 and planned[2019]["persons"] == 2
    assert planned[2016]["persons"] == 3
    exited = {c["year"]: c for c in rows[ZHALAITE]["exited"]}
    assert exited[2016] == {"year": 2016, "households": 1, "persons": 3}
    # The path: persons poor now whose plan runs past each year.
    area_path = {r["year"]: r["poor_persons"] for r in data["series"]["area"]["planned"]}
    assert area_path == {2017: 2 + 5, 2018: 2, 2019: 0, 2020: 0}


def test_county_progress_reads_the_stored_assessment(world, league):
    rules = RuleSet.objects.create(version=3)
    CountyAssessment.objects.create(
        county_id=ZHALAITE,
        year=2016,
        rule_set=rules,
        poor_persons=6,
        rural_population=200,
        incidence=Decimal("3.00"),
        missed_rate=Decimal("1.00"),
        wrong_exit_rate=Decimal("3.00"),
        approval_rate=Decimal("95.00"),
        eligible=False,
        reasons=["错退率"],
    )
    rows = {
        r["code"]: r for r in selectors.warmap(league, LEAGUE, 2016)["county_progress"]["counties"]
    }
    z = rows[ZHALAITE]
    assert z["rule_version"] == 3 and z["eligible"] is False
    assert z["wrong_exit_rate_ok"] is (Decimal("3.00") < rules.wrong_exit_rate_max)
    assert z["approval_ok"] is (Decimal("95.00") > rules.approval_min)
    assert z["planned_exit_year"] == 2019  # c, relapsed, planned for 2019
    assert rows["152201"]["assessed"] is False and rows["152201"]["planned_exit_year"] == 2018


def test_page_links_each_figure_to_its_records(world, league, client):
    client.force_login(league)
    page = client.get(reverse("warmap:warmap"), {"area": LEAGUE, "year": 2016})
    html = html_league = page.content.decode()
    hl = reverse("registry:household_list")
    assert f'href="{hl}?area={LEAGUE}&year=2016&status=in_poverty">11<' in html
    assert f'href="?area={ZHALAITE}&year=2016">扎赉特旗<' in html
    assert f"{hl}?area={ZHALAITE}&year=2016&status=in_poverty&main_cause=illness" not in html
    assert f'{hl}?area={LEAGUE}&year=2016&status=in_poverty&main_cause=illness">1<' in html
    # A village: its households, each linking to its page.
    page = client.get(reverse("warmap:warmap"), {"area": CHANGFA, "year": 2016})
    html = page.content.decode()
    assert reverse("registry:household_detail", args=[world["a"].pk]) in html
    assert f"{hl}?area={CHANGFA}&year=2016" in html
    # The household list honours the village link of a league user.
    listed = client.get(hl, {"area": CHANGFA, "year": 2016, "status": "in_poverty"})
    assert world["a"].number in listed.content.decode()
    assert world["c"].number in listed.content.decode()  # 返贫 counts among the poor
    assert world["b"].number not in listed.content.decode()
    assert f"{hl}?area={LEAGUE}&year=2016&status=exited_in_year" in html_league
    exited = client.get(hl, {"area": LEAGUE, "year": 2016, "status": "exited_in_year"})
    assert world["b"].number in exited.content.decode()
    assert world["a"].number not in exited.content.decode()
    identified = client.get(hl, {"area": LEAGUE, "year": 2016, "status": "identified_in_year"})
    assert world["c"].number in identified.content.decode()
    assert world["a"].number not in identified.content.decode()
    assert world["d"].number not in listed.content.decode()


def test_api_matches_selectors(world, league, client):
    client.force_login(league)
    body = client.get(f"/api/areas/{ZHALAITE}/warmap/", {"year": 2016}).json()
    assert body["headline"]["poor_persons"]["value"] == 6
    assert body["area"]["code"] == ZHALAITE
    assert [u["code"] for u in body["series"]["units"]] == [ZHALAITE]


def test_village_user_sees_only_their_village(world, client):
    user = make_user(Role.VILLAGE_TEAM, CHANGFA)
    client.force_login(user)
    assert client.get(reverse("warmap:warmap"), {"area": LEAGUE}).status_code == 404
    assert client.get(f"/api/areas/{LEAGUE}/warmap/").status_code == 404
    page = client.get(reverse("warmap:warmap"), {"year": 2016})
    assert page.status_code == 200
    assert world["a"].number in page.content.decode()
    assert world["d"].number not in page.content.decode()
    data = selectors.warmap(user, CHANGFA, 2016)
    assert data["headline"]["poor_persons"]["value"] == 6


def test_page_makes_a_bounded_number_of_queries(
    world, league, client, django_assert_max_num_queries
):
    client.force_login(league)
    client.get(reverse("warmap:warmap"), {"area": LEAGUE, "year": 2016})
    for _ in range(20):  # more households must not mean more queries
        make_household(CHANGFA, members=2)
    # 30 for the first panels (41 done now); the division (PlanFact, links, the duty ranking),
    # funds (funds, transfers, allocations, holder names) and command (the command app's
    # overview) panels add a fixed number each, and the historical-load notes one grouped count
    # each for the area's figures and its children's; the navigation's inbox count 3 (the visit
    # cadence, the meeting requirements, one statement: fupin.inbox.selectors.unread_count);
    # the page's note of data still being built one (fupin.core.building).
    with django_assert_max_num_queries(46):
        assert (
            client.get(reverse("warmap:warmap"), {"area": LEAGUE, "year": 2016}).status_code == 200
        )
