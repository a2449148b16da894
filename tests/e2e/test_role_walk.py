"""Every demo role walks every entry of its own menu in a real browser (Playwright, Chromium).

For each role (one login per role of fupin/demo/users.py, and the admin) the menu is read from
the rendered navigation and each entry is opened at 1,400 px and at 390 px:

* no entry leads to a refusal (status 403 or the refusal page);
* at 390 px no page scrolls sideways;
* the Chinese interface shows no English field name (snake_case) or state code;
* in English at 1,400 px the navigation, Log out and the language switch fit the screen.

The demo is built once for the module. Refusals and codes do not depend on the width, so they
are checked on the phone walk; the desktop walk is the English navigation's.
"""

from __future__ import annotations

import os
import re

import pytest

from fupin.counties.models import AssessmentRound
from fupin.demo import services
from fupin.demo.users import ADMIN, DEMO_USERS
from fupin.fieldwork.models import Concern
from fupin.villages.models import PoorVillageDesignation
from tests.e2e.test_village_user import CHROMIUM, pytestmark  # noqa: F401 (marks)

PASSWORD = "demo-walk-pw-1"
# One login per role (the first of each), and the admin.
LOGINS = [ADMIN, *dict((u.role, u.username) for u in reversed(DEMO_USERS)).values()]
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_WORDS = "|".join(s for s in Concern.State.values if "_" not in s)
STATES = re.compile(rf"\b(?:{_WORDS})\b")
# Write pages reached from a page rather than from the menu: (login, path), walked with the
# login's menu; {round} is the demo's third-party assessment round, {poor} a poor village of
# 扎赉特旗 (its page holds the exit procedure's step form and the conditions form).
EXTRA_PAGES = [
    ("township_officer-152223100", "/villages/{poor}/"),
    ("county_office-152223", "/villages/{poor}/"),
    ("league_hq-1522", "/counties/rounds/{round}/"),
    ("league_hq-1522", "/counties/rounds/{round}/import/"),
    ("league_hq-1522", "/counties/152201/?year=2017"),
    ("county_office-152201", "/counties/152201/?year=2017"),
    # The demo's 回头看 round of 扎赉特旗: its figures, and 长发村's items for the village team.
    ("county_office-152223", "/review/{review}/"),
    ("village_team-152223100234", "/review/items/?area=152223100234"),
]


def _review_round():
    from fupin.review.models import ReviewRound

    return ReviewRound.objects.values_list("pk", flat=True).first()


@pytest.fixture
def walk_demo(django_db_setup, django_db_blocker):
    # Saved, as the live server's transactional test empties the database after it (the other
    # browser tests load what they need themselves): so each test of the walk that finds the
    # database emptied by the one before builds the demo again.
    with django_db_blocker.unblock():
        if not services.registry_count():
            services.demo_build(seed=7, scale=0.02, password=PASSWORD)
    yield


@pytest.fixture(scope="module")
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


def _sign_in(browser, url, username, width, language="zh-hans"):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": url}])
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _menu(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "#nav a[href]:not([href='#'])",
        "els => els.map(e => [e.getAttribute('href'), e.textContent.trim()])",
    )


def _codes(text: str, username: str) -> list[str]:
    text = text.replace(username, "")
    return sorted(set(SNAKE.findall(text)) | set(STATES.findall(text)))


def test_every_role_walks_its_menu(walk_demo, live_server, browser):
    url = live_server.url
    problems: list[str] = []
    for username in LOGINS:
        # English at 1,400 px: the navigation fits, Log out and the switch are on the screen.
        context, page = _sign_in(browser, url, username, 1400, language="en")
        for selector in ("nav.fupin-nav", "#logout", "#lang-switch"):
            box = page.locator(selector).bounding_box()
            if box is None or box["x"] < 0 or box["x"] + box["width"] > 1400 + 1:
                problems.append(f"{username} en 1400: {selector} off the screen {box}")
        if page.evaluate("document.scrollingElement.scrollWidth") > 1401:
            problems.append(f"{username} en 1400: the page scrolls sideways")
        context.close()

        for width in (390,):
            context, page = _sign_in(browser, url, username, width)
            entries = _menu(page)
            assert entries, f"{username} sees no menu"
            round_ = AssessmentRound.objects.values_list("pk", flat=True).first()
            poor = (
                PoorVillageDesignation.objects.filter(village__code__startswith="152223100")
                .values_list("village_id", flat=True)
                .first()
            )
            entries += [
                (path.format(round=round_, poor=poor, review=_review_round()), path)
                for who, path in EXTRA_PAGES
                if who == username
            ]
            for href, label in entries:
                where = f"{username} {width}px {label} {href}"
                response = page.goto(f"{url}{href}")
                if response.status == 403 or page.locator("#forbidden").count():
                    problems.append(f"{where}: refused ({response.status})")
                    continue
                if response.status != 200:
                    problems.append(f"{where}: status {response.status}")
                scroll = page.evaluate("document.scrollingElement.scrollWidth")
                inner = page.evaluate("innerWidth")
                if scroll > inner + 1:
                    problems.append(f"{where}: scrolls sideways ({scroll} > {inner})")
                codes = _codes(page.inner_text("body"), username)
                if codes:
                    problems.append(f"{where}: codes in the Chinese interface {codes}")
            context.close()
    assert not problems, "\n".join(problems)


# -- The household's write pages (the day-to-day forms) -----------------------------------------
# Each page with the action that opens it; every role meets each page of a household paired
# with 长发村's demo cadre: the writers get the form, the readers a refusal (403), and a role
# that does not see the household a 404. The action decides (fupin.accounts.actions).
WRITE_PAGES = [
    ("registry:household_edit", "registry.edit", "household"),
    ("registry:income_edit", "registry.edit", "household"),
    ("registry:member_join", "registry.edit", "household"),
    ("registry:household_split", "registry.edit", "household"),
    ("registry:member_leave", "registry.edit", "member"),
    ("assistance:pairing_new", "pairing.edit", "household"),
    ("assistance:pairing_end", "pairing.edit", "pairing"),
    ("assistance:pairing_reassign", "pairing.edit", "pairing"),
    ("assistance:link_new", "link.edit", "household"),
]


def _write_pages():
    from django.urls import reverse

    from fupin.assistance.models import Pairing

    pairing = (
        Pairing.objects.filter(
            cadre__user__username="pairing_cadre-152223100234", end_date__isnull=True
        )
        .select_related("household")
        .first()
    )
    household = pairing.household
    member = household.members.order_by("pk").last()
    args = {
        "household": [household.pk],
        "member": [member.pk],
        "pairing": [household.pk, pairing.pk],
    }
    return household, [
        (reverse(name, args=args[kind]), action) for name, action, kind in WRITE_PAGES
    ]


def test_every_role_meets_the_household_write_pages(walk_demo, live_server, browser):
    from fupin.accounts.actions import allowed
    from fupin.accounts.models import User
    from fupin.registry.models import Household

    url = live_server.url
    household, pages = _write_pages()
    problems: list[str] = []
    for username in LOGINS:
        user = User.objects.get(username=username)
        sees = Household.objects.accessible_to(user).filter(pk=household.pk).exists()
        context, page = _sign_in(browser, url, username, 390)
        for href, action in pages:
            where = f"{username} 390px {href}"
            expected = (
                404 if not sees else 200 if allowed(user, action, household.village_id) else 403
            )
            response = page.goto(f"{url}{href}")
            if response.status != expected:
                problems.append(f"{where}: status {response.status}, expected {expected}")
                continue
            if expected != 200:
                continue
            scroll = page.evaluate("document.scrollingElement.scrollWidth")
            if scroll > page.evaluate("innerWidth") + 1:
                problems.append(f"{where}: scrolls sideways ({scroll})")
            codes = _codes(page.inner_text("body"), username)
            if codes:
                problems.append(f"{where}: codes in the Chinese interface {codes}")
        context.close()
    assert not problems, "\n".join(problems)


# The outreach ledgers' write pages (fupin/outreach), each opened by a role that may write it:
# the form and the import page, at 390 px.
OUTREACH_WRITE_PAGES = [
    (f"village_team-{code}", f"/outreach/{kind}/{page}/?area={code}")
    for kind, code in (("lectures", "152223100234"),)
    for page in ("new", "import")
] + [
    (f"{role}-{code}", f"/outreach/{kind}/{page}/?area={code}")
    for role, kind, code in (
        ("township_officer", "visits", "152223100"),
        ("organization", "trips", "1522"),
        ("county_office", "subsidies", "152223"),
        ("league_hq", "documents", "1522"),
    )
    for page in ("new", "import")
]


def test_the_outreach_write_pages_open_for_their_writers(walk_demo, live_server, browser):
    url = live_server.url
    problems: list[str] = []
    for username, path in OUTREACH_WRITE_PAGES:
        context, page = _sign_in(browser, url, username, 390)
        response = page.goto(f"{url}{path}")
        where = f"{username} {path}"
        if response.status != 200 or page.locator("#forbidden").count():
            problems.append(f"{where}: status {response.status}")
        if page.evaluate("document.scrollingElement.scrollWidth") > page.evaluate("innerWidth") + 1:
            problems.append(f"{where}: scrolls sideways")
        codes = _codes(page.inner_text("body"), username)
        if codes:
            problems.append(f"{where}: codes in the Chinese interface {codes}")
        context.close()
    assert not problems, "\n".join(problems)
