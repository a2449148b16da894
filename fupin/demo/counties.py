"""The demo's third-party assessment: Ulanhot's 2017 pre-assessment (docs/counties.md).

League headquarters draws the sample with the demo's seed (fupin.counties.services), and every
sampled household answers from the demo's own records:

* an exited household has truly left poverty when its net income per person of its exit year
  is at or above the national poverty line of that year (fupin.assessment's PovertyLine); a
  household without income of that year answers nothing to that question;
* a household is satisfied unless it is one of those wrongly exited;
* a non-registered household: the demo's registry is the whole poor population it generated,
  so no visited non-registered household belongs in it (not missed, satisfied); its name is
  drawn from the demo's names, from the seed.

The round is then completed through the service, which writes Ulanhot's CountyCheck of 2017.
Three queries and two bulk statements besides the draw: a few hundred rows at full scale.
"""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from simple_history.utils import bulk_update_with_history

from fupin.accounts.models import Role, User
from fupin.areas.models import Area
from fupin.assessment.models import CountyAssessment, CountyCheck, PovertyLine
from fupin.counties import services as county_services
from fupin.counties.models import AssessmentRound, CountyExitCase, CountyExitStep, SampledHousehold
from fupin.registry.models import IncomeRecord

from . import names
from .generator import AS_OF

COUNTY = "152201"  # 乌兰浩特市
YEAR = AS_OF.year
REASON = "演示数据：第三方预评估调查结果"
Stratum = SampledHousehold.Stratum


@dataclasses.dataclass
class CountiesResult:
    sample_size: int = 0
    missed_rate: Decimal | None = None
    wrong_exit_rate: Decimal | None = None
    approval_rate: Decimal | None = None


def demo_counties_reset() -> None:
    """Delete the rounds, the exit cases and the county checks (history too)."""
    CountyAssessment.objects.filter(county_check__isnull=False).update(county_check=None)
    for model in (CountyExitStep, CountyExitCase, SampledHousehold, AssessmentRound, CountyCheck):
        querysets = [model._base_manager.all()]
        if hasattr(model, "history"):
            querysets.insert(0, model.history.model._base_manager.all())
        for qs in querysets:
            qs._raw_delete(qs.db)


def _truly_out(samples: list[SampledHousehold]) -> dict[int, bool]:
    """Per exited household sampled: its net income per person of its exit year ≥ the line."""
    exited = [s.household_id for s in samples if s.stratum == Stratum.EXITED]
    lines = dict(PovertyLine.objects.filter(standard="national").values_list("year", "amount"))
    out: dict[int, bool] = {}
    incomes = IncomeRecord.objects.filter(household_id__in=exited).select_related("household")
    for income in incomes:
        if income.year != income.household.exit_year:
            continue
        per_capita = income.net_income_per_capita
        line = lines.get(income.year)
        if per_capita is not None and line is not None:
            out[income.household_id] = per_capita >= line
    return out


def demo_counties(*, seed: int, progress=None) -> CountiesResult:
    demo_counties_reset()
    actor = User.objects.filter(username=f"{Role.LEAGUE_HQ}-1522").first()
    county = Area.objects.get(pk=COUNTY)
    round_ = county_services.round_create(
        actor=actor, county=county, year=YEAR, kind=AssessmentRound.Kind.PRE, seed=seed
    )
    samples = list(SampledHousehold.objects.filter(round=round_).order_by("position"))
    truly_out = _truly_out(samples)
    rng = random.Random(seed * 104729 + 16)
    for s in samples:
        s.answered_on = AS_OF
        if s.stratum == Stratum.NON_REGISTERED:
            s.name = names.han_name(rng, rng.choice("MF"), rng.randint(1950, 1990))
            s.should_register = False
            s.satisfied = True
        elif s.stratum == Stratum.EXITED:
            s.truly_out = truly_out.get(s.household_id)
            s.satisfied = s.truly_out is not False
        else:
            s.satisfied = True
    bulk_update_with_history(
        samples,
        SampledHousehold,
        ["name", "should_register", "truly_out", "satisfied", "answered_on"],
        batch_size=1000,
        default_user=actor,
        default_change_reason=REASON,
    )
    try:
        check = county_services.round_complete(actor=actor, round_=round_)
    except ValidationError:
        # A sample too small to give every rate (a tiny demo): the round stays open.
        return CountiesResult(sample_size=len(samples))
    if progress:
        progress(
            f"第三方评估：{county.name}{YEAR}年预评估 {len(samples)} 户，"
            f"漏评率 {check.missed_rate}%，错退率 {check.wrong_exit_rate}%，"
            f"群众认可度 {check.approval_rate}%"
        )
    return CountiesResult(
        sample_size=len(samples),
        missed_rate=check.missed_rate,
        wrong_exit_rate=check.wrong_exit_rate,
        approval_rate=check.approval_rate,
    )
