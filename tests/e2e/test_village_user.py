"""A village first secretary in a real browser (Playwright driving Debian's Chromium).

She logs in, sees only her village, searches, opens a household, corrects a member (the
history shows it) and switches the interface to English.
"""

import os
import shutil

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.registry import codes
from tests.factories import CHANGFA, HADANALA, make_household, make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.mark.django_db(transaction=True)
def test_village_user_finds_and_corrects_a_member(live_server, browser_page):
    areas_load_hinggan()  # transactional tests start from an emptied database
    user = make_user("village_team", CHANGFA, username="village_team-152223100234")
    user.set_password("cunwei-2017")
    user.save()
    mine = make_household(CHANGFA, head_name="乌力吉·巴特尔", members=3)
    make_household(CHANGFA, head_name="张玉兰", members=2)
    make_household(HADANALA, head_name="其木格", members=2)
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "village_team-152223100234")
    page.fill("#id_password", "cunwei-2017")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/areas/{CHANGFA}/")
    assert "长发村委会" in page.inner_text("h1")

    page.goto(f"{live_server.url}/households/")
    rows = page.locator("#households tbody tr")
    assert rows.count() == 2
    assert "其木格" not in page.content()

    page.fill("#id_q", "巴特尔")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#households tbody tr").count() == 1
    page.click(f"text={mine.number}")
    page.wait_for_url(f"**/households/{mine.pk}/")
    assert page.locator("#members tbody tr").count() == 3

    spouse = mine.members.get(relation=codes.Relation.SPOUSE)
    page.click(f"a[href='/members/{spouse.pk}/edit/']")
    page.fill("#id_name", "萨仁高娃")
    page.fill("#id_reason", "核对户口本")
    page.click("#member-form button[type=submit]")
    page.wait_for_url(f"**/households/{mine.pk}/")
    assert "萨仁高娃" in page.inner_text("#members")
    history = page.inner_text("#history")
    assert "萨仁高娃" in history and "核对户口本" in history

    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert "Households" in page.text_content("nav")  # collapsed behind the menu on a phone
    assert "长发村委会" in page.inner_text("main")  # names are data, not translated
    page.screenshot(path=os.environ.get("FUPIN_E2E_SCREENSHOT", "/tmp/fupin-e2e.png"))
