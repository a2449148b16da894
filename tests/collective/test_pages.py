"""The 清零递增 board, the village lists behind its counts, a village's page and the form."""

from decimal import Decimal

import pytest

from fupin.collective.models import CollectiveIncome, Source
from fupin.collective.selectors import collective_counts
from tests.factories import CHANGFA, YINDEER, ZHALAITE, make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def data():
    CollectiveIncome.objects.create(
        village_id=CHANGFA, year=2016, source=Source.RESOURCE, amount=D("80000")
    )
    CollectiveIncome.objects.create(
        village_id=CHANGFA, year=2015, source=Source.LEASING, amount=D("30000")
    )


def test_board_shows_the_selectors_figures_with_links(client, data):
    user = make_user("county_office", ZHALAITE)
    client.force_login(user)
    response = client.get(f"/collective/?area={YINDEER}&year=2016")
    assert response.status_code == 200
    counts = collective_counts(user, YINDEER, 2016)
    assert response.context["counts"] == counts
    html = response.content.decode()
    assert f'data-stat="villages_zero">{counts["villages_zero"]}<' in html
    assert "list=zero" in html and "list=left_zero" in html
    assert CHANGFA in html  # the drill-down row of the village
    page = client.get(f"/collective/villages/?area={YINDEER}&year=2016&list=stable")
    assert page.context["count"] == counts["villages_stable"] == 1
    assert "长发" in page.content.decode()
    zero = client.get(f"/collective/villages/?area={YINDEER}&year=2016&list=zero")
    assert zero.context["count"] == counts["villages_zero"]
    left = client.get(f"/collective/villages/?area={YINDEER}&year=2015&list=left_zero")
    assert [r.code for r in left.context["rows"]] == [CHANGFA]


def test_village_page_lists_incomes_by_source(client, data):
    client.force_login(make_user("village_team", CHANGFA))
    response = client.get(f"/collective/villages/{CHANGFA}/?year=2016")
    html = response.content.decode()
    assert "资源发包" in html and "资产租赁" in html and "80000.00" in html
    assert 'id="edit-income"' in html


def test_form_refuses_negative_amounts_and_future_years(client, data):
    client.force_login(make_user("village_team", CHANGFA))
    url = f"/collective/villages/{CHANGFA}/edit/"
    response = client.post(url, {"year": "2016", "amount_resource": "-5"})
    assert response.status_code == 400
    assert "金额不能为负数" in response.content.decode()
    response = client.post(url, {"year": "2018", "amount_resource": "5"})
    assert response.status_code == 400
    assert "年度不能晚于2017年" in response.content.decode()
    assert CollectiveIncome.objects.get(village_id=CHANGFA, year=2016).amount == D("80000")
    assert not CollectiveIncome.objects.filter(year=2018).exists()


def test_form_sets_the_years_lines_with_history(client, data):
    user = make_user("village_team", CHANGFA)
    client.force_login(user)
    response = client.post(
        f"/collective/villages/{CHANGFA}/edit/",
        {
            "year": "2016",
            "amount_resource": "",
            "amount_dividend": "12345.60",
            "note_dividend": "分红",
        },
    )
    assert response.status_code == 302
    lines = {i.source: i for i in CollectiveIncome.objects.filter(village_id=CHANGFA, year=2016)}
    assert set(lines) == {Source.DIVIDEND}
    assert lines[Source.DIVIDEND].amount == D("12345.60")
    history = CollectiveIncome.history.filter(village_id=CHANGFA, year=2016)
    assert {h.history_type for h in history} == {"+", "-"}
    assert history.filter(history_type="+", source=Source.DIVIDEND).get().history_user == user


def test_only_editors_of_the_village_may_record(client, data):
    client.force_login(make_user("supervisor", ZHALAITE))
    assert client.get(f"/collective/villages/{CHANGFA}/edit/").status_code == 403
    client.force_login(make_user("village_team", CHANGFA))
    other = "152223100200"
    assert client.get(f"/collective/villages/{other}/edit/").status_code == 404


def test_board_and_api_make_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    from fupin.areas.models import Area

    villages = Area.objects.filter(
        code__startswith=ZHALAITE, level="village", participates=True
    ).values_list("code", flat=True)
    for code in list(villages)[:60]:
        for year in (2015, 2016):
            CollectiveIncome.objects.create(
                village_id=code, year=year, source=Source.RESOURCE, amount=D("60000")
            )
    client.force_login(make_user("county_office", ZHALAITE))
    with django_assert_max_num_queries(25):
        assert client.get(f"/collective/?area={ZHALAITE}&year=2016").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/collective/villages/?area={ZHALAITE}&list=stable").status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/areas/{ZHALAITE}/collective-economy/?year=2016")
    assert response.json()["villages_stable"] == 60


def test_households_sharing_are_listed(client, data):
    from fupin.collective.models import CollectiveDistribution
    from tests.factories import make_household

    household = make_household(CHANGFA, head_name="分红户主")
    CollectiveDistribution.objects.create(
        village_id=CHANGFA, year=2016, household=household, amount=D("420")
    )
    client.force_login(make_user("county_office", ZHALAITE))
    board = client.get(f"/collective/?area={ZHALAITE}&year=2016").content.decode()
    assert "/collective/shares/?area=152223&year=2016" in board
    page = client.get(f"/collective/shares/?area={YINDEER}&year=2016")
    assert page.context["count"] == 1
    assert "分红户主" in page.content.decode() and "420.00" in page.content.decode()
    assert client.get(f"/collective/shares/?area={YINDEER}&year=2015").context["count"] == 0
