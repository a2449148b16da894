"""The household edit form: history with the reason, one audit event, the import's rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.accounts.models import Role
from fupin.registry import changes, codes, rules
from fupin.registry.services import MSG_NO_RIGHT
from tests.factories import CHANGFA, HADANALA, YINDEER, make_user
from tests.registry.forms_helpers import events, form_errors, household

pytestmark = pytest.mark.django_db


def _post(hh, **data):
    base = {
        "address": "长发村三组",
        "phone": "13800000001",
        "bank_account": "6228480000000000001",
        "attribute": hh.attribute,
        "main_cause": hh.main_cause,
        "safe_water": "on",
        "has_electricity": "on",
        "reason": "入户核实",
    }
    base.update(data)
    return base


def test_a_village_team_edits_a_household_with_history_and_audit(client):
    hh = household()
    user = make_user(Role.VILLAGE_TEAM, CHANGFA)
    client.force_login(user)
    url = reverse("registry:household_edit", args=[hh.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _post(hh))
    assert response.status_code == 302
    hh.refresh_from_db()
    assert (hh.address, hh.phone) == ("长发村三组", "13800000001")
    latest = hh.history.first()
    assert latest.history_change_reason == "入户核实" and latest.history_user == user
    (event,) = events(changes.HOUSEHOLD_EDITED)
    assert event.user == user and event.detail["reason"] == "入户核实"
    assert event.detail["changes"]["address"] == ["", "长发村三组"]


def test_a_township_officer_may_edit_too():
    hh = household()
    changes.household_edit(
        actor=make_user(Role.TOWNSHIP_OFFICER, YINDEER),
        household=hh,
        data={"phone": "1"},
        reason="r",
    )
    hh.refresh_from_db()
    assert hh.phone == "1"


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.SUPERVISOR, Role.PAIRING_CADRE])
def test_reading_roles_are_refused(client, role):
    hh = household()
    user = make_user(role, CHANGFA)
    with pytest.raises(PermissionDenied):
        changes.household_edit(actor=user, household=hh, data={"phone": "1"}, reason="r")
    client.force_login(user)
    # A pairing cadre sees only the households it is paired with: for it the page is not there.
    expected = 404 if role == Role.PAIRING_CADRE else 403
    assert client.get(reverse("registry:household_edit", args=[hh.pk])).status_code == expected
    assert not events(changes.HOUSEHOLD_EDITED)


def test_out_of_scope_is_refused(client):
    hh = household()
    user = make_user(Role.VILLAGE_TEAM, HADANALA)
    with pytest.raises(PermissionDenied, match=str(MSG_NO_RIGHT)):
        changes.household_edit(actor=user, household=hh, data={"phone": "1"}, reason="r")
    client.force_login(user)
    assert client.get(reverse("registry:household_edit", args=[hh.pk])).status_code == 404


def test_a_cause_without_a_member_gives_the_imports_message(client):
    hh = household()
    client.force_login(make_user(Role.VILLAGE_TEAM, CHANGFA))
    response = client.post(
        reverse("registry:household_edit", args=[hh.pk]),
        _post(hh, main_cause=codes.Cause.ILLNESS),
    )
    assert response.status_code == 200
    text = form_errors(response)
    assert str(rules.MSG_CAUSE_ILL) in text and rules.COL_MAIN_CAUSE in text
    hh.refresh_from_db()
    assert hh.main_cause == codes.Cause.CAPITAL and not events(changes.HOUSEHOLD_EDITED)


def test_a_reason_is_required():
    hh = household()
    with pytest.raises(ValidationError) as error:
        changes.household_edit(actor=make_user(), household=hh, data={"phone": "1"}, reason="  ")
    assert error.value.message_dict == {"reason": [str(changes.MSG_REASON)]}


def test_the_household_page_shows_the_buttons_only_to_writers(client):
    hh = household()
    client.force_login(make_user(Role.VILLAGE_TEAM, CHANGFA))
    page = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    for name in ("household_edit", "income_edit", "member_join", "household_split"):
        assert reverse(f"registry:{name}", args=[hh.pk]) in page
    assert reverse("assistance:pairing_new", args=[hh.pk]) in page
    client.force_login(make_user(Role.SUPERVISOR, CHANGFA))
    page = client.get(reverse("registry:household_detail", args=[hh.pk])).content.decode()
    assert 'id="household-actions"' not in page
    assert reverse("assistance:pairing_new", args=[hh.pk]) not in page
