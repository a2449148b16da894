"""The demo's collective economy and safety-net enrolments at a small scale: the seed's figures
(scaled by the same helpers the demo uses) come out of the records through the pages'
selectors, the 清零递增 story holds, and the safety-net gaps are few but present."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from fupin.collective.models import CollectiveDistribution, CollectiveIncome
from fupin.collective.selectors import Status, collective_counts, share, village_statuses, yearly
from fupin.demo.collective import demo_villages, scaled_collective_targets, stable_count
from fupin.demo.safetynet import scaled_safetynet_targets
from fupin.safetynet.models import PolicyEnrolment
from fupin.safetynet.selectors import gap_counts, policy_counts
from tests.demo.snapshots import SCALE, SEED


def test_full_scale_share_rounds_to_the_seeds_95_1():
    assert stable_count(900) == 856
    assert share(856, 900).quantize(Decimal("0.1"), ROUND_HALF_UP) == Decimal("95.1")


def test_collective_figures_through_the_selector(demo, admin):
    villages = demo_villages(SCALE)
    targets = scaled_collective_targets(SCALE, len(villages))
    assert demo.collective.villages == len(villages) > 0
    counts = collective_counts(admin, "1522", 2016)
    assert counts["villages_stable"] == targets["stable_2016"]
    assert counts["total_yuan"] == Decimal(targets["total_2016_yuan"]).quantize(Decimal("0.01"))
    assert counts["households_sharing"] == targets["households_sharing_2016"]
    # Independent counts from the rows.
    total = CollectiveIncome.objects.filter(year=2016).aggregate(t=Sum("amount"))["t"]
    assert counts["total_yuan"] == total
    sharing = CollectiveDistribution.objects.filter(year=2016).values("household_id")
    assert counts["households_sharing"] == sharing.distinct().count()
    # Among the demo villages, the share is the seed's as nearly as their number allows.
    rows = [r for r in village_statuses(admin, "1522", 2016) if r.code in set(villages)]
    stable = sum(r.status in Status.WITH_STABLE_INCOME for r in rows)
    assert stable == stable_count(len(villages))
    # A household's shares never exceed its village's income.
    for village, paid in (
        CollectiveDistribution.objects.filter(year=2016)
        .values_list("village_id")
        .annotate(s=Sum("amount"))
    ):
        income = CollectiveIncome.objects.filter(village_id=village, year=2016).aggregate(
            t=Sum("amount")
        )["t"]
        assert paid <= income


def test_the_board_and_the_api_show_the_same_figures(demo, admin, client):
    targets = scaled_collective_targets(SCALE, len(demo_villages(SCALE)))
    client.force_login(admin)
    counts = client.get("/collective/?area=1522&year=2016").context["counts"]
    data = client.get("/api/areas/1522/collective-economy/?year=2016").json()
    assert counts["villages_stable"] == data["villages_stable"] == targets["stable_2016"]
    assert counts["households_sharing"] == data["households_sharing"]
    assert Decimal(data["total_yuan"]) == counts["total_yuan"] == targets["total_2016_yuan"]
    page = client.get("/safety-net/?area=1522&year=2016")
    assert page.context["figures"]["persons"] == scaled_safetynet_targets(SCALE)["persons_2016"]


def test_villages_leave_zero_year_by_year(demo, admin):
    villages = set(demo_villages(SCALE))
    incomes = {}
    for village, year, amount in CollectiveIncome.objects.values_list(
        "village_id", "year"
    ).annotate(t=Sum("amount")):
        incomes[(village, year)] = amount
    zero = {y: sum(1 for v in villages if not incomes.get((v, y))) for y in (2014, 2015, 2016)}
    assert zero[2014] > zero[2015] >= zero[2016]
    assert zero[2014] >= 0.3 * len(villages)
    rows = {r["year"]: r for r in yearly(admin, "1522", 2017)}
    assert rows[2015]["left_zero"] == zero[2014] - zero[2015]
    assert rows[2016]["villages_stable"] > rows[2015]["villages_stable"]


def test_safetynet_persons_through_the_selector(demo, admin, client):
    target = scaled_safetynet_targets(SCALE)["persons_2016"]
    figures = policy_counts(admin, "1522", 2016)
    assert figures["persons"] == target == demo.safetynet.persons[2016]
    rows = PolicyEnrolment.objects.filter(year=2016)
    assert figures["persons"] == rows.values("member_id").distinct().count()
    assert all(figures[p]["persons"] > 0 for p in ("education", "health", "living"))
    client.force_login(admin)
    data = client.get("/api/areas/1522/safety-net/?year=2016").json()
    assert data["persons"] == target
    for policy in ("education", "health", "living", "destitute", "other"):
        assert data[policy]["persons"] == figures[policy]["persons"]


def test_safetynet_gaps_are_few_and_found_by_the_rules(demo, admin):
    for year in (2016, 2017):
        gaps = gap_counts(admin, "1522", year)
        assert gaps == demo.safetynet.gaps[year]
        assert all(n > 0 for n in gaps.values()), (year, gaps)
        assert sum(gaps.values()) < 0.02 * policy_counts(admin, "1522", year)["persons"]


def _rows():
    return (
        list(
            CollectiveIncome.objects.order_by("village_id", "year", "source").values_list(
                "village_id", "year", "source", "amount"
            )
        ),
        list(
            CollectiveDistribution.objects.order_by("household_id", "year").values_list(
                "household_id", "year", "amount"
            )
        ),
        list(
            PolicyEnrolment.objects.order_by("member_id", "year", "policy").values_list(
                "member_id", "year", "policy", "amount"
            )
        ),
    )


def test_deterministic_and_reset_by_raw_deletes(demo, db):
    from fupin.demo import collective, safetynet

    before = _rows()
    assert all(before)
    safetynet.demo_safetynet_reset()
    collective.demo_collective_reset()
    assert not any(_rows())
    assert not CollectiveIncome.history.exists() and not PolicyEnrolment.history.exists()
    collective.demo_collective(seed=SEED, scale=SCALE)
    safetynet.demo_safetynet(seed=SEED, scale=SCALE)
    assert _rows() == before
    assert CollectiveIncome.history.filter(history_type="+").count() == len(before[0])
