"""Where the money goes, on a phone (Playwright driving Debian's Chromium): a county office
records a fund, allocates it to a project, shares it out to 长发村 and three of its households
under the asset-income model, pays a year's dividend — and the balances and the household's
income show it, through the real pages."""

import datetime
import os
from decimal import Decimal

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.core.clock import set_as_of
from fupin.funds import services
from fupin.funds.models import Dividend, Fund, HouseholdShare
from fupin.registry.models import IncomeRecord
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, YINDEER, ZHALAITE, make_household, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
AS_OF = datetime.date(2017, 6, 30)


def _login(page, url, username, password):
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _submit(page, form):
    page.locator(f"#{form} button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_fund_project_beneficiaries_dividend(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(AS_OF)
    households = [
        make_household(
            CHANGFA,
            head_name=f"长发户{i}",
            income={"year": 2016, "property_income": "120.00", "wage_income": "3500.00"},
        )
        for i in range(3)
    ]
    office = make_user("county_office", ZHALAITE, username="zlt-fupinban")
    office.set_password("zijin-2017")
    office.save()
    project = services.project_create(
        actor=office,
        area=YINDEER,
        name="音德尔镇肉牛养殖基地",
        type="industry_base",
        status="in_progress",
        operator="长发肉牛养殖专业合作社",
    )
    page = browser_page
    url = live_server.url
    _login(page, url, "zlt-fupinban", "zijin-2017")

    # The fund arrives and is recorded.
    page.goto(f"{url}/funds/?area={ZHALAITE}")
    page.fill("#id_name", "2017年三到村三到户资金")
    page.select_option("#id_source", "three_to")
    page.select_option("#id_level", "region")
    page.select_option("#id_area", ZHALAITE)
    page.fill("#id_amount", "200000.00")
    page.fill("#id_received_on", "2017-03-01")
    _submit(page, "fund-form")
    fund = Fund.objects.get(name="2017年三到村三到户资金")
    assert page.inner_text("#fund-remainder") == "200,000.00"

    # Allocated to the cattle base: more than the fund holds is refused, naming the remainder.
    page.select_option("#id_project", str(project.pk))
    page.fill("#id_amount", "200000.01")
    page.fill("#id_date", "2017-03-15")
    _submit(page, "allocate-form")
    assert "可用余额 200,000.00 元" in page.inner_text("#allocate-form")
    page.fill("#id_amount", "150000")
    _submit(page, "allocate-form")
    assert page.inner_text("#fund-remainder") == "50,000.00"

    # On the project page: 30,000 to 长发村, then three households under asset income.
    page.goto(f"{url}/projects/{project.pk}/")
    assert page.inner_text("#project-held") == "150,000.00"
    page.select_option("#village-form select[name=village]", CHANGFA)
    page.fill("#village-form input[name=amount]", "30000")
    _submit(page, "village-form")
    assert page.inner_text("#project-remainder") == "120,000.00"
    page.locator("a.add-households").first.click()
    page.wait_for_load_state()
    page.select_option("#household-form select[name=benefit_model]", "asset_income")
    page.fill("#household-form input[name=amount_each]", "10000")
    for household in households:
        page.check(f"#hh-{household.pk}")
    _submit(page, "household-form")
    assert HouseholdShare.objects.filter(project=project).count() == 3
    assert page.locator(".village-remainder").first.inner_text() == "0.00"

    # The 2016 dividend: 8% of each share, at once for all asset-income households.
    page.fill("#dividend-form input[name=year]", "2016")
    page.fill("#dividend-form input[name=paid_on]", "2016-12-20")
    page.fill("#dividend-form input[name=rate_percent]", "8")
    _submit(page, "dividend-form")
    assert Dividend.objects.filter(project=project, year=2016).count() == 3
    assert page.inner_text("#project-dividends") == "2,400.00"
    income = IncomeRecord.objects.get(household=households[0], year=2016)
    assert income.property_income == Decimal("920.00")

    # The household's page shows the income with the dividend, and why it changed.
    page.goto(f"{url}/households/{households[0].pk}/")
    assert "920" in page.content()
    assert "音德尔镇肉牛养殖基地" in page.content()
    # The county's figures: received, allocated and the balance.
    page.goto(f"{url}/funds/?area={ZHALAITE}&year=2017")
    assert page.inner_text("#total-received") == "200,000.00"
    assert page.inner_text("#total-allocated") == "150,000.00"
    assert page.inner_text("#total-balance") == "50,000.00"
    assert fund.pk
