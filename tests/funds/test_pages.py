"""The pages: a county office records a fund, allocates it, shares it out to a village and its
households, pays dividends; refusals are shown with the remainder; remainders at each level;
another county's user gets 404."""

import datetime
from decimal import Decimal

from fupin.funds import services
from fupin.funds.models import Allocation, Fund, HouseholdShare, VillageShare
from fupin.registry.models import IncomeRecord
from tests.factories import CHANGFA, ZHALAITE, make_user

D = datetime.date(2017, 3, 1)


def test_record_allocate_share_and_pay_through_the_pages(client, office, project, households):
    client.force_login(office)
    page = client.get(f"/funds/?area={ZHALAITE}")
    assert page.status_code == 200 and "登记到位资金" in page.content.decode()
    response = client.post(
        "/funds/",
        {
            "area_page": ZHALAITE,
            "name": "2017年统筹整合资金",
            "source": "integrated",
            "level": "county",
            "area": ZHALAITE,
            "amount": "50000.5",
            "received_on": "2017-03-01",
        },
    )
    fund = Fund.objects.get(name="2017年统筹整合资金")
    assert response.status_code == 302 and fund.amount == Decimal("50000.50")
    refused = client.post(
        f"/funds/{fund.pk}/",
        {"action": "allocate", "project": project.pk, "amount": "50000.51", "date": "2017-03-02"},
    )
    assert refused.status_code == 400
    assert "余额不足" in refused.content.decode() and "50,000.50" in refused.content.decode()
    bad = client.post(
        f"/funds/{fund.pk}/",
        {"action": "allocate", "project": project.pk, "amount": "1.005", "date": "2017-03-02"},
    )
    assert bad.status_code == 400 and "最多两位小数" in bad.content.decode()
    client.post(
        f"/funds/{fund.pk}/",
        {"action": "allocate", "project": project.pk, "amount": "30000", "date": "2017-03-02"},
    )
    assert Allocation.objects.get(fund=fund).amount == Decimal("30000.00")
    assert "20,000.50" in client.get(f"/funds/{fund.pk}/").content.decode()
    url = f"/projects/{project.pk}/"
    client.post(url, {"action": "village", "village": CHANGFA, "amount": "9000"})
    share = VillageShare.objects.get(project=project)
    picker = client.get(f"{url}?share={share.pk}")
    assert households[0].number in picker.content.decode()
    client.post(
        url,
        {
            "action": "households",
            "share": share.pk,
            "benefit_model": "asset_income",
            "amount_each": "3000",
            "since": "2017-03-01",
            "households": [str(h.pk) for h in households],
        },
    )
    assert HouseholdShare.objects.filter(project=project).count() == 3
    response = client.post(
        url,
        {
            "action": "dividends",
            "year": "2016",
            "paid_on": "2016-12-20",
            "amount_each": "250",
            "kind": "property",
        },
    )
    assert response.status_code == 302
    assert IncomeRecord.objects.get(household=households[0], year=2016).property_income == Decimal(
        "350.00"
    )
    detail = client.get(url).content.decode()
    assert "21,000.00" in detail  # held 30,000 − 9,000 shared out to the village
    assert "750.00" in detail  # dividends paid
    household_page = client.get(f"/households/{households[0].pk}/").content.decode()
    assert "350" in household_page
    summary = client.get(f"/funds/summary/?area={ZHALAITE}").content.decode()
    assert 'id="chain-ok"' in summary
    assert client.get(f"/projects/?area={ZHALAITE}").status_code == 200


def test_another_county_sees_nothing(client, fund, project):
    other = make_user("county_office", "152201")
    client.force_login(other)
    assert client.get(f"/funds/{fund.pk}/").status_code == 404
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert client.get(f"/funds/?area={ZHALAITE}").status_code == 404
    assert client.get(f"/api/areas/{ZHALAITE}/funds/").status_code == 404
    assert fund.name not in client.get("/funds/").content.decode()


def test_api_shape_and_year(client, office, fund):
    client.force_login(office)
    data = client.get(f"/api/areas/{ZHALAITE}/funds/?year=2017").json()
    assert data["received_yuan"] == "1000000.00" and data["balance_yuan"] == "1000000.00"
    assert data["allocated_yuan"] == "0.00" and data["paid_yuan"] == "0.00"
    assert data["by_source"][0]["source"] == "three_to"
    assert client.get(f"/api/areas/{ZHALAITE}/funds/?year=2016").json()["received_yuan"] == "0.00"
    assert client.get(f"/api/areas/{ZHALAITE}/funds/?year=abc").status_code == 400
    _ = services, D


def test_pages_make_a_bounded_number_of_queries(
    client, office, fund, project, django_assert_max_num_queries
):
    from tests.factories import make_household

    households = [make_household(CHANGFA) for _ in range(25)]
    services.allocation_create(actor=office, fund=fund, project=project, amount="100000", date=D)
    share = services.village_share_add(
        actor=office, project=project, village=CHANGFA, amount="50000"
    )
    services.household_shares_create(
        actor=office,
        village_share=share,
        households=households,
        benefit_model="asset_income",
        amount_each="1000",
        since=D,
    )
    services.dividends_pay(actor=office, project=project, year=2016, paid_on=D, amount_each="10")
    client.force_login(office)
    for url in (
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/?share={share.pk}",
        f"/projects/?area={ZHALAITE}",
        f"/funds/?area={ZHALAITE}",
        f"/funds/{fund.pk}/",
        f"/funds/summary/?area={ZHALAITE}",
    ):
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200


def test_league_transfers_a_department_fund_down_on_the_fund_page(client, db):
    from tests.factories import LEAGUE

    hq = make_user("league_hq", LEAGUE)
    fund = services.fund_record(
        actor=hq,
        name="自治区财政厅2017年帮扶资金",
        source="department",
        level="region",
        department="自治区财政厅",
        area=LEAGUE,
        amount="800000",
        received_on=D,
    )
    client.force_login(hq)
    page = client.get(f"/funds/{fund.pk}/").content.decode()
    assert 'id="transfer-form"' in page and "扎赉特旗" in page
    over = client.post(
        f"/funds/{fund.pk}/",
        {"action": "transfer", "area": ZHALAITE, "amount": "800000.01", "date": "2017-03-10"},
    )
    assert over.status_code == 400 and "可用余额 800,000.00 元" in over.content.decode()
    client.post(
        f"/funds/{fund.pk}/",
        {"action": "transfer", "area": ZHALAITE, "amount": "500000", "date": "2017-03-10"},
    )
    child = Fund.objects.get(parent=fund)
    assert child.area_id == ZHALAITE and child.amount == Decimal("500000.00")
    assert 'id="fund-remainder">300,000.00' in client.get(f"/funds/{fund.pk}/").content.decode()
    # The county office sees the transfer as money received by the county.
    office = make_user("county_office", ZHALAITE)
    client.force_login(office)
    data = client.get(f"/api/areas/{ZHALAITE}/funds/?year=2017").json()
    assert data["received_yuan"] == "500000.00"
    assert client.get(f"/funds/{fund.pk}/").status_code == 404  # the league's fund itself
