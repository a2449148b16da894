"""The rates and their 95 % Wilson intervals on known answers, checked against the textbook
formula computed by hand, and the county exit rule failing on each condition alone."""

import math
from decimal import Decimal as D

import pytest

from fupin.assessment.models import RuleSet
from fupin.counties import rates
from fupin.counties.rates import Rate, Rates, wilson

pytestmark = pytest.mark.django_db


def textbook(x: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)."""
    p = x / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n), (centre + spread) / (1 + z * z / n)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Worked by hand: p̂ = 0.04, z² = 3.8416, 1 + z²/n = 1.076832,
        # centre = 0.078416 / 1.076832 = 0.072821, half = 1.820154 × 0.033943 = 0.061782.
        (2, 50, 0.011039, 0.134603),
        # No success: the lower end is 0, the upper z²/(n + z²) = 3.8416 / 23.8416.
        (0, 20, 0.0, 0.161130),
        # Every one: the mirror image.
        (20, 20, 0.838870, 1.0),
        (45, 50, 0.786, 0.956),
    ],
)
def test_the_wilson_interval_by_hand(x, n, low, high):
    got = wilson(x, n, z=1.96)
    assert got[0] == pytest.approx(low, abs=1e-3)
    assert got[1] == pytest.approx(high, abs=1e-3)
    book = textbook(x, n)
    assert got[0] == pytest.approx(max(0.0, book[0]), abs=1e-12)
    assert got[1] == pytest.approx(min(1.0, book[1]), abs=1e-12)


def test_no_answers_no_interval():
    assert wilson(0, 0) is None
    assert Rate.of(0, 0).rate is None


def test_a_rate_in_percent_with_its_interval():
    rate = Rate.of(2, 50)
    assert rate.rate == D("4.00")
    low, high = textbook(2, 50, z=rates.Z95)
    assert rate.low == D(str(round(low * 100, 2)))
    assert rate.high == D(str(round(high * 100, 2)))


def test_the_rates_from_known_counts():
    found = rates.from_counts(
        {
            "sample_size": 120,
            "answered": 110,
            "registered_answered": 98,
            "missed": 2,
            "exited_answered": 40,
            "wrong_exits": 1,
            "satisfaction_answered": 100,
            "satisfied": 95,
        }
    )
    assert (found.missed.numerator, found.missed.denominator) == (2, 100)
    assert found.missed.rate == D("2.00")
    assert found.wrong_exit.rate == D("2.50")
    assert found.approval.rate == D("95.00")


def _rates(missed, wrong, approval):
    def rate(value):
        return Rate(0, 100, D(value), None, None)

    return Rates(100, 100, rate(missed), rate(wrong), rate(approval))


@pytest.mark.parametrize(
    ("missed", "wrong", "approval", "incidence", "reason"),
    [
        ("1.50", "1.00", "95.00", D("2.50"), None),
        ("2.00", "1.00", "95.00", D("2.50"), "漏评率 2.00% ≥ 2%"),
        ("1.50", "2.50", "95.00", D("2.50"), "错退率 2.50% ≥ 2%"),
        ("1.50", "1.00", "90.00", D("2.50"), "群众认可度 90.00% ≤ 90%"),
        ("1.50", "1.00", "95.00", D("3.10"), "综合贫困发生率 3.10% ≥ 3%"),
        ("1.50", "1.00", "95.00", None, "缺少农村人口数据"),
    ],
)
def test_the_exit_rule_fails_on_each_condition_alone(missed, wrong, approval, incidence, reason):
    result = rates.judge(_rates(missed, wrong, approval), incidence, RuleSet.current())
    if reason is None:
        assert result.passes and result.reasons == []
    else:
        assert not result.passes
        assert result.reasons == [reason]
    failed = [c.name for c in result.checks if c.ok is False]
    assert len(failed) == (0 if reason is None else 1) or incidence is None


def test_no_answers_is_no_check():
    empty = Rate(0, 0, None, None, None)
    result = rates.judge(Rates(0, 0, empty, empty, empty), D("1.00"), RuleSet.current())
    assert result.reasons == ["缺少抽查评估数据"]
