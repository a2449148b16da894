"""Sign-in: lockout per account and address, unlock in the admin, password rules and change,
idle session expiry, API tokens that expire, are revoked per device and end with the session."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from fupin.accounts.models import ApiToken, User
from fupin.accounts.tokens import token_create
from tests.factories import CHANGFA, make_household, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOUSEHOLDS = "/api/households/"
PASSWORD = "pw-test-123"
HERE = "203.0.113.20"


def _login(client, username, password, address=HERE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_account_on_that_address_until_an_admin_unlocks(settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = make_user(username="changfa-cadre")
    client = Client()
    for _ in range(4):
        assert _login(client, "changfa-cadre", "wrong-guess").status_code == 200
    # The fifth wrong one locks; then the right password no longer works from this address,
    # and the page says why, in Chinese.
    assert _login(client, "changfa-cadre", "wrong-guess").status_code == 429
    response = _login(client, "changfa-cadre", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "连续 5 次密码错误" in text and "锁定 30 分钟" in text
    assert "_auth_user_id" not in client.session
    # The same account from another address is not locked (a guesser cannot lock a colleague out).
    assert _login(Client(), "changfa-cadre", PASSWORD, address="198.51.100.9").status_code == 302

    # An administrator unlocks it (the users' action in the admin).
    admin = User.objects.create_superuser("root", password="Admin-pass-2017")
    staff = Client()
    staff.force_login(admin)
    response = staff.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="changfa-cadre").exists()
    assert _login(client, "changfa-cadre", PASSWORD).status_code == 302


def test_the_lockout_can_also_be_lifted_in_axes_admin(settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_user(username="changfa-cadre")
    for _ in range(2):
        _login(Client(), "changfa-cadre", "wrong-guess")
    attempt = AccessAttempt.objects.get(username="changfa-cadre")
    admin = User.objects.create_superuser("root", password="Admin-pass-2017")
    staff = Client()
    staff.force_login(admin)
    assert staff.get("/admin/axes/accessattempt/").status_code == 200
    staff.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert _login(Client(), "changfa-cadre", PASSWORD).status_code == 302


def test_the_token_endpoint_counts_towards_the_lockout_and_answers_json(settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user(username="changfa-cadre")
    api = Client()
    for expected in (400, 400, 429):
        response = api.post(
            "/api/auth/token/",
            {"username": "changfa-cadre", "password": "nope"},
            REMOTE_ADDR=HERE,
        )
        assert response.status_code == expected
    response = api.post(
        "/api/auth/token/",
        {"username": "changfa-cadre", "password": PASSWORD},
        REMOTE_ADDR=HERE,
    )
    assert response.status_code == 429
    assert "连续 3 次密码错误" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_the_test_clients_login_still_works():
    make_user(username="changfa-cadre")
    assert Client().login(username="changfa-cadre", password=PASSWORD)


@pytest.mark.parametrize("weak", ["12345678", "password", "changfa-cadre1", "abc"])
def test_weak_passwords_are_refused(weak):
    user = make_user(username="changfa-cadre")
    with pytest.raises(ValidationError):
        validate_password(weak, user)
    validate_password(PASSWORD, user)


def test_password_change_page_refuses_a_weak_one_and_changes_it():
    user = make_user(username="changfa-cadre")
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    assert 'href="/accounts/password/"' in page.content.decode()
    assert 'href="/accounts/me/"' in page.content.decode()  # the menu's link to this page
    assert client.get("/accounts/password/").status_code == 200
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors
    done = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Hinggan-League-2017",
            "new_password2": "Hinggan-League-2017",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password("Hinggan-League-2017")
    assert "密码已修改" in client.get(done["Location"]).content.decode()


def test_sessions_end_after_12_idle_hours_by_default(settings):
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600
    user = make_user(username="changfa-cadre")
    client = Client()
    client.force_login(user)
    client.get("/accounts/me/")
    session = client.session
    assert session.get_expiry_age() <= 12 * 3600
    # A request after the refresh step pushes the expiry forward (idle, not absolute, expiry).
    from django.contrib.sessions.models import Session

    row = Session.objects.get(session_key=session.session_key)
    Session.objects.filter(pk=row.pk).update(
        expire_date=timezone.now() + datetime.timedelta(hours=1)
    )
    stale = client.session
    stale["fupin_seen"] = 0
    stale.save()
    client.get("/accounts/me/")
    row.refresh_from_db()
    assert row.expire_date > timezone.now() + datetime.timedelta(hours=11)


def _api(key):
    return Client().get(HOUSEHOLDS, HTTP_AUTHORIZATION=f"Token {key}")


def test_tokens_expire_and_revoked_ones_are_refused_with_401(settings):
    make_household(CHANGFA)
    user = make_user(username="changfa-cadre")
    response = Client().post(
        "/api/auth/token/",
        {"username": "changfa-cadre", "password": PASSWORD, "device": "华为手机"},
    )
    assert response.status_code == 200
    key = response.json()["token"]
    token = ApiToken.objects.get(user=user)
    assert token.device == "华为手机" and key not in (token.key_hash, token.prefix)
    assert token.expires_at - token.created_at == datetime.timedelta(
        days=settings.FUPIN_API_TOKEN_DAYS
    )
    assert _api(key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert _api(key).status_code == 401

    # Another device's token, revoked by the phone app's sign-out.
    _other, other_key = token_create(user=user, device="平板")
    assert _api(other_key).status_code == 200
    revoke = Client().delete("/api/auth/token/", HTTP_AUTHORIZATION=f"Token {other_key}")
    assert revoke.status_code == 204
    assert _api(other_key).status_code == 401
    assert _api("not-a-key").status_code == 401


def test_users_page_lists_creates_and_revokes_their_tokens_and_logout_revokes_the_sessions():
    make_household(CHANGFA)
    user = make_user(username="changfa-cadre")
    other_user = make_user(username="someone-else")
    _theirs, _key = token_create(user=other_user, device="别人的手机")
    _phone, phone_key = token_create(user=user, device="我的手机")
    client = Client()
    client.force_login(user)
    page = client.get("/accounts/me/").content.decode()
    assert "我的手机" in page and "别人的手机" not in page

    created = client.post("/accounts/me/", {"device": "办公室电脑"})
    key = created.context["new_key"]
    assert key in created.content.decode()
    assert _api(key).status_code == 200

    # Another user's token cannot be revoked from this page.
    client.post("/accounts/me/", {"revoke": _theirs.pk})
    assert ApiToken.objects.filter(pk=_theirs.pk).exists()
    client.post("/accounts/me/", {"revoke": _phone.pk})
    assert _api(phone_key).status_code == 401

    # Logging out revokes the token made in this session.
    client.post("/accounts/logout/")
    assert _api(key).status_code == 401
    assert ApiToken.objects.filter(user=user).count() == 0
