"""Who qualifies for a safety-net policy but is not covered: the rules, as pure functions.

A rule names a policy and the persons it is owed to, among the members of households that
are **poor in the year** — their status row of the year (:class:`StatusRecord`) is 未脱贫 or
返贫 (the year in progress: as of now). For each such member:

* ``student`` — in school (在校生状况 is a school grade: 小学 to 大专及以上; not 非在校生, not
  学前教育, which the counties fund on their own terms) → owed 教育资助 (education);
* ``ill`` — 健康状况 患有大病 or 残疾 → owed 健康扶贫（医疗救助） (health);
* ``low_income`` — the household's attribute of the year is 低保贫困户 → every member owed
  低保兜底 (living);
* ``extreme`` — the attribute of the year is 特困供养贫困户 → every member owed 特困供养
  (destitute).

A member **qualifies but is not covered** under a rule when he or she is owed the rule's policy
and has no enrolment in that policy that year. The registry keeps a member's current school
and health status, not one per year: a past year is judged by today's values (an
approximation the page says aloud).

The functions here never touch the database; :mod:`fupin.safetynet.selectors` turns the same
rules into set-based filters, and the tests check that both agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from fupin.registry import codes

from .models import Policy

IN_SCHOOL = frozenset(codes.SchoolStatus.values) - {
    codes.SchoolStatus.NONE,
    codes.SchoolStatus.PRESCHOOL,
}
SERIOUS_HEALTH = frozenset({codes.Health.SERIOUS, codes.Health.DISABLED})


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    policy: str
    label: str
    # Either a member field and the values that qualify, or the household attribute of the year.
    member_field: str = ""
    member_values: frozenset = frozenset()
    attribute: str = ""

    def applies(self, member: Mapping, attribute: str) -> bool:
        """Tell whether a member of a poor household (attribute of the year) is owed the policy."""
        if self.attribute:
            return attribute == self.attribute
        return member.get(self.member_field) in self.member_values


RULES = (
    Rule("student", Policy.EDUCATION, _("在校生未享受教育资助"), "school_status", IN_SCHOOL),
    Rule("ill", Policy.HEALTH, _("大病或残疾未享受健康扶贫"), "health", SERIOUS_HEALTH),
    Rule(
        "low_income",
        Policy.LIVING,
        _("低保户成员未纳入低保兜底"),
        attribute=codes.Attribute.LOW_INCOME,
    ),
    Rule(
        "extreme",
        Policy.DESTITUTE,
        _("特困户成员未纳入特困供养"),
        attribute=codes.Attribute.EXTREME,
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def is_poor(status: str) -> bool:
    return status in codes.POOR_STATUSES


def owed(member: Mapping, status: str, attribute: str) -> list[Rule]:
    """The rules under which a member (of a household with this year's status) is owed a policy."""
    if not is_poor(status):
        return []
    return [rule for rule in RULES if rule.applies(member, attribute)]


def gaps(member: Mapping, status: str, attribute: str, enrolled: Iterable[str]) -> list[Rule]:
    """The rules under which the member qualifies but has no enrolment (``enrolled``: policies)."""
    covered = set(enrolled)
    return [rule for rule in owed(member, status, attribute) if rule.policy not in covered]
