"""League headquarters answers a third-party assessment on a phone (Playwright, Chromium at
390 px): the answer buttons are big enough to touch, the page does not scroll sideways, and an
answer saved shows in the rates."""

import pytest

from fupin.areas.models import Area
from fupin.areas.services import areas_load_hinggan
from fupin.counties import services
from fupin.counties.models import SampledHousehold
from fupin.registry import codes
from tests.e2e.test_village_user import browser_page, pytestmark  # noqa: F401 (fixture, marks)
from tests.factories import CHANGFA, make_household, make_user

ZHALAITE = "152223"
DESIGN = {
    "villages_per_township": 1,
    "poor_per_village": 2,
    "exited_per_village": 2,
    "non_registered_per_village": 1,
}


@pytest.mark.django_db(transaction=True)
def test_an_assessor_answers_on_a_phone(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    user = make_user("league_hq", "1522", username="league_hq-1522")
    user.set_password("pinggu-2017")
    user.save()
    for _i in range(2):
        make_household(CHANGFA, members=2, year=2017)
        make_household(CHANGFA, members=2, year=2017, status=codes.Status.EXITED, exit_year=2016)
    county = Area.objects.get(pk=ZHALAITE)
    round_ = services.round_create(actor=user, county=county, year=2017, seed=8, design=DESIGN)
    exited = round_.samples.filter(
        village_id=CHANGFA, stratum=SampledHousehold.Stratum.EXITED
    ).first()
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "league_hq-1522")
    page.fill("#id_password", "pinggu-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/counties/rounds/{round_.pk}/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 391
    card = page.locator(f".sample-card[data-position='{exited.position}']")
    no = card.locator(f"label[for='truly_out-{exited.pk}-n']")
    box = no.bounding_box()
    assert box["height"] >= 40 and box["width"] >= 80
    no.click()
    card.locator(f"label[for='satisfied-{exited.pk}-y']").click()
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    exited.refresh_from_db()
    assert (exited.truly_out, exited.satisfied) == (False, True)
    assert page.locator("#rates tr[data-rate=wrong_exit] td").nth(1).inner_text() == "100.00%"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 391
