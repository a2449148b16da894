"""The API answers in the caller's language (Accept-Language) unless the switch chose one;
the pages stay Chinese-first (``tests/core/test_language.py``)."""

import re

import pytest

from fupin.accounts.models import Role
from fupin.areas.api import MSG_BAD_YEAR, YEAR_MAX, YEAR_MIN
from tests.factories import LEAGUE, make_user

from .helpers import client_for

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BAD_YEAR = f"/api/areas/{LEAGUE}/stats/?year=abc"


@pytest.fixture
def client():
    return client_for(make_user(Role.LEAGUE_HQ, LEAGUE))


def test_a_bad_year_is_400_with_an_english_reason_when_english_is_asked(client):
    response = client.get(BAD_YEAR, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "en"
    reason = response.json()["year"][0]
    assert not CHINESE.search(reason), reason
    assert reason == f"Invalid year: expected a four-digit year from {YEAR_MIN} to {YEAR_MAX}"


def test_without_accept_language_the_api_speaks_chinese(client):
    response = client.get(BAD_YEAR)
    assert response.status_code == 400
    assert response.json() == {"year": [MSG_BAD_YEAR % {"low": YEAR_MIN, "high": YEAR_MAX}]}
    assert CHINESE.search(response.json()["year"][0])


def test_the_language_switch_wins_over_accept_language(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.get(BAD_YEAR, HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "zh-hans"
    assert CHINESE.search(response.json()["year"][0])


@pytest.mark.parametrize(
    "url",
    [
        f"/api/areas/{LEAGUE}/warmap/?year=abc",
        f"/api/areas/{LEAGUE}/funds/?year=abc",
        f"/api/areas/{LEAGUE}/leaders/?year=abc",
        f"/api/areas/{LEAGUE}/compliance/?month=abc",
        f"/api/areas/{LEAGUE}/duty-ranking/?level=abc",
        f"/api/areas/{LEAGUE}/team-structure/?to=abc",
        f"/api/areas/{LEAGUE}/report/?kind=abc",
        "/api/areas/?level=abc",
        "/api/households/?status=abc",
    ],
)
def test_every_refused_query_is_explained_in_english(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 400, response.content[:300]
    for reasons in response.json().values():
        for reason in reasons:
            assert not CHINESE.search(reason), (url, reason)


def test_the_schema_is_english_when_english_is_asked():
    from django.test import Client

    response = Client().get(
        "/api/schema/",
        HTTP_ACCEPT="application/vnd.oai.openapi+json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    stats = response.json()["paths"]["/api/areas/{code}/stats/"]["get"]
    assert not CHINESE.search(stats["summary"]), stats["summary"]
