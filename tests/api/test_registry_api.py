"""The households API: scope, filters, search, detail, query counts, token authentication."""

from decimal import Decimal

import pytest
from django.test import Client

from fupin.accounts.models import ApiToken, Role
from fupin.accounts.tokens import hash_key
from fupin.areas.api import MSG_BAD_CODE, MSG_BAD_YEAR, YEAR_MAX, YEAR_MIN
from fupin.areas.models import Area
from fupin.registry import codes
from fupin.registry.api import MSG_BAD_ATTRIBUTE, MSG_BAD_CAUSE, MSG_BAD_STATUS, MSG_NOT_FOUND
from fupin.registry.models import Household, IncomeRecord, StatusRecord
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

HOUSEHOLDS = "/api/households/"


def detail_url(household) -> str:
    return f"{HOUSEHOLDS}{household.pk}/"


def numbers(data) -> set[str]:
    return {row["number"] for row in data["results"]}


@pytest.fixture
def three_villages():
    """Two households in 长发村, one in 双榆树 (same county), one in 哈达那拉 (another one)."""
    return {
        "changfa": [make_household(CHANGFA, members=3), make_household(CHANGFA, members=2)],
        "shuangyushu": make_household(SHUANGYUSHU),
        "hadanala": make_household(HADANALA),
    }


def test_anonymous_request_is_refused(three_villages):
    household = three_villages["shuangyushu"]
    for url in (HOUSEHOLDS, detail_url(household)):
        assert Client().get(url).status_code in (401, 403)


def test_village_user_sees_only_its_households(three_villages):
    data = get_json(client_for(make_user(code=CHANGFA)), HOUSEHOLDS)
    assert data["count"] == 2
    assert numbers(data) == {h.number for h in three_villages["changfa"]}


def test_county_user_sees_its_county(three_villages):
    data = get_json(client_for(make_user(Role.COUNTY_OFFICE, ZHALAITE)), HOUSEHOLDS)
    assert data["count"] == 3
    assert three_villages["hadanala"].number not in numbers(data)


def test_list_item_fields(three_villages):
    household = three_villages["changfa"][0]
    data = get_json(client_for(make_user(code=CHANGFA)), HOUSEHOLDS, search=household.number)
    assert data["results"] == [
        {
            "id": household.pk,
            "number": household.number,
            "village_code": CHANGFA,
            "village_name": household.village.name,
            "head_name": household.head_name,
            "members_count": 3,
            "attribute": codes.Attribute.GENERAL,
            "attribute_label": "一般贫困户",
            "main_cause": codes.Cause.CAPITAL,
            "main_cause_label": "缺资金",
            "status": codes.Status.POOR,
            "status_label": "未脱贫",
            "identified_year": 2014,
            "exit_year": None,
            "planned_exit_year": None,
        }
    ]


def test_exited_household_shows_the_exited_attribute_label():
    make_household(CHANGFA, status=codes.Status.EXITED, exit_year=2016)
    [row] = get_json(client_for(make_user(code=CHANGFA)), HOUSEHOLDS)["results"]
    assert row["attribute_label"] == "一般脱贫户"
    assert row["status_label"] == "已脱贫"
    assert row["exit_year"] == 2016


def test_another_village_gets_404_for_a_changfa_household(three_villages):
    household = three_villages["changfa"][0]
    client = client_for(make_user(code=SHUANGYUSHU))
    out_of_scope = client.get(detail_url(household))
    missing = client.get(f"{HOUSEHOLDS}{Household.objects.order_by('-pk').first().pk + 1000}/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json() == {"detail": MSG_NOT_FOUND}


def test_filter_by_another_area_is_empty(three_villages):
    client = client_for(make_user(code=SHUANGYUSHU))
    for code in (CHANGFA, YINDEER, HADANALA, "152201"):
        assert get_json(client, HOUSEHOLDS, area=code)["count"] == 0
    assert get_json(client, HOUSEHOLDS, area=SHUANGYUSHU)["count"] == 1


def test_filter_by_area_is_a_code_prefix(three_villages):
    client = client_for(make_user(Role.LEAGUE_HQ, "1522"))
    assert get_json(client, HOUSEHOLDS)["count"] == 4
    assert get_json(client, HOUSEHOLDS, area=ZHALAITE)["count"] == 3
    assert get_json(client, HOUSEHOLDS, area=YINDEER)["count"] == 2
    assert numbers(get_json(client, HOUSEHOLDS, area="152201")) == {
        three_villages["hadanala"].number
    }


def test_filter_by_year_and_status():
    stayed_poor = make_household(CHANGFA, year=2015)
    StatusRecord.objects.create(
        household=stayed_poor,
        village_id=CHANGFA,
        year=2016,
        status=codes.Status.POOR,
        attribute=stayed_poor.attribute,
        members_count=3,
    )
    exited = make_household(CHANGFA, year=2015, status=codes.Status.EXITED, exit_year=2016)
    StatusRecord.objects.create(
        household=exited,
        village_id=CHANGFA,
        year=2016,
        status=codes.Status.EXITED,
        attribute=exited.attribute,
        members_count=3,
    )
    StatusRecord.objects.filter(household=exited, year=2015).update(status=codes.Status.POOR)
    only_2016 = make_household(CHANGFA, year=2016)
    client = client_for(make_user(code=CHANGFA))

    def listed(**params):
        return numbers(get_json(client, HOUSEHOLDS, **params))

    assert listed(year=2015) == {stayed_poor.number, exited.number}
    assert listed(year=2015, status="poor") == {stayed_poor.number, exited.number}
    assert listed(year=2016, status="poor") == {stayed_poor.number, only_2016.number}
    assert listed(year=2016, status="exited") == {exited.number}
    assert listed(year=2014) == set()
    # Without a year, the status is the household's current one.
    assert listed(status="exited") == {exited.number}


def test_filter_by_attribute_and_cause():
    low_income = make_household(CHANGFA, attribute=codes.Attribute.LOW_INCOME)
    ill = make_household(CHANGFA, main_cause=codes.Cause.ILLNESS)
    also_ill = make_household(
        CHANGFA, main_cause=codes.Cause.LABOUR, other_causes=["disaster", "illness"]
    )
    client = client_for(make_user(code=CHANGFA))

    def listed(**params):
        return numbers(get_json(client, HOUSEHOLDS, **params))

    assert listed(attribute="low_income") == {low_income.number}
    assert listed(cause="illness") == {ill.number, also_ill.number}
    assert listed(cause="disaster") == {also_ill.number}
    assert listed(cause="labour") == {also_ill.number}
    assert listed(cause="water") == set()
    assert listed(attribute="general", cause="illness") == {ill.number, also_ill.number}


def test_search_by_member_name_id_number_and_household_number():
    target = make_household(CHANGFA, head_name="乌力吉·巴特尔", number="1522231002340099")
    other = make_household(CHANGFA, head_name="张三")
    spouse = target.members.get(relation=codes.Relation.SPOUSE)
    spouse.name = "萨仁高娃"
    spouse.save()
    client = client_for(make_user(code=CHANGFA))

    def listed(search):
        return numbers(get_json(client, HOUSEHOLDS, search=search))

    assert listed("巴特尔") == {target.number}
    assert listed("萨仁") == {target.number}  # any member, not only the head
    assert listed(spouse.id_number) == {target.number}
    assert listed(spouse.id_number.lower()) == {target.number}
    assert listed("0099") == {target.number}
    assert listed("张三") == {other.number}
    assert listed("不存在的人") == set()


def test_search_never_reaches_out_of_scope():
    outside = make_household(HADANALA, head_name="乌力吉")
    client = client_for(make_user(code=CHANGFA))
    assert get_json(client, HOUSEHOLDS, search="乌力吉")["count"] == 0
    assert get_json(client, HOUSEHOLDS, search=outside.number)["count"] == 0


@pytest.mark.parametrize(
    ("params", "key", "message"),
    [
        ({"year": "20x6"}, "year", MSG_BAD_YEAR % {"low": YEAR_MIN, "high": YEAR_MAX}),
        (
            {"status": "rich"},
            "status",
            MSG_BAD_STATUS % {"choices": "、".join(codes.Status.values)},
        ),
        (
            {"attribute": "x"},
            "attribute",
            MSG_BAD_ATTRIBUTE % {"choices": "、".join(codes.Attribute.values)},
        ),
        ({"cause": "因病"}, "cause", MSG_BAD_CAUSE % {"choices": "、".join(codes.Cause.values)}),
        ({"area": "长发村"}, "area", MSG_BAD_CODE),
    ],
)
def test_bad_filters_answer_400_in_chinese(params, key, message):
    client = client_for(make_user(code=CHANGFA))
    assert get_json(client, HOUSEHOLDS, 400, **params) == {key: [message]}


def test_detail_has_members_incomes_and_statuses():
    household = make_household(
        CHANGFA,
        members=3,
        year=2016,
        other_causes=["illness"],
        income={
            "year": 2016,
            "wage_income": Decimal("6000"),
            "business_income": Decimal("2500.50"),
            "property_income": Decimal("0"),
            "transfer_income": Decimal("1200"),
            "business_costs": Decimal("700.50"),
        },
    )
    IncomeRecord.objects.create(
        household=household, village_id=CHANGFA, year=2015, members_count=3, wage_income=3000
    )
    data = get_json(client_for(make_user(code=CHANGFA)), detail_url(household))

    assert data["number"] == household.number
    assert data["other_causes"] == [{"value": "illness", "label": "因病"}]
    assert data["standard_label"] == "国家标准"

    assert len(data["members"]) == 3
    head = data["members"][0]
    member = household.members.get(relation=codes.Relation.HEAD)
    assert head["id_number"] == member.id_number
    assert head["name"] == household.head_name
    assert head["relation"] == "head"
    assert head["relation_label"] == "户主"
    assert head["ethnicity"] == "01"
    assert head["ethnicity_label"] == "汉族"
    assert head["sex_label"] == "男"
    assert head["birth_date"] == member.birth_date.isoformat()
    assert head["education_label"] == "初中"
    assert head["health_label"] == "健康"
    assert head["labour_label"] == "普通劳动力"
    assert head["school_status_label"] == "非在校生"
    assert head["migrant_months"] == 0
    assert head["medical_insurance"] is True

    assert [i["year"] for i in data["incomes"]] == [2015, 2016]
    income = data["incomes"][1]
    assert income["wage_income"] == "6000.00"
    assert income["total_income"] == "9700.50"
    assert income["net_income"] == "9000.00"
    assert income["net_income_per_capita"] == "3000.00"

    assert data["statuses"] == [
        {
            "year": 2016,
            "status": "poor",
            "status_label": "未脱贫",
            "attribute": "general",
            "attribute_label": "一般贫困户",
            "members_count": 3,
        }
    ]


def test_detail_query_count_does_not_grow_with_members(django_assert_max_num_queries):
    household = make_household(CHANGFA, members=8, year=2016)
    for year in (2014, 2015):
        StatusRecord.objects.create(
            household=household,
            village_id=CHANGFA,
            year=year,
            status=codes.Status.POOR,
            attribute=household.attribute,
            members_count=8,
        )
    client = client_for(make_user(code=CHANGFA))
    # session, user, role assignments, household + village, members, incomes, statuses
    with django_assert_max_num_queries(8):
        data = get_json(client, detail_url(household))
    assert len(data["members"]) == 8
    assert len(data["statuses"]) == 3


def test_list_page_of_50_has_no_n_plus_one(django_assert_max_num_queries):
    for i in range(55):
        make_household(CHANGFA if i % 2 else SHUANGYUSHU, members=1 + i % 4)
    client = client_for(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    # session, user, role assignments, count, one page (households + villages)
    with django_assert_max_num_queries(6):
        data = get_json(client, HOUSEHOLDS, search="户主", year=2016, status="poor")
    assert data["count"] == 55
    assert len(data["results"]) == 50
    names = dict(Area.objects.filter(code__in=[CHANGFA, SHUANGYUSHU]).values_list("code", "name"))
    assert all(r["village_name"] == names[r["village_code"]] for r in data["results"])
    assert {r["village_code"] for r in data["results"]} == {CHANGFA, SHUANGYUSHU}


def test_list_is_paginated_with_a_page_size():
    for _ in range(5):
        make_household(CHANGFA)
    client = client_for(make_user(code=CHANGFA))
    first = get_json(client, HOUSEHOLDS, page_size=2)
    assert first["count"] == 5
    assert len(first["results"]) == 2
    last = get_json(client, HOUSEHOLDS, page_size=2, page=3)
    assert len(last["results"]) == 1
    assert not numbers(first) & numbers(last)


def test_token_authentication():
    make_household(CHANGFA)
    make_household(HADANALA)
    user = make_user(code=CHANGFA, username="changfa-cadre")

    response = Client().post(
        "/api/auth/token/", {"username": "changfa-cadre", "password": "pw-test-123"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=user).key_hash == hash_key(token)

    client = Client()
    ok = client.get(HOUSEHOLDS, HTTP_AUTHORIZATION=f"Token {token}")
    assert ok.status_code == 200
    assert ok.json()["count"] == 1
    assert client.get(HOUSEHOLDS, HTTP_AUTHORIZATION="Token wrong").status_code in (401, 403)


def test_wrong_password_gets_no_token():
    make_user(code=CHANGFA, username="changfa-cadre")
    response = Client().post("/api/auth/token/", {"username": "changfa-cadre", "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_api_is_read_only():
    household = make_household(CHANGFA)
    client = client_for(make_user(code=CHANGFA))
    assert client.post(HOUSEHOLDS, {}).status_code in (403, 405)
    assert client.delete(detail_url(household)).status_code in (403, 405)
    assert Household.objects.filter(pk=household.pk).exists()
