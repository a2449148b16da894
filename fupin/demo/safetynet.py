"""The demo's safety-net policy enrolments for 2016 and 2017 to date.

Drawn from the registry by the rules of :mod:`fupin.safetynet.rules`, then counted back by
:func:`fupin.safetynet.selectors.policy_counts`:

* every member of a household poor in the year who is owed a policy under a rule — students
  教育资助, the seriously ill and disabled 健康扶贫, members of 低保 households 低保兜底, of 特困
  households 特困供养 — is enrolled, except every 150th under each rule (2017: every 120th),
  the few realistic gaps the page shows;
* 2016 is then filled up to exactly :func:`scaled_safetynet_targets` ``["persons_2016"]``
  distinct persons (6.6万 × scale): chronically ill members of poor households (健康扶贫), then
  members of households poor for illness or disability (其他救助), then students of households
  that exited in 2016 (教育资助, they were poor during the year), then other members of poor
  households (临时救助, 其他救助) — at an absurdly small scale the figure is as near as the
  registry allows (the test at scale 0.02 checks it exactly);
* 2017 (to 30 June) enrols the rule set and the chronically ill, with half a year's amounts.

Rows are written in bulk (:class:`fupin.demo.rows.Rows`); the reset deletes them
with raw deletes.
"""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from fupin.registry import codes
from fupin.registry.models import Household, Member, StatusRecord
from fupin.safetynet import rules
from fupin.safetynet.models import Policy, PolicyEnrolment

from .cases import _Rows

LEAGUE = "1522"
PERSONS_2016 = 66_000  # 6.6万 people under the education, health and living policies
GAP_EVERY = {2016: 150, 2017: 120}
S = codes.SchoolStatus
EDUCATION_YUAN = {
    S.PRIMARY: (1_000, "义务教育寄宿生生活补助"),
    S.GRADE7: (1_250, "义务教育寄宿生生活补助"),
    S.GRADE8: (1_250, "义务教育寄宿生生活补助"),
    S.GRADE9: (1_250, "义务教育寄宿生生活补助"),
    S.SENIOR1: (2_500, "普通高中国家助学金、免学杂费"),
    S.SENIOR2: (2_500, "普通高中国家助学金、免学杂费"),
    S.SENIOR3: (2_500, "普通高中国家助学金、免学杂费"),
    S.VOCATIONAL1: (2_000, "中职国家助学金"),
    S.VOCATIONAL2: (2_000, "中职国家助学金"),
    S.VOCATIONAL3: (2_000, "中职国家助学金"),
    S.HIGHER_VOCATIONAL1: (3_000, "雨露计划"),
    S.HIGHER_VOCATIONAL2: (3_000, "雨露计划"),
    S.HIGHER_VOCATIONAL3: (3_000, "雨露计划"),
    S.COLLEGE: (5_000, "大学生入学资助"),
}
LIVING_YUAN = 3_480  # 290 yuan a month, rural 低保
DESTITUTE_YUAN = 5_400  # 450 yuan a month, 分散供养


@dataclasses.dataclass
class SafetynetResult:
    enrolments: int = 0
    persons: dict = dataclasses.field(default_factory=dict)  # year → distinct persons
    gaps: dict = dataclasses.field(default_factory=dict)  # year → {rule: n}
    targets: dict = dataclasses.field(default_factory=dict)


def scaled_safetynet_targets(scale: float) -> dict[str, int]:
    """The 2016 target at ``scale`` (the test uses it too)."""
    return {"persons_2016": round(PERSONS_2016 * scale)}


def demo_safetynet_reset() -> None:
    """Delete what :func:`demo_safetynet` wrote (raw deletes, history included)."""
    for qs in (
        PolicyEnrolment.history.model._base_manager.all(),
        PolicyEnrolment._base_manager.all(),
    ):
        qs._raw_delete(qs.db)


def _amount(rng, policy: str, member: dict, half: bool) -> tuple[Decimal, str]:
    if policy == Policy.EDUCATION:
        yuan, note = EDUCATION_YUAN.get(member["school_status"], (1_000, "教育资助"))
    elif policy == Policy.HEALTH:
        health = member["health"]
        if health == codes.Health.SERIOUS:
            yuan, note = rng.randrange(3_000, 30_000, 10), "大病保险及医疗救助"
        elif health == codes.Health.DISABLED:
            yuan, note = rng.randrange(800, 4_000, 10), "残疾人康复救助"
        else:
            yuan, note = rng.randrange(300, 3_000, 10), "慢性病门诊报销"
    elif policy == Policy.LIVING:
        yuan, note = LIVING_YUAN, "农村低保"
    elif policy == Policy.DESTITUTE:
        yuan, note = DESTITUTE_YUAN, "分散供养"
    else:
        yuan, note = rng.randrange(500, 2_000, 10), "临时救助"
    value = Decimal(yuan) / 2 if half else Decimal(yuan)
    return value.quantize(Decimal("0.01")), note


class _Year:
    """The enrolments of one year, built in memory."""

    def __init__(self, rng, year: int, half: bool):
        self.rng, self.year, self.half = rng, year, half
        self.rows: list[dict] = []
        self.covered: set[int] = set()
        self.taken: set[tuple[int, str]] = set()

    def enrol(self, member: dict, policy: str) -> None:
        if (member["pk"], policy) in self.taken:
            return
        self.taken.add((member["pk"], policy))
        amount, note = _amount(self.rng, policy, member, self.half)
        self.rows.append(
            {
                "member_id": member["pk"],
                "household_id": member["household_id"],
                "village_id": member["village_id"],
                "year": self.year,
                "policy": policy,
                "amount": amount,
                "note": note,
            }
        )
        self.covered.add(member["pk"])


def _by_rules(book: _Year, members: list[dict], statuses: dict) -> dict[str, int]:
    """Enrol everyone the rules owe a policy to, but every n-th per rule (the gaps)."""
    seen = dict.fromkeys((r.code for r in rules.RULES), 0)
    gaps = dict.fromkeys(seen, 0)
    every = GAP_EVERY[book.year]
    for member in members:
        status, attribute = statuses[member["household_id"]]
        for rule in rules.owed(member, status, attribute):
            seen[rule.code] += 1
            if seen[rule.code] % every == 2:
                gaps[rule.code] += 1
                continue
            book.enrol(member, rule.policy)
    return gaps


def demo_safetynet(*, seed: int, scale: float, progress=None) -> SafetynetResult:
    """Write the demo's enrolments for 2016 and 2017; return the counts."""
    say = progress or (lambda message: None)
    rng = random.Random(seed * 104_729 + 3)
    targets = scaled_safetynet_targets(scale)
    status_rows = (
        StatusRecord.objects.within(LEAGUE)
        .filter(year__in=(2016, 2017))
        .values_list("household_id", "year", "status", "attribute")
    )
    statuses: dict[int, dict] = {2016: {}, 2017: {}}
    for household, year, status, attribute in status_rows:
        statuses[year][household] = (status, attribute)
    households = dict(Household.objects.within(LEAGUE).values_list("pk", "main_cause").order_by())
    exited_2016 = set(
        Household.objects.within(LEAGUE).filter(exit_year=2016).values_list("pk", flat=True)
    )
    members = list(
        Member.objects.within(LEAGUE)
        .order_by("pk")
        .values("pk", "household_id", "village_id", "school_status", "health")
    )
    result = SafetynetResult(targets=targets)
    out = _Rows(PolicyEnrolment)
    for year in (2016, 2017):
        book = _Year(rng, year, half=year == 2017)
        in_year = statuses[year]
        poor = [
            m
            for m in members
            if m["household_id"] in in_year and in_year[m["household_id"]][0] in codes.POOR_STATUSES
        ]
        result.gaps[year] = _by_rules(book, poor, in_year)
        chronic = [m for m in poor if m["health"] == codes.Health.CHRONIC]
        if year == 2017:
            for member in chronic:
                book.enrol(member, Policy.HEALTH)
        else:
            target = targets["persons_2016"]
            ill_cause = (codes.Cause.ILLNESS, codes.Cause.DISABILITY)
            pools = (
                (chronic, Policy.HEALTH),
                ([m for m in poor if households[m["household_id"]] in ill_cause], Policy.OTHER),
                (
                    [
                        m
                        for m in members
                        if m["household_id"] in exited_2016
                        and m["school_status"] in rules.IN_SCHOOL
                    ],
                    Policy.EDUCATION,
                ),
                (poor, Policy.OTHER),
            )
            for pool, policy in pools:
                pool = [m for m in pool if m["pk"] not in book.covered]
                rng.shuffle(pool)
                for member in pool[: max(0, target - len(book.covered))]:
                    book.enrol(member, policy)
        result.persons[year] = len(book.covered)
        for row in book.rows:
            out.add(**row)
    result.enrolments = out.write()
    say(
        f"兜底保障：{result.enrolments} 条，2016年 {result.persons[2016]} 人，"
        f"2017年 {result.persons[2017]} 人"
    )
    return result
