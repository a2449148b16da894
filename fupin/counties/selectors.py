"""Reads of county exit, already scoped (docs/architecture.md rule 2)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When

from fupin.assessment.models import RuleSet
from fupin.assessment.rules import reason_display

from . import rates
from .models import AssessmentRound


@dataclasses.dataclass(frozen=True)
class ThirdParty:
    code: str
    name: str
    year: int
    round: int | None
    kind: str | None
    seed: int | None
    completed: bool
    sample_size: int
    answered: int
    missed_rate: float | None
    missed_rate_low: float | None
    missed_rate_high: float | None
    wrong_exit_rate: float | None
    wrong_exit_rate_low: float | None
    wrong_exit_rate_high: float | None
    approval_rate: float | None
    approval_rate_low: float | None
    approval_rate_high: float | None
    incidence: float | None
    passes: bool
    reasons: list[str]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def rounds(user, code: str, year: int | None = None):
    qs = AssessmentRound.objects.accessible_to(user).within(code).select_related("county")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("county_id", "-year", "kind")


def main_round(user, code: str, year: int) -> AssessmentRound | None:
    """The county's round of ``year`` that speaks for it: the formal one when there is one."""
    formal_first = Case(
        When(kind=AssessmentRound.Kind.FORMAL, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        AssessmentRound.objects.accessible_to(user)
        .filter(county_id=code, year=year)
        .order_by(formal_first, "-pk")
        .first()
    )


def round_result(round_: AssessmentRound) -> tuple[rates.Rates, rates.RuleResult]:
    rule_set = RuleSet.current()
    found = rates.rates(round_.pk)
    judged = rates.judge(found, rates.incidence(round_.county_id, round_.year, rule_set), rule_set)
    return found, judged


def third_party(user, county, year: int) -> ThirdParty:
    """The county's third-party assessment of ``year``: sample, rates with their 95 % Wilson
    intervals, and the exit rule's result with its reasons (translated)."""
    round_ = main_round(user, county.code, year)
    if round_ is None:
        empty = rates.Rate(0, 0, None, None, None)
        found = rates.Rates(0, 0, empty, empty, empty)
        rule_set = RuleSet.current()
        judged = rates.judge(found, rates.incidence(county.code, year, rule_set), rule_set)
    else:
        found, judged = round_result(round_)
    return ThirdParty(
        code=county.code,
        name=county.name,
        year=year,
        round=round_.pk if round_ else None,
        kind=round_.kind if round_ else None,
        seed=round_.seed if round_ else None,
        completed=bool(round_ and round_.state == AssessmentRound.State.COMPLETED),
        sample_size=found.sample_size,
        answered=found.answered,
        missed_rate=_number(found.missed.rate),
        missed_rate_low=_number(found.missed.low),
        missed_rate_high=_number(found.missed.high),
        wrong_exit_rate=_number(found.wrong_exit.rate),
        wrong_exit_rate_low=_number(found.wrong_exit.low),
        wrong_exit_rate_high=_number(found.wrong_exit.high),
        approval_rate=_number(found.approval.rate),
        approval_rate_low=_number(found.approval.low),
        approval_rate_high=_number(found.approval.high),
        incidence=_number(judged.incidence),
        passes=judged.passes,
        reasons=[reason_display(r) for r in judged.reasons],
    )
