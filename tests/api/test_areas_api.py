"""The areas API: scoped lists, one area, and the yearly figures from THE selector."""

from decimal import Decimal

import pytest
from django.test import Client

from fupin.accounts.models import Role, User
from fupin.areas.api import MSG_BAD_CODE, MSG_BAD_LEVEL, MSG_BAD_YEAR, YEAR_MAX, YEAR_MIN
from fupin.areas.models import Area, Level, RuralPopulation
from fupin.registry import codes
from fupin.registry.stats import STAT_KEYS, area_stats
from tests.factories import (
    CHANGFA,
    HADANALA,
    SHUANGYUSHU,
    YINDEER,
    ZHALAITE,
    make_household,
    make_user,
)

from .helpers import client_for, get_json

pytestmark = pytest.mark.django_db

AREAS = "/api/areas/"


def stats_url(code: str) -> str:
    return f"/api/areas/{code}/stats/"


def test_anonymous_request_is_refused():
    for url in (AREAS, f"{AREAS}{CHANGFA}/", stats_url(CHANGFA)):
        assert Client().get(url).status_code in (401, 403)


def test_village_user_lists_only_its_village():
    data = get_json(client_for(make_user(code=CHANGFA)), AREAS)
    assert data["count"] == 1
    assert data["results"] == [
        {
            "code": CHANGFA,
            "name": Area.objects.get(pk=CHANGFA).name,
            "level": Level.VILLAGE,
            "level_label": "嘎查村",
            "parent": YINDEER,
            "participates": True,
        }
    ]


def test_user_without_role_sees_no_area():
    user = User.objects.create_user(username="nobody", password="pw-test-123")
    assert get_json(client_for(user), AREAS)["count"] == 0


def test_list_filters_by_parent_and_level():
    client = client_for(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    villages = get_json(client, AREAS, parent=YINDEER, page_size=500)
    expected = list(
        Area.objects.filter(parent_id=YINDEER).order_by("code").values_list("code", flat=True)
    )
    assert [a["code"] for a in villages["results"]] == expected
    assert CHANGFA in expected

    townships = get_json(client, AREAS, level=Level.TOWNSHIP, page_size=500)
    assert (
        townships["count"]
        == Area.objects.filter(level=Level.TOWNSHIP, code__startswith=ZHALAITE).count()
    )
    assert all(a["code"].startswith(ZHALAITE) for a in townships["results"])


def test_list_filter_outside_scope_is_empty():
    client = client_for(make_user(code=CHANGFA))
    assert get_json(client, AREAS, parent="152201")["count"] == 0


def test_list_is_paginated():
    client = client_for(make_user(Role.LEAGUE_HQ, "1522"))
    data = get_json(client, AREAS)
    assert data["count"] == Area.objects.filter(code__startswith="1522").count()
    assert len(data["results"]) == 50
    assert data["next"]


def test_bad_filters_answer_400_in_chinese():
    client = client_for(make_user(code=CHANGFA))
    assert get_json(client, AREAS, 400, level="kingdom")["level"] == [
        MSG_BAD_LEVEL % {"choices": "、".join(Level.values)}
    ]
    assert get_json(client, AREAS, 400, parent="15x2")["parent"] == [MSG_BAD_CODE]


def test_one_area_in_scope():
    client = client_for(make_user(Role.TOWNSHIP_OFFICER, YINDEER))
    data = get_json(client, f"{AREAS}{CHANGFA}/")
    assert data["code"] == CHANGFA
    assert data["parent"] == YINDEER


def test_area_out_of_scope_is_404_like_a_missing_one():
    client = client_for(make_user(code=SHUANGYUSHU))
    out_of_scope = client.get(f"{AREAS}{CHANGFA}/")
    missing = client.get(f"{AREAS}152223104999/")  # no such village
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    # The parents of the user's own village are out of scope too.
    assert client.get(f"{AREAS}{YINDEER}/").status_code == 404


def test_stats_out_of_scope_is_404():
    make_household(CHANGFA, members=3)
    client = client_for(make_user(code=SHUANGYUSHU))
    assert client.get(stats_url(CHANGFA), {"year": 2016}).status_code == 404
    assert client.get(stats_url(YINDEER)).status_code == 404


def test_stats_equal_the_selector():
    make_household(CHANGFA, members=3, year=2016)
    make_household(CHANGFA, members=2, year=2016)
    make_household(CHANGFA, members=4, year=2016, status=codes.Status.EXITED)
    make_household(HADANALA, members=6, year=2016)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2015, population=400)
    user = make_user(code=CHANGFA)

    data = get_json(client_for(user), stats_url(CHANGFA), year=2016)

    assert data["poor_persons"] == 5
    assert data["poor_households"] == 2
    assert data["rural_population"] == 400
    assert data["incidence"] == 1.25  # a number (percent), not a string
    expected = area_stats(user, CHANGFA, 2016)
    for key in STAT_KEYS:
        value = getattr(expected, key)
        assert data[key] == (float(value) if isinstance(value, Decimal) else value), key
    assert data["code"] == CHANGFA
    assert data["name"] == Area.objects.get(pk=CHANGFA).name
    assert data["year"] == 2016
    assert data["children"] == []


def test_stats_children_of_a_township():
    make_household(CHANGFA, members=3, year=2016)
    make_household(CHANGFA, members=2, year=2016)
    user = make_user(Role.TOWNSHIP_OFFICER, YINDEER)

    data = get_json(client_for(user), stats_url(YINDEER), year=2016)

    assert data["poor_persons"] == 5
    children = {c["code"]: c for c in data["children"]}
    assert set(children) == set(
        Area.objects.filter(parent_id=YINDEER).values_list("code", flat=True)
    )
    changfa = children[CHANGFA]
    assert changfa["poor_persons"] == 5
    assert changfa["poor_households"] == 2
    assert changfa["incidence"] is None  # no rural population recorded
    assert set(changfa) == {"code", "name", *STAT_KEYS}
    assert sum(c["poor_persons"] for c in data["children"]) == 5


def test_stats_year_defaults_to_the_current_year():
    make_household(CHANGFA, members=3, year=2017)
    data = get_json(client_for(make_user(code=CHANGFA)), stats_url(CHANGFA))
    assert data["year"] == 2017  # FUPIN_AS_OF is 2017-06-30 in tests
    assert data["poor_persons"] == 3


@pytest.mark.parametrize("year", ["abc", "17", "1999", "2101", "2016.5"])
def test_stats_bad_year_is_400_in_chinese(year):
    client = client_for(make_user(code=CHANGFA))
    data = get_json(client, stats_url(CHANGFA), 400, year=year)
    assert data == {"year": [MSG_BAD_YEAR % {"low": YEAR_MIN, "high": YEAR_MAX}]}


def test_missing_area_is_404_for_everyone():
    admin = User.objects.create_superuser(username="root", password="pw-test-123")
    client = client_for(admin)
    data = get_json(client, f"{AREAS}152223104999/", 404)
    assert data == {"detail": "区划不存在或不在您的权限范围内"}
    assert client.get(stats_url("152223104999")).status_code == 404
    assert get_json(client, f"{AREAS}{CHANGFA}/")["code"] == CHANGFA
