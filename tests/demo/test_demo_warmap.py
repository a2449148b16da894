"""The war map on the package's small demo: every figure equals a count of the records, for
every county and every year of the demo, and the seed's table (docs/domain.md §4) shows on the page."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Max, Sum
from django.urls import reverse

from fupin.areas.models import Area, RuralPopulation
from fupin.areas.selectors import incidence
from fupin.assessment import services as assessment_services
from fupin.assessment.models import CountyAssessment
from fupin.assistance.models import Measure
from fupin.demo.generator import scaled_targets
from fupin.registry import codes
from fupin.registry.models import Household, StatusRecord
from fupin.registry.selectors import HouseholdFilter, household_count
from fupin.warmap import selectors
from fupin.warmap.models import CauseFact, PlanFact
from fupin.warmap.templatetags.warmap_tags import wan
from tests.demo.snapshots import SCALE, snapshot_part

LEAGUE = "1522"
YEARS = (2014, 2015, 2016, 2017)


@snapshot_part("warmap")
def _snapshot() -> dict:
    return {
        "causes": list(
            CauseFact.objects.order_by("village_id", "year", "cause").values_list(
                "village_id", "year", "cause", "households", "persons"
            )
        ),
        "plans": sorted(
            PlanFact.objects.values_list(
                "village_id", "planned_exit_year", "exit_year", "poor", "households", "persons"
            ),
            key=repr,
        ),
    }


def _records():
    """Each household's status, size per year, village, identified year, cause — plain ORM."""
    statuses = defaultdict(dict)
    for hid, year, status, members, village in StatusRecord.objects.values_list(
        "household_id", "year", "status", "members_count", "village_id"
    ):
        statuses[hid][year] = (status, members, village)
    households = {
        h["id"]: h
        for h in Household.objects.values(
            "id",
            "identified_year",
            "main_cause",
            "village_id",
            "members_count",
            "planned_exit_year",
            "exit_year",
            "status",
        )
    }
    return statuses, households


def _count(statuses, households, code: str, year: int) -> dict:
    out = Counter()
    for hid, by_year in statuses.items():
        if year not in by_year or not by_year[year][2].startswith(code):
            continue
        status, members, _village = by_year[year]
        before = by_year.get(year - 1, (None,))[0]
        poor = status in codes.POOR_STATUSES
        identified = households[hid]["identified_year"] == year
        if poor:
            out["poor_households"] += 1
            out["poor_persons"] += members
            out[("cause", households[hid]["main_cause"])] += members
        if identified:
            out["identified_households"] += 1
            out["identified_persons"] += members
        if status in codes.EXITED_STATUSES and (before in codes.POOR_STATUSES or identified):
            out["exited_households"] += 1
            out["exited_persons"] += members
        if status == codes.Status.RELAPSED and before in codes.EXITED_STATUSES:
            out["relapsed_households"] += 1
            out["relapsed_persons"] += members
    return out


def _population(code: str, year: int) -> int:
    rows = RuralPopulation.objects.filter(village__code__startswith=code, year__lte=year)
    latest = rows.aggregate(y=Max("year"))["y"]
    return rows.filter(year=latest).aggregate(n=Sum("population"))["n"] or 0


def test_every_figure_equals_a_count_of_the_records(demo, admin):
    statuses, households = _records()
    counties = list(Area.objects.filter(code__startswith=LEAGUE, level="county"))
    assert len(counties) == 6
    for year in YEARS:
        data = selectors.warmap(admin, LEAGUE, year)
        league = _count(statuses, households, LEAGUE, year)
        for key in ("poor_persons", "poor_households", "exited_persons", "identified_persons"):
            assert data["headline"][key]["value"] == league[key], (year, key)
        children = {c["code"]: c for c in data["distribution"]["children"]}
        path = {u["code"]: u for u in data["series"]["units"]}
        for county in counties:
            mine = _count(statuses, households, county.code, year)
            row = children[county.code]
            for key in (
                "poor_households",
                "poor_persons",
                "identified_households",
                "identified_persons",
                "exited_households",
                "exited_persons",
                "relapsed_households",
                "relapsed_persons",
            ):
                assert row[key] == mine[key], (county.code, year, key)
            assert row["incidence"] == incidence(
                mine["poor_persons"], _population(county.code, year)
            )
            # Each count opens the list of exactly the households it counts.
            for key, status in (
                ("poor_households", codes.IN_POVERTY),
                ("exited_households", codes.EXITED_IN_YEAR),
                ("identified_households", codes.IDENTIFIED_IN_YEAR),
            ):
                listed = HouseholdFilter(area=county.code, year=year, status=status)
                assert household_count(admin, listed) == row[key], (county.code, year, key)
            point = next(p for p in path[county.code]["actual"] if p["year"] == year)
            assert point["poor_persons"] == mine["poor_persons"]
            assert point["incidence"] == row["incidence"]
            # Causes and measures of the county's own war map.
            county_data = selectors.warmap(admin, county.code, year)
            causes = {c["cause"]: c["persons"] for c in county_data["causes"]["causes"]}
            assert causes == {k[1]: v for k, v in mine.items() if isinstance(k, tuple)}
            for c in county_data["causes"]["causes"]:  # each cause opens its households
                listed = HouseholdFilter(
                    area=county.code, year=year, status=codes.IN_POVERTY, main_cause=c["cause"]
                )
                assert household_count(admin, listed) == c["households"], (county.code, c)
            measures = Measure.objects.filter(year=year, village__code__startswith=county.code)
            for t in county_data["measures"]["types"]:
                of_type = measures.filter(type=t["type"])
                assert t["measures"] == of_type.count()
                assert t["done"] == of_type.filter(status=Measure.State.DONE).count()
                assert t["households"] == len(
                    set(of_type.values_list("plan__household_id", flat=True))
                )
            assert county_data["measures"]["measures"] == measures.count()


def test_exit_plan_and_path_equal_the_households(demo, admin):
    _statuses, households = _records()
    data = selectors.warmap(admin, LEAGUE, 2017)
    for row in data["exit_plan"]["rows"]:
        mine = [h for h in households.values() if h["village_id"].startswith(row["code"])]
        for cell in row["planned"]:
            of_year = [h for h in mine if h["planned_exit_year"] == cell["year"]]
            assert cell["households"] == len(of_year)
            assert cell["persons"] == sum(h["members_count"] for h in of_year)
        for cell in row["exited"]:
            of_year = [h for h in mine if h["exit_year"] == cell["year"]]
            assert cell["households"] == len(of_year)
        poor = [h for h in mine if h["status"] in codes.POOR_STATUSES]
        unit = next(u for u in data["series"]["units"] if u["code"] == row["code"])
        for point in unit["planned"]:
            left = [h for h in poor if (h["planned_exit_year"] or 9999) > point["year"]]
            assert point["poor_persons"] == sum(h["members_count"] for h in left)


def test_county_progress_shows_the_stored_assessment(demo, admin):
    assessment_services.assessment_run(year=2016, code=LEAGUE)
    rows = selectors.warmap(admin, LEAGUE, 2016)["county_progress"]["counties"]
    stored = {a.county_id: a for a in CountyAssessment.objects.filter(year=2016)}
    assert len(rows) == 6
    for row in rows:
        a = stored[row["code"]]
        assert (row["eligible"], row["incidence"], row["rule_version"]) == (
            a.eligible,
            a.incidence,
            a.rule_set.version,
        )


def test_the_seed_table_is_on_the_page(demo, admin, client):
    targets = scaled_targets(SCALE)
    client.force_login(admin)
    html = client.get(reverse("warmap:warmap"), {"area": LEAGUE, "year": 2017}).content.decode()
    table = html[html.index('id="campaign"') :]

    def cell(year, figure):
        row = table[table.index(f'data-year="{year}"') :]
        start = row.index(f'data-figure="{figure}"')
        return row[start : row.index("</td>", start)]

    assert wan(targets["identified_persons_2014"]) in cell(2014, "identified_persons")
    assert wan(targets["poor_persons_2016"]) in cell(2016, "poor_persons")
    assert wan(targets["planned_after_2018"]) in cell(2018, "planned_persons")
    assert wan(targets["planned_after_2019"]) in cell(2019, "planned_persons")
    api = client.get(f"/api/areas/{LEAGUE}/warmap/", {"year": 2017}).json()
    actual = {p["year"]: p for p in api["series"]["area"]["actual"]}
    assert actual[2014]["identified_persons"] == targets["identified_persons_2014"]
    assert actual[2016]["poor_persons"] == targets["poor_persons_2016"]


def test_wan_writes_the_campaign_figures():
    assert wan(184_000) == "18.4万"
    assert wan(81_000) == "8.1万"
    assert wan(1_705).replace(",", "") == "1705"
