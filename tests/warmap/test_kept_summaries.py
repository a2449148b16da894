"""An area's summaries — the war map, the overview page and their JSON — are kept for a short
while and shared by the viewers of one scope (fupin.areas.summaries): computed once, shown with
the time they were computed, recomputed when they expire, and never shared across scopes,
languages or as-of dates."""

import datetime
import re
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.test import Client

from fupin.accounts.models import Role
from fupin.assistance.models import Cadre, Pairing
from fupin.core.building import Building, building_clear, building_save
from fupin.registry import stats
from fupin.warmap import selectors
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
PAGE = f"/warmap/?area={ZHALAITE}&year=2016"
API = f"/api/areas/{ZHALAITE}/warmap/?year=2016"


@pytest.fixture
def computed(settings, monkeypatch):
    """Keep summaries for 60 s, and count how often the war map's figures are computed."""
    settings.FUPIN_SUMMARY_SECONDS = 60
    caches["summaries"].clear()
    calls = []
    compute = selectors.warmap

    def counted(user, code, year):
        calls.append((user.username, code, year))
        return compute(user, code, year)

    monkeypatch.setattr(selectors, "warmap", counted)
    yield calls
    caches["summaries"].clear()


def _client(role, code):
    client = Client()
    client.force_login(make_user(role, code))
    return client


def _poor(response) -> int:
    assert response.status_code == 200
    found = re.search(r'data-figure="poor_households"[^>]*>([\d,]+)<', response.content.decode())
    return int(found.group(1).replace(",", ""))


def test_officers_of_one_county_share_the_figures_until_they_expire(computed, monkeypatch):
    make_household(CHANGFA, year=2016)
    first, second = _client(Role.COUNTY_OFFICE, ZHALAITE), _client(Role.COUNTY_OFFICE, ZHALAITE)
    page = first.get(PAGE)
    assert _poor(page) == 1
    assert "统计于" in page.content.decode() and "每 60 秒更新" in page.content.decode()
    make_household(CHANGFA, year=2016)
    # The second officer sees the kept figures, not the household just added: one computation.
    assert _poor(second.get(PAGE)) == 1
    assert len(computed) == 1
    assert second.get(PAGE).context["computed_at"] == page.context["computed_at"]
    # A minute later they are computed again and show it.
    later = time.time() + 61
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert _poor(second.get(PAGE)) == 2
    assert len(computed) == 2


def test_the_json_is_kept_like_the_page(computed):
    make_household(CHANGFA, year=2016)
    first, second = _client(Role.COUNTY_OFFICE, ZHALAITE), _client(Role.COUNTY_OFFICE, ZHALAITE)
    answer = first.get(API)
    assert answer.status_code == 200
    make_household(CHANGFA, year=2016)
    again = second.get(API)
    assert again.json() == answer.json()
    assert again.json()["headline"]["poor_households"]["value"] == 1
    assert len(computed) == 1


def test_another_scope_language_or_as_of_date_is_computed_apart(computed, settings):
    make_household(CHANGFA, year=2016)
    county = _client(Role.COUNTY_OFFICE, ZHALAITE)
    league = _client(Role.LEAGUE_HQ, "1522")
    county.get(PAGE)
    league.get(PAGE)  # the league's scope is not the county's: its own computation
    assert len(computed) == 2
    county.cookies["django_language"] = "en"
    english = county.get(PAGE)
    assert "computed at" in english.content.decode()
    assert len(computed) == 3
    settings.FUPIN_AS_OF = "2017-03-01"
    county.get(PAGE)
    assert len(computed) == 4


def test_an_area_outside_the_scope_is_not_found_and_nothing_is_kept(computed):
    make_household(CHANGFA, year=2016)
    other = _client(Role.COUNTY_OFFICE, HADANALA[:6])
    assert other.get(PAGE).status_code == 404
    assert other.get(API).status_code == 404
    assert computed == []


def test_with_keeping_off_every_request_computes(computed, settings):
    settings.FUPIN_SUMMARY_SECONDS = 0
    make_household(CHANGFA, year=2016)
    county = _client(Role.COUNTY_OFFICE, ZHALAITE)
    assert _poor(county.get(PAGE)) == 1
    make_household(CHANGFA, year=2016)
    page = county.get(PAGE)
    assert _poor(page) == 2
    assert "统计于" not in page.content.decode()
    assert len(computed) == 2


def test_a_pairing_cadre_keeps_its_own_figures(computed):
    """A pairing cadre reads only its own households' records (fupin.areas.scope): what is
    computed for it is not shown to the village team of the same village, nor the reverse."""
    mine = make_household(CHANGFA, year=2016)
    make_household(CHANGFA, year=2016)
    cadre_user = make_user(Role.PAIRING_CADRE, CHANGFA)
    cadre = Cadre.objects.create(name="帮扶干部", area_id=CHANGFA, user=cadre_user)
    Pairing.objects.create(
        cadre=cadre, household=mine, village_id=CHANGFA, start_date=datetime.date(2014, 1, 1)
    )
    page = f"/warmap/?area={CHANGFA}&year=2016"
    team = _client(Role.VILLAGE_TEAM, CHANGFA)
    assert _poor(team.get(page)) == 2
    client = Client()
    client.force_login(cadre_user)
    client.get(page)
    assert len(computed) == 2 and computed[1][0] == cadre_user.username
    team.get(page)
    client.get(page)
    assert len(computed) == 2


def test_the_overview_and_its_json_are_kept_like_the_war_map(computed, monkeypatch):
    counted = []
    area_stats = stats.area_stats

    def counting(user, code, year):
        counted.append(code)
        return area_stats(user, code, year)

    monkeypatch.setattr(stats, "area_stats", counting)
    make_household(CHANGFA, year=2016)
    first, second = _client(Role.COUNTY_OFFICE, ZHALAITE), _client(Role.COUNTY_OFFICE, ZHALAITE)
    page = f"/areas/{ZHALAITE}/?year=2016"
    api = f"/api/areas/{ZHALAITE}/stats/?year=2016"
    shown = first.get(page)
    assert 'data-stat="poor_persons">3<' in shown.content.decode()
    assert "统计于" in shown.content.decode()
    answer = first.get(api).json()
    assert answer["poor_persons"] == 3
    make_household(CHANGFA, year=2016)
    # The second officer gets both as computed for the first, the page without computing.
    assert 'data-stat="poor_persons">3<' in second.get(page).content.decode()
    assert second.get(api).json() == answer
    assert counted == [ZHALAITE]
    later = time.time() + 61
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert 'data-stat="poor_persons">6<' in second.get(page).content.decode()
    assert second.get(api).json()["poor_persons"] == 6


def test_nothing_is_kept_while_data_are_still_being_built(computed):
    make_household(CHANGFA, year=2016)
    building_save(Building(command=["demo", "--rest"], parts=["资金"]))
    client = _client(Role.COUNTY_OFFICE, ZHALAITE)
    page = client.get(PAGE)
    assert _poor(page) == 1 and 'id="building"' in page.content.decode()
    make_household(CHANGFA, year=2016)
    assert _poor(client.get(PAGE)) == 2 and len(computed) == 2
    building_clear()
    assert _poor(client.get(PAGE)) == 2 and _poor(client.get(PAGE)) == 2
    assert len(computed) == 3
