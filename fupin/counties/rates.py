"""The third-party assessment's rates, their 95 % intervals and the county exit rule
(docs/counties.md, "Rates").

* 漏评率 (missed rate) = non-registered households found to belong in the registry ÷
  (registered households surveyed + those missed);
* 错退率 (wrong-exit rate) = exited households not truly out ÷ exited households answering;
* 群众认可度 (approval) = households satisfied ÷ households answering the question.

Each rate carries its Wilson score interval; the exit rule is the assessment's county rule
(:func:`fupin.assessment.services.county_reasons`), so a round's result and the yearly
assessment's read alike.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import Count, Q

from fupin.assessment import services as assessment_services
from fupin.assessment.models import RuleSet

from .models import SampledHousehold

# The normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054
HUNDREDTH = Decimal("0.01")
Stratum = SampledHousehold.Stratum


def _percent(value: float) -> Decimal:
    return Decimal(str(value * 100)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes`` out of ``n`` (shares, 0–1); None when n=0.

    centre = (p + z²/2n) / (1 + z²/n), half-width = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²)."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclasses.dataclass
class Rate:
    numerator: int
    denominator: int
    rate: Decimal | None  # percent, two decimals
    low: Decimal | None
    high: Decimal | None

    @classmethod
    def of(cls, numerator: int, denominator: int) -> Rate:
        interval = wilson(numerator, denominator)
        if interval is None:
            return cls(numerator, denominator, None, None, None)
        return cls(
            numerator,
            denominator,
            _percent(numerator / denominator),
            _percent(interval[0]),
            _percent(interval[1]),
        )


@dataclasses.dataclass
class Rates:
    sample_size: int
    answered: int
    missed: Rate
    wrong_exit: Rate
    approval: Rate


def counts(round_id: int) -> dict[str, int]:
    """The round's answer counts, in one aggregate query."""
    registered = Q(stratum__in=[Stratum.POOR, Stratum.EXITED])
    answered = Q(answered_on__isnull=False)
    return SampledHousehold.objects.filter(round_id=round_id).aggregate(
        sample_size=Count("pk"),
        answered=Count("pk", filter=answered),
        registered_answered=Count("pk", filter=registered & answered),
        missed=Count("pk", filter=Q(stratum=Stratum.NON_REGISTERED, should_register=True)),
        exited_answered=Count("pk", filter=Q(stratum=Stratum.EXITED, truly_out__isnull=False)),
        wrong_exits=Count("pk", filter=Q(stratum=Stratum.EXITED, truly_out=False)),
        satisfaction_answered=Count("pk", filter=Q(satisfied__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfied=True)),
    )


def from_counts(c: dict[str, int]) -> Rates:
    return Rates(
        sample_size=c["sample_size"],
        answered=c["answered"],
        missed=Rate.of(c["missed"], c["registered_answered"] + c["missed"]),
        wrong_exit=Rate.of(c["wrong_exits"], c["exited_answered"]),
        approval=Rate.of(c["satisfied"], c["satisfaction_answered"]),
    )


def rates(round_id: int) -> Rates:
    return from_counts(counts(round_id))


@dataclasses.dataclass
class Check:
    name: str
    value: Decimal | None
    limit: Decimal
    ok: bool | None


@dataclasses.dataclass
class RuleResult:
    passes: bool
    reasons: list[str]  # untranslated message texts, as the assessment stores them
    incidence: Decimal | None
    checks: list[Check]
    rule_version: int


def incidence(county: str, year: int, rule_set: RuleSet) -> Decimal | None:
    """The county's composite incidence of ``year``, as the yearly assessment computes it."""
    found = assessment_services.assess_counties(year, county, rule_set)
    return found[0].incidence if found else None


def judge(
    found: Rates, county_incidence: Decimal | None, rule_set: RuleSet | None = None
) -> RuleResult:
    """The county exit rule on a round's rates and the county's incidence, with each reason."""
    rule_set = rule_set or RuleSet.current()
    values = (found.missed.rate, found.wrong_exit.rate, found.approval.rate)
    check = None
    if None not in values:
        check = SimpleNamespace(
            missed_rate=values[0], wrong_exit_rate=values[1], approval_rate=values[2]
        )
    reasons = assessment_services.county_reasons(county_incidence, check, rule_set)

    def below(value, limit):
        return None if value is None else value < limit

    checks = [
        Check(
            "incidence",
            county_incidence,
            rule_set.county_incidence_max,
            below(county_incidence, rule_set.county_incidence_max),
        ),
        Check(
            "missed",
            values[0],
            rule_set.missed_rate_max,
            below(values[0], rule_set.missed_rate_max),
        ),
        Check(
            "wrong_exit",
            values[1],
            rule_set.wrong_exit_rate_max,
            below(values[1], rule_set.wrong_exit_rate_max),
        ),
        Check(
            "approval",
            values[2],
            rule_set.approval_min,
            None if values[2] is None else values[2] > rule_set.approval_min,
        ),
    ]
    return RuleResult(
        passes=not reasons,
        reasons=[str(r) for r in reasons],
        incidence=county_incidence,
        checks=checks,
        rule_version=rule_set.version,
    )
