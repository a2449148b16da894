"""The demo's poor villages: 602 designated in 2014 (the public figure), apportioned over the
counties in proportion to their registered poor population of 2014, through the API."""

import pytest

from fupin.areas.models import Area, Level
from fupin.demo.generator import allocate
from fupin.demo.villages import POOR_VILLAGES, county_poor_persons
from fupin.villages.models import PoorVillageDesignation, VillageConditions
from fupin.villages.rules import evaluate
from tests.demo.snapshots import snapshot_part

pytestmark = pytest.mark.django_db


@snapshot_part("villages")
def _snapshot():
    """The designations and conditions, for the determinism test's rebuild."""
    return {
        "designations": list(
            PoorVillageDesignation.objects.order_by("village_id").values_list(
                "village_id", "year", "designated_on", "source", "exit_year"
            )
        ),
        "conditions": list(
            VillageConditions.objects.order_by("village_id", "year").values_list(
                "village_id",
                "year",
                "road",
                "safe_water",
                "electricity",
                "clinic",
                "activity_room",
                "broadband",
            )
        ),
    }


def test_the_api_gives_602_poor_villages_in_2014(client, admin):
    client.force_login(admin)
    data = client.get("/api/areas/1522/poor-villages/?year=2014").json()
    assert data["designated"] == POOR_VILLAGES == 602
    assert data["exited"] == 0
    assert data["remaining"] == 602
    assert len(data["villages"]) == 602


def test_the_counties_share_by_poor_population(demo):
    counts: dict[str, int] = {}
    for code in PoorVillageDesignation.objects.values_list("village_id", flat=True):
        counts[code[:6]] = counts.get(code[:6], 0) + 1
    assert demo.poor_villages.by_county == {
        c: counts.get(c, 0) for c in demo.poor_villages.by_county
    }
    # The same apportionment, recomputed from the registry and the villages of each county.
    counties = sorted(demo.poor_villages.by_county)
    poor = county_poor_persons()
    caps = [
        Area.objects.within(c).filter(level=Level.VILLAGE, participates=True).count()
        for c in counties
    ]
    expected = allocate(602, [poor.get(c, 0) for c in counties], caps=caps)
    assert [counts.get(c, 0) for c in counties] == expected
    # More poor persons, at least as many poor villages (where a county's villages suffice).
    uncapped = [c for c, cap, n in zip(counties, caps, expected, strict=True) if n < cap]
    ranked = sorted(uncapped, key=lambda c: poor.get(c, 0))
    assert [counts[c] for c in ranked] == sorted(counts[c] for c in ranked)


def test_the_conditions_and_the_rule_read_the_records(demo):
    assert VillageConditions.objects.filter(year=2016).count() == 602
    code = (
        PoorVillageDesignation.objects.order_by("village_id")
        .values_list("village_id", flat=True)
        .first()
    )
    result = evaluate(code, 2016)
    assert [c.name for c in result.checks][:2] == ["incidence", "collective_income"]
