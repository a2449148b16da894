"""The outreach and subsidy figures of an area: sums of the ledgers' rows (summed here
independently), by year, within the caller's scope, one query per ledger."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from fupin.outreach.models import LiaisonVisit, PolicyLecture, StudyTrip, TownshipSubsidy
from tests.factories import CHANGFA, HADANALA, LEAGUE, YINDEER, ZHALAITE, make_user
from tests.outreach.helpers import cadre

pytestmark = pytest.mark.django_db
AREAS = (CHANGFA, YINDEER, "152223100200", HADANALA)


@pytest.fixture
def ledgers():
    rng = random.Random(5)
    leader = cadre()
    lectures, trips, visits = [], [], []
    for i in range(40):
        area = AREAS[i % len(AREAS)]
        day = datetime.date(2015 + i % 3, 1 + i % 12, 1 + i % 27)
        lectures.append(
            PolicyLecture(
                area_id=area,
                date=day,
                place="p",
                speaker="s",
                topic=f"t{i}",
                audience=rng.randint(1, 99),
            )
        )
        trips.append(
            StudyTrip(
                area_id=area,
                start_date=day,
                end_date=day,
                destination=f"d{i}",
                topic="x",
                persons=rng.randint(1, 50),
            )
        )
        raised = rng.randint(0, 3)
        visits.append(
            LiaisonVisit(
                cadre=leader,
                area_id=area,
                date=day,
                problems_raised=raised,
                problems_solved=rng.randint(0, raised),
            )
        )
    PolicyLecture.objects.bulk_create(lectures)
    StudyTrip.objects.bulk_create(trips)
    LiaisonVisit.objects.bulk_create(visits)
    subsidies = []
    for i in range(9):
        who = cadre(f"干部{i}", AREAS[i % len(AREAS)], "township_cadre")
        subsidies.append(
            TownshipSubsidy(
                cadre=who, area_id=who.area_id, year=2016, amount=Decimal(3000 + 250 * i)
            )
        )
        subsidies.append(
            TownshipSubsidy(cadre=who, area_id=who.area_id, year=2015, amount=Decimal(1000))
        )
    TownshipSubsidy.objects.bulk_create(subsidies)
    return lectures, trips, visits, subsidies


def _expected(ledgers, code, year):
    lectures, trips, visits, _subsidies = ledgers
    lectures = [r for r in lectures if r.area_id.startswith(code) and r.date.year == year]
    trips = [r for r in trips if r.area_id.startswith(code) and r.start_date.year == year]
    visits = [r for r in visits if r.area_id.startswith(code) and r.date.year == year]
    return {
        "lectures": len(lectures),
        "lecture_audience": sum(r.audience for r in lectures),
        "study_trip_persons": sum(r.persons for r in trips),
        "liaison_visits": len(visits),
        "problems_solved": sum(r.problems_solved for r in visits),
    }


def _client(role, code):
    client = APIClient()
    client.force_authenticate(make_user(role, code))
    return client


@pytest.mark.parametrize("code", [LEAGUE, ZHALAITE, YINDEER, CHANGFA])
@pytest.mark.parametrize("year", [2015, 2016, 2017])
def test_outreach_figures_are_the_ledgers_sums(ledgers, code, year):
    client = _client("league_hq", LEAGUE)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/areas/{code}/outreach/?year={year}")
    assert response.status_code == 200
    assert response.json() == _expected(ledgers, code, year)
    assert response.json()["lectures"] > 0 or code == CHANGFA
    # One aggregate per ledger (plus the area and the user's roles).
    assert sum("outreach_" in q["sql"] for q in queries.captured_queries) == 3


def test_the_subsidy_average_is_the_ledgers(ledgers):
    client = _client("county_office", ZHALAITE)
    data = client.get(f"/api/areas/{ZHALAITE}/subsidies/?year=2016").json()
    rows = [r for r in ledgers[3] if r.year == 2016 and r.area_id.startswith(ZHALAITE)]
    average = sum(r.amount for r in rows) / len(rows)
    assert data == {"cadres": len(rows), "average_increase_yuan": f"{average:.2f}"}
    # The default year is the last full one.
    assert client.get(f"/api/areas/{ZHALAITE}/subsidies/").json() == data


def test_the_scope_limits_the_figures(ledgers):
    client = _client("county_office", ZHALAITE)
    assert client.get(f"/api/areas/{HADANALA[:6]}/outreach/?year=2016").status_code == 404
    assert client.get(f"/api/areas/{HADANALA}/subsidies/?year=2016").status_code == 404
    village = _client("village_team", CHANGFA)
    assert village.get(f"/api/areas/{ZHALAITE}/outreach/").status_code == 404
    data = village.get(f"/api/areas/{CHANGFA}/outreach/?year=2016").json()
    assert data == _expected(ledgers, CHANGFA, 2016)
    assert client.get(f"/api/areas/{ZHALAITE}/outreach/?year=abc").status_code == 400
