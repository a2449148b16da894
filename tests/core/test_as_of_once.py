"""A request reads each system setting once (fupin.core.setting_values.settings_once): the
as-of date, which its view, its selectors, its menu and its template all ask for, and whether
data are still being built, which its note and its kept summaries ask; each asking was a
query."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fupin.accounts.models import Role
from fupin.core import clock
from fupin.core.building import Building, building_save
from fupin.core.setting_values import settings_once
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
    with settings_once():
        assert clock.as_of() == datetime.date(2017, 6, 30)
        clock.set_as_of(datetime.date(2018, 1, 1))
        assert clock.as_of() == datetime.date(2018, 1, 1)
    # Outside a request every call reads the stored date.
    clock.set_as_of(datetime.date(2019, 1, 1))
    assert clock.as_of() == datetime.date(2019, 1, 1)


def test_a_page_reads_whether_data_are_being_built_once(settings):
    settings.FUPIN_SUMMARY_SECONDS = 60  # the war map keeps nothing while data are built
    caches["summaries"].clear()
    building_save(Building(command=["demo", "--rest"], parts=["资金"]))
    make_household(CHANGFA, year=2017)
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/warmap/?area={ZHALAITE}")
    assert response.status_code == 200 and 'id="building"' in response.content.decode()
    reads = [q for q in queries.captured_queries if '"core_setting"' in q["sql"]]
    assert sum("building" in q["sql"] for q in reads) == 1
