"""One identification from application to registration in a real browser (Debian Chromium).

The village team files the application (household and members), records the democratic
review and publishes the village notice; a villager opens the public notice without a login
and objects (the case pauses); the village answers (dismissed). After the notice period the
township reviews and publishes the second notice; after that one the county reviews,
announces and registers. The household is then in the registry with its members.
"""

import datetime
import os
import re

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.identification.models import Case, Objection
from fupin.registry import codes
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, YINDEER, ZHALAITE, id_number_for, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
PASSWORD = "shibie-2017"
HEAD = "白音仓·宝力道"
SPOUSE = "萨仁其其格"


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def _act(page, url, case_pk, **fields):
    """Take the case's next step on its page: approve, with the step's record fields."""
    page.goto(f"{url}/cases/{case_pk}/")
    form = page.locator("#next-action form")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(str(value))
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case_pk}/")


def _state(case_pk) -> str:
    return Case.objects.get(pk=case_pk).state


@pytest.mark.django_db(transaction=True)
def test_identification_across_three_users_and_the_public(live_server, browser_page, settings):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    for role, area in (
        ("village_team", CHANGFA),
        ("township_officer", YINDEER),
        ("county_office", ZHALAITE),
    ):
        user = make_user(role, area, username=f"{role}-{area}")
        user.set_password(PASSWORD)
        user.save()
    url, page = live_server.url, browser_page
    settings.FUPIN_AS_OF = "2017-06-01"

    # 1. the village team files the application
    _login(page, url, f"village_team-{CHANGFA}")
    page.goto(f"{url}/cases/new/")
    page.select_option("#id_village", CHANGFA)
    page.fill("#id_year", "2017")
    page.select_option("#id_attribute", codes.Attribute.GENERAL)
    page.select_option("#id_main_cause", codes.Cause.ILLNESS)
    page.fill("#id_phone", "13904820001")
    people = (
        (HEAD, id_number_for(CHANGFA, birth=datetime.date(1966, 3, 9)), codes.Relation.HEAD),
        (
            SPOUSE,
            id_number_for(CHANGFA, birth=datetime.date(1969, 8, 2), sex="F"),
            codes.Relation.SPOUSE,
        ),
    )
    for i, (name, number, relation) in enumerate(people):
        page.fill(f"#id_m-{i}-name", name)
        page.fill(f"#id_m-{i}-id_number", number)
        page.select_option(f"#id_m-{i}-relation", relation)
        page.select_option(f"#id_m-{i}-ethnicity", codes.Ethnicity.MONGOL)
        page.select_option(f"#id_m-{i}-education", codes.Education.PRIMARY)
        page.select_option(f"#id_m-{i}-health", codes.Health.CHRONIC)
        page.select_option(f"#id_m-{i}-labour", codes.Labour.ORDINARY)
    page.click("#application-form button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator(".alert-danger, .invalid-feedback").all_inner_texts()
    assert re.search(r"/cases/\d+/$", page.url), errors
    case_pk = int(re.search(r"/cases/(\d+)/$", page.url).group(1))
    assert _state(case_pk) == "applied"

    # 2. the democratic review (meeting record) and 3. the village notice
    _act(
        page,
        url,
        case_pk,
        meeting_date="2017-06-01",
        attendees=48,
        representatives=31,
        votes_for=29,
        votes_against=1,
        minutes="经村民代表大会民主评议，同意纳入。",
    )
    assert _state(case_pk) == "democratic_review"
    _act(page, url, case_pk)
    case = Case.objects.get(pk=case_pk)
    assert case.state == "village_notice"
    notice = case.notices.get()
    assert notice.ends_on == datetime.date(2017, 6, 7)

    # 4. a villager objects on the public page, without a login
    settings.FUPIN_AS_OF = "2017-06-03"
    page.context.clear_cookies()
    page.goto(f"{url}/notices/{notice.pk}/")
    assert HEAD in page.inner_text("#notice-cases")
    assert people[0][1] not in page.content()  # the ID number is masked
    form = page.locator("#objection-form")
    form.locator("select[name=case]").select_option(str(case_pk))
    form.locator("[name=filer_name]").fill("王桂芝")
    form.locator("[name=filer_contact]").fill("13847100000")
    form.locator("[name=text]").fill("听说该户去年卖了二十头牛，收入不低。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    objection = Objection.objects.get(case_id=case_pk)
    assert objection.state == Objection.State.OPEN
    assert Case.objects.get(pk=case_pk).paused

    # 5. the village answers: dismissed, the case resumes
    _login(page, url, f"village_team-{CHANGFA}")
    page.goto(f"{url}/cases/{case_pk}/")
    assert "王桂芝" in page.content()
    answer = page.locator("form[action$='/answer/']")
    answer.locator("select[name=result]").select_option("dismissed")
    answer.locator("[name=answer]").fill("经入户核实，该户卖牛收入用于偿还医疗借款，异议不成立。")
    answer.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case_pk}/")
    objection.refresh_from_db()
    assert objection.state == Objection.State.DISMISSED
    assert not Case.objects.get(pk=case_pk).paused

    # 6. after the village notice the township reviews and publishes the second notice
    settings.FUPIN_AS_OF = "2017-06-10"
    _login(page, url, f"township_officer-{YINDEER}")
    _act(page, url, case_pk, spot_check="乡镇入户抽查，收入和住房情况与申请一致。")
    assert _state(case_pk) == "township_review"
    _act(page, url, case_pk)
    assert _state(case_pk) == "township_notice"

    # 7. after the second notice the county reviews, announces and registers
    settings.FUPIN_AS_OF = "2017-06-20"
    _login(page, url, f"county_office-{ZHALAITE}")
    _act(page, url, case_pk, opinion="经旗县审定，同意纳入建档立卡贫困户。")
    assert _state(case_pk) == "county_review"
    _act(page, url, case_pk)
    assert _state(case_pk) == "announced"
    _act(page, url, case_pk)
    case = Case.objects.get(pk=case_pk)
    assert case.outcome == Case.Outcome.COMPLETED and case.household_id
    assert page.locator("#case-outcome").inner_text().startswith("已办结")

    # the household is in the registry with its members
    page.goto(f"{url}/households/")
    page.fill("#id_q", "宝力道")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#households tbody tr").count() == 1
    page.click(f"text={case.household.number}")
    page.wait_for_url(f"**/households/{case.household_id}/")
    members = page.inner_text("#members")
    assert HEAD in members and SPOUSE in members
    page.screenshot(path=os.environ.get("FUPIN_E2E_SCREENSHOT_ID", "/tmp/fupin-e2e-id.png"))
