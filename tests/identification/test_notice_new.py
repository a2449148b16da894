"""One notice for several households: the publishing page, and the objection form of a notice
of one household."""

import pytest

from fupin.identification.models import Case, Notice
from tests.factories import CHANGFA, HADANALA, make_user

from .helpers import MEETING, application, approve, new_case, users

pytestmark = pytest.mark.django_db


def _reviewed(village_user, head):
    case = new_case(village_user, application=application(head=head))
    return approve(village_user, case, record=MEETING)


def test_the_page_groups_the_cases_waiting_for_the_village_notice(client):
    u = users()
    first, second = _reviewed(u["village"], "甲户主"), _reviewed(u["village"], "乙户主")
    client.force_login(u["village"])
    page = client.get("/cases/notices/new/")
    assert page.status_code == 200
    (group,) = page.context["groups"]
    assert [c.pk for c in group["cases"]] == [first.pk, second.pk]
    assert group["level"] == Notice.Level.VILLAGE and group["area_code"] == CHANGFA
    assert 'id="publish-notice"' in client.get("/cases/").content.decode()


def test_one_notice_is_published_for_the_chosen_households(client):
    u = users()
    first, second = _reviewed(u["village"], "甲户主"), _reviewed(u["village"], "乙户主")
    third = _reviewed(u["village"], "丙户主")
    client.force_login(u["village"])
    group = client.get("/cases/notices/new/").context["groups"][0]
    response = client.post(
        "/cases/notices/new/", {"group": group["key"], "case": [first.pk, second.pk]}
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notices/{notice.pk}/"
    assert set(notice.cases.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert notice.ends_on is not None
    states = dict(Case.objects.values_list("pk", "state"))
    assert states[first.pk] == states[second.pk] == "village_notice"
    assert states[third.pk] == "democratic_review"
    # The third is still offered.
    (left,) = client.get("/cases/notices/new/").context["groups"]
    assert [c.pk for c in left["cases"]] == [third.pk]


def test_nothing_chosen_publishes_nothing(client):
    u = users()
    _reviewed(u["village"], "甲户主")
    client.force_login(u["village"])
    group = client.get("/cases/notices/new/").context["groups"][0]
    response = client.post("/cases/notices/new/", {"group": group["key"]})
    assert response.status_code == 200 and not Notice.objects.exists()


def test_others_see_no_group_and_cannot_publish(client):
    u = users()
    case = _reviewed(u["village"], "甲户主")
    key = f"identification|village_notice|{CHANGFA}"
    # The township officer takes the next steps, not the village notice.
    client.force_login(u["township"])
    assert client.get("/cases/notices/new/").context["groups"] == []
    client.post("/cases/notices/new/", {"group": key, "case": [case.pk]})
    # Another village's team sees nothing of this village.
    client.force_login(make_user("village_team", HADANALA))
    assert client.get("/cases/notices/new/").context["groups"] == []
    client.post("/cases/notices/new/", {"group": key, "case": [case.pk]})
    assert not Notice.objects.exists()
    # A role that publishes nothing is refused.
    client.force_login(make_user("supervisor", CHANGFA[:4]))
    assert client.get("/cases/notices/new/").status_code == 403


def test_the_round_page_links_to_its_publishing(client):
    u = users()
    client.force_login(u["county"])
    response = client.post("/rounds/", {"county": "152223", "year": 2017})
    page = client.get(response["Location"]).content.decode()
    assert "/cases/notices/new/?round=" in page


def test_objection_form_preselects_the_only_household(client):
    u = users()
    case = _reviewed(u["village"], "甲户主")
    client.force_login(u["village"])
    group = client.get("/cases/notices/new/").context["groups"][0]
    client.post("/cases/notices/new/", {"group": group["key"], "case": [case.pk]})
    notice = Notice.objects.get()
    client.logout()
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert f'<option value="{case.pk}" selected>' in page
