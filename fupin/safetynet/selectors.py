"""Reads of the safety-net policies, already scoped: who is covered by which policy, and who
qualifies but is not covered (the rules of :mod:`fupin.safetynet.rules`, set-based).

Definitions (docs/safetynet.md):

* **persons under a policy** in an area and year: distinct members with an enrolment in that
  policy that year in the area; **persons** (the total): distinct members with any enrolment
  — a person under two policies counts once;
* **amount**: the sum of the enrolments' amounts;
* **gaps** under a rule: members of households poor in the year (status row of the year
  未脱贫 or 返贫) who are owed the rule's policy and have no enrolment in it that year.

:func:`policy_counts` is what the page, the API and the demo's self-check read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import CHILD_LEVEL, LEVEL_DIGITS, Area, Level
from fupin.core.clock import as_of
from fupin.core.figures import serialized
from fupin.registry import codes
from fupin.registry.models import Member, StatusRecord

from .models import Policy, PolicyEnrolment
from .rules import RULES, RULES_BY_CODE

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _yuan(value) -> Decimal:
    # SQLite sums decimals without their scale; show them as yuan and fen everywhere.
    return (value or ZERO).quantize(CENT)


def default_year() -> int:
    """The year in progress: enrolments are current."""
    return as_of().year


def enrolments(user, code: str, year: int, policy: str | None = None):
    qs = PolicyEnrolment.objects.filter(year=year).accessible_to(user).within(code)
    return qs.filter(policy=policy) if policy else qs


def _empty() -> dict:
    figures = {"persons": 0, "amount_yuan": ZERO}
    for policy in Policy.values:
        figures[policy] = {"persons": 0, "amount_yuan": ZERO}
    return figures


def policy_counts(user, code: str, year: int) -> dict:
    """Persons and amounts per policy and in all (two grouped queries)."""
    rows = enrolments(user, code, year)
    figures = _empty()
    for r in (
        rows.values("policy")
        .annotate(persons=Count("member_id", distinct=True), amount=Sum("amount"))
        .order_by()
    ):
        figures[r["policy"]] = {"persons": r["persons"], "amount_yuan": _yuan(r["amount"])}
    total = rows.aggregate(
        persons=Count("member_id", distinct=True), amount=Coalesce(Sum("amount"), ZERO)
    )
    figures["persons"] = total["persons"]
    figures["amount_yuan"] = _yuan(total["amount"])
    return figures


def _yuan_field(help_text) -> dict:
    return serialized(help_text, max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class PolicyFigures:
    """Persons and amount under one policy."""

    persons: int = field(metadata=serialized(_("享受该政策的人数（去重）")))
    amount_yuan: Decimal = field(metadata=_yuan_field(_("金额合计（元）")))


@dataclass(frozen=True)
class Gaps:
    """Persons owed a policy and not covered, per rule of :mod:`fupin.safetynet.rules`."""

    student: int = field(metadata=serialized(_("在校生未享受教育资助的人数")))
    ill: int = field(metadata=serialized(_("大病或残疾未享受健康扶贫的人数")))
    low_income: int = field(metadata=serialized(_("低保户成员未纳入低保兜底的人数")))
    extreme: int = field(metadata=serialized(_("特困户成员未纳入特困供养的人数")))


@dataclass(frozen=True)
class SafetyNet:
    """:func:`policy_counts` and :func:`gap_counts` of an area and year (the API's structure)."""

    code: str = field(metadata=serialized(_("区划代码")))
    year: int = field(metadata=serialized(_("年度")))
    persons: int = field(metadata=serialized(_("享受任一政策的人数（一人多项只计一次）")))
    amount_yuan: Decimal = field(metadata=_yuan_field(_("金额合计（元）")))
    education: PolicyFigures = field(metadata=serialized(_("教育资助")))
    health: PolicyFigures = field(metadata=serialized(_("健康扶贫（医疗救助）")))
    living: PolicyFigures = field(metadata=serialized(_("低保兜底")))
    destitute: PolicyFigures = field(metadata=serialized(_("特困供养")))
    other: PolicyFigures = field(metadata=serialized(_("其他救助")))
    gaps: Gaps = field(metadata=serialized(_("符合条件但未覆盖的人数（按规则）")))


def safety_net(user, code: str, year: int) -> SafetyNet:
    """The page's figures of an area and year as one typed structure."""
    figures = policy_counts(user, code, year)
    return SafetyNet(
        code=code,
        year=year,
        persons=figures["persons"],
        amount_yuan=figures["amount_yuan"],
        **{policy: PolicyFigures(**figures[policy]) for policy in Policy.values},
        gaps=Gaps(**gap_counts(user, code, year)),
    )


def gap_members(user, code: str, year: int, rule_code: str):
    """Members who qualify under the rule in the year but have no enrolment in its policy."""
    rule = RULES_BY_CODE[rule_code]
    # Driven by the year's status rows (a covering index on year, status, village, household):
    # the poor households of the area first, then their members.
    poor = (
        StatusRecord.objects.filter(year=year, status__in=codes.POOR_STATUSES)
        .accessible_to(user)
        .within(code)
    )
    if rule.attribute:
        poor = poor.filter(attribute=rule.attribute)
    members = (
        Member.objects.filter(household_id__in=poor.values("household_id"))
        .accessible_to(user)
        .within(code)
    )
    if rule.member_field:
        members = members.filter(**{f"{rule.member_field}__in": sorted(rule.member_values)})
    covered = PolicyEnrolment.objects.filter(
        member_id=OuterRef("pk"), year=year, policy=rule.policy
    )
    return (
        members.filter(~Exists(covered))
        .select_related("household")
        .order_by("village_id", "household__number", "pk")
    )


def gap_counts(user, code: str, year: int) -> dict[str, int]:
    return {rule.code: gap_members(user, code, year, rule.code).count() for rule in RULES}


def gap_counts_by_child(user, area: Area, year: int) -> dict[str, dict[str, int]]:
    """The gaps of each rule per child area of ``area`` (one grouped query per rule)."""
    child_level = CHILD_LEVEL.get(Level(area.level))
    if child_level is None:
        return {}
    digits = LEVEL_DIGITS[child_level]
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RULES_BY_CODE, 0))
    for rule in RULES:
        rows = (
            gap_members(user, area.code, year, rule.code)
            .select_related(None)
            .order_by()
            .annotate(prefix=Substr("village_id", 1, digits))
            .values("prefix")
            .annotate(n=Count("pk"))
        )
        for r in rows:
            out[r["prefix"]][rule.code] = r["n"]
    return out


def child_rows(user, area: Area, year: int) -> list[tuple[Area, dict]]:
    """Persons per policy and in all for each child area (two grouped queries)."""
    child_level = CHILD_LEVEL.get(Level(area.level))
    if child_level is None:
        return []
    digits = LEVEL_DIGITS[child_level]
    children = list(Area.objects.filter(parent=area).accessible_to(user))
    rows = enrolments(user, area.code, year).annotate(prefix=Substr("village_id", 1, digits))
    figures: defaultdict[str, dict] = defaultdict(_empty)
    for r in (
        rows.values("prefix", "policy")
        .annotate(persons=Count("member_id", distinct=True), amount=Sum("amount"))
        .order_by()
    ):
        figures[r["prefix"]][r["policy"]] = {
            "persons": r["persons"],
            "amount_yuan": _yuan(r["amount"]),
        }
    for r in (
        rows.values("prefix")
        .annotate(persons=Count("member_id", distinct=True), amount=Sum("amount"))
        .order_by()
    ):
        figures[r["prefix"]]["persons"] = r["persons"]
        figures[r["prefix"]]["amount_yuan"] = _yuan(r["amount"])
    return [(child, figures[child.code]) for child in children]


def household_enrolments(user, household) -> list:
    """The household's enrolments, newest year first (the household block)."""
    return list(
        PolicyEnrolment.objects.accessible_to(user)
        .filter(household=household)
        .co_located("member")
        .select_related("member")
        .order_by("-year", "member_id", "policy")
    )
