"""A first secretary reports a task's progress on a phone (Playwright driving Debian's
Chromium): the form refuses going back without a note, then the list shows the new progress."""

import datetime
import os
from decimal import Decimal

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.duties.models import Duty, Subject, Task
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_first_secretary_reports_progress_on_a_phone(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    # The subjects are migration data, which an earlier transactional test may have flushed.
    subject, _ = Subject.objects.get_or_create(
        name="驻村第一书记", defaults={"level": "village", "order": 11}
    )
    duty = Duty.objects.create(subject=subject, title="推动精准扶贫")
    task = Task.objects.create(
        duty=duty,
        area_id=CHANGFA,
        year=2017,
        title="逐户核实帮扶计划",
        deadline=datetime.date(2017, 6, 15),
        weight=Decimal("10"),
        progress=60,
    )
    user = make_user("village_team", CHANGFA, username="village_team-changfa-duties")
    user.set_password("cunwei-2017")
    user.save()
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "village_team-changfa-duties")
    page.fill("#id_password", "cunwei-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/duties/?area={CHANGFA}&year=2017")
    row = page.locator(f"tr[data-task='{task.pk}']")
    assert row.get_attribute("data-overdue") == "1"  # due 15 June, 60 % on 30 June
    row.locator("a").first.click()
    page.wait_for_load_state()

    page.fill("#id_reported_on", "2017-06-30")
    page.fill("#id_percent", "50")
    page.click("#progress-form button")
    page.wait_for_load_state()
    assert "请说明原因" in page.inner_text("#progress-form")
    task.refresh_from_db()
    assert task.progress == 60

    page.fill("#id_percent", "100")
    page.fill("#id_note", "已逐户核实完毕")
    page.click("#progress-form button")
    page.wait_for_load_state()
    assert "已逐户核实完毕" in page.inner_text("#reports")
    task.refresh_from_db()
    assert (task.progress, task.completed_on) == (100, datetime.date(2017, 6, 30))

    page.goto(f"{live_server.url}/duties/?area={CHANGFA}&year=2017")
    assert page.locator(f"tr[data-task='{task.pk}']").get_attribute("data-overdue") is None
    assert page.inner_text("[data-stat=done]") == "1"
