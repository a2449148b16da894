"""The application form in a real browser: members added by the page's script (no reload),
one removed, seven filled in, at phone width without sideways scrolling."""

import datetime
import os
import re

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.identification.models import Case
from fupin.registry import codes
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, id_number_for, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
PASSWORD = "shenqing-2017"


@pytest.mark.django_db(transaction=True)
def test_members_are_added_and_removed_in_the_page(live_server, browser_page, settings):  # noqa: F811
    areas_load_hinggan()
    user = make_user("village_team", CHANGFA, username="village")
    user.set_password(PASSWORD)
    user.save()
    settings.FUPIN_AS_OF = "2017-06-01"
    url, page = live_server.url, browser_page
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "village")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{url}/cases/new/")
    assert page.locator("#member-rows [data-formset-row]").count() == 3
    for _ in range(5):
        page.click("#add-member")
    assert page.url.endswith("/cases/new/")  # no reload: the script cloned the empty row
    assert page.locator("#member-rows [data-formset-row]").count() == 8
    assert page.input_value("#id_m-TOTAL_FORMS") == "8"
    page.select_option("#id_village", CHANGFA)
    page.select_option("#id_attribute", codes.Attribute.GENERAL)
    page.select_option("#id_main_cause", codes.Cause.ILLNESS)
    page.check("#other-causes input[value=capital]")
    names = ["巴特尔", "其其格", "阿拉坦", "苏日娜", "额尔敦", "乌云", "格日勒"]
    for i, name in enumerate(names):
        relation = codes.Relation.HEAD if i == 0 else codes.Relation.SON
        birth = datetime.date(1960 + i, 3, 9)
        page.fill(f"#id_m-{i}-name", name)
        page.fill(f"#id_m-{i}-id_number", id_number_for(CHANGFA, birth=birth))
        page.select_option(f"#id_m-{i}-relation", relation)
        page.select_option(f"#id_m-{i}-ethnicity", codes.Ethnicity.MONGOL)
        page.select_option(f"#id_m-{i}-health", codes.Health.CHRONIC)
        page.select_option(f"#id_m-{i}-labour", codes.Labour.ORDINARY)
    page.check("#id_m-3-DELETE")  # 苏日娜 is removed again
    assert page.locator("#member-rows [data-formset-row]:visible").count() == 7
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # no sideways scrolling at phone width
    page.click("#application-form button[type=submit]:not([name])")
    page.wait_for_load_state()
    assert re.search(r"/cases/\d+/$", page.url), page.locator(".alert-danger").all_inner_texts()
    members = Case.objects.get().application["members"]
    assert [m["name"] for m in members] == [n for n in names if n != "苏日娜"]
    assert Case.objects.get().application["household"]["other_causes"] == ["capital"]
    assert not problems
