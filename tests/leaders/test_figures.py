"""The selector's figures against counts made here from the rows, at every level and year;
the API gives the same numbers; a user sees only the scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.leaders.models import EntrepreneurLeader, LeaderIncome, LeaderLink
from fupin.leaders.selectors import leader_figures, leader_table
from fupin.registry.models import Household
from tests.factories import CHANGFA, HADANALA, LEAGUE, SHUANGYUSHU, YINDEER, ZHALAITE, make_user
from tests.leaders.helpers import build

pytestmark = pytest.mark.django_db


def _independent(code: str, year: int) -> dict:
    """Count from the rows in Python: no selector, no SQL grouping."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    leaders = [
        leader
        for leader in EntrepreneurLeader.objects.all()
        if leader.area_id.startswith(code) and (leader.since is None or leader.since <= last)
    ]
    households = {
        link.household_id
        for link in LeaderLink.objects.all()
        if link.village_id.startswith(code)
        and link.since <= last
        and (link.until is None or link.until >= first)
    }
    persons = sum(Household.objects.get(pk=pk).members_count for pk in households)
    income = sum(
        (
            i.amount
            for i in LeaderIncome.objects.all()
            if i.year == year and i.village_id.startswith(code)
        ),
        Decimal("0.00"),
    )
    return {
        "leaders": len(leaders),
        "households": len(households),
        "persons": persons,
        "income": income,
    }


@pytest.mark.parametrize("year", [2014, 2015, 2016, 2017])
@pytest.mark.parametrize("code", [LEAGUE, ZHALAITE, YINDEER, CHANGFA, SHUANGYUSHU, HADANALA])
def test_figures_equal_an_independent_count(code, year):
    build()
    admin = make_user("league_hq", LEAGUE)
    figures = leader_figures(admin, Area.objects.get(pk=code), year).total.as_dict()
    assert figures == _independent(code, year)


def test_a_household_of_two_leaders_counts_once_and_ended_links_do_not_count():
    data = build()
    admin = make_user("league_hq", LEAGUE)
    result = leader_figures(admin, Area.objects.get(pk=ZHALAITE), 2016)
    # h1 (two leaders) once, h2; h3's link ended in 2015, h4's starts in 2017.
    assert result.total.households == 2
    assert result.total.persons == 3 + 2
    assert result.total.income == Decimal("7700.75")
    assert result.total.leaders == 2
    rows = {child.code: f for child, f in result.rows}
    assert rows[YINDEER].households == 2 and rows[YINDEER].leaders == 1
    assert rows["152223104"].households == 0 and rows["152223104"].leaders == 1
    in_2015 = leader_figures(admin, Area.objects.get(pk=ZHALAITE), 2015).total
    assert (in_2015.households, in_2015.leaders) == (2, 1)  # h1 and h3; 李带头 began 2016
    assert leader_figures(admin, Area.objects.get(pk=ZHALAITE), 2017).total.households == 3
    table = {leader.pk: leader for leader in leader_table(admin, ZHALAITE, 2016)}
    a, b, _c = data["leaders"]
    assert (table[a.pk].n_households, table[a.pk].income) == (2, Decimal("6700.75"))
    assert (table[b.pk].n_households, table[b.pk].income) == (1, Decimal("1000.00"))


def test_a_village_user_sees_only_the_village():
    data = build()
    _a, b, _c = data["leaders"]
    user = make_user("village_team", SHUANGYUSHU)
    result = leader_figures(user, Area.objects.get(pk=SHUANGYUSHU), 2016)
    # 李带头 is of 双榆树; the 长发村 household he drives is not this user's to count.
    assert (result.total.leaders, result.total.households, result.total.income) == (
        1,
        0,
        Decimal("0.00"),
    )
    row = leader_table(user, SHUANGYUSHU, 2016).get(pk=b.pk)
    assert (row.n_households, row.income) == (0, Decimal("0.00"))


def test_api_gives_the_selector_numbers(client):
    build()
    client.force_login(make_user("league_hq", LEAGUE))
    body = client.get(f"/api/areas/{ZHALAITE}/leaders/?year=2016").json()
    assert (body["leaders"], body["households"], body["persons"]) == (2, 2, 5)
    assert body["income_yuan"] == "7700.75"
    assert {row["code"]: row["households"] for row in body["areas"]} == {
        YINDEER: 2,
        "152223104": 0,
    }
    league = client.get(f"/api/areas/{LEAGUE}/leaders/?year=2016").json()
    assert league == {**league, **_api(_independent(LEAGUE, 2016))}
    # Default year: the one before the as-of day.
    assert client.get(f"/api/areas/{ZHALAITE}/leaders/").json()["year"] == 2016
    assert client.get(f"/api/areas/{ZHALAITE}/leaders/?year=x").status_code == 400


def _api(figures):
    return {
        "leaders": figures["leaders"],
        "households": figures["households"],
        "persons": figures["persons"],
        "income_yuan": str(figures["income"]),
    }


def test_api_outside_the_scope_is_404(client):
    build()
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{CHANGFA}/leaders/?year=2016").status_code == 404
    own = client.get(f"/api/areas/{HADANALA}/leaders/?year=2016").json()
    assert (own["leaders"], own["households"], own["income_yuan"]) == (1, 1, "700.00")
