"""A village team enters a year's income in a real browser at 390 px: the net income per
person follows the typing, the server's confirmation shows the same figure, and the saved year
appears on the household page."""

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.registry.models import IncomeRecord
from tests.e2e.test_village_user import browser_page, pytestmark  # noqa: F401 (fixture, marks)
from tests.factories import CHANGFA, make_household, make_user


@pytest.mark.django_db(transaction=True)
def test_the_income_form_shows_the_per_capita_income_while_typing(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()
    user = make_user("village_team", CHANGFA, username="village_team-152223100234")
    user.set_password("cunwei-2017")
    user.save()
    household = make_household(CHANGFA, members=3)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "village_team-152223100234")
    page.fill("#id_password", "cunwei-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.click("#household-actions >> text=录入年度收入")
    page.wait_for_url(f"**/households/{household.pk}/income/")
    page.fill("#id_wage_income", "9000")
    page.fill("#id_business_income", "2,000.5")
    page.fill("#id_transfer_income", "1200")
    assert page.inner_text("#per-capita") == "4066.83"
    page.fill("#id_business_costs", "500")
    assert page.inner_text("#per-capita") == "3900.17"
    page.fill("#id_business_costs", "5o0")
    assert page.inner_text("#per-capita") == "—"
    page.fill("#id_business_costs", "500")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    page.fill("#id_reason", "年中核实")
    page.click("#change-form button[type=submit]:not([name=confirm])")
    page.wait_for_load_state()
    assert page.inner_text("#per-capita") == "3900.17"
    assert not IncomeRecord.objects.exists()
    page.click("#change-form button[name=confirm]")
    page.wait_for_url(f"**/households/{household.pk}/")
    assert "3900.17" in page.inner_text("#years")
    assert IncomeRecord.objects.get().members_count == 3
