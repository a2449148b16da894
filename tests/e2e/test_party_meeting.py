"""三会一课 on a phone (Playwright driving Debian's Chromium): 长发村's village team records a
branch members' meeting with one absentee and the reason; the compliance page lists the
absence and the member's political life archive shows it — through the real pages."""

import datetime
import os

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.core.clock import set_as_of
from fupin.party.models import MeetingAbsence, PartyMeeting
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, make_user
from tests.party.helpers import make_branch

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
AS_OF = datetime.date(2017, 6, 30)


@pytest.mark.django_db(transaction=True)
def test_record_members_meeting_with_an_absentee(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(AS_OF)
    branch, _groups, people = make_branch(CHANGFA, members=8)
    away = people[6]
    team = make_user("village_team", CHANGFA, username="village_team-152223100234")
    team.set_password("cunwei-2017")
    team.save()
    page = browser_page
    url = live_server.url

    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "village_team-152223100234")
    page.fill("#id_password", "cunwei-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # From the branch's page to the form; every member is listed with a 缺席 box.
    page.goto(f"{url}/party/organizations/{branch.pk}/")
    page.click("#record-meeting")
    page.wait_for_load_state()
    assert page.locator("#absentees li").count() == 8
    assert page.input_value("#id_held_on") == "2017-06-30"
    page.select_option("#id_kind", "members_meeting")
    # Recorded a few days after it was held: within the backdating window, with its reason.
    page.fill("#id_held_on", "2017-06-26")
    page.fill("#id_backdate_reason", "会后整理纪要")
    page.fill("#id_topic", "传达学习全盟脱贫攻坚推进会精神")
    page.fill("#id_minutes", "讨论村集体经济项目")
    row = page.locator(f"#absentees li[data-member='{away.pk}']")
    row.locator("input[type=checkbox]").check()
    # Forgetting the reason is refused, in Chinese, and the ticks survive.
    page.click("#meeting-form button")
    page.wait_for_load_state()
    assert "未填写缺席原因" in page.content()
    assert not PartyMeeting.objects.exists()
    row = page.locator(f"#absentees li[data-member='{away.pk}']")
    assert row.locator("input[type=checkbox]").is_checked()
    row.locator("select").select_option("work_away")
    row.locator("input[name^=note]").fill("在呼和浩特务工")
    page.click("#meeting-form button")
    page.wait_for_load_state()
    meeting = PartyMeeting.objects.get()
    assert page.url.endswith(f"/party/meetings/{meeting.pk}/")
    assert "外出务工" in page.inner_text("#absences")
    assert meeting.attendee_count == 7
    assert MeetingAbsence.objects.get().member_id == away.pk

    # The compliance page of the quarter lists the absence.
    page.goto(f"{url}/party/compliance/?area={CHANGFA}&quarter=2017-Q2")
    absences = page.inner_text("#absences")
    assert away.name in absences and "外出务工" in absences
    assert page.inner_text("[data-stat=absences]") == "1"

    # The member's archive shows it; another member's shows the meeting as attended.
    page.click(f"#absences a:has-text('{away.name}')")
    page.wait_for_load_state()
    assert "政治生活档案" in page.content()
    assert "传达学习全盟脱贫攻坚推进会精神" in page.inner_text("#absences")
    assert "传达学习全盟脱贫攻坚推进会精神" not in page.inner_text("#attended")
    page.goto(f"{url}/party/members/{people[5].pk}/")
    assert "传达学习全盟脱贫攻坚推进会精神" in page.inner_text("#attended")
