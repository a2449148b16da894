"""Past compliance cannot be edited after the fact: visits, check-ins, review meetings and
Party meetings are dated today, or backdated within the window with a reason and flagged."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fupin.assistance.models import Cadre, Pairing
from fupin.core import dates
from fupin.fieldwork import services
from fupin.fieldwork.models import CheckIn, ReviewMeeting, Visit
from fupin.fieldwork.selectors import compliance_counts
from fupin.party import services as party_services
from fupin.party.models import PartyMeeting
from tests.factories import CHANGFA, make_household, make_user
from tests.party.helpers import make_member, make_org

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2017, 6, 30)


@pytest.fixture
def setup():
    user = make_user("village_team", CHANGFA)
    cadre = Cadre.objects.create(
        name="干部", area_id=CHANGFA, unit="单位", post=Cadre.Post.FIRST_SECRETARY
    )
    household = make_household(CHANGFA)
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=D(2017, 1, 1)
    )
    return user, cadre, household


def _visit(setup, day, reason=""):
    user, cadre, household = setup
    return services.visit_log(
        user=user, cadre=cadre, household=household, visited_on=day, backdate_reason=reason
    )


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (D(1990, 1, 1), "只能补录 7 天内的记录"),
        (D(2017, 5, 15), "只能补录 7 天内的记录"),
        (D(2017, 7, 1), "不能晚于今天"),
    ],
)
def test_a_visit_outside_the_window_is_refused_even_with_a_reason(setup, day, words):
    user = setup[0]
    behind = compliance_counts(user, CHANGFA, "2017-05").pairings_behind
    with pytest.raises(ValidationError) as error:
        _visit(setup, day, reason="补录")
    message = error.value.message_dict["visited_on"][0]
    assert "走访日期" in message and words in message
    assert not Visit.objects.exists()
    assert compliance_counts(user, CHANGFA, "2017-05").pairings_behind == behind


def test_a_visit_within_the_window_needs_a_reason_and_is_flagged(setup):
    day = TODAY - datetime.timedelta(days=7)
    with pytest.raises(ValidationError) as error:
        _visit(setup, day)
    assert "补录原因" in error.value.message_dict[dates.REASON_FIELD][0]
    visit = _visit(setup, day, reason="山路断了，回乡后补录")
    assert (visit.visited_on, visit.backdated) == (day, True)
    assert visit.backdate_reason == "山路断了，回乡后补录"
    today = _visit(setup, None)
    assert (today.visited_on, today.backdated, today.backdate_reason) == (TODAY, False, "")


def test_the_window_is_a_setting(setup, settings):
    settings.FUPIN_BACKDATE_DAYS = {**settings.FUPIN_BACKDATE_DAYS, "visit": 2}
    with pytest.raises(ValidationError):
        _visit(setup, TODAY - datetime.timedelta(days=3), reason="补录")
    assert _visit(setup, TODAY - datetime.timedelta(days=2), reason="补录").backdated


def test_check_in_and_review_meeting_follow_the_policy(setup):
    user, cadre, _household = setup
    with pytest.raises(ValidationError):
        services.check_in_record(user=user, cadre=cadre, village_code=CHANGFA, day=D(2017, 5, 1))
    row = services.check_in_record(
        user=user, cadre=cadre, village_code=CHANGFA, day=D(2017, 6, 28), backdate_reason="补"
    )
    assert row.backdated and row.backdate_reason == "补"
    with pytest.raises(ValidationError) as error:
        services.review_meeting_record(
            user=user, area_code=CHANGFA, level="village", held_on=D(2015, 3, 1)
        )
    assert "召开日期" in error.value.message_dict["held_on"][0]
    with pytest.raises(ValidationError):
        services.review_meeting_record(
            user=user, area_code=CHANGFA, level="village", held_on=D(2017, 6, 29)
        )
    meeting = services.review_meeting_record(
        user=user,
        area_code=CHANGFA,
        level="village",
        held_on=D(2017, 6, 29),
        backdate_reason="纪要昨日未录",
    )
    assert meeting.backdated and ReviewMeeting.objects.count() == 1
    assert CheckIn.objects.count() == 1


def test_a_2015_party_meeting_is_refused_and_a_recent_one_is_flagged():
    org = make_org(CHANGFA)
    make_member(org)
    user = make_user("village_team", CHANGFA)

    def record(day, reason=""):
        return party_services.meeting_record(
            user=user,
            organization=org,
            kind="members_meeting",
            held_on=day,
            topic="学习",
            backdate_reason=reason,
        )

    for day in (D(2015, 5, 1), D(2017, 7, 2)):
        with pytest.raises(ValidationError) as error:
            record(day, reason="补录")
        assert "召开日期" in error.value.message_dict["held_on"][0]
    with pytest.raises(ValidationError):
        record(D(2017, 6, 26))
    meeting = record(D(2017, 6, 26), reason="会后补录")
    assert meeting.backdated and meeting.backdate_reason == "会后补录"
    assert PartyMeeting.objects.count() == 1


def test_the_pages_refuse_and_show_backdating(client, setup):
    user, cadre, household = setup
    client.force_login(user)
    data = {"cadre": cadre.pk, "household": household.pk, "kind": "home", "category": "other"}
    response = client.post("/visits/new/", {**data, "visited_on": "1990-01-01"})
    assert response.status_code == 400 and "只能补录 7 天内的记录" in response.content.decode()
    response = client.post("/visits/new/", {**data, "visited_on": "2017-06-28"})
    assert response.status_code == 400 and "补录原因" in response.content.decode()
    response = client.post(
        "/visits/new/", {**data, "visited_on": "2017-06-28", "backdate_reason": "补录"}
    )
    assert response.status_code == 302 and Visit.objects.get().backdated
    # a review meeting of 2015 is refused on the page; a recent one is listed as 补录
    response = client.post("/reviews/", {"area": CHANGFA, "held_on": "2015-01-01"}, follow=True)
    assert "只能补录 7 天内的记录" in response.content.decode()
    assert not ReviewMeeting.objects.exists()
    client.post(
        "/reviews/", {"area": CHANGFA, "held_on": "2017-06-27", "backdate_reason": "补录纪要"}
    )
    page = client.get(f"/reviews/?area={CHANGFA}").content.decode()
    assert ReviewMeeting.objects.get().backdated and "补录纪要" in page
    # a Party meeting of 2015 through the page
    org = make_org(CHANGFA)
    make_member(org)
    response = client.post(
        f"/party/organizations/{org.pk}/meetings/new/",
        {"kind": "members_meeting", "held_on": "2015-06-01", "topic": "学习党章"},
    )
    assert response.status_code == 400 and "只能补录 7 天内的记录" in response.content.decode()
    response = client.post(
        f"/party/organizations/{org.pk}/meetings/new/",
        {
            "kind": "members_meeting",
            "held_on": "2017-06-29",
            "topic": "学习党章",
            "backdate_reason": "会后补录",
        },
    )
    meeting = PartyMeeting.objects.get()
    assert response.status_code == 302 and meeting.backdated
    page = client.get(f"/party/meetings/{meeting.pk}/").content.decode()
    assert "补录" in page and "会后补录" in page
