"""The field app's server side: the shell, the manifest, the service worker and the device
token a signed-in phone asks for (docs/field-app.md)."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from fupin.accounts.models import ApiToken
from tests.factories import CHANGFA, make_user

pytestmark = pytest.mark.django_db


def _signed_in(client=None):
    client = client or Client()
    user = make_user("pairing_cadre", CHANGFA, username="cadre-changfa")
    client.force_login(user)
    return client, user


def test_the_shell_needs_a_sign_in_and_is_the_same_page_for_every_app_path():
    assert Client().get("/m/").status_code == 302
    client, _user = _signed_in()
    home = client.get("/m/")
    visit = client.get("/m/visit/12/")
    assert home.status_code == visit.status_code == 200
    assert home.content == visit.content
    html = home.content.decode()
    assert "/manifest.webmanifest" in html and "/static/fupin/m/app.js" in html
    assert 'type="module"' in html and "<script>" not in html  # the CSP allows no inline script
    strings = json.loads(html.split('id="m-strings" type="application/json">')[1].split("<")[0])
    assert ["home", "入户"] in strings["kinds"]
    assert "csrftoken" in home.cookies


def test_the_shell_speaks_english_to_an_english_phone():
    client, _user = _signed_in()
    client.cookies["django_language"] = "en"
    html = client.get("/m/").content.decode()
    assert '<html lang="en">' in html


def test_manifest_starts_the_app_standalone_with_its_icons():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["name"] == "扶贫走访" and data["start_url"] == "/m/"
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_service_worker_has_root_scope_no_caching_and_workbox_from_this_site():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert 'importScripts("/static/vendor/workbox/workbox-sw.js")' in body
    assert "storage.googleapis.com" not in body and "&quot;" not in body
    assert '"url": "/static/fupin/m/app.js"' in body
    for name in ("workbox-sw.js", "workbox-core.prod.js", "workbox-precaching.prod.js"):
        assert finders.find(f"vendor/workbox/{name}")  # copied by fupin.build_assets


def test_a_signed_in_page_gets_a_device_token_bound_to_its_session():
    client, user = _signed_in(Client(enforce_csrf_checks=True))
    csrf = client.get("/m/").cookies["csrftoken"].value
    refused = client.post(
        "/api/auth/token/", {"device": "扶贫走访"}, content_type="application/json"
    )
    assert refused.status_code == 403  # no CSRF header
    response = client.post(
        "/api/auth/token/",
        {"device": "扶贫走访"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.device == "扶贫走访" and token.session_key == client.session.session_key
    api = Client().get("/api/areas/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.status_code == 200
    # Signing out revokes it.
    client.post("/accounts/logout/", HTTP_X_CSRFTOKEN=csrf)
    assert not ApiToken.objects.filter(user=user).exists()


def test_without_a_session_the_token_still_needs_username_and_password():
    response = Client().post("/api/auth/token/", {"device": "x"})
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}
