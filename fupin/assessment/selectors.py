"""Reads of the assessment results, already scoped: the page, the API and exit cases share them.

:func:`assessment_summary` is *the* selector of the page and of
``/api/areas/<code>/assessment/`` (docs/architecture.md rule 5); :func:`exit_candidates` is the list
exit cases are created from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS
from fupin.areas.selectors import access_area, children_in_scope
from fupin.core.figures import serialized
from fupin.core.viewers import Viewer

from .models import (
    CountyAssessment,
    HouseholdAssessment,
    MonitoredHousehold,
    RuleSet,
    VillageAssessment,
)


def household_results(user: Viewer, code: str, year: int):
    """The household results of ``year`` in area ``code`` as the user's scope sees them."""
    access_area(user, code)
    return (
        HouseholdAssessment.objects.accessible_to(user)
        .within(code)
        .filter(year=year)
        .within(code, field="household__village_id")
        .select_related("household", "village", "rule_set")
        .order_by("village_id", "household__number")
    )


def exit_candidates(user: Viewer, code: str, year: int):
    """Households in scope that meet the exit criteria of ``year``: exit cases start here."""
    return household_results(user, code, year).filter(eligible=True)


def village_results(user: Viewer, code: str, year: int):
    access_area(user, code)
    return (
        VillageAssessment.objects.accessible_to(user)
        .within(code)
        .filter(year=year)
        .select_related("village", "rule_set")
        .order_by("village_id")
    )


def county_results(user: Viewer, code: str, year: int):
    """Counties of area ``code`` (or the county containing it) in the user's scope."""
    access_area(user, code)
    qs = CountyAssessment.objects.accessible_to(user).filter(year=year)
    qs = qs.within(code) if len(code) <= 6 else qs.filter(county_id=code[:6])
    return qs.select_related("county", "rule_set", "county_check").order_by("county_id")


@dataclass(frozen=True)
class CountyResult:
    """A county's stored 摘帽 assessment of the year."""

    code: str = field(metadata=serialized(_("旗县市代码")))
    name: str = field(metadata=serialized(_("旗县市名称")))
    eligible: bool = field(metadata=serialized(_("是否达到摘帽标准")))
    incidence: Decimal | None = field(
        metadata=serialized(
            _("综合贫困发生率（%）"), max_digits=6, decimal_places=2, coerce_to_string=False
        )
    )
    reasons: list[str] = field(metadata=serialized(_("未达标原因")))


@dataclass(frozen=True)
class AssessmentSummary:
    """The assessment figures of an area and year (the API serializes this very structure)."""

    households_assessed: int = field(metadata=serialized(_("评估户数（脱贫候选户）")))
    households_eligible: int = field(metadata=serialized(_("达到脱贫标准的户数")))
    households_not_eligible: int = field(metadata=serialized(_("未达到脱贫标准的户数")))
    villages_eligible: int = field(metadata=serialized(_("达到出列标准的村数")))
    villages_not_eligible: int = field(metadata=serialized(_("未达到出列标准的村数")))
    counties: list[CountyResult] = field(metadata=serialized(_("旗县市摘帽评估")))


def assessment_summary(user: Viewer, code: str, year: int) -> AssessmentSummary:
    """The figures of the page and the API: households, villages and counties of a year."""
    # The result lists are ordered for display; a grouped count must drop that ordering
    # (.order_by()), or the ORDER BY columns join the GROUP BY and every row is its own group.
    households = household_results(user, code, year).order_by()
    by_flag = {r["eligible"]: r["n"] for r in households.values("eligible").annotate(n=Count("id"))}
    villages = village_results(user, code, year).order_by()
    by_village = {
        r["eligible"]: r["n"] for r in villages.values("eligible").annotate(n=Count("id"))
    }
    counties = [
        CountyResult(
            code=c.county_id,
            name=c.county.name,
            eligible=c.eligible,
            incidence=c.incidence,
            reasons=c.reasons,
        )
        for c in county_results(user, code, year)
    ]
    return AssessmentSummary(
        households_assessed=by_flag.get(True, 0) + by_flag.get(False, 0),
        households_eligible=by_flag.get(True, 0),
        households_not_eligible=by_flag.get(False, 0),
        villages_eligible=by_village.get(True, 0),
        villages_not_eligible=by_village.get(False, 0),
        counties=counties,
    )


def rule_versions(user: Viewer, code: str, year: int) -> list[RuleSet]:
    """The rule versions the stored results of ``year`` in ``code`` used (normally one)."""
    ids = set(
        household_results(user, code, year).values_list("rule_set_id", flat=True).distinct()
    ) | set(village_results(user, code, year).values_list("rule_set_id", flat=True).distinct())
    return list(RuleSet.objects.filter(pk__in=ids).order_by("version"))


def child_summary(user: Viewer, area, year: int) -> list[dict]:
    """Per child area: households assessed / eligible, villages eligible / not."""
    child_level = CHILD_LEVEL.get(area.level)
    if child_level is None:
        return []
    digits = LEVEL_DIGITS[child_level]
    households = {
        r["prefix"]: r
        for r in household_results(user, area.code, year)
        .order_by()
        .annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(eligible=True)))
    }
    villages = {
        r["prefix"]: r
        for r in village_results(user, area.code, year)
        .order_by()
        .annotate(prefix=Substr("village_id", 1, digits))
        .values("prefix")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(eligible=True)))
    }
    out = []
    for child in children_in_scope(user, area):
        h = households.get(child.code, {"n": 0, "ok": 0})
        v = villages.get(child.code, {"n": 0, "ok": 0})
        out.append(
            {
                "area": child,
                "households_assessed": h["n"],
                "households_eligible": h["ok"],
                "households_not_eligible": h["n"] - h["ok"],
                "villages_eligible": v["ok"],
                "villages_not_eligible": v["n"] - v["ok"],
            }
        )
    return out


def monitored_households(user: Viewer, code: str, *, year=None, kind=None, state=None):
    access_area(user, code)
    qs = MonitoredHousehold.objects.accessible_to(user).within(code)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return (
        qs.within(code, field="household__village_id")
        .select_related("household", "village")
        .order_by("-year", "village_id", "household_id")
    )


def monitoring_rule_counts(user: Viewer, code: str, *, year=None) -> list[dict]:
    """Per monitoring rule (kind): the households it flags and those still at risk, so a
    county sees what each threshold does before tuning it."""
    qs = monitored_households(user, code, year=year).order_by()
    found = {
        r["kind"]: r
        for r in qs.values("kind").annotate(
            households=Count("household_id", distinct=True),
            at_risk=Count("id", filter=Q(state=MonitoredHousehold.State.AT_RISK)),
        )
    }
    return [
        {
            "kind": kind,
            "label": label,
            "households": found.get(kind, {}).get("households", 0),
            "at_risk": found.get(kind, {}).get("at_risk", 0),
        }
        for kind, label in MonitoredHousehold.Kind.choices
    ]
