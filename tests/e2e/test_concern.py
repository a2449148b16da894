"""The 民情 loop on a phone (Playwright driving Debian's Chromium): a paired cadre logs a
visit that raises a concern, the village team assigns and answers it, and the household's
"satisfied" closes it — through the real pages."""

import datetime
import os

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.assistance.models import Cadre, Pairing
from fupin.core.clock import set_as_of
from fupin.fieldwork.models import Concern, Visit
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, make_household, make_user

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


def _act(page, action):
    page.locator(f"form:has(input[name=action][value={action}]) button").first.click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_visit_concern_assign_answer_close(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(AS_OF)
    household = make_household(CHANGFA, head_name="宝音·额尔敦", members=3)
    cadre_user = make_user("pairing_cadre", CHANGFA, username="cadre-changfa")
    cadre_user.set_password("bangfu-2017")
    cadre_user.save()
    cadre = Cadre.objects.create(
        name="李建国",
        area_id=CHANGFA,
        unit="旗县农牧业局",
        post=Cadre.Post.DEPARTMENT_CADRE,
        user=cadre_user,
    )
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=datetime.date(2016, 1, 1)
    )
    team = make_user("village_team", CHANGFA, username="village_team-152223100234")
    team.set_password("cunwei-2017")
    team.save()
    page = browser_page
    url = live_server.url

    # The paired cadre logs a home visit on the phone and writes down what the household asks.
    _login(page, url, "cadre-changfa", "bangfu-2017")
    page.goto(f"{url}/visits/new/")
    page.select_option("#id_household", str(household.pk))
    # The date comes pre-filled with the as-of day: the cadre does not type it.
    assert page.input_value("#id_visited_on") == "2017-06-30"
    page.fill("#id_content", "入户走访，了解春耕情况")
    page.fill("#id_concern", "房屋墙体开裂，申请危房改造")
    page.select_option("#id_category", Concern.Category.HOUSING)
    page.click("#visit-form button")
    page.wait_for_load_state()
    visit = Visit.objects.get(cadre=cadre, household=household)
    concern = Concern.objects.get(household=household)
    assert concern.visit_id == visit.pk and concern.state == Concern.State.RAISED

    # The village team finds it in the list, assigns it to the cadre, answers it.
    _login(page, url, "village_team-152223100234", "cunwei-2017")
    page.goto(f"{url}/concerns/")
    assert "房屋墙体开裂" in page.content() or "住房安全" in page.content()
    page.goto(f"{url}/concerns/{concern.pk}/")
    assert page.inner_text("#state") == "已反映"
    page.select_option("form:has(input[value=assign]) select[name=owner]", str(cadre.pk))
    page.fill("form:has(input[value=assign]) input[name=deadline]", "2017-07-15")
    _act(page, "assign")
    assert page.inner_text("#state") == "已交办"
    page.fill("form:has(input[value=answer]) textarea[name=answer]", "已列入2017年危房改造计划")
    _act(page, "answer")
    assert page.inner_text("#state") == "已答复"

    # The household is satisfied, in its own hand: the village team uploads the signed sheet
    # and the concern is closed, with its feedback.
    page.set_input_files(
        "#feedback-paper input[name=paper]",
        files=[{"name": "fankui.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF"}],
    )
    page.locator("#feedback-paper button[name=satisfied][value=yes]").click()
    page.wait_for_load_state()
    assert page.inner_text("#state") == "已办结"
    concern.refresh_from_db()
    assert concern.state == Concern.State.CLOSED and concern.satisfied is True
    assert concern.owner_id == cadre.pk and concern.feedback_on is not None
    assert page.locator("#events li").count() >= 4
