"""The status of a village in a year (zero / weak / stable / growing), the threshold as data,
and the board's and the API's figures against independent counts."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from fupin.areas.models import Area
from fupin.collective.models import (
    CollectiveDistribution,
    CollectiveIncome,
    CollectiveThreshold,
    Source,
)
from fupin.collective.selectors import (
    Status,
    classify,
    collective_counts,
    threshold_for,
    village_statuses,
    yearly,
)
from tests.factories import HADANALA, YINDEER, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
D = Decimal


def _villages(n=4):
    return list(
        Area.objects.filter(parent_id=YINDEER, level="village", participates=True)
        .order_by("code")
        .values_list("code", flat=True)[:n]
    )


def _income(village, year, amount, source=Source.RESOURCE):
    return CollectiveIncome.objects.create(
        village_id=village, year=year, source=source, amount=D(amount)
    )


@pytest.fixture
def villages():
    """A: nothing; B: weak; C: stable, less than 2015; D: stable and growing (two sources)."""
    a, b, c, d = _villages()
    _income(b, 2016, "20000")
    _income(c, 2015, "70000")
    _income(c, 2016, "60000")
    _income(d, 2015, "40000")
    _income(d, 2016, "45000")
    _income(d, 2016, "15000.50", Source.DIVIDEND)
    return {"zero": a, "weak": b, "stable": c, "growing": d}


def test_classify_rules():
    t = D("50000")
    assert classify(D("0"), D("10"), t) == Status.ZERO
    assert classify(D("0.01"), D("0"), t) == Status.WEAK
    assert classify(D("49999.99"), D("0"), t) == Status.WEAK
    assert classify(D("50000"), D("50000"), t) == Status.STABLE
    assert classify(D("50000"), D("60000"), t) == Status.STABLE
    assert classify(D("50000.01"), D("50000"), t) == Status.GROWING
    assert classify(D("100"), D("0"), None) == Status.WEAK


def test_seeded_threshold_and_later_rows():
    assert threshold_for(2016) == D("50000.00")
    assert threshold_for(2013) is None
    CollectiveThreshold.objects.create(year=2017, amount=D("80000"))
    assert threshold_for(2016) == D("50000.00")
    assert threshold_for(2017) == D("80000.00")
    assert threshold_for(2020) == D("80000.00")


def test_statuses_of_hand_built_villages(villages):
    user = make_user("township_officer", YINDEER)
    by_code = {row.code: row for row in village_statuses(user, YINDEER, 2016)}
    for status, code in villages.items():
        assert by_code[code].status == status, code
    assert by_code[villages["growing"]].income == D("60000.50")
    assert by_code[villages["growing"]].previous == D("40000.00")


def test_the_threshold_is_data(villages):
    user = make_user("township_officer", YINDEER)
    CollectiveThreshold.objects.create(year=2016, amount=D("65000"))
    by_code = {row.code: row.status for row in village_statuses(user, YINDEER, 2016)}
    assert by_code[villages["stable"]] == Status.WEAK
    assert by_code[villages["growing"]] == Status.WEAK


def _independent(code, year):
    """Count the figures with plain ORM queries, without the selectors."""
    villages = set(
        Area.objects.filter(code__startswith=code, level="village", participates=True).values_list(
            "code", flat=True
        )
    )
    totals = {
        r["village_id"]: r["t"]
        for r in CollectiveIncome.objects.filter(village__code__startswith=code, year=year)
        .values("village_id")
        .annotate(t=Sum("amount"))
    }
    threshold = CollectiveThreshold.objects.filter(year__lte=year).order_by("-year").first().amount
    stable = sum(1 for v in villages if totals.get(v, 0) >= threshold)
    return {
        "villages": len(villages),
        "villages_zero": sum(1 for v in villages if not totals.get(v)),
        "villages_stable": stable,
        "total_yuan": sum(totals.values(), D("0")),
        "households_sharing": CollectiveDistribution.objects.filter(
            village__code__startswith=code, year=year
        )
        .values("household_id")
        .distinct()
        .count(),
        "stable_share": (D(stable * 100) / len(villages)).quantize(D("0.01")),
    }


def test_counts_equal_an_independent_count(villages):
    households = [make_household(villages["stable"]) for _ in range(3)]
    for h in households[:2]:
        CollectiveDistribution.objects.create(
            village_id=h.village_id, year=2016, household=h, amount=D("300")
        )
    CollectiveDistribution.objects.create(
        village_id=households[2].village_id, year=2015, household=households[2], amount=D("1")
    )
    user = make_user("county_office", ZHALAITE)
    counts = collective_counts(user, YINDEER, 2016)
    expected = _independent(YINDEER, 2016)
    for key, value in expected.items():
        assert counts[key] == value, key
    assert counts["villages_weak"] == 1 and counts["villages_growing"] == 1
    assert counts["households_sharing"] == 2
    assert counts["total_yuan"] == D("140000.50")


def test_api_equals_an_independent_count(client, villages):
    client.force_login(make_user("county_office", ZHALAITE))
    for code in (YINDEER, ZHALAITE):
        data = client.get(f"/api/areas/{code}/collective-economy/?year=2016").json()
        expected = _independent(code, 2016)
        assert data["villages"] == expected["villages"]
        assert data["villages_zero"] == expected["villages_zero"]
        assert data["villages_stable"] == expected["villages_stable"]
        assert D(data["stable_share"]) == expected["stable_share"]
        assert D(data["total_yuan"]) == expected["total_yuan"]
        assert data["households_sharing"] == expected["households_sharing"]
    # Default year: the last full year.
    assert client.get(f"/api/areas/{YINDEER}/collective-economy/").json()["year"] == 2016
    assert client.get(f"/api/areas/{YINDEER}/collective-economy/?year=x").status_code == 400


def test_scope(client, villages):
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{YINDEER}/collective-economy/").status_code == 404
    assert client.get(f"/collective/?area={YINDEER}").status_code == 404
    assert client.get(f"/collective/villages/{villages['growing']}/").status_code == 404
    # The league's figure for a village user holds only the user's own village.
    client.force_login(make_user("township_officer", YINDEER))
    data = client.get(f"/api/areas/{ZHALAITE}/collective-economy/?year=2016")
    assert data.status_code == 404


def test_yearly_left_zero(villages):
    _income(villages["zero"], 2017, "100")
    user = make_user("township_officer", YINDEER)
    rows = {r["year"]: r for r in yearly(user, YINDEER, 2017)}
    n = len(Area.objects.filter(code__startswith=YINDEER, level="village", participates=True))
    assert rows[2014]["left_zero"] is None
    assert rows[2015]["villages_zero"] == n - 2 and rows[2015]["left_zero"] == 2
    assert rows[2016]["villages_zero"] == n - 3 and rows[2016]["left_zero"] == 1
    assert rows[2017]["left_zero"] == 1
    assert rows[2016]["villages_stable"] == 2
