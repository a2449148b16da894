"""Pages and forms: the list with its figures and export, the leader page with the member's
archive link, and the forms' refusals in Chinese (nothing written)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fupin.leaders.models import EntrepreneurLeader, LeaderIncome, LeaderLink
from tests.factories import (
    CHANGFA,
    HADANALA,
    LEAGUE,
    SHUANGYUSHU,
    ZHALAITE,
    make_household,
    make_user,
)
from tests.leaders.helpers import build, income
from tests.party.helpers import make_member

pytestmark = pytest.mark.django_db


def test_list_page_shows_the_figures_breakdown_and_leaders(client):
    build()
    client.force_login(make_user("county_office", ZHALAITE))
    page = client.get(f"/leaders/?area={ZHALAITE}&year=2016").content.decode()
    assert 'data-figure="households">2<' in page
    assert 'data-figure="persons">5<' in page
    assert 'data-figure="income">7700.75<' in page
    assert "王带头" in page and "李带头" in page and "赵带头" not in page
    assert "登记致富带头人" in page  # a county office may add leaders


def test_export_lists_the_leaders(client):
    build()
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.get(f"/leaders/export/?area={ZHALAITE}&year=2016")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted((r[2], r[7], Decimal(str(r[8]))) for r in rows) == [
        ("李带头", 1, Decimal("1000")),
        ("王带头", 2, Decimal("6700.75")),
    ]


def test_leader_page_links_the_archive_and_lists_households(client):
    data = build()
    a = data["leaders"][0]
    h1, h2, _h3, h4, _h5 = data["households"]
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/leaders/{a.pk}/?year=2016").content.decode()
    assert f"/party/members/{a.party_member_id}/" in page
    for household in (h1, h2, h4):
        assert household.number in page
    assert "4200.50" in page and "3000.00" in page
    # The household's own page of leaders: both of h1's leaders.
    page = client.get(f"/households/{h1.pk}/leaders/").content.decode()
    assert "王带头" in page and "李带头" in page
    # ... and the member's political life archive names the business, linked back.
    archive = client.get(f"/party/members/{a.party_member_id}/").content.decode()
    assert f"/leaders/{a.pk}/" in archive and a.business_name in archive


def test_add_a_leader_from_a_member_of_the_village(client):
    data = build()
    org = data["orgs"][0]
    member = make_member(org, name="新带头人")
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/leaders/new/?area={CHANGFA}").content.decode()
    assert "新带头人" in page and "王带头" not in page  # already a leader: not offered
    form = {
        "party_member": member.pk,
        "business_name": "长发村杂粮加工合作社",
        "kind": "cooperative",
        "industry": "杂粮加工",
        "since": "2016-04-01",
    }
    response = client.post(f"/leaders/new/?area={CHANGFA}", form)
    leader = EntrepreneurLeader.objects.get(party_member=member)
    assert response.status_code == 302 and leader.area_id == CHANGFA
    assert leader.history.count() == 1
    # A member of another village is refused, and one already a leader too.
    outsider = make_member(data["orgs"][1], name="外村党员")
    for pk, message in ((outsider.pk, "所选党员不是本区划的在册党员"), (member.pk, "所选党员不是")):
        response = client.post(f"/leaders/new/?area={CHANGFA}", {**form, "party_member": pk})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert EntrepreneurLeader.objects.count() == 4


def test_only_editors_may_add(client):
    build()
    client.force_login(make_user("department", CHANGFA))
    assert client.get(f"/leaders/new/?area={CHANGFA}").status_code == 403
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/leaders/new/?area={CHANGFA}").status_code == 404


def _link_form(household, **extra):
    return {"household": household.number, "kind": "employ", "since": "2017-03-01", **extra}


def test_link_a_household_of_the_county_and_refusals(client):
    data = build()
    a = data["leaders"][0]
    h1, _h2, h3, _h4, h5 = data["households"]
    new = make_household(CHANGFA, members=4)
    client.force_login(make_user("county_office", ZHALAITE))
    response = client.post(f"/leaders/{a.pk}/links/new/", _link_form(new))
    assert response.status_code == 302
    assert LeaderLink.objects.filter(leader=a, household=new, village_id=CHANGFA).exists()
    # Duplicate of an active link.
    response = client.post(f"/leaders/{a.pk}/links/new/", _link_form(h1))
    assert response.status_code == 400
    assert "该户已由该带头人带动（自 2015-03-01 起），不能重复关联" in response.content.decode()
    # h3 (same county, link with another leader ended) may be linked to 王带头.
    assert client.post(f"/leaders/{a.pk}/links/new/", _link_form(h3)).status_code == 302
    # Outside the user's scope: not found.
    response = client.post(f"/leaders/{a.pk}/links/new/", _link_form(h5))
    assert "户编号：未找到该贫困户，或不在您的权限范围内" in response.content.decode()
    # Outside the leader's county, for a user who sees both.
    client.force_login(make_user("league_hq", LEAGUE))
    response = client.post(f"/leaders/{a.pk}/links/new/", _link_form(h5))
    assert response.status_code == 400
    assert "该户不在带头人所在的旗县市" in response.content.decode()
    assert not LeaderLink.objects.filter(household=h5, leader=a).exists()


def test_a_village_team_cannot_link_another_villages_household(client):
    data = build()
    a = data["leaders"][0]
    other = make_household(SHUANGYUSHU, members=2)
    client.force_login(make_user("village_team", CHANGFA))
    response = client.post(f"/leaders/{a.pk}/links/new/", _link_form(other))
    assert response.status_code == 400
    assert "未找到该贫困户" in response.content.decode()
    assert not LeaderLink.objects.filter(household=other).exists()


def test_record_income_and_refusals(client):
    data = build()
    a2 = data["links"]["a2"]  # h2: 2016 wage 2000 + business 8000; 2500.25 recorded
    client.force_login(make_user("village_team", CHANGFA))
    url = f"/leaders/links/{a2.pk}/income/"
    refusals = (
        ({"year": 2016, "amount": "-5"}, "带动增收不能为负数"),
        ({"year": 2016, "amount": "12.345"}, "带动增收最多保留两位小数"),
        ({"year": 2016, "amount": "abc"}, "带动增收应为金额数字"),
        ({"year": 2015, "amount": "100"}, "该年该户不在带动期内"),
        (
            {"year": 2016, "amount": "10000.01"},
            "超过其工资性收入与生产经营性收入之和（10000.00 元）",
        ),
    )
    for form, message in refusals:
        response = client.post(url, form)
        assert response.status_code == 400, form
        assert message in response.content.decode(), form
    assert LeaderIncome.objects.get(link=a2, year=2016).amount == Decimal("2500.25")
    response = client.post(url, {"year": 2016, "amount": "3,000.5"})
    assert response.status_code == 302
    assert LeaderIncome.objects.get(link=a2, year=2016).amount == Decimal("3000.50")
    assert LeaderIncome.objects.get(link=a2, year=2016).history.count() == 2


def test_incomes_of_two_leaders_stay_within_the_household_income(client):
    data = build()
    b1 = data["links"]["b1"]  # h1: 9000 + 3000; 王带头 4200.50, 李带头 1000.00 in 2016
    client.force_login(make_user("league_hq", LEAGUE))
    url = f"/leaders/links/{b1.pk}/income/"
    assert client.post(url, {"year": 2016, "amount": "7799.50"}).status_code == 302
    response = client.post(url, {"year": 2016, "amount": "7799.51"})
    assert response.status_code == 400
    assert "12000.01" in response.content.decode()


def test_end_a_link(client):
    data = build()
    a1 = data["links"]["a1"]
    client.force_login(make_user("village_team", CHANGFA))
    assert client.post(f"/leaders/links/{a1.pk}/end/", {"until": "2015-01-01"}).status_code == 302
    a1.refresh_from_db()
    assert a1.until is None  # before the start: refused
    client.post(f"/leaders/links/{a1.pk}/end/", {"until": "2017-05-31"})
    a1.refresh_from_db()
    assert str(a1.until) == "2017-05-31"


def test_income_cap_uses_the_registry_row_of_that_year():
    from fupin.leaders.services import income_cap

    household = make_household(CHANGFA, income=income("1000.10", "2.20"))
    assert income_cap(household.pk, 2016) == Decimal("1002.30")
    assert income_cap(household.pk, 2015) is None


def test_list_page_queries_do_not_grow_with_the_leaders(client, django_assert_max_num_queries):
    from tests.leaders.helpers import link, make_leader

    data = build()
    client.force_login(make_user("county_office", ZHALAITE))
    with django_assert_max_num_queries(30) as few:
        client.get(f"/leaders/?area={ZHALAITE}&year=2016")
    org = data["orgs"][0]
    for n in range(12):
        leader = make_leader(make_member(org, name=f"带头人{n}"))
        link(leader, make_household(CHANGFA, members=2), y2016="10.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"/leaders/?area={ZHALAITE}&year=2016").content.decode()
    assert 'data-figure="leaders">14<' in page


def test_the_households_village_records_income_of_a_leader_from_elsewhere(client):
    data = build()
    a, b, _c = data["leaders"]
    h1 = data["households"][0]
    b1 = data["links"]["b1"]  # 李带头 of 双榆树 drives 长发村's h1
    client.force_login(make_user("village_team", CHANGFA))
    page = client.get(f"/households/{h1.pk}/leaders/").content.decode()
    assert f"/leaders/{a.pk}/" in page and f"/leaders/{b.pk}/" not in page  # not this team's
    assert f"/leaders/links/{b1.pk}/income/" in page
    assert client.get(f"/leaders/{b.pk}/").status_code == 404
    response = client.post(f"/leaders/links/{b1.pk}/income/", {"year": 2016, "amount": "1500"})
    assert response.status_code == 302 and response["Location"].endswith(f"/{h1.pk}/leaders/")
    assert LeaderIncome.objects.get(link=b1, year=2016).amount == Decimal("1500.00")
    response = client.post(
        f"/leaders/links/{b1.pk}/income/", {"year": 2016, "amount": "-1"}, follow=True
    )
    assert "带动增收不能为负数" in response.content.decode()
    assert LeaderIncome.objects.get(link=b1, year=2016).amount == Decimal("1500.00")
