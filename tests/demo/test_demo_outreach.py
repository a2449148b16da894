"""The demo's outreach ledgers: the article's totals (docs/outreach.md) come back out of the
records through the API, summed here over the years and the counties independently."""

from decimal import Decimal

import pytest
from django.db.models import F, Sum

from fupin.areas.models import Area, Level
from fupin.outreach.models import (
    DEMO_SUMMARY_MARK,
    LiaisonVisit,
    PolicyDocument,
    PolicyLecture,
    StudyTrip,
    TownshipSubsidy,
)
from tests.demo.snapshots import snapshot_part

pytestmark = pytest.mark.django_db
YEARS = (2015, 2016, 2017)


@snapshot_part("outreach")
def _snapshot():
    """The ledgers' rows, for the determinism test's rebuild."""
    return {
        "lectures": list(
            PolicyLecture.objects.order_by("area_id", "date", "topic").values_list(
                "area_id", "date", "topic", "speaker", "audience"
            )
        ),
        "trips": list(
            StudyTrip.objects.order_by("area_id", "start_date").values_list(
                "area_id", "start_date", "destination", "persons"
            )
        ),
        "visits": list(
            LiaisonVisit.objects.order_by("area_id", "date", "cadre__name").values_list(
                "area_id", "date", "problems_raised", "problems_solved"
            )[:2000]
        ),
        "subsidies": list(
            TownshipSubsidy.objects.order_by("area_id", "amount").values_list("area_id", "amount")
        ),
    }


def test_the_article_totals_come_out_of_the_api(client, admin):
    client.force_login(admin)
    totals = {"lectures": 0, "study_trip_persons": 0, "liaison_visits": 0, "problems_solved": 0}
    counties = Area.objects.filter(level=Level.COUNTY, code__startswith="1522")
    for county in counties.values_list("code", flat=True):
        for year in YEARS:
            data = client.get(f"/api/areas/{county}/outreach/?year={year}").json()
            for key in totals:
                totals[key] += data[key]
    assert totals["lectures"] >= 3_000
    assert totals["study_trip_persons"] == 22_600
    assert totals["liaison_visits"] >= 50_000
    assert totals["problems_solved"] >= 27_000
    # The league's own figures agree with its counties'.
    league = [client.get(f"/api/areas/1522/outreach/?year={y}").json() for y in YEARS]
    assert sum(d["liaison_visits"] for d in league) == totals["liaison_visits"]
    # And with the rows themselves.
    assert StudyTrip.objects.aggregate(n=Sum("persons"))["n"] == 22_600


def test_the_subsidy_averages_about_4200_per_front_line_cadre(client, admin):
    client.force_login(admin)
    data = client.get("/api/areas/1522/subsidies/?year=2016").json()
    assert data["cadres"] > 0
    assert abs(Decimal(data["average_increase_yuan"]) - 4200) <= 50
    amounts = list(TownshipSubsidy.objects.filter(year=2016).values_list("amount", flat=True))
    assert len(amounts) == data["cadres"]
    assert abs(sum(amounts) / len(amounts) - Decimal(data["average_increase_yuan"])) < 1


def test_the_documents_the_article_names_have_marked_summaries_and_no_invented_numbers():
    titles = set(PolicyDocument.objects.values_list("title", flat=True))
    assert {"党员干部联系服务群众《实施意见》", "党员干部联系服务群众《八条措施》"} <= titles
    assert sum("《政策措施》" in t for t in titles) == 3
    for document in PolicyDocument.objects.all():
        assert DEMO_SUMMARY_MARK in document.summary
        assert document.doc_number == "" and document.full_text == ""


def test_visits_are_to_townships_or_villages_of_the_leaders_links():
    levels = dict(Area.objects.filter(code__startswith="1522").values_list("code", "level"))
    areas = set(LiaisonVisit.objects.values_list("area_id", flat=True).distinct())
    assert {levels[a] for a in areas} <= {Level.TOWNSHIP, Level.VILLAGE}
    linked = LiaisonVisit.objects.filter(link__isnull=False)
    assert linked.exists()
    assert not linked.exclude(link__cadre_id=F("cadre_id")).exists()
