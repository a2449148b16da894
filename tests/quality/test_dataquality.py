"""Data-quality figures: the selector, the API on hand-built flags, scope, and the page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fupin.accounts.models import Role
from fupin.areas.models import Area, Level
from fupin.quality import dataquality, recheck
from fupin.quality.models import Flag
from fupin.registry import codes
from fupin.registry.models import Member
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, make_household, make_user

D = datetime.date


def _flag(household, kind, status=Flag.Status.OPEN, rule="r", n=[0]):  # noqa: B006
    n[0] += 1
    return Flag.objects.create(
        kind=kind,
        rule_code=rule,
        match_key=str(n[0]),
        village_id=household.village_id,
        household=household,
        reason="x",
        year=2017,
        raised_on=D(2017, 6, 30),
        status=status,
    )


@pytest.fixture
def flagged(db):
    changfa = [make_household(CHANGFA, year=2017) for _ in range(4)]
    shuang = make_household(SHUANGYUSHU, year=2017)
    hadanala = make_household(HADANALA, year=2017)
    _flag(changfa[0], Flag.Kind.DUPLICATE, rule="dup_name_birth_county")
    _flag(changfa[1], Flag.Kind.RECHECK, rule="recheck_labour")
    _flag(changfa[2], Flag.Kind.RECHECK, Flag.Status.CONFIRMED, rule="recheck_labour")
    _flag(shuang, Flag.Kind.COMPARISON, Flag.Status.DISMISSED, rule="death")
    _flag(hadanala, Flag.Kind.COMPARISON, rule="death")
    return changfa


def test_quality_index_formula():
    assert dataquality.quality_index(Decimal(0), 10) == 100
    assert dataquality.quality_index(Decimal("0.5"), 10) == 50
    assert dataquality.quality_index(Decimal(3), 10) == 0
    assert dataquality.quality_index(Decimal(1), 0) == 0
    assert dataquality.quality_index(Decimal(0), 0) is None


def test_api_rolls_flags_up_to_the_county_and_its_townships(flagged):
    client = Client()
    client.force_login(make_user(Role.LEAGUE_HQ, "1522"))
    data = client.get("/api/areas/152223/data-quality/?year=2017").json()
    area = data["area"]
    assert (area["flags_open"], area["flags_confirmed"], area["flags_dismissed"]) == (2, 1, 1)
    assert area["duplicates_open"] == 1 and area["households"] == 5
    # weighted open: 1 (duplicate) + 0.5 (re-check) over 5 households
    assert Decimal(area["quality_index"]) == Decimal("0.0")
    assert area["rule_counts"] == {"dup_name_birth_county": 1, "recheck_labour": 1}
    rows = {c["code"]: c for c in data["children"]}
    assert rows["152223100"]["flags_open"] == 2 and rows["152223100"]["households"] == 4
    assert rows["152223104"]["flags_dismissed"] == 1
    assert Decimal(rows["152223104"]["quality_index"]) == 100
    rules = {r["rule_code"]: r for r in data["rules"]}
    assert rules["recheck_labour"]["open"] == 1 and rules["recheck_labour"]["total"] == 2
    assert rules["recheck_labour"]["label"] == "劳动年龄未填劳动技能"
    league = client.get("/api/areas/1522/data-quality/?year=2017").json()["area"]
    assert league["flags_open"] == 3
    assert client.get("/api/areas/1522/data-quality/?year=2016").json()["area"]["flags_open"] == 0


def test_another_countys_user_sees_nothing(flagged):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, "152201"))
    assert client.get("/api/areas/152223/data-quality/?year=2017").status_code == 404
    own = client.get("/api/areas/152201/data-quality/?year=2017").json()["area"]
    assert own["flags_open"] == 1 and own["duplicates_open"] == 0
    league = client.get("/api/areas/1522/data-quality/?year=2017")
    assert league.status_code == 404


def test_bad_year_is_a_400(flagged):
    client = Client()
    client.force_login(make_user(Role.LEAGUE_HQ, "1522"))
    assert client.get("/api/areas/1522/data-quality/?year=abc").status_code == 400


def test_recheck_counts_per_rule_in_the_figures(db):
    household = make_household(CHANGFA, year=2017, members=3)
    Member.objects.filter(household=household, relation=codes.Relation.SPOUSE).update(
        birth_date=D(1910, 1, 1)
    )
    make_household(HADANALA, year=2017, members=3)
    Member.objects.filter(village_id=HADANALA, relation=codes.Relation.SPOUSE).update(
        birth_date=D(1911, 1, 1)
    )
    recheck.recheck_run(day=D(2017, 6, 30), duplicates=False)
    user = make_user(Role.COUNTY_OFFICE, "152223")
    figures = dataquality.data_quality(user, "152223", 2017)
    assert figures.recheck_day == "2017-06-30"
    assert figures.recheck_counts == {recheck.R_OVER_100: 1}
    league = dataquality.data_quality(make_user(Role.LEAGUE_HQ, "1522"), "1522", 2017)
    assert league.recheck_counts == {recheck.R_OVER_100: 2}


def test_county_indexes(flagged):
    user = make_user(Role.LEAGUE_HQ, "1522")
    indexes = dataquality.county_indexes(user, ["152223", "152201"], 2017)
    assert indexes == {"152223": Decimal("0.0"), "152201": Decimal("0.0")}


def test_county_indexes_agree_with_each_countys_page_in_two_queries(flagged):
    # Enough households for indexes strictly between 0 and 100 (a flag counts 10 % of 100
    # households), and a county of another league, as a province's war map lists them.
    for _ in range(36):
        make_household(SHUANGYUSHU, year=2017)
    for _ in range(19):
        make_household(HADANALA, year=2017)
    province, _ = Area.objects.get_or_create(
        code="15", defaults={"name": "内蒙古自治区", "level": Level.PROVINCE}
    )
    league = Area.objects.create(
        code="1501", name="呼和浩特市", level=Level.PREFECTURE, parent=province
    )
    Area.objects.create(code="150102", name="新城区", level=Level.COUNTY, parent=league)
    admin = make_user(Role.LEAGUE_HQ, "15")
    counties = ["152223", "152201", "150102"]
    dataquality.county_indexes(admin, counties[:1], 2017)  # the user's scope, read once
    with CaptureQueriesContext(connection) as queries:
        indexes = dataquality.county_indexes(admin, counties, 2017)
    assert len(queries) == 2
    pages = {c: dataquality.data_quality(admin, c, 2017).area.quality_index for c in counties}
    assert indexes == pages
    assert Decimal(0) < indexes["152223"] < 100 and Decimal(0) < indexes["152201"] < 100
    assert indexes["150102"] is None


def test_the_page_lists_children_and_rules(flagged):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, "152223"))
    response = client.get("/data-quality/?area=152223&year=2017")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-code="152223100"' in page and "劳动年龄未填劳动技能" in page
    # every producer's rule reads by its name, the comparison's too
    assert "同一旗县姓名、出生日期相同" in page and "成员已死亡" in page
    assert ">dup_name_birth_county<" not in page and ">death<" not in page
    assert client.get("/data-quality/?area=152201").status_code == 404
