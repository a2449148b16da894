"""The leadership-team structure selector against hand-built people: exact shares and
changes, the age and grassroots boundaries, each person counted once, scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from fupin.cadres import selectors
from tests.factories import CHANGFA, YINDEER, ZHALAITE, make_user

from .helpers import born, make_cadre, make_post

pytestmark = pytest.mark.django_db

D1 = datetime.date(2015, 6, 30)
D2 = datetime.date(2017, 6, 30)
OTHER_TOWNSHIP = "152223101"  # another township of 扎赉特旗
TL = "township_leader"


def _leader(area, day_start, day_end=None, *, age_on=None, education="bachelor", before=0):
    age, on = age_on
    cadre = make_cadre(area, birth=born(age, on), education=education, before=before)
    make_post(cadre, TL, area, day_start, day_end)
    return cadre


def test_shares_and_changes_are_exact():
    start1, end1 = datetime.date(2011, 10, 1), datetime.date(2016, 9, 30)
    start2 = datetime.date(2016, 10, 1)
    # First term (serving on D1): 4 people, 1 under 35, 2 college, 2 with 2+ years.
    _leader(YINDEER, start1, end1, age_on=(30, D1))
    _leader(YINDEER, start1, end1, age_on=(50, D1), education="senior")
    _leader(YINDEER, datetime.date(2014, 7, 1), end1, age_on=(45, D1), education="senior")
    _leader(YINDEER, datetime.date(2015, 1, 1), end1, age_on=(40, D1), before=1)
    # Second term (serving on D2): 5 people, 2 under 35, 4 college, 4 with 2+ years.
    _leader(YINDEER, start2, age_on=(34, D2), before=2)
    _leader(YINDEER, start2, age_on=(31, D2), before=3)
    _leader(YINDEER, start2, age_on=(35, D2), before=5)
    _leader(YINDEER, start2, age_on=(42, D2), before=1.5)  # 1.5 + 0.74 years
    _leader(YINDEER, start2, age_on=(38, D2), education="secondary", before=0.5)
    admin = make_user("league_hq", "1522")
    data = selectors.team_structure(admin, ZHALAITE, "township", D1, D2)
    assert data["people"] == {"from": 4, "to": 5}
    under = data["under_35"]
    assert (under["count_from"], under["count_to"]) == (1, 2)
    assert (under["from"], under["to"]) == (Decimal("25.00"), Decimal("40.00"))
    assert under["change_pp"] == Decimal("15.00")
    assert under["change_relative"] == Decimal("60.00")
    college = data["college"]
    assert (college["from"], college["to"]) == (Decimal("50.00"), Decimal("80.00"))
    assert college["change_relative"] == Decimal("60.00")
    grassroots = data["grassroots_2y"]
    # D1: the 2011 pair (3.7 years); not the 2014-07 one (0.99) nor 2015-01 (1 + 0.49).
    assert grassroots["count_from"] == 2
    assert grassroots["count_to"] == 4
    around = data["around_40"]
    assert (around["count_from"], around["count_to"]) == (1, 2)  # 40; 42 and 38
    assert around["change_pp"] == Decimal("15.00")


def test_change_relative_is_null_when_the_first_share_is_zero():
    _leader(YINDEER, datetime.date(2016, 1, 1), age_on=(30, D2))
    admin = make_user("league_hq", "1522")
    data = selectors.team_structure(admin, YINDEER, "township", D1, D2)
    assert data["people"] == {"from": 0, "to": 1}
    assert data["under_35"]["from"] is None
    assert data["under_35"]["change_relative"] is None
    assert data["under_35"]["to"] == Decimal("100.00")


def test_age_boundaries():
    day = D2
    for age in (34, 35, 37, 38, 42, 43):
        _leader(YINDEER, datetime.date(2016, 1, 1), age_on=(age, day))
    snapshot = selectors.structure_snapshot(
        make_user("league_hq", "1522"), YINDEER, "township", day
    )
    assert snapshot.counts["under_35"] == 1
    assert snapshot.counts["around_40"] == 2
    assert selectors.age_at(born(35, day), day) == 35
    assert selectors.age_at(born(35, day) + datetime.timedelta(days=1), day) == 34


def test_a_person_with_two_posts_counts_once_and_overlaps_count_once():
    cadre = _leader(YINDEER, datetime.date(2016, 1, 1), age_on=(40, D2))
    make_post(cadre, TL, YINDEER, datetime.date(2016, 6, 1), title="人大主席")
    snapshot = selectors.structure_snapshot(make_user("league_hq", "1522"), YINDEER, "township", D2)
    assert snapshot.people == 1
    # 2016-01-01 … 2017-06-30 once (547 days), not 547 + 395.
    years = selectors.grassroots_years(
        type(cadre).objects.filter(pk=cadre.pk).values("pk"), D2, {cadre.pk: 0}
    )
    assert years[cadre.pk] * 36525 == 547 * 100


def test_village_posts_count_as_grassroots_county_posts_do_not():
    cadre = make_cadre(ZHALAITE, birth=born(45, D2), before=Decimal("0.5"))
    make_post(
        cadre, "first_secretary", CHANGFA, datetime.date(2015, 1, 1), datetime.date(2015, 12, 31)
    )
    make_post(cadre, "county_leader", ZHALAITE, datetime.date(2016, 1, 1))
    assert selectors.cadre_grassroots_years(cadre, D2) == Decimal("1.5")


def test_county_level_takes_county_leaders_of_the_area_only():
    cadre = make_cadre(ZHALAITE, birth=born(40, D2))
    make_post(cadre, "county_leader", ZHALAITE, datetime.date(2016, 10, 1))
    other = make_cadre("152224", birth=born(40, D2))
    make_post(other, "county_leader", "152224", datetime.date(2016, 10, 1))
    admin = make_user("league_hq", "1522")
    assert selectors.team_structure(admin, "1522", "county", D1, D2)["people"]["to"] == 2
    assert selectors.team_structure(admin, ZHALAITE, "county", D1, D2)["people"]["to"] == 1
    assert selectors.team_structure(admin, ZHALAITE, "township", D1, D2)["people"]["to"] == 0


def test_scope_limits_the_teams_counted():
    _leader(YINDEER, datetime.date(2016, 1, 1), age_on=(30, D2))
    _leader(OTHER_TOWNSHIP, datetime.date(2016, 1, 1), age_on=(30, D2))
    township_user = make_user("township_officer", YINDEER)
    # The county is outside the township user's scope: the API answers 404 …
    data = selectors.team_structure(township_user, ZHALAITE, "township", D1, D2)
    # … and the selector, asked directly, counts only what the scope reaches.
    assert data["people"]["to"] == 1


def test_queries_do_not_grow_with_the_people(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user("organization", "1522"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/areas/1522/team-structure/").status_code == 200
        return len(queries)

    for _ in range(3):
        _leader(YINDEER, datetime.date(2014, 1, 1), age_on=(30, D2))
    few = count()
    for _ in range(30):
        _leader(OTHER_TOWNSHIP, datetime.date(2014, 1, 1), age_on=(40, D2))
    assert count() == few
