"""The forbidden field-work writes found on the demo are refused (docs/security.md, "Who may
write what"): visits logged by a supervisor, a department and a pairing cadre under a cadre
not paired with the household; a concern assigned by a supervisor, started by a department,
answered by a pairing cadre who does not own it, and closed on a supervisor's "satisfied"; a
review meeting recorded by a supervisor."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from fupin.accounts.actions import ROLES, Action, allowed, holders
from fupin.accounts.models import Role, User
from fupin.assistance.models import Cadre, Pairing
from fupin.core.clock import as_of
from fupin.demo.users import CHANGFA
from fupin.fieldwork import services
from fupin.fieldwork.models import Concern, ReviewMeeting, Visit
from fupin.registry.models import Household

pytestmark = pytest.mark.usefixtures("demo", "db")

SUPERVISOR = "supervisor-152223"
DEPARTMENT = "department-152223100234"
PAIRING = "pairing_cadre-152223100234"
TEAM = "village_team-152223100234"


def login(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


@pytest.fixture
def unpaired():
    """A cadre working in 长发村 and a household of 长发村 he is not paired with."""
    pairing = Pairing.objects.filter(village_id=CHANGFA).order_by("pk").first()
    cadre = pairing.cadre
    paired = Pairing.objects.filter(cadre=cadre).values("household_id")
    household = (
        Household.objects.filter(village_id=CHANGFA).exclude(pk__in=paired).order_by("pk").first()
    )
    return cadre, household


def visit_data(cadre, household):
    return {
        "cadre": cadre.pk,
        "household": household.pk,
        "kind": "home",
        "visited_on": as_of().isoformat(),
        "content": "走访",
        "category": "other",
    }


def concern(state, household=None, owner=None):
    return Concern.objects.create(
        village_id=CHANGFA,
        household=household,
        source=Concern.Source.HOUSEHOLD,
        raised_on=as_of(),
        text="饮水困难",
        category="water",
        state=state,
        owner=owner,
        deadline=as_of() + datetime.timedelta(days=10) if owner else None,
    )


# The demo's pairing cadre is a cadre of its own now: its visits for a household it is not
# paired with are refused below (test_a_pairing_cadre_logs_visits_only_as_himself_...).
@pytest.mark.parametrize("username", [SUPERVISOR, DEPARTMENT])
def test_no_visit_under_a_cadre_not_paired_with_the_household(client, unpaired, username):
    login(client, username)
    before = Visit.objects.count()
    assert client.post("/visits/new/", visit_data(*unpaired)).status_code == 403
    assert client.get("/visits/new/").status_code == 403
    assert Visit.objects.count() == before


def test_the_village_team_logs_visits_only_for_paired_cadres(client, unpaired):
    cadre, household = unpaired
    login(client, TEAM)
    before = Visit.objects.count()
    response = client.post("/visits/new/", visit_data(cadre, household))
    assert response.status_code == 400 and Visit.objects.count() == before
    paired = Pairing.objects.filter(cadre=cadre).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=as_of())
    )
    mine = paired.filter(start_date__lte=as_of()).first().household
    assert client.post("/visits/new/", visit_data(cadre, mine)).status_code == 302
    assert Visit.objects.count() == before + 1


def test_a_pairing_cadre_logs_visits_only_as_himself_for_his_households(client, unpaired):
    cadre, household = unpaired
    user = login(client, PAIRING)
    cadre.user = user
    cadre.save(update_fields=["user"])
    before = Visit.objects.count()
    assert client.post("/visits/new/", visit_data(cadre, household)).status_code == 400
    assert Visit.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.visit_log(user=user, cadre=cadre, household=household)


def test_concern_steps_by_the_wrong_roles_are_refused(client, unpaired):
    cadre, household = unpaired
    raised = concern(Concern.State.RAISED, household)
    login(client, SUPERVISOR)
    data = {"action": "assign", "owner": cadre.pk, "deadline": "2017-07-10"}
    assert client.post(f"/concerns/{raised.pk}/", data).status_code == 403

    # Owned by a cadre of 长发村 that is not the demo pairing cadre's own.
    other = (
        Cadre.objects.filter(pairings__village_id=CHANGFA)
        .exclude(user__username=PAIRING)
        .order_by("pk")
        .first()
    )
    assigned = concern(Concern.State.ASSIGNED, household, owner=other)
    login(client, DEPARTMENT)
    assert client.post(f"/concerns/{assigned.pk}/", {"action": "start"}).status_code == 403
    login(client, PAIRING)  # not the owner's login
    answer = {"action": "answer", "answer": "已解决"}
    assert client.post(f"/concerns/{assigned.pk}/", answer).status_code == 403

    answered = concern(Concern.State.ANSWERED, household, owner=cadre)
    supervisor = login(client, SUPERVISOR)
    for via in ("paper", "in_person", "household", ""):
        data = {"action": "feedback", "via": via, "satisfied": "yes", "household_present": "1"}
        assert client.post(f"/concerns/{answered.pk}/", data).status_code == 403
    with pytest.raises(PermissionDenied):
        services.concern_feedback(
            user=supervisor,
            concern=answered,
            satisfied=True,
            via="in_person",
            household_present=True,
        )
    for row in (raised, assigned, answered):
        before = row.state
        row.refresh_from_db()
        assert row.state == before and row.satisfied is None


def test_the_owner_answers_and_the_village_team_closes_on_the_signed_paper(
    client, unpaired, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    cadre, household = unpaired
    user = User.objects.get(username=PAIRING)
    cadre.user = user
    cadre.save(update_fields=["user"])
    row = concern(Concern.State.ASSIGNED, household, owner=cadre)
    login(client, PAIRING)
    assert (
        client.post(f"/concerns/{row.pk}/", {"action": "answer", "answer": "已打井"}).status_code
        == 302
    )
    login(client, TEAM)
    url = f"/concerns/{row.pk}/"
    client.post(url, {"action": "feedback", "via": "paper", "satisfied": "yes"})
    row.refresh_from_db()
    assert row.state == Concern.State.ANSWERED  # no paper, no close
    paper = SimpleUploadedFile("sheet.pdf", b"%PDF-1.4", content_type="application/pdf")
    client.post(url, {"action": "feedback", "via": "paper", "satisfied": "yes", "paper": paper})
    row.refresh_from_db()
    assert row.state == Concern.State.CLOSED and row.feedback_via == "paper" and row.feedback_paper


@pytest.mark.parametrize("username", ["supervisor-1522", SUPERVISOR])
def test_a_supervisor_records_no_review_meeting(client, username):
    login(client, username)
    before = ReviewMeeting.objects.count()
    for area in ("152223", CHANGFA):
        data = {"held_on": as_of().isoformat(), "attendees": "督查组", "minutes": "研判"}
        assert client.post(f"/reviews/?area={area}", data).status_code == 403
        assert 'id="review-form"' not in client.get(f"/reviews/?area={area}").content.decode()
    assert ReviewMeeting.objects.count() == before


def test_supervisors_hold_no_write():
    assert holders(Role.SUPERVISOR) == []
    assert all(Role.SUPERVISOR not in roles for roles in ROLES.values())
    supervisor = User.objects.get(username=SUPERVISOR)
    assert not any(allowed(supervisor, action, CHANGFA) for action in Action)


def test_the_menu_offers_visits_only_to_who_may_record_them(client):
    login(client, SUPERVISOR)
    assert "/visits/new/" not in client.get("/concerns/").content.decode()
    login(client, TEAM)
    assert "/visits/new/" in client.get("/concerns/").content.decode()


def test_the_household_answers_at_its_own_reply_page(client):
    response = client.post(f"/concerns/raise/{CHANGFA}/", {"text": "路灯坏了", "category": "other"})
    link = response.context["done"]
    row = Concern.objects.get(text="路灯坏了")
    assert link == f"/concerns/reply/{row.reply_token}/" and len(row.reply_token) >= 16
    client.post(link, {"satisfied": "yes"})
    row.refresh_from_db()
    assert row.state == Concern.State.RAISED  # not answered yet: nothing to be satisfied with
    Concern.objects.filter(pk=row.pk).update(state=Concern.State.ANSWERED, answer="已修好")
    assert "已修好" in client.get(link).content.decode()
    client.post(link, {"satisfied": "yes"})
    row.refresh_from_db()
    assert row.state == Concern.State.CLOSED and row.feedback_via == "household"
    assert client.get("/concerns/reply/not-a-token/").status_code == 404
