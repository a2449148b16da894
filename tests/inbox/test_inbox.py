"""The inbox: each kind of live item on hand-built data, the messages, the page, the API and
the navigation's count (docs/inbox.md). The as-of day is 2017-06-30 (a Friday)."""

import datetime

import pytest
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.assistance.models import Cadre, Pairing
from fupin.fieldwork import services as fieldwork_services
from fupin.fieldwork.models import Concern, Visit
from fupin.identification import services as case_services
from fupin.inbox.selectors import inbox, unread_count
from fupin.notify.models import Notification
from fupin.notify.services import inbox_count
from fupin.party.models import MeetingKind
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_household, make_user
from tests.identification.helpers import MEETING, approve, new_case
from tests.party.helpers import make_meeting, make_org

pytestmark = pytest.mark.django_db
D = datetime.date


def kinds(user):
    return [item.kind for item in inbox(user).results]


@pytest.fixture
def team():
    return make_user(Role.VILLAGE_TEAM, CHANGFA)


@pytest.fixture
def stranger():
    """A user of another village (and one of another township), who must see none of it."""
    return [make_user(Role.VILLAGE_TEAM, HADANALA), make_user(Role.TOWNSHIP_OFFICER, HADANALA[:9])]


def test_case_steps_wait_on_the_next_level(team, stranger):
    township = make_user(Role.TOWNSHIP_OFFICER, YINDEER)
    county = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    case = new_case(team)
    assert kinds(team) == ["case_step"]  # the democratic review is the village's
    approve(team, case, MEETING)
    approve(team, case)  # the village notice: the township's review comes next
    assert "case_step" not in kinds(team)
    items = inbox(township).results
    message, live = items[0], items[1]
    assert message.kind == "case.waiting" and message.notification is not None
    assert "乡镇审核" in message.title and message.url.endswith(f"/cases/{case.pk}/")
    assert live.kind == "case_step" and live.url == reverse(
        "identification:case_detail", args=[case.pk]
    )
    assert kinds(county) == []
    assert Notification.objects.filter(user=team).count() == 0  # the actor is left out
    for user in stranger:
        assert kinds(user) == []


def test_objections_to_answer(team, stranger):
    case = new_case(team)
    approve(team, case, MEETING)
    case = approve(team, case)
    case_services.objection_file(
        notice=case.notices.get(),
        case=case,
        filer_name="村民甲",
        filer_contact="13800000000",
        text="该户有轿车",
        source="hash",
    )
    items = inbox(team).results
    assert [i.kind for i in items] == ["objection.filed", "objection"]
    assert items[1].body == "该户有轿车"
    for user in stranger:
        assert kinds(user) == []


def test_concerns_assigned_to_me_and_overdue_ones(team, stranger):
    own = make_user(Role.PAIRING_CADRE, CHANGFA)
    cadre = Cadre.objects.create(
        name="包村干部", area_id=CHANGFA, unit="单位", post="other", user=own
    )
    concern = fieldwork_services.concern_raise(
        user=team, village_code=CHANGFA, text="房屋漏雨", category=Concern.Category.HOUSING
    )
    fieldwork_services.concern_assign(
        user=team, concern=concern, owner=cadre, deadline=D(2017, 7, 10)
    )
    items = inbox(own).results
    assert [i.kind for i in items] == ["concern.assigned", "concern"]
    assert items[1].due == D(2017, 7, 10) and not items[1].overdue
    assert items[1].url == reverse("fieldwork:concern", args=[concern.pk])
    assert kinds(team) == []  # not overdue, not the team's own
    Concern.objects.filter(pk=concern.pk).update(deadline=D(2017, 6, 20))
    overdue = [i for i in inbox(team).results if i.kind == "concern_overdue"]
    assert len(overdue) == 1 and overdue[0].overdue
    assert [i.kind for i in inbox(own).results] == ["concern.assigned", "concern"]
    for user in stranger:
        assert kinds(user) == []


def test_paired_households_not_visited_this_week(team, stranger):
    own = make_user(Role.PAIRING_CADRE, CHANGFA)
    other = make_user(Role.PAIRING_CADRE, CHANGFA)
    cadre = Cadre.objects.create(
        name="帮扶人", area_id=CHANGFA, unit="单位", post="other", user=own
    )
    household = make_household(CHANGFA)
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=D(2017, 1, 1)
    )
    items = inbox(own).results
    assert [i.kind for i in items] == ["visit_due"]
    assert items[0].url == f"/m/visit/{household.pk}/"
    assert kinds(team) == ["visit_due"]
    assert kinds(other) == []
    # A visit last Sunday falls outside this week (Monday 06-26 … the system date 06-30).
    Visit.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, visited_on=D(2017, 6, 25)
    )
    assert kinds(own) == ["visit_due"]
    Visit.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, visited_on=D(2017, 6, 26)
    )
    assert kinds(own) == [] and kinds(team) == []
    for user in stranger:
        assert kinds(user) == []


def test_party_meetings_due(team, stranger):
    branch = make_org(CHANGFA, "branch", founded_on=D(2010, 1, 1))
    due = [i for i in inbox(team).results if i.kind == "party_meeting"]
    # Monthly committee meeting: June (due today) and May (overdue); the quarterly members'
    # meeting and lesson: Q2 (due) and Q1 (overdue).
    assert len(due) == 6
    assert {(i.due, i.overdue) for i in due} == {
        (D(2017, 6, 30), False),
        (D(2017, 5, 31), True),
        (D(2017, 3, 31), True),
    }
    assert due[0].overdue and due[0].url == reverse("party:meeting-new", args=[branch.pk])
    make_meeting(branch, MeetingKind.COMMITTEE_MEETING, D(2017, 6, 5))
    make_meeting(branch, MeetingKind.LESSON, D(2017, 4, 5))
    assert len([k for k in kinds(team) if k == "party_meeting"]) == 4
    township = make_user(Role.TOWNSHIP_OFFICER, YINDEER)  # records its own committee's only
    assert kinds(township) == []
    for user in stranger:
        assert kinds(user) == []


def test_the_count_is_messages_plus_live_items_in_one_statement(
    team, django_assert_max_num_queries
):
    make_org(CHANGFA, "branch")
    new_case(team)
    Notification.objects.create(user=team, kind="x", title="未读")
    Notification.objects.create(user=team, kind="x", title="已读", read_at="2017-06-30T08:00Z")
    team.assignments()  # read once per request by the page already
    # The visit cadence and the meeting requirements, then one statement of scalar sub-queries.
    with django_assert_max_num_queries(3):
        count = unread_count(team)
    assert count == 1 + 1 + 6 == len(inbox(team).results)
    # The same number for the layers below the inbox (the API's /api/me/).
    assert inbox_count(team) == count


def test_the_navigation_shows_the_count_on_every_page(client, team, django_assert_max_num_queries):
    new_case(team)
    client.force_login(team)
    page = client.get(reverse("fieldwork:concerns")).content.decode()
    assert 'id="nav-inbox"' in page and 'id="nav-inbox-count">1<' in page
    client.logout()
    assert 'id="nav-inbox"' not in client.get(reverse("notices:index")).content.decode()


def test_the_page_the_messages_and_the_api(client, team, stranger):
    new_case(team)
    Notification.objects.create(
        user=team, kind="concern.assigned", title="交办给您一件诉求", url="/concerns/"
    )
    Notification.objects.create(user=stranger[0], kind="x", title="别人的消息")
    client.force_login(team)
    page = client.get(reverse("inbox:inbox"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "交办给您一件诉求" in text and "别人的消息" not in text
    assert 'data-kind="case_step"' in text
    api = client.get("/api/me/inbox/").json()
    assert api["unread"] == 2
    assert [r["kind"] for r in api["results"]] == ["concern.assigned", "case_step"]
    assert set(api["results"][1]) == {
        "kind",
        "kind_label",
        "title",
        "body",
        "url",
        "due",
        "overdue",
    }
    Notification.objects.create(user=team, kind="x", title="再来一条")
    client.post(reverse("inbox:read-all"))
    assert not Notification.objects.filter(user=team, read_at__isnull=True).exists()
    assert client.get("/api/me/inbox/").json()["unread"] == 1
    assert 'href="/concerns/"' in client.get(reverse("inbox:inbox")).content.decode()


@pytest.mark.parametrize(
    "role,code",
    [
        (r, c)
        for r, c in [
            (Role.LEAGUE_HQ, "1522"),
            (Role.COUNTY_OFFICE, ZHALAITE),
            (Role.TOWNSHIP_OFFICER, YINDEER),
            (Role.VILLAGE_TEAM, CHANGFA),
            (Role.PAIRING_CADRE, CHANGFA),
            (Role.DEPARTMENT, ZHALAITE),
            (Role.SUPERVISOR, ZHALAITE),
            (Role.ORGANIZATION, "1522"),
        ]
    ],
)
def test_every_role_has_an_inbox(client, role, code):
    client.force_login(make_user(role, code))
    assert client.get(reverse("inbox:inbox")).status_code == 200
    assert client.get("/api/me/inbox/").status_code == 200


def test_anonymous_users_are_refused(client):
    assert client.get(reverse("inbox:inbox")).status_code == 302
    assert client.get("/api/me/inbox/").status_code in (401, 403)
