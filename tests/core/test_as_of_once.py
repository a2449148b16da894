"""A request reads the system's as-of date once (fupin.core.clock.as_of_once): its view, its
selectors, its menu and its template all ask for it, and each asking was a query."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fupin.accounts.models import Role
from fupin.core import clock
from tests.factories import CHANGFA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db


def _as_of_reads(queries) -> int:
    return sum('"core_setting"' in q["sql"] and "as_of" in q["sql"] for q in queries)


def test_a_page_reads_the_as_of_date_once(settings):
    settings.FUPIN_AS_OF = ""
    clock.set_as_of(datetime.date(2017, 6, 30))
    make_household(CHANGFA, year=2017)
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    for page in (f"/compliance/?area={ZHALAITE}", f"/warmap/?area={ZHALAITE}"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200
        assert "2017-06-30" in response.content.decode()
        assert _as_of_reads(queries.captured_queries) == 1, page


def test_a_date_changed_within_the_block_is_read_again(settings):
    settings.FUPIN_AS_OF = ""
    clock.set_as_of(datetime.date(2017, 6, 30))
    with clock.as_of_once():
        assert clock.as_of() == datetime.date(2017, 6, 30)
        clock.set_as_of(datetime.date(2018, 1, 1))
        assert clock.as_of() == datetime.date(2018, 1, 1)
    # Outside a request every call reads the stored date.
    clock.set_as_of(datetime.date(2019, 1, 1))
    assert clock.as_of() == datetime.date(2019, 1, 1)
