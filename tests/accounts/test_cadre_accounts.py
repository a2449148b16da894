"""A login for every cadre: made or linked by the roster (import and admin), its first
password changed before any work, the demo's cadres signed in, and a pairing cadre narrowed
to its own households (docs/cadres.md, "Accounts"; docs/security.md, "Cadre accounts")."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from fupin.accounts.models import Role, RoleAssignment, User
from fupin.accounts.provisioning import ACCOUNTS_PROVISIONED, normalize_mobile
from fupin.accounts.tokens import token_create
from fupin.assistance.accounts import cadre_accounts_create
from fupin.assistance.models import Pairing
from fupin.core.models import AuditEvent
from fupin.registry.models import Household
from tests.assistance.helpers import make_cadre
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db

START = datetime.date(2017, 1, 1)


def _pair(cadre, household):
    return Pairing.objects.create(
        cadre=cadre, household=household, village_id=household.village_id, start_date=START
    )


@pytest.mark.parametrize(
    ("written", "mobile"),
    [
        ("13900001111", "13900001111"),
        (" 139 0000 1111 ", "13900001111"),
        ("139-0000-1111", "13900001111"),
        ("+86 139 0000 1111", "13900001111"),
        ("8613900001111", "13900001111"),
        ("0482-8261234", ""),  # a landline
        ("12900001111", ""),
        ("1390000111", ""),
        ("", ""),
    ],
)
def test_a_mobile_number_is_read_as_its_11_digits(written, mobile):
    assert normalize_mobile(written) == mobile


def test_each_cadre_gets_one_login_named_by_its_mobile_with_the_pairing_role():
    paired = make_cadre(ZHALAITE, phone="139-1111-0001")
    _pair(paired, make_household(CHANGFA))
    unpaired = make_cadre(ZHALAITE, phone="13911110002")
    landline = make_cadre(ZHALAITE, phone="0482-8261234")
    twin = make_cadre(ZHALAITE, phone="13911110002")  # the same number as ``unpaired``
    existing = User.objects.create_user(username="13911110003", password="own-pass-9")
    known = make_cadre(ZHALAITE, phone="13911110003")
    events = AuditEvent.objects.filter(action=ACCOUNTS_PROVISIONED).count()

    made = cadre_accounts_create(
        actor=None, cadres=[paired.pk, unpaired.pk, landline.pk, twin.pk, known.pk]
    )

    assert (made.created, made.linked) == (2, 1)
    assert {r.key for r in made.refused} == {landline.pk, twin.pk}
    assert all(r.field == "phone" and "未开通登录账号" in r.reason for r in made.refused)
    for cadre in (paired, unpaired, landline, twin, known):
        cadre.refresh_from_db()
    assert paired.user.username == "13911110001" and paired.user.full_name == paired.name
    assert paired.user.must_change_password and not paired.user.has_usable_password()
    assert landline.user is None and twin.user is None
    # The existing user is linked, not duplicated, and keeps its own password.
    assert known.user == existing and existing.check_password("own-pass-9")
    assert User.objects.filter(username="13911110003").count() == 1
    # The role: over the village of the pairing, else over the cadre's own area.
    assert set(paired.user.role_assignments.values_list("role", "area_id")) == {
        (Role.PAIRING_CADRE, CHANGFA)
    }
    assert set(unpaired.user.role_assignments.values_list("role", "area_id")) == {
        (Role.PAIRING_CADRE, ZHALAITE)
    }
    assert AuditEvent.objects.filter(action=ACCOUNTS_PROVISIONED).count() == events + 1
    # Again: nothing more (the cadres with a login are skipped).
    again = cadre_accounts_create(actor=None, cadres=[paired.pk, unpaired.pk, known.pk])
    assert (again.created, again.linked, again.refused) == (0, 0, [])


def test_a_user_who_is_another_cadres_login_is_not_linked_twice():
    first = make_cadre(ZHALAITE, phone="13911110011")
    cadre_accounts_create(actor=None, cadres=[first.pk])
    second = make_cadre(ZHALAITE, phone="13911110011")
    made = cadre_accounts_create(actor=None, cadres=[second.pk])
    second.refresh_from_db()
    assert second.user is None and made.refused[0].key == second.pk


def test_logins_are_given_only_over_areas_the_actor_keeps_the_roster_of():
    county = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    here = make_cadre(ZHALAITE, phone="13911110021")
    _pair(here, make_household(CHANGFA))
    there = make_cadre(ZHALAITE, phone="13911110022")
    _pair(there, make_household(HADANALA))
    made = cadre_accounts_create(actor=county, cadres=[here.pk, there.pk])
    assert made.created == 1 and [r.key for r in made.refused] == [there.pk]
    village = make_user(Role.VILLAGE_TEAM, CHANGFA)
    other = make_cadre(ZHALAITE, phone="13911110023")
    _pair(other, make_household(CHANGFA))
    assert cadre_accounts_create(actor=village, cadres=[other.pk]).created == 0


def test_the_admin_action_gives_the_selected_cadres_their_logins():
    admin = User.objects.create_superuser("root-cadres", password="pw-test-123")
    cadre = make_cadre(ZHALAITE, phone="13911110031")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/assistance/cadre/",
        {"action": "create_logins", "_selected_action": [cadre.pk]},
        follow=True,
    )
    assert response.status_code == 200
    cadre.refresh_from_db()
    assert cadre.user.username == "13911110031" and cadre.user.must_change_password


def test_the_admin_issues_initial_passwords_that_must_be_changed():
    admin = User.objects.create_superuser("root-slips", password="pw-test-123")
    cadre = make_cadre(ZHALAITE, phone="13911110041")
    cadre_accounts_create(actor=None, cadres=[cadre.pk])
    user = User.objects.get(username="13911110041")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_initial_passwords", "_selected_action": [user.pk]},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    row = response.content.decode("utf-8-sig").splitlines()[1].split(",")
    user.refresh_from_db()
    assert row[0] == "13911110041" and user.check_password(row[2])
    assert user.must_change_password


# -- the first sign-in ---------------------------------------------------------------------


@pytest.fixture
def handed_over():
    """A cadre's login whose password someone else chose."""
    user = make_user(Role.PAIRING_CADRE, CHANGFA, username="13911119999")
    user.must_change_password = True
    user.save()
    return user


def test_pages_send_a_user_with_a_handed_over_password_to_the_password_form(handed_over):
    client = Client()
    client.force_login(handed_over)
    for page in ("/", "/households/", "/my/", "/accounts/me/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    form = client.get("/accounts/password/")
    assert form.status_code == 200 and "第一次登录" in form.content.decode()
    # The same password again is refused; a new one lifts the flag.
    same = {
        "old_password": "pw-test-123",
        "new_password1": "pw-test-123",
        "new_password2": "pw-test-123",
    }
    assert "新密码不能与原密码相同" in client.post("/accounts/password/", same).content.decode()
    new = {**same, "new_password1": "Xing-an-2017!", "new_password2": "Xing-an-2017!"}
    assert client.post("/accounts/password/", new).status_code == 302
    handed_over.refresh_from_db()
    assert not handed_over.must_change_password
    assert client.get("/households/").status_code == 200


def test_the_api_refuses_a_user_with_a_handed_over_password_but_gives_a_token(handed_over):
    client = Client()
    client.force_login(handed_over)
    refused = client.get("/api/households/")
    assert refused.status_code == 403 and "修改初始密码" in refused.json()["detail"]
    _token, key = token_create(user=handed_over, device="手机")
    by_token = Client().get("/api/households/", HTTP_AUTHORIZATION=f"Token {key}")
    assert by_token.status_code == 403 and "修改初始密码" in by_token.json()["detail"]
    # The token endpoint still answers: the phone app signs in and out.
    signed = Client().post(
        "/api/auth/token/",
        {"username": handed_over.username, "password": "pw-test-123"},
        REMOTE_ADDR="203.0.113.41",
    )
    assert signed.status_code == 200
    out = Client().delete("/api/auth/token/", HTTP_AUTHORIZATION=f"Token {key}")
    assert out.status_code == 204


def test_a_pairing_cadre_with_another_role_is_not_narrowed():
    user = make_user(Role.PAIRING_CADRE, CHANGFA)
    RoleAssignment.objects.create(user=user, role=Role.VILLAGE_TEAM, area_id=CHANGFA)
    household = make_household(CHANGFA)
    assert Household.objects.accessible_to(user).filter(pk=household.pk).exists()
