"""The stored registry re-checked at the system date (docs/data-quality.md, "数据复核").

The import judges a record once, as it is written; a record can go wrong later without being
touched — a child turns 16 and now needs a labour-capacity entry, a member passes 100. Each
night (:mod:`fupin.schedule.jobs`) and on ``fupin recheck`` the registry is judged again by
the import's own cleaning rules (:mod:`fupin.registry.rules`), at ``clock.as_of()``.

Set-based in two steps: for each rule one query selects the *candidates* — the records the
rule's condition may hold for, written as SQL (ages as birth-date ranges, a household with no
member of the kind its cause needs as ``NOT EXISTS``) — and the rule function then judges only
those, so the reasons are word for word the import's. The ID number's check digit is computed
in SQL too (:func:`id_candidates`).

Each finding is a :class:`~fupin.quality.models.Flag` of kind ``recheck``; its ``match_key``
is the record and the fact the rule judged (a birth date, a month count, an ID number), so a
finding is raised once, and a dismissed one stays dismissed while the fact is the same. Each
run stores its counts per rule and village (:class:`RecheckCount`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    LPad,
    Mod,
    Substr,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.core import clock, idnumber
from fupin.core.audit import audit
from fupin.core.cells import Problem
from fupin.registry import codes, rules
from fupin.registry.models import Household, IncomeRecord, Member

from .duplicates import duplicates_find, raise_flags
from .models import Flag
from .recheck_models import RecheckCount, RecheckRun

RULE_VERSION = 1
R_ID = "recheck_id_number"
R_LABOUR = "recheck_labour"
R_SCHOOL = "recheck_school"
R_MIGRANT = "recheck_migrant"
R_OVER_100 = "recheck_over_100"
R_HEAD = "recheck_head"
R_CAUSE = "recheck_cause"
R_IDENTIFIED = "recheck_identified_year"
R_EXIT = "recheck_exit_year"
R_INCOME = "recheck_income"
RULES = {
    R_ID: _("证件号码无效"),
    R_LABOUR: _("劳动年龄未填劳动技能"),
    R_SCHOOL: _("学龄未填在校生状况"),
    R_MIGRANT: _("务工时间超出范围"),
    R_OVER_100: _("年龄超过100岁"),
    R_HEAD: _("户主人数不为1"),
    R_CAUSE: _("致贫原因与成员不符"),
    R_IDENTIFIED: _("识别年度超出范围"),
    R_EXIT: _("脱贫年度不符"),
    R_INCOME: _("人均纯收入超出范围"),
}
OLDEST = 100
COL_BIRTH = "出生日期"
MSG_OVER_100 = _("%(age)s岁，已超过100岁，请核实是否健在")
MSG_MEMBER = _("%(name)s（证件号码 %(id)s）：%(problem)s")
MSG_HOUSEHOLD = _("户主 %(name)s：%(problem)s")
MSG_INCOME = _("%(year)s年度收入：%(problem)s")
AUDIT_RUN = "quality.recheck_run"


@dataclass(frozen=True)
class Finding:
    rule: str
    village_id: str
    household_id: int
    member_id: int | None
    fact: str
    reason: str

    @property
    def match_key(self) -> str:
        record = f"m{self.member_id}" if self.member_id else f"h{self.household_id}"
        return f"{record}:{self.fact}"[:80]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# -- Members ---------------------------------------------------------------------------------

_MEMBER_FIELDS = (
    "id",
    "household_id",
    "village_id",
    "name",
    "id_number",
    "birth_date",
    "labour",
    "school_status",
    "migrant_months",
)


def _member_findings(rule: str, field: str, qs, day: datetime.date, fact) -> Iterator[Finding]:
    """Judge the candidate members ``qs`` by ``rules.check_member``; keep ``field``'s problems."""
    for m in qs.values(*_MEMBER_FIELDS).iterator(chunk_size=5000):
        for problem in rules.check_member(m, as_of=day):
            if problem.field == field:
                yield _member_finding(rule, m, fact(m), problem)


def _member_finding(rule: str, m: dict, fact: str, problem: Problem) -> Finding:
    reason = gettext(MSG_MEMBER) % {"name": m["name"], "id": m["id_number"], "problem": problem}
    return Finding(rule, m["village_id"], m["household_id"], m["id"], fact, reason)


def member_findings(members, day: datetime.date) -> Iterator[Finding]:
    working_low, working_high = codes.WORKING_AGE
    school_low, school_high = codes.SCHOOL_AGE

    def born_for_age(low: int, high: int) -> Q:
        # Aged low..high on ``day``: born after day − (high + 1) years, on or before day − low.
        return Q(
            birth_date__gt=_years_before(day, high + 1), birth_date__lte=_years_before(day, low)
        )

    birth = lambda m: m["birth_date"].isoformat()  # noqa: E731
    yield from _member_findings(
        R_LABOUR,
        rules.COL_LABOUR,
        members.filter(born_for_age(working_low, working_high), labour=""),
        day,
        birth,
    )
    yield from _member_findings(
        R_SCHOOL,
        rules.COL_SCHOOL,
        members.filter(born_for_age(school_low, school_high), school_status=""),
        day,
        birth,
    )
    yield from _member_findings(
        R_MIGRANT,
        rules.COL_MIGRANT,
        members.filter(migrant_months__gt=rules.MIGRANT_MONTHS[1]),
        day,
        lambda m: str(m["migrant_months"]),
    )
    for m in members.filter(birth_date__lte=_years_before(day, OLDEST + 1)).values(*_MEMBER_FIELDS):
        age = rules.age_on(m["birth_date"], day)
        problem = Problem(COL_BIRTH, gettext(MSG_OVER_100) % {"age": age})
        yield _member_finding(R_OVER_100, m, birth(m), problem)
    # The ID number: the numbers the checker may refuse, judged by it at ``day``.
    for m in id_candidates(members, day).values(*_MEMBER_FIELDS).iterator(chunk_size=5000):
        _info, problems = rules.check_id_number(m["id_number"], today=day)
        for problem in problems:
            yield _member_finding(R_ID, m, m["id_number"], problem)


def id_candidates(members, day: datetime.date):
    """The members whose ID number may fail GB 11643 at ``day``, by SQL.

    Its shape (17 digits and a digit or X), its province, its check digit (the weighted sum of
    the 17 digits, mod 11, read in ``CHECK_CHARS``), and its birth date — equal to the stored
    birth date, which is a real date, between 1900 and ``day``. Every number the checker
    refuses fails one of these; the checker then words the reason.
    """
    shape = r"^[0-9]{17}[0-9X]$"
    total: Any = Value(0)
    for position, weight in enumerate(idnumber.WEIGHTS, 1):
        total = total + Cast(Substr("id_number", position, 1), IntegerField()) * weight
    expected = Case(
        When(
            id_number__regex=shape,
            then=Substr(Value(idnumber.CHECK_CHARS), Mod(total, 11) + 1, 1),
        ),
        default=Value(""),
        output_field=CharField(),
    )

    def two(part) -> LPad:
        return LPad(Cast(part, CharField()), 2, Value("0"))

    birth = Concat(
        Cast(ExtractYear("birth_date"), CharField()),
        two(ExtractMonth("birth_date")),
        two(ExtractDay("birth_date")),
        output_field=CharField(),
    )
    return members.annotate(
        check_expected=expected,
        check_actual=Substr("id_number", 18, 1),
        id_province=Substr("id_number", 1, 2),
        id_birth=Substr("id_number", 7, 8),
        birth_text=birth,
    ).filter(
        ~Q(id_number__regex=shape)
        | ~Q(check_actual=F("check_expected"))
        | ~Q(id_province__in=sorted(idnumber.PROVINCE_CODES))
        | ~Q(id_birth=F("birth_text"))
        | Q(birth_date__gt=day)
        | Q(birth_date__lt=idnumber.EARLIEST_BIRTH)
    )


# -- Households ------------------------------------------------------------------------------


def _has_member(condition: Q) -> Exists:
    return Exists(Member.objects.filter(condition, household_id=OuterRef("pk")))


def _has_cause(cause: str) -> Q:
    return Q(main_cause=cause) | Q(causes_text__contains=f'"{cause}"')


def household_candidates(households, day: datetime.date) -> dict[str, set[int]]:
    """The ids of the households each household rule may find, by SQL."""
    student = ~Q(school_status="") & ~Q(school_status=codes.SchoolStatus.NONE)
    with_causes = households.annotate(causes_text=Cast("other_causes", TextField()))
    cause_q = Q()
    for cause, need in (
        (codes.Cause.EDUCATION, student),
        (codes.Cause.ILLNESS, Q(health__in=codes.ILL_HEALTH)),
        (codes.Cause.DISABILITY, Q(health=codes.Health.DISABLED)),
    ):
        cause_q |= _has_cause(cause) & ~_has_member(need)
    ids = lambda qs: set(qs.values_list("pk", flat=True))  # noqa: E731
    return {
        R_HEAD: ids(
            households.order_by()
            .annotate(heads=Count("members", filter=Q(members__relation=codes.Relation.HEAD)))
            .exclude(heads=1)
        ),
        R_CAUSE: ids(with_causes.filter(cause_q)),
        R_IDENTIFIED: ids(
            households.filter(
                Q(identified_year__lt=rules.FIRST_IDENTIFIED_YEAR) | Q(identified_year__gt=day.year)
            )
        ),
        R_EXIT: ids(
            households.filter(
                Q(status__in=codes.EXITED_STATUSES, exit_year__isnull=True)
                | Q(exit_year__lt=F("identified_year"))
                | Q(exit_year__gt=day.year)
            )
        ),
    }


_HOUSEHOLD_RULE_FIELDS = {
    R_HEAD: {rules.COL_RELATION},
    R_CAUSE: {rules.COL_MAIN_CAUSE, rules.COL_OTHER_CAUSES},
    R_IDENTIFIED: {rules.COL_IDENTIFIED},
    R_EXIT: {rules.COL_EXIT_YEAR},
}


def household_findings(households, day: datetime.date) -> Iterator[Finding]:
    candidates = household_candidates(households, day)
    wanted = set().union(*candidates.values())
    if not wanted:
        return
    members: dict[int, list[dict]] = defaultdict(list)
    ids = sorted(wanted)
    for start in range(0, len(ids), 900):
        for m in Member.objects.filter(household_id__in=ids[start : start + 900]).values(
            "household_id", "relation", "school_status", "health", "name"
        ):
            members[m["household_id"]].append(m)
        rows = Household.objects.filter(pk__in=ids[start : start + 900]).values(
            "pk",
            "village_id",
            "head_name",
            "main_cause",
            "other_causes",
            "status",
            "identified_year",
            "exit_year",
        )
        for h in rows:
            problems = rules.check_household(h, members[h["pk"]], data_year=day.year, as_of=day)
            for rule, fields in _HOUSEHOLD_RULE_FIELDS.items():
                if h["pk"] not in candidates[rule]:
                    continue
                for problem in problems:
                    if problem.field in fields:
                        reason = gettext(MSG_HOUSEHOLD) % {
                            "name": h["head_name"] or "—",
                            "problem": problem,
                        }
                        fact = _household_fact(rule, h, members[h["pk"]])
                        yield Finding(rule, h["village_id"], h["pk"], None, fact, reason)


def _household_fact(rule: str, h: dict, members: list[dict]) -> str:
    if rule == R_HEAD:
        heads = sum(m["relation"] == codes.Relation.HEAD for m in members)
        return f"heads={heads}"
    if rule == R_CAUSE:
        return "causes=" + ",".join([h["main_cause"], *sorted(h["other_causes"] or [])])
    if rule == R_IDENTIFIED:
        return f"identified={h['identified_year']}"
    return f"exit={h['status']},{h['exit_year']},{h['identified_year']}"


# -- Income ----------------------------------------------------------------------------------


def income_findings(incomes, day: datetime.date) -> Iterator[Finding]:
    net = (
        F("wage_income")
        + F("business_income")
        + F("property_income")
        + F("transfer_income")
        - F("business_costs")
    )
    candidates = incomes.annotate(net=net).filter(
        Q(members_count=0)
        | Q(net__lte=0)
        | Q(net__gt=rules.PER_CAPITA_INCOME_MAX * F("members_count"))
        | Q(year__lt=rules.FIRST_IDENTIFIED_YEAR)
        | Q(year__gt=day.year)
    )
    for row in candidates.values(
        "household_id",
        "village_id",
        "year",
        "members_count",
        "wage_income",
        "business_income",
        "property_income",
        "transfer_income",
        "business_costs",
    ).iterator(chunk_size=5000):
        for problem in rules.check_income(row, row["members_count"], as_of=day):
            reason = gettext(MSG_INCOME) % {"year": row["year"], "problem": problem}
            fact = f"income={row['year']},{rules.per_capita_net_income(row, row['members_count'])}"
            yield Finding(R_INCOME, row["village_id"], row["household_id"], None, fact, reason)


# -- The run ---------------------------------------------------------------------------------


def findings(code: str | None, day: datetime.date) -> Iterator[Finding]:
    """Every finding of every rule over area ``code`` (the whole registry when None)."""
    members = Member.objects.all()
    households = Household.objects.all()
    incomes = IncomeRecord.objects.all()
    if code:
        members, households, incomes = (qs.within(code) for qs in (members, households, incomes))
    yield from member_findings(members, day)
    yield from household_findings(households, day)
    yield from income_findings(incomes, day)


@transaction.atomic
def recheck_run(
    *, day: datetime.date | None = None, code: str | None = None, duplicates: bool = True
) -> RecheckRun:
    """Re-check the stored registry of ``code`` at ``day``; raise a flag per new finding.

    A system job (the scheduler and ``fupin recheck``): it has no user and so no role to
    check; it writes its flags, their history, its counts and one audit event in one
    transaction. ``duplicates`` also runs the duplicate-person finders.
    """
    day = day or clock.as_of()
    run = RecheckRun.objects.create(day=day, area_code=code or "", started_at=clock.now())
    found = _dedupe(findings(code, day))
    flags = [
        Flag(
            kind=Flag.Kind.RECHECK,
            rule_code=f.rule,
            rule_version=RULE_VERSION,
            match_key=f.match_key,
            village_id=f.village_id,
            household_id=f.household_id,
            member_id=f.member_id,
            reason=f.reason,
            year=day.year,
            raised_on=day,
        )
        for f in found
    ]
    new = {(f.rule_code, f.match_key) for f in raise_flags(flags, reason="数据复核")}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in found:
        entry = counts[(f.village_id, f.rule)]
        entry[0] += 1
        entry[1] += (f.rule, f.match_key) in new
    RecheckCount.objects.bulk_create(
        [
            RecheckCount(run=run, village_id=village, rule_code=rule, found=n, new=n_new)
            for (village, rule), (n, n_new) in sorted(counts.items())
        ],
        batch_size=1000,
    )
    duplicate_counts = duplicates_find(code=code, day=day) if duplicates else {}
    run.findings = len(found)
    run.new_flags = len(new) + sum(duplicate_counts.values())
    run.finished_at = clock.now()
    run.save(update_fields=["findings", "new_flags", "finished_at"])
    audit(
        None,
        AUDIT_RUN,
        run.pk,
        day=day.isoformat(),
        area=code or "*",
        findings=len(found),
        new=len(new),
        duplicates=duplicate_counts,
    )
    return run


def _dedupe(items: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in items:
        if (f.rule, f.match_key) not in seen:
            seen.add((f.rule, f.match_key))
            out.append(f)
    return out
