"""The yearly figures of an area, as the overview page, its JSON and the demo read them."""

from decimal import Decimal

import pytest

from fupin.accounts.models import User
from fupin.areas.models import RuralPopulation
from fupin.registry.codes import Status
from fupin.registry.models import StatusRecord
from fupin.registry.stats import area_stats, child_stats
from tests.factories import CHANGFA, HADANALA, LEAGUE, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


def _add_year(household, year, status):
    StatusRecord.objects.create(
        household=household,
        village_id=household.village_id,
        year=year,
        status=status,
        attribute=household.attribute,
        members_count=household.members_count,
    )


@pytest.fixture
def league():
    return User.objects.create_superuser("root", password="x" * 12)


def test_figures_follow_the_status_rows_year_by_year(league):
    a = make_household(CHANGFA, members=3, year=2014, identified_year=2014)
    b = make_household(CHANGFA, members=2, year=2014, identified_year=2014)
    c = make_household(HADANALA, members=4, year=2015, identified_year=2015)
    _add_year(a, 2015, Status.EXITED)
    _add_year(b, 2015, Status.POOR)
    _add_year(a, 2016, Status.RELAPSED)
    _add_year(b, 2016, Status.EXITED_NO_POLICY)
    _add_year(c, 2016, Status.EXITED)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2014, population=1000)
    RuralPopulation.objects.create(village_id=HADANALA, year=2014, population=500)

    d = make_household(HADANALA, members=2, year=2014, status=Status.EXITED, identified_year=2014)
    y2014 = area_stats(league, LEAGUE, 2014)
    # d was identified and exited within 2014: identified and exited, not poor at year end.
    assert y2014.exited_persons == 2
    d.delete()
    y2014 = area_stats(league, LEAGUE, 2014)
    assert (y2014.identified_persons, y2014.identified_households) == (5, 2)
    assert (y2014.poor_persons, y2014.poor_households) == (5, 2)
    assert y2014.incidence == Decimal("0.33")  # 5 / 1500

    y2015 = area_stats(league, LEAGUE, 2015)
    assert y2015.identified_persons == 4
    assert y2015.poor_persons == 2 + 4
    assert y2015.exited_persons == 3

    y2016 = area_stats(league, LEAGUE, 2016)
    assert y2016.poor_persons == 3  # relapsed a
    assert y2016.relapsed_persons == 3
    assert y2016.exited_persons == 2 + 4
    # The population of the latest year up to 2016 (2014's) is the denominator.
    assert y2016.rural_population == 1500
    assert y2016.incidence == Decimal("0.20")


def test_children_split_the_parent_and_a_village_user_sees_only_hers(league):
    make_household(CHANGFA, members=3, year=2016)
    make_household(HADANALA, members=5, year=2016)
    children = dict((a.code, f) for a, f in child_stats(league, league_area(), 2016))
    assert children["152223"].poor_persons == 3
    assert children["152201"].poor_persons == 5

    village_user = make_user("village_team", CHANGFA)
    assert area_stats(village_user, CHANGFA, 2016).poor_persons == 3
    with pytest.raises(Exception) as excinfo:
        area_stats(village_user, ZHALAITE, 2016)
    assert excinfo.typename == "Http404"


def league_area():
    from fupin.areas.models import Area

    return Area.objects.get(pk=LEAGUE)


def test_overview_page_shows_the_selector_figures_and_drills_down(client, league):
    make_household(CHANGFA, members=3, year=2016)
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get(f"/areas/{ZHALAITE}/?year=2016")
    assert response.status_code == 200
    assert response.context["stats"].poor_persons == 3
    assert [a.code for a, _ in response.context["children"]][:1] == ["152223100"]
    assert response.context["stats"] == area_stats(league, ZHALAITE, 2016)
    assert client.get(f"/areas/{LEAGUE}/").status_code == 404


def test_area_browser_counts_households_per_node(client):
    make_household(CHANGFA, members=3)
    make_household(CHANGFA, members=1)
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get("/areas/")
    assert response.status_code == 200
    [root] = response.context["roots"]
    assert (root["area"].code, root["households"]) == (ZHALAITE, 2)
    response = client.get(f"/areas/{ZHALAITE}/children/")
    nodes = {n["area"].code: n for n in response.context["nodes"]}
    assert nodes["152223100"]["households"] == 2
    assert client.get("/areas/152201/children/").status_code == 404


def test_county_boundaries_are_served(client):
    response = client.get("/maps/counties.geojson")
    assert response.status_code == 200
    import json

    data = json.loads(b"".join(response.streaming_content))
    assert {f["properties"]["code"] for f in data["features"]} == {
        "152201", "152202", "152221", "152222", "152223", "152224"
    }  # fmt: skip


def test_overview_warns_of_households_at_risk_of_relapse(client):
    import datetime

    from fupin.assessment.models import MonitoredHousehold, RuleSet

    household = make_household(CHANGFA, members=2, year=2016, status=Status.EXITED)
    MonitoredHousehold.objects.create(
        household=household, village_id=CHANGFA, kind=MonitoredHousehold.Kind.UNSTABLE,
        year=2016, flagged_on=datetime.date(2017, 3, 1), rule_set=RuleSet.current(),
        reasons=["人均纯收入低于贫困线的1.5倍"],
    )  # fmt: skip
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get(f"/areas/{ZHALAITE}/")
    assert response.context["at_risk"] == 1
    assert "monitoring-alert" in response.content.decode()
    client.force_login(make_user("county_office", "152201"))
    assert client.get("/areas/152201/").context["at_risk"] == 0
