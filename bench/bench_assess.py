"""Benchmark: the yearly assessment (`fupin assess --year Y`) over N generated households.

    python -m bench.bench_assess [--households 1000000] [--year 2016]

Generates N households set-based (SQL ``INSERT … SELECT`` from a recursive counter) into a
fresh temporary SQLite database (migrated, Hinggan areas loaded): 2–4 members each (some
children of compulsory age, some out of school, some uninsured), a status row of the year
before (all poor, so every household is an exit candidate), an income row of the year
(per-capita incomes spread around the line), some dangerous houses and unsafe water. Then, in
the same process, times:

(a) ``call_command("assess", "--year", Y)``: the households' flags and reasons stored by one
    INSERT … SELECT, then villages and counties, in one transaction;
(b) the baseline: one hand-written SQL query computing the same eligibility flags
    (members aggregated by GROUP BY household), all rows fetched.

Prints seconds and the ratio (a) ÷ (b). Targets: (a) < 60 s, ratio ≤ 3. Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def _setup(var: Path, year: int) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    os.environ["FUPIN_AS_OF"] = f"{year + 1}-06-30"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def generate(n: int, year: int) -> None:
    """Households, members, status rows (year - 1) and incomes (year), set-based."""
    from django.db import connection, transaction

    from fupin.areas.models import Area, Level, is_rural_code
    from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord

    villages = [
        c
        for c in Area.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)
        if is_rural_code(c)
    ]
    hh, member = Household._meta.db_table, Member._meta.db_table
    status, income = StatusRecord._meta.db_table, IncomeRecord._meta.db_table
    counter = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_v (idx INTEGER PRIMARY KEY, code TEXT)")
        cursor.executemany(
            "INSERT INTO bench_v VALUES (%s, %s)", [(i, c) for i, c in enumerate(villages)]
        )
        v = len(villages)
        cursor.execute(
            f"""INSERT INTO {hh} (id, number, village_id, head_name, members_count, attribute,
                main_cause, other_causes, dangerous_housing, safe_water, has_electricity,
                phone, standard, identified_year, status, created_at, updated_at)
            {counter}
            SELECT i, 'B' || i, bench_v.code, '户主' || i, 2 + i % 3, 'general', 'capital',
                '[]', i % 50 = 0, i % 40 <> 0, 1, '', 'national', 2014, 'poor',
                '2017-01-01 00:00:00', '2017-01-01 00:00:00'
            FROM n JOIN bench_v ON bench_v.idx = n.i % {v}""",
            [n],
        )
        for k in range(4):
            birth = "'1975-03-01'" if k < 2 else f"'{year - 6 - (k * 7 + 1) % 12}-05-01'"
            cursor.execute(
                f"""INSERT INTO {member} (household_id, village_id, name, id_number, sex,
                    birth_date, relation, ethnicity, education, school_status, health, labour,
                    migrant_months, medical_insurance, phone, updated_at)
                SELECT h.id, h.village_id, '成员' || h.id || '-{k}', 'B' || h.id || '-{k}',
                    CASE WHEN {k} % 2 = 0 THEN 'M' ELSE 'F' END, {birth},
                    CASE {k} WHEN 0 THEN 'head' WHEN 1 THEN 'spouse' ELSE 'son' END, '01',
                    'junior', CASE WHEN {k} >= 2 AND h.id % 30 = 0 THEN 'none'
                        WHEN {k} >= 2 THEN 'primary' ELSE 'none' END,
                    'healthy', 'ordinary', 0, h.id % 25 <> {k}, '', '2017-01-01 00:00:00'
                FROM {hh} h WHERE h.members_count > {k}"""
            )
        cursor.execute(
            f"""INSERT INTO {status} (household_id, village_id, year, status, attribute,
                members_count)
            SELECT id, village_id, {year - 1}, 'poor', 'general', members_count FROM {hh}"""
        )
        # Per-capita incomes from ~2,000 to ~4,400 yuan (some below the line of the year).
        cursor.execute(
            f"""INSERT INTO {income} (household_id, village_id, year, wage_income,
                business_income, property_income, transfer_income, business_costs,
                members_count)
            SELECT id, village_id, {year}, members_count * (2000 + (id * 37) % 2400),
                (id % 7) * 100, 0, (id % 3) * 50, (id % 5) * 20, members_count FROM {hh}"""
        )
    from fupin.registry import rollups

    rollups.refresh()


def baseline_sql(year: int) -> tuple[str, list]:
    """One hand-written query: the same eligibility flags, members grouped by household."""
    return (
        f"""
        SELECT h.id,
            COALESCE(ROUND((i.wage_income + i.business_income + i.property_income
                + i.transfer_income - i.business_costs) * 1.0 / i.members_count, 2)
                > l.amount, 0) AS income_ok,
            COALESCE(m.oos, 0) = 0, COALESCE(m.unins, 0) = 0,
            NOT h.dangerous_housing, h.safe_water
        FROM registry_household h
        LEFT JOIN registry_statusrecord p ON p.household_id = h.id AND p.year = {year - 1}
        LEFT JOIN registry_incomerecord i ON i.household_id = h.id AND i.year = {year}
        LEFT JOIN assessment_povertyline l ON l.year = {year} AND l.standard = h.standard
        LEFT JOIN (
            SELECT household_id,
                SUM(CASE WHEN birth_date >= '{year - 15}-01-01' AND birth_date <= '{year - 6}-12-31'
                    AND school_status IN ('none', '') THEN 1 ELSE 0 END) AS oos,
                SUM(CASE WHEN medical_insurance THEN 0 ELSE 1 END) AS unins
            FROM registry_member GROUP BY household_id
        ) m ON m.household_id = h.id
        WHERE p.status IN ('poor', 'relapsed') OR h.identified_year = {year}
        """,
        [],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2016)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="fupin-bench-assess-"))
    try:
        _setup(var, args.year)
        from django.core.management import call_command
        from django.db import connection

        from fupin.areas.services import areas_load_hinggan
        from fupin.assessment.models import HouseholdAssessment

        call_command("migrate", verbosity=0)
        areas_load_hinggan()
        start = time.perf_counter()
        generate(args.households, args.year)
        generated = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"generated {args.households:,} households in {generated:.1f} s")

        start = time.perf_counter()
        call_command("assess", "--year", str(args.year))
        assess_s = time.perf_counter() - start
        stored = HouseholdAssessment.objects.filter(year=args.year).count()
        eligible = HouseholdAssessment.objects.filter(year=args.year, eligible=True).count()

        sql, params = baseline_sql(args.year)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        baseline_s = time.perf_counter() - start
        base_eligible = sum(1 for r in rows if all(r[1:]))
        assert len(rows) == stored, (len(rows), stored)
        assert base_eligible == eligible, (base_eligible, eligible)

        print(f"households assessed: {stored:,} (eligible {eligible:,})")
        print(f"fupin assess:        {assess_s:.2f} s (target < 60 s)")
        print(f"hand-written SQL:    {baseline_s:.2f} s ({len(rows):,} rows fetched)")
        print(f"ratio assess/SQL:    {assess_s / baseline_s:.2f} (target ≤ 3)")
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
