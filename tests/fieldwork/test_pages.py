import datetime
import re

import pytest

from fupin.assistance.models import Cadre, Pairing
from fupin.fieldwork.models import CheckIn, Concern, Visit
from tests.factories import CHANGFA, HADANALA, make_household, make_user

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def linked(client):
    user = make_user("pairing_cadre", CHANGFA)
    cadre = Cadre.objects.create(
        name="书记", area_id=CHANGFA, unit="单位", post=Cadre.Post.FIRST_SECRETARY, user=user
    )
    mine = make_household(CHANGFA, head_name="结对户")
    make_household(CHANGFA, head_name="别人的户")
    Pairing.objects.create(
        cadre=cadre, household=mine, village_id=CHANGFA, start_date=D(2017, 1, 1)
    )
    client.force_login(user)
    return cadre, mine


def test_visit_form_offers_own_households_and_logs_a_visit_with_a_concern(client, linked):
    cadre, mine = linked
    page = client.get("/visits/new/").content.decode()
    assert "结对户" in page and "别人的户" not in page
    response = client.post(
        "/visits/new/",
        {
            "cadre": cadre.pk,
            "household": mine.pk,
            "kind": "phone",
            "visited_on": "2017-06-29",
            "backdate_reason": "昨天电话走访，今天补录",
            "content": "电话问候",
            "concern": "需要修路",
            "category": "other",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.kind == "phone" and Concern.objects.get().visit == visit


def test_checkin_one_tap_and_my_page(client, linked):
    cadre, mine = linked
    assert client.post("/checkin/").status_code == 302
    assert client.post("/checkin/").status_code == 302
    assert CheckIn.objects.filter(cadre=cadre).count() == 1
    page = client.get("/my/").content.decode()
    assert "结对户" in page  # due this week
    assert "<strong>1</strong>" in page


def test_concern_pages_walk_the_loop(client, linked):
    cadre, mine = linked
    concern = Concern.objects.create(
        household=mine,
        village_id=CHANGFA,
        source="household",
        raised_on=D(2017, 6, 1),
        text="饮水困难",
        category="water",
    )
    assert "饮水困难" in client.get("/concerns/").content.decode()
    url = f"/concerns/{concern.pk}/"
    # The pairing cadre neither assigns nor answers what he does not own.
    assert (
        client.post(
            url, {"action": "assign", "owner": cadre.pk, "deadline": "2017-07-10"}
        ).status_code
        == 403
    )
    team = make_user("village_team", CHANGFA)
    client.force_login(team)
    client.post(url, {"action": "assign", "owner": cadre.pk, "deadline": "2017-07-10"})
    # The owner answers, and records the household's word at his visit, with it present.
    client.force_login(cadre.user)
    client.post(url, {"action": "answer", "answer": "已解决"})
    in_person = {"action": "feedback", "via": "in_person", "household_present": "1"}
    client.post(url, {**in_person, "satisfied": "no"})
    concern.refresh_from_db()
    assert concern.state == "assigned"
    client.post(url, {"action": "answer", "answer": "再次解决"})
    client.post(url, {"action": "feedback", "via": "in_person", "satisfied": "yes"})
    concern.refresh_from_db()
    assert concern.state == "answered"  # not without the household present
    client.post(url, {**in_person, "satisfied": "yes"})
    concern.refresh_from_db()
    assert concern.state == "closed" and concern.feedback_via == "in_person"
    assert concern.household_present
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(url).status_code == 404
    assert "饮水困难" not in client.get("/concerns/").content.decode()


def test_compliance_page(client, linked):
    client.force_login(make_user("county_office", CHANGFA[:6]))
    response = client.get(f"/compliance/?area={CHANGFA}&month=2017-06")
    assert response.status_code == 200
    assert response.context["counts"].pairings_behind == 1
    assert response.context["counts"].residents_under_20_days == 1
    assert "结对户" in response.content.decode()
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/compliance/?area={CHANGFA}").status_code == 404


def test_compliance_page_counts_each_list_once(client, linked):
    """The figures above the lists are the lists' own counts: the overdue concerns and each
    review period's missing areas are counted once per page, not again for the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Concern.objects.create(
        village_id=CHANGFA, source="cadre", raised_on=D(2017, 5, 1), text="修路", category="other"
    )
    client.force_login(make_user("county_office", CHANGFA[:6]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/compliance/?area={CHANGFA}&month=2017-06")
    counts = response.context["counts"]
    reviews = response.context["reviews"]
    assert counts.reviews_missed == sum(n for *_x, n, _areas in reviews) > 0
    statements = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert sum('FROM "fieldwork_concern"' in sql for sql in statements) == 1
    assert sum('FROM "areas_area"' in sql for sql in statements) == len(reviews)


def test_public_form_raises_a_household_concern_and_is_rate_limited(client, settings):
    # Five an hour from one address to one village; the captcha is tested in tests/accounts.
    settings.FUPIN_PUBLIC_CAPTCHA_AFTER = 1000
    settings.FUPIN_PUBLIC_LIMIT_PER_HOUR = 5
    url = f"/concerns/raise/{CHANGFA}/"
    assert client.get(url).status_code == 200
    for _ in range(5):
        response = client.post(url, {"text": "路灯坏了", "category": "other"})
        assert response.status_code == 200
    assert client.post(url, {"text": "路灯坏了", "category": "other"}).status_code == 400
    concerns = Concern.objects.filter(village_id=CHANGFA)
    assert concerns.count() == 5
    assert {c.source for c in concerns} == {"household"}
    assert client.get(f"/concerns/raise/{CHANGFA[:9]}/").status_code == 404


def test_review_meeting_page_records_a_meeting_and_it_counts(client):
    from fupin.fieldwork.models import ReviewMeeting
    from fupin.fieldwork.selectors import compliance_counts

    user = make_user("village_team", CHANGFA)
    client.force_login(user)
    concern = Concern.objects.create(
        village_id=CHANGFA, source="cadre", raised_on=D(2017, 6, 1), text="修路", category="other"
    )
    before = compliance_counts(user, CHANGFA, "2017-06").reviews_missed
    response = client.post(
        "/reviews/",
        {"area": CHANGFA, "held_on": "2017-06-30", "minutes": "研判", "concerns": [concern.pk]},
    )
    assert response.status_code == 302
    meeting = ReviewMeeting.objects.get()
    assert meeting.level == "village" and list(meeting.concerns.all()) == [concern]
    assert compliance_counts(user, CHANGFA, "2017-06").reviews_missed == before - 1
    assert "研判" in client.get(f"/reviews/?area={CHANGFA}").content.decode()
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/reviews/?area={CHANGFA}").status_code == 404
    assert client.post("/reviews/", {"area": CHANGFA, "held_on": "2017-06-21"}).status_code == 404


def test_unlinked_village_user_picks_a_county_cadre_paired_in_the_village(client):
    user = make_user("village_team", CHANGFA)
    county_cadre = Cadre.objects.create(
        name="县干部", area_id=CHANGFA[:6], unit="县局", post=Cadre.Post.DEPARTMENT_CADRE
    )
    Cadre.objects.create(name="无关干部", area_id=CHANGFA[:6], unit="县局", post="other")
    household = make_household(CHANGFA)
    Pairing.objects.create(
        cadre=county_cadre, household=household, village_id=CHANGFA, start_date=D(2017, 1, 1)
    )
    client.force_login(user)
    # The household first: the search lists it with its village; then its cadre is offered.
    page = client.get("/visits/new/").content.decode()
    assert "县干部" not in page and "无关干部" not in page
    found = client.get("/visits/new/households/", {"q": household.number[-5:]}).content.decode()
    assert f"?household={household.pk}" in found
    page = client.get(f"/visits/new/?household={household.pk}").content.decode()
    assert "县干部 · 县局" in page and "无关干部" not in page
    # The household's only cadre comes preselected.
    assert re.search(rf'name="cadre" value="{county_cadre.pk}"[^>]* checked', page)
    data = {
        "cadre": county_cadre.pk,
        "household": household.pk,
        "kind": "home",
        "category": "other",
    }
    assert client.post("/visits/new/", {**data, "visited_on": "2017-07-01"}).status_code == 400
    assert client.post("/visits/new/", {**data, "visited_on": "2017-06-30"}).status_code == 302
    assert Visit.objects.get().cadre == county_cadre
