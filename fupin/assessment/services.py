"""The yearly assessment and the monitoring rules: set-based writes (docs/architecture.md rule 3).

:func:`assessment_run` replaces a year's results for an area in one transaction:

1. households — one ``INSERT … SELECT`` computes every exit candidate's flags in SQL (member
   aggregates by ``GROUP BY household``) and its reasons (rendered in SQL from the message
   constants of :mod:`fupin.assessment.rules`);
2. villages — incidence per village (the semantics of :func:`fupin.registry.stats.area_stats`:
   poor persons at the end of the year from the rollup rows ÷ rural population of the latest
   year up to it), a few grouped queries and one bulk insert;
3. counties — composite incidence and the latest :class:`CountyCheck` of the year.

Exit candidates are households poor (未脱贫/返贫) at the end of the year before, or first
identified in the year. Re-running gives identical rows (ids aside); it replaces stored results
only when asked to (``overwrite=True``), so a stray click cannot silently replace a year.

:func:`monitoring_run` flags households (防返贫监测) with one ``INSERT … SELECT`` per rule and then
clears the risks whose next year's income is above the line with the guarantees met.
"""

from __future__ import annotations

import datetime
import json
import os
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area, Level, RuralPopulation
from fupin.areas.periods import Kind as PeriodKind
from fupin.areas.periods import period_check
from fupin.areas.selectors import county_totals
from fupin.areas.selectors import incidence as compute_incidence
from fupin.core.clock import as_of
from fupin.core.rows import write_tuples
from fupin.registry import codes
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord, YearFact

from . import rules
from .models import (
    CountyAssessment,
    CountyCheck,
    HouseholdAssessment,
    MonitoredHousehold,
    PovertyLine,
    RuleSet,
    VillageAssessment,
)

MSG_RESULTS_EXIST = _("%(year)s 年的评估结果已存在；重新评估将覆盖原有结果，请确认后再运行。")
MSG_NO_INCOME = _("%(year)s 年尚无收入数据，所有评估户均因缺少收入数据而未达标。")
MSG_NO_CANDIDATES = _("%(year)s 年没有评估对象（上年末未脱贫或返贫、或当年新识别的贫困户）。")
MSG_NO_POPULATION = _("%(year)s 年及以前没有农村人口数据，无法计算贫困发生率。")


def results_exist(year: int, code: str = "") -> bool:
    """Tell whether stored assessment results of ``year`` exist within ``code``."""
    return (
        HouseholdAssessment.objects.within(code).filter(year=year).exists()
        or VillageAssessment.objects.within(code).filter(year=year).exists()
    )


def empty_reasons(year: int, code: str = "") -> list[str]:
    """Why the assessment of ``year`` in ``code`` has no eligible household or village.

    Read from the registry rather than the results, so the page can say it before and
    after a run: no income rows of the year, no exit candidates, no rural population.
    """
    out = []
    if not IncomeRecord.objects.within(code).filter(year=year).exists():
        out.append(str(MSG_NO_INCOME) % {"year": year})
    candidates = StatusRecord.objects.within(code).filter(
        year=year - 1, status__in=codes.POOR_STATUSES
    )
    if (
        not candidates.exists()
        and not Household.objects.within(code).filter(identified_year=year).exists()
    ):
        out.append(str(MSG_NO_CANDIDATES) % {"year": year})
    if not RuralPopulation.objects.within(code).filter(year__lte=year).exists():
        out.append(str(MSG_NO_POPULATION) % {"year": year})
    return out


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the last day of a shorter month if needed)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _in(values) -> str:
    return "(" + ", ".join(rules.sql_literal(str(v)) for v in values) + ")"


def _range(column: str, code: str) -> tuple[str, list]:
    if not code:
        return "1 = 1", []
    from fupin.areas.scope import prefix_upper_bound

    return f"{column} >= %s AND {column} < %s", [code, prefix_upper_bound(code)]


def _vendor() -> str:
    return connection.vendor


def _json(expr: str) -> str:
    return f"CAST({expr} AS jsonb)" if _vendor() == "postgresql" else expr


def _net(alias: str) -> str:
    return (
        f"({alias}.wage_income + {alias}.business_income + {alias}.property_income"
        f" + {alias}.transfer_income - {alias}.business_costs)"
    )


def _per_capita(alias: str) -> str:
    return f"ROUND({_net(alias)} * 1.0 / NULLIF({alias}.members_count, 0), 2)"


def _standard_label_sql(column: str) -> str:
    labels = rules.value_labels(codes.Standard)
    whens = " ".join(
        f"WHEN {rules.sql_literal(v)} THEN {rules.sql_literal(label)}" for v, label in labels
    )
    return f"CASE {column} {whens} ELSE {column} END"


def household_sql(
    year: int, code: str, rule_set: RuleSet, household_ids: list[int] | None = None
) -> tuple[str, list]:
    """Return the INSERT … SELECT that stores the household results of ``year`` in ``code``
    (only of ``household_ids`` when given: those are assessed whatever their last status)."""
    vendor = _vendor()
    ha = HouseholdAssessment._meta.db_table
    hh = Household._meta.db_table
    member = Member._meta.db_table
    status = StatusRecord._meta.db_table
    income = IncomeRecord._meta.db_table
    line = PovertyLine._meta.db_table
    h_range, h_params = _range("h.village_id", code)
    m_range, m_params = _range("village_id", code)
    born_from = datetime.date(year - rule_set.school_age_max, 1, 1)
    born_to = datetime.date(year - rule_set.school_age_min, 12, 31)
    no_school = _in([codes.SchoolStatus.NONE, ""])
    yuan = lambda e: rules.sql_yuan(e, vendor)  # noqa: E731
    reasons = rules.sql_json_list(
        [
            ("f.pc IS NULL", rules.sql_format(rules.MSG_NO_INCOME, year=f"'{year}'")),
            (
                "f.pc IS NOT NULL AND f.line_amount IS NULL",
                rules.sql_format(
                    rules.MSG_NO_LINE,
                    year=f"'{year}'",
                    standard=_standard_label_sql("f.standard"),
                ),
            ),
            (
                "f.pc < f.line_amount",
                rules.sql_format(
                    rules.MSG_INCOME_BELOW, income=yuan("f.pc"), line=yuan("f.line_amount")
                ),
            ),
            (
                "f.pc = f.line_amount",
                rules.sql_format(
                    rules.MSG_INCOME_NOT_ABOVE, income=yuan("f.pc"), line=yuan("f.line_amount")
                ),
            ),
            ("f.oos > 0", rules.sql_format(rules.MSG_EDUCATION, count=rules.sql_text("f.oos"))),
            ("f.unins > 0", rules.sql_format(rules.MSG_MEDICAL, count=rules.sql_text("f.unins"))),
            ("f.dangerous_housing", rules.sql_literal(rules.MSG_HOUSING)),
            ("NOT f.safe_water", rules.sql_literal(rules.MSG_WATER)),
        ]
    )
    if household_ids is None:
        candidates = f"(p.status IN {_in(codes.POOR_STATUSES)} OR h.identified_year = %s)"
        candidate_params: list = [year]
    else:
        candidates = f"h.id IN ({', '.join(['%s'] * len(household_ids))})"
        candidate_params = list(household_ids)
    sql = f"""
        INSERT INTO {ha} (
            household_id, village_id, year, rule_set_id, line_id, line_amount, members_count,
            net_income_per_capita, income_ok, food_clothing_ok, education_ok, medical_ok,
            housing_ok, water_ok, children_out_of_school, uninsured_members, eligible, reasons
        )
        WITH m AS (
            SELECT household_id,
                SUM(CASE WHEN birth_date >= %s AND birth_date <= %s
                    AND (school_status IN {no_school} OR school_status IS NULL)
                    THEN 1 ELSE 0 END) AS oos,
                SUM(CASE WHEN medical_insurance THEN 0 ELSE 1 END) AS unins
            FROM {member}
            WHERE {m_range} AND left_on IS NULL
            GROUP BY household_id
        ),
        c AS (
            SELECT h.id AS household_id, h.village_id, h.standard, h.dangerous_housing,
                h.safe_water, l.id AS line_id, l.amount AS line_amount,
                COALESCE(i.members_count, h.members_count) AS members_count,
                {_per_capita("i")} AS pc,
                COALESCE(m.oos, 0) AS oos, COALESCE(m.unins, 0) AS unins
            FROM {hh} h
            LEFT JOIN {status} p ON p.household_id = h.id AND p.year = %s
            LEFT JOIN {income} i ON i.household_id = h.id AND i.year = %s
            LEFT JOIN {line} l ON l.year = %s AND l.standard = h.standard
            LEFT JOIN m ON m.household_id = h.id
            WHERE {h_range}
              AND {candidates}
        ),
        f AS (
            SELECT c.*, COALESCE(c.pc > c.line_amount, FALSE) AS inc_ok FROM c
        )
        SELECT f.household_id, f.village_id, %s, %s, f.line_id, f.line_amount, f.members_count,
            f.pc, f.inc_ok, f.inc_ok, f.oos = 0, f.unins = 0, NOT f.dangerous_housing,
            f.safe_water, f.oos, f.unins,
            (f.inc_ok AND f.oos = 0 AND f.unins = 0 AND NOT f.dangerous_housing AND f.safe_water),
            {_json(reasons)}
        FROM f
    """
    params = [born_from, born_to, *m_params, year - 1, year, year, *h_params, *candidate_params]
    params += [year, rule_set.pk]
    return sql, params


def _villages_of(year: int, code: str) -> list[str]:
    facts = YearFact.objects.filter(year=year)
    assessed = HouseholdAssessment.objects.filter(year=year)
    if code:
        facts = facts.within(code)
        assessed = assessed.within(code)
    found = set(facts.values_list("village_id", flat=True))
    found |= set(assessed.values_list("village_id", flat=True).distinct())
    return sorted(found)


def _latest_population(code: str, year: int) -> dict[str, int]:
    """Each village's rural population of the latest year up to ``year``, within ``code``.

    One ordered read of the area's rows (a nation's half million villages included): the last
    row of each village is its latest year."""
    rows = RuralPopulation.objects.filter(year__lte=year)
    if code:
        rows = rows.within(code)
    return dict(rows.order_by("village_id", "year").values_list("village_id", "population"))


# The columns of a village's result, in the order :func:`village_results` gives them.
VILLAGE_COLUMNS = [
    "village_id",
    "year",
    "rule_set_id",
    "poor_persons",
    "rural_population",
    "incidence",
    "households_assessed",
    "households_eligible",
    "eligible",
    "reasons",
]


def village_results(year: int, code: str, rule_set: RuleSet) -> list[tuple]:
    """Each village's result as a row of :data:`VILLAGE_COLUMNS` (reasons as JSON text).

    Rows, not model instances: a nation's assessment has half a million villages, and a
    grouped read of each input (the rollup, the population, the households' results)."""
    villages = _villages_of(year, code)
    facts = YearFact.objects.filter(year=year)
    if code:
        facts = facts.within(code)
    poor = dict(facts.values_list("village_id", "poor_persons"))
    population = _latest_population(code, year)
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    assessed = HouseholdAssessment.objects.filter(year=year)
    if code:
        assessed = assessed.within(code)
    for village, eligible, n in (
        assessed.order_by()
        .values("village_id", "eligible")
        .annotate(n=Count("id"))
        .values_list("village_id", "eligible", "n")
    ):
        counts[village][0] += n
        if eligible:
            counts[village][1] += n
    limit = rule_set.village_incidence_max
    limit_text = rules.fmt_limit(limit)
    no_population = json.dumps([rules.MSG_NO_POPULATION], ensure_ascii=False)
    out = []
    for village in villages:
        persons = poor.get(village, 0)
        pop = population.get(village, 0)
        rate = compute_incidence(persons, pop)
        if rate is None:
            reasons = no_population
        elif rate >= limit:
            reasons = json.dumps(
                [
                    rules.MSG_VILLAGE_INCIDENCE.format(
                        incidence=rules.fmt_percent(rate), limit=limit_text
                    )
                ],
                ensure_ascii=False,
            )
        else:
            reasons = "[]"
        assessed_n, eligible_n = counts.get(village, (0, 0))
        out.append(
            (
                village,
                year,
                rule_set.pk,
                persons,
                pop,
                rate,
                assessed_n,
                eligible_n,
                reasons == "[]",
                reasons,
            )
        )
    return out


def county_reasons(rate, check: CountyCheck | None, rule_set: RuleSet) -> list[str]:
    reasons = []
    if rate is None:
        reasons.append(rules.MSG_NO_POPULATION)
    elif rate >= rule_set.county_incidence_max:
        reasons.append(
            rules.MSG_COUNTY_INCIDENCE.format(
                incidence=rules.fmt_percent(rate),
                limit=rules.fmt_limit(rule_set.county_incidence_max),
            )
        )
    if check is None:
        reasons.append(rules.MSG_NO_CHECK)
        return reasons
    for template, value, limit, failed in (
        (
            rules.MSG_MISSED,
            check.missed_rate,
            rule_set.missed_rate_max,
            check.missed_rate >= rule_set.missed_rate_max,
        ),
        (
            rules.MSG_WRONG_EXIT,
            check.wrong_exit_rate,
            rule_set.wrong_exit_rate_max,
            check.wrong_exit_rate >= rule_set.wrong_exit_rate_max,
        ),
        (
            rules.MSG_APPROVAL,
            check.approval_rate,
            rule_set.approval_min,
            check.approval_rate <= rule_set.approval_min,
        ),
    ):
        if failed:
            reasons.append(
                template.format(rate=rules.fmt_percent(value), limit=rules.fmt_limit(limit))
            )
    return reasons


def _counties_of(code: str) -> list[Area]:
    qs = Area.objects.filter(level=Level.COUNTY)
    if code:
        if len(code) > 6:
            return []
        qs = qs.within(code)
    return list(qs.order_by("code"))


def assess_counties(year: int, code: str, rule_set: RuleSet) -> list[CountyAssessment]:
    """The counties within ``code`` that have rollup rows in ``year``, each assessed: a grouped
    read of the rollups, one of the population and one of the sample checks for them all."""
    counties = _counties_of(code)
    if not counties:
        return []
    shared = os.path.commonprefix([c.code for c in counties])
    county = Substr("village_id", 1, 6)
    persons = county_totals(YearFact.objects.within(shared).filter(year=year), Sum("poor_persons"))
    # As fupin.registry.stats.area_stats counts it: the county's latest year up to ``year``.
    population: dict[str, tuple[int, int]] = {}
    for code_, pop_year, total in (
        RuralPopulation.objects.within(shared)
        .filter(year__lte=year)
        .order_by()
        .annotate(county=county)
        .values("county", "year")
        .annotate(t=Sum("population"))
        .values_list("county", "year", "t")
    ):
        if code_ not in population or population[code_][0] < pop_year:
            population[code_] = (pop_year, total or 0)
    checks: dict[str, CountyCheck] = {}
    for entered in CountyCheck.objects.filter(year=year, county__in=counties):
        checks.setdefault(entered.county_id, entered)  # the latest entered, by the model's order
    out = []
    for county_ in counties:
        if county_.code not in persons:
            continue
        poor_persons = persons[county_.code] or 0
        pop = population.get(county_.code, (0, 0))[1]
        rate = compute_incidence(poor_persons, pop)
        check = checks.get(county_.code)
        reasons = county_reasons(rate, check, rule_set)
        out.append(
            CountyAssessment(
                county=county_,
                year=year,
                rule_set=rule_set,
                county_check=check,
                poor_persons=poor_persons,
                rural_population=pop,
                incidence=rate,
                missed_rate=check.missed_rate if check else None,
                wrong_exit_rate=check.wrong_exit_rate if check else None,
                approval_rate=check.approval_rate if check else None,
                eligible=not reasons,
                reasons=reasons,
            )
        )
    return out


@transaction.atomic
def assessment_run(
    *,
    year: int,
    code: str = "",
    rule_set: RuleSet | None = None,
    actor=None,
    correction_reason: str = "",
    overwrite: bool = False,
) -> dict:
    """Replace the assessment of ``year`` within area ``code`` (everything when empty).

    Stored results of the year are replaced only with ``overwrite=True`` (the page asks
    first); otherwise the run is refused with :data:`MSG_RESULTS_EXIST`.
    """
    # A year closed by a county (or the league) is run again only as a correction.
    period_check(
        PeriodKind.ASSESSMENT_YEAR,
        code,
        datetime.date(year, 1, 1),
        correction_reason,
        record=("assessment.run", f"{year}:{code}"),
        actor=actor,
        inside=True,
    )
    if not overwrite and results_exist(year, code):
        raise ValidationError(str(MSG_RESULTS_EXIST) % {"year": year})
    rule_set = rule_set or RuleSet.current()
    HouseholdAssessment.objects.within(code).filter(year=year).delete()
    sql, params = household_sql(year, code, rule_set)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    VillageAssessment.objects.within(code).filter(year=year).delete()
    villages = village_results(year, code, rule_set)
    with connection.cursor() as cursor:
        for start in range(0, len(villages), 10_000):
            write_tuples(
                cursor,
                VillageAssessment._meta.db_table,
                VILLAGE_COLUMNS,
                villages[start : start + 10_000],
            )
    if not code or len(code) <= 6:
        CountyAssessment.objects.within(code).filter(year=year).delete()
    counties = CountyAssessment.objects.bulk_create(assess_counties(year, code, rule_set))
    households = HouseholdAssessment.objects.within(code).filter(year=year)
    return {
        "rule_set": rule_set.version,
        "households": households.count(),
        "households_eligible": households.filter(eligible=True).count(),
        "villages": len(villages),
        "villages_eligible": sum(v[VILLAGE_COLUMNS.index("eligible")] for v in villages),
        "counties": len(counties),
        "counties_eligible": sum(c.eligible for c in counties),
    }


@transaction.atomic
def households_assess(*, year: int, village: str, household_ids: list[int]) -> None:
    """Replace the results of ``year`` of a few households of ``village`` (a split's two
    households), by the same SQL as :func:`assessment_run`; the village's figures are left
    to the next run."""
    HouseholdAssessment.objects.filter(year=year, household_id__in=household_ids).delete()
    sql, params = household_sql(year, village, RuleSet.current(), household_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- monitoring (防止返贫监测) ---------------------------------------------------------------


def monitor_sql(year: int, code: str, rule_set: RuleSet) -> list[tuple[str, list]]:
    """The INSERT … SELECT statements of the monitoring rules for ``year`` in ``code``."""
    vendor = _vendor()
    mh = MonitoredHousehold._meta.db_table
    hh = Household._meta.db_table
    status = StatusRecord._meta.db_table
    income = IncomeRecord._meta.db_table
    line = PovertyLine._meta.db_table
    h_range, h_params = _range("h.village_id", code)
    yuan = lambda e: rules.sql_yuan(e, vendor)  # noqa: E731
    exited = _in(codes.EXITED_STATUSES)
    flagged_on = datetime.date(year, 12, 31)
    columns = (
        "household_id, village_id, kind, year, flagged_on, rule_set_id,"
        " net_income_per_capita, line_amount, reasons, state, cleared_reason"
    )
    ratio = rule_set.monitor_income_ratio
    threshold = f"ROUND(l.amount * {ratio}, 2)"
    unstable_reason = rules.sql_format(
        rules.MSG_UNSTABLE,
        income=yuan(_per_capita("i")),
        threshold=yuan(threshold),
        line=yuan("l.amount"),
        ratio=rules.sql_literal(rules.fmt_limit(ratio)),
    )
    # The risk events (docs/assessment.md): income fell from the year before, a member
    # seriously ill or disabled, or one of 三保障 / safe water failing.
    m_range, m_params = _range("village_id", code)
    born_from = datetime.date(year - rule_set.school_age_max, 1, 1)
    born_to = datetime.date(year - rule_set.school_age_min, 12, 31)
    no_school = _in([codes.SchoolStatus.NONE, ""])
    sick = _in([codes.Health.SERIOUS, codes.Health.DISABLED])
    member = Member._meta.db_table
    fell = (
        f"(q.id IS NOT NULL AND {_per_capita('q')} > 0"
        f" AND ({_per_capita('q')} - {_per_capita('i')}) * 100.0 / {_per_capita('q')}"
        f" >= {rule_set.monitor_risk_drop_share})"
    )
    fell_share = f"(({_per_capita('q')} - {_per_capita('i')}) * 100.0 / {_per_capita('q')})"
    if vendor == "postgresql":
        fell_text = f"to_char({fell_share}, 'FM990.00')"
    else:
        fell_text = f"printf('%%.2f', {fell_share})"
    events = [
        (fell, rules.sql_format(rules.MSG_RISK_DROP, share=fell_text)),
        (
            "COALESCE(m.sick, 0) > 0",
            rules.sql_format(rules.MSG_RISK_HEALTH, count=rules.sql_text("m.sick")),
        ),
        (
            "COALESCE(m.oos, 0) > 0",
            rules.sql_format(rules.MSG_EDUCATION, count=rules.sql_text("m.oos")),
        ),
        (
            "COALESCE(m.unins, 0) > 0",
            rules.sql_format(rules.MSG_MEDICAL, count=rules.sql_text("m.unins")),
        ),
        ("h.dangerous_housing", rules.sql_literal(rules.MSG_HOUSING)),
        ("NOT h.safe_water", rules.sql_literal(rules.MSG_WATER)),
    ]
    any_event = " OR ".join(f"({cond})" for cond, _msg in events)
    needs_risk = f"AND ({any_event})" if rule_set.monitor_needs_risk else ""
    base = f"""
        FROM {hh} h
        JOIN {status} s ON s.household_id = h.id AND s.year = %s AND s.status IN {exited}
        JOIN {income} i ON i.household_id = h.id AND i.year = %s
        JOIN {line} l ON l.year = %s AND l.standard = h.standard
    """
    members = f"""
        LEFT JOIN {income} q ON q.household_id = h.id AND q.year = %s
        LEFT JOIN (
            SELECT household_id,
                SUM(CASE WHEN health IN {sick} THEN 1 ELSE 0 END) AS sick,
                SUM(CASE WHEN birth_date >= %s AND birth_date <= %s
                    AND (school_status IN {no_school} OR school_status IS NULL)
                    THEN 1 ELSE 0 END) AS oos,
                SUM(CASE WHEN medical_insurance THEN 0 ELSE 1 END) AS unins
            FROM {member}
            WHERE {m_range} AND left_on IS NULL
            GROUP BY household_id
        ) m ON m.household_id = h.id
    """
    unstable_reasons = rules.sql_json_list([("1 = 1", unstable_reason), *events])
    unstable = f"""
        INSERT INTO {mh} ({columns})
        SELECT h.id, h.village_id, '{MonitoredHousehold.Kind.UNSTABLE}', %s, %s, %s,
            {_per_capita("i")}, l.amount, {_json(unstable_reasons)},
            '{MonitoredHousehold.State.AT_RISK}', ''
        {base}
        {members}
        WHERE {h_range} AND {_per_capita("i")} < {threshold} {needs_risk}
    """
    share = rule_set.sharp_drop_share
    drop = f"(({_per_capita('q')} - {_per_capita('i')}) * 100.0 / {_per_capita('q')})"
    if vendor == "postgresql":
        share_text = f"to_char({drop}, 'FM990.00')"
    else:
        share_text = f"printf('%%.2f', {drop})"
    sudden_reason = rules.sql_format(
        rules.MSG_SUDDEN,
        previous=yuan(_per_capita("q")),
        income=yuan(_per_capita("i")),
        share=share_text,
    )
    sudden = f"""
        INSERT INTO {mh} ({columns})
        SELECT h.id, h.village_id, '{MonitoredHousehold.Kind.SUDDEN}', %s, %s, %s,
            {_per_capita("i")}, l.amount, {_json(rules.sql_json_list([("1 = 1", sudden_reason)]))},
            '{MonitoredHousehold.State.AT_RISK}', ''
        {base}
        JOIN {income} q ON q.household_id = h.id AND q.year = %s
        WHERE {h_range} AND {_per_capita("q")} > 0 AND {drop} >= {share}
    """
    head = [year, flagged_on, rule_set.pk, year, year, year]
    return [
        (unstable, head + [year - 1, born_from, born_to] + m_params + h_params),
        (sudden, head + [year - 1] + h_params),
    ]


def guarantees_failing(household_ids, year: int, rule_set: RuleSet) -> set[int]:
    """Households among ``household_ids`` whose 三保障 (or water) fails at the end of ``year``."""
    ids = list(household_ids)
    failing: set[int] = set()
    born_from = datetime.date(year - rule_set.school_age_max, 1, 1)
    born_to = datetime.date(year - rule_set.school_age_min, 12, 31)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        failing |= set(
            Household.objects.filter(pk__in=chunk)
            .filter(Q(dangerous_housing=True) | Q(safe_water=False))
            .values_list("pk", flat=True)
        )
        failing |= set(
            Member.objects.filter(household_id__in=chunk)
            .filter(
                Q(medical_insurance=False)
                | Q(
                    birth_date__gte=born_from,
                    birth_date__lte=born_to,
                    school_status__in=[codes.SchoolStatus.NONE, ""],
                )
            )
            .values_list("household_id", flat=True)
        )
    return failing


def risks_clear(*, code: str = "", year: int | None = None, rule_set: RuleSet | None = None):
    """Clear the risks whose household stayed above the line long enough, guarantees met.

    A flag of year Y (flagged at the end of Y) clears when ``as_of()`` is at least
    ``clear_after_months`` after it and the income of Y+1 is above the line of Y+1 with the
    guarantees met; ``cleared_on`` is the day those months were complete (deterministic).
    """
    rule_set = rule_set or RuleSet.current()
    today = as_of()
    flags = MonitoredHousehold.objects.filter(state=MonitoredHousehold.State.AT_RISK)
    if code:
        flags = flags.within(code)
    if year is not None:
        flags = flags.filter(year=year)
    cleared = 0
    by_year = defaultdict(list)
    for flag in flags:
        if add_months(flag.flagged_on, rule_set.clear_after_months) <= today:
            by_year[flag.year].append(flag)
    for flag_year, items in by_year.items():
        ids = {f.household_id for f in items}
        lines = dict(
            PovertyLine.objects.filter(year=flag_year + 1).values_list("standard", "amount")
        )
        standards = dict(Household.objects.filter(pk__in=ids).values_list("pk", "standard"))
        incomes = {
            r.household_id: r
            for r in IncomeRecord.objects.filter(household_id__in=ids, year=flag_year + 1)
        }
        failing = guarantees_failing(ids, flag_year + 1, rule_set)
        changed = []
        for flag in items:
            record = incomes.get(flag.household_id)
            standard = standards.get(flag.household_id)
            line_amount = lines.get(standard) if standard is not None else None
            if record is None or line_amount is None or flag.household_id in failing:
                continue
            income = record.net_income_per_capita
            if income is None or income <= line_amount:
                continue
            flag.state = MonitoredHousehold.State.CLEARED
            flag.cleared_on = add_months(flag.flagged_on, rule_set.clear_after_months)
            flag.cleared_reason = rules.MSG_CLEARED.format(
                year=flag_year + 1, income=rules.fmt_yuan(income), line=rules.fmt_yuan(line_amount)
            )
            changed.append(flag)
        MonitoredHousehold.objects.bulk_update(
            changed, ["state", "cleared_on", "cleared_reason"], batch_size=500
        )
        cleared += len(changed)
    return cleared


@transaction.atomic
def monitoring_run(*, year: int, code: str = "", rule_set: RuleSet | None = None) -> dict:
    """Replace the monitoring flags of ``year`` within ``code``, then clear what has cleared."""
    rule_set = rule_set or RuleSet.current()
    MonitoredHousehold.objects.within(code).filter(year=year).delete()
    with connection.cursor() as cursor:
        for sql, params in monitor_sql(year, code, rule_set):
            cursor.execute(sql, params)
    cleared = risks_clear(code=code, year=year, rule_set=rule_set)
    flags = MonitoredHousehold.objects.within(code).filter(year=year)
    counts = {kind: 0 for kind in MonitoredHousehold.Kind.values}
    for row in flags.values("kind").annotate(n=Count("id")):
        counts[row["kind"]] = row["n"]
    return {"rule_set": rule_set.version, **counts, "cleared": cleared}


def default_line(year: int, standard: str = codes.Standard.NATIONAL) -> Decimal | None:
    return (
        PovertyLine.objects.filter(year=year, standard=standard)
        .values_list("amount", flat=True)
        .first()
    )
