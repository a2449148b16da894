"""A county office imports a deaths list and the village team verifies the flags, in a real
browser (Playwright, Chromium), at 1,400 px and at 390 px.

The office uploads the list on 部门比对 and lands on the list's page (one flag, one unmatched
row); the village team opens 疑点核实, dismisses one flag with a reason and a photo and
confirms the other (the member is closed). No page scrolls sideways on the phone.
"""

from __future__ import annotations

import datetime
import os

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.core.idnumber import make_id_number
from fupin.quality.models import Flag
from fupin.registry.models import Member
from tests.e2e.test_village_user import CHROMIUM, pytestmark  # noqa: F401 (marks)
from tests.factories import CHANGFA, ZHALAITE, make_household, make_user
from tests.quality.test_compare import write_list

SHOTS = os.environ.get("FUPIN_SCREENSHOTS", "")


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _page(browser, url, username, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-test-123")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _check(page, name: str, width: int) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= page.evaluate("innerWidth") + 1, f"{name} scrolls sideways at {width}"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_import_then_verify(live_server, browser, tmp_path):
    areas_load_hinggan()
    household = make_household(CHANGFA, members=3)
    first, second, _third = household.members.order_by("pk")
    office = make_user("county_office", ZHALAITE)
    team = make_user("village_team", CHANGFA)
    stranger = make_id_number("152223", datetime.date(1950, 2, 3), 91, "M")
    path = write_list(
        tmp_path,
        "deaths",
        [
            {"证件号码": first.id_number, "姓名": first.name, "死亡日期": "2017-02-01"},
            {"证件号码": second.id_number.lower(), "姓名": second.name, "死亡日期": "2017-03-05"},
            {"证件号码": stranger, "姓名": "非建档人员", "死亡日期": "2017-01-20"},
        ],
    )
    url = live_server.url
    for width in (1400, 390):
        context, page = _page(browser, url, office.username, width)
        page.goto(f"{url}/quality/lists/?area={ZHALAITE}")
        _check(page, "quality-lists", width)
        if width == 1400:
            page.select_option("#kind", "deaths")
            page.fill("#source", "民政局")
            page.fill("#list_date", "2017-03-31")
            page.set_input_files("#file", str(path))
            page.click("#list-import button[type=submit]")
            page.wait_for_load_state()
            assert page.locator("[data-count=flags]").inner_text() == "2"
            assert page.locator("[data-count=unmatched]").inner_text() == "1"
        else:
            page.click("#lists a")
            page.wait_for_load_state()
        _check(page, "quality-list", width)
        context.close()

    photo = tmp_path / "证明.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    dismissed, confirmed = Flag.objects.get(member=first), Flag.objects.get(member=second)
    for width in (390, 1400):
        context, page = _page(browser, url, team.username, width)
        page.goto(f"{url}/quality/flags/?area={CHANGFA}")
        _check(page, "quality-flags", width)
        target = dismissed if width == 390 else confirmed
        page.goto(f"{url}/quality/flags/{target.pk}/")
        _check(page, "quality-flag", width)
        if width == 390:
            page.fill("#reason", "同名不同人，已核对户口本")
            page.set_input_files("#evidence", str(photo))
            page.click("#dismiss button[type=submit]")
        else:
            page.fill("#note", "入户核实，已火化")
            page.click("#confirm button[type=submit]")
        page.wait_for_load_state()
        context.close()
    dismissed.refresh_from_db()
    confirmed.refresh_from_db()
    assert dismissed.status == Flag.Status.DISMISSED and dismissed.evidence
    assert confirmed.status == Flag.Status.CONFIRMED
    assert not Member.objects.filter(pk=second.pk).exists()
    assert Member.objects.filter(pk=first.pk).exists()
