"""``/api/areas/<code>/poor-villages/?year=Y``: the counts and the list, through the scope."""

import datetime

import pytest

from fupin.areas.models import Area
from fupin.villages.models import PoorVillageDesignation
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, ZHALAITE, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def designated():
    for code, year, exit_year in (
        (CHANGFA, 2014, 2016),
        (SHUANGYUSHU, 2014, None),
        (HADANALA, 2015, 2017),
    ):
        PoorVillageDesignation.objects.create(
            village_id=code,
            year=year,
            designated_on=datetime.date(year, 6, 1),
            source="认定文件",
            exit_year=exit_year,
        )


@pytest.mark.parametrize(
    ("code", "year", "counts"),
    [
        ("1522", 2014, (2, 0, 2)),
        ("1522", 2015, (3, 0, 3)),
        ("1522", 2016, (3, 1, 2)),
        ("1522", 2017, (3, 2, 1)),
        (ZHALAITE, 2017, (2, 1, 1)),
    ],
)
def test_the_counts_by_year(client, designated, code, year, counts):
    client.force_login(make_user("league_hq", "1522"))
    data = client.get(f"/api/areas/{code}/poor-villages/?year={year}").json()
    assert (data["designated"], data["exited"], data["remaining"]) == counts
    assert len(data["villages"]) == counts[0]


def test_the_list(client, designated):
    client.force_login(make_user("league_hq", "1522"))
    data = client.get(f"/api/areas/{ZHALAITE}/poor-villages/?year=2016").json()
    assert data["villages"][0] == {
        "code": CHANGFA,
        "name": Area.objects.get(pk=CHANGFA).name,
        "designated_year": 2014,
        "exit_year": 2016,
    }


def test_the_scope(client, designated):
    client.force_login(make_user("county_office", ZHALAITE))
    data = client.get("/api/areas/1522/poor-villages/?year=2017")
    assert data.status_code == 404
    data = client.get(f"/api/areas/{ZHALAITE}/poor-villages/?year=2017").json()
    assert data["designated"] == 2
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{CHANGFA}/poor-villages/?year=2017").status_code == 404


def test_a_bad_year_is_refused(client, designated):
    client.force_login(make_user("league_hq", "1522"))
    assert client.get("/api/areas/1522/poor-villages/?year=abc").status_code == 400


def test_the_list_page(client, designated):
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/villages/?area={ZHALAITE}&year=2016")
    assert page.status_code == 200
    assert 'data-count="designated">2<' in page.text
    assert 'data-count="exited">1<' in page.text
