"""Benchmark: the compliance selector of the whole league for one month.

    python -m bench.bench_compliance [--cadres 40000] [--pairings 50000] [--weeks 26]

Generates into a fresh temporary SQLite database (migrated, Hinggan areas loaded): one
household per pairing, ~40,000 cadres (1 in 10 resident: 第一书记 / 驻村工作队员 in a village),
~50,000 pairings, one visit per pairing and week for 26 weeks with some weeks skipped
(≈1.3M rows), check-ins of the residents on 50–75 % of the 182 days (≈0.5M rows), village
review meetings in the first half of the month, and some overdue concerns — all set-based
(``INSERT … SELECT`` from a recursive counter; cadres and pairings by ``bulk_create``).
Then times, in the same process:

(a) :func:`fupin.fieldwork.selectors.compliance_counts` for the league (code 1522), 2017-06;
(b) one hand-written SQL query computing the same four counts.

Prints seconds and the ratio (a) ÷ (b). Targets: (a) < 2 s, ratio ≤ 3. Not part of the tests.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import tempfile
import time
from pathlib import Path

AS_OF = "2017-06-30"
LEAGUE = "1522"


def _setup(var: Path) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    os.environ["FUPIN_AS_OF"] = AS_OF
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def generate(n_cadres: int, n_pairings: int, weeks: int) -> None:
    from django.db import connection, transaction

    from fupin.areas.models import Area, Level, is_rural_code
    from fupin.assistance.models import Cadre, Pairing
    from fupin.registry.models import Household

    villages = [
        c
        for c in Area.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)
        if is_rural_code(c)
    ]
    v = len(villages)
    hh = Household._meta.db_table
    counter = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_v (idx INTEGER PRIMARY KEY, code TEXT)")
        cursor.executemany(
            "INSERT INTO bench_v VALUES (%s, %s)", [(i, c) for i, c in enumerate(villages)]
        )
        cursor.execute(
            f"""INSERT INTO {hh} (id, number, village_id, head_name, members_count, attribute,
                main_cause, other_causes, dangerous_housing, safe_water, has_electricity,
                phone, standard, identified_year, status, created_at, updated_at)
            {counter}
            SELECT i, 'B' || i, bench_v.code, '户主' || i, 3, 'general', 'capital',
                '[]', 0, 1, 1, '', 'national', 2014, 'poor',
                '2017-01-01 00:00:00', '2017-01-01 00:00:00'
            FROM n JOIN bench_v ON bench_v.idx = n.i % {v}""",
            [n_pairings],
        )
    resident = (Cadre.Post.FIRST_SECRETARY, Cadre.Post.WORK_TEAM)
    Cadre.objects.bulk_create(
        (
            Cadre(
                id=i,
                name=f"干部{i}",
                area_id=villages[i % v] if i % 10 == 0 else villages[i % v][:6],
                unit="单位",
                post=resident[i % 20 // 10] if i % 10 == 0 else Cadre.Post.DEPARTMENT_CADRE,
                active=i % 97 != 0,
            )
            for i in range(1, n_cadres + 1)
        ),
        batch_size=5000,
    )
    start = datetime.date(2016, 1, 1)
    village_of = dict(Household.objects.values_list("id", "village_id"))
    Pairing.objects.bulk_create(
        (
            Pairing(
                id=i,
                cadre_id=1 + (i * 7) % n_cadres,
                household_id=i,
                village_id=village_of[i],
                start_date=start,
                end_date=datetime.date(2017, 3, 1) if i % 50 == 0 else None,
            )
            for i in range(1, n_pairings + 1)
        ),
        batch_size=5000,
    )
    days = weeks * 7
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO fieldwork_visit (cadre_id, household_id, village_id, visited_on,
                kind, content, created_by_id)
            {counter}
            SELECT p.cadre_id, p.household_id, p.village_id,
                date('{AS_OF}', '-' || ((n.i - 1) * 7 + p.id % 7) || ' days'),
                'home', '', NULL
            FROM n JOIN assistance_pairing p ON (p.id + n.i) % 25 <> 0""",
            [weeks],
        )
        cursor.execute(
            f"""INSERT INTO fieldwork_checkin (cadre_id, village_id, day, lat, lon, note)
            {counter}
            SELECT c.id, c.area_id, date('{AS_OF}', '-' || (n.i - 1) || ' days'), NULL, NULL, ''
            FROM n JOIN assistance_cadre c ON c.post IN ('first_secretary', 'work_team')
            WHERE (c.id * 7 + n.i) % (8 + c.id / 10 % 5) < 6""",
            [days],
        )
        cursor.execute(
            """INSERT INTO fieldwork_reviewmeeting (area_id, level, held_on, attendees,
                minutes, created_by_id)
            SELECT code, 'village', '2017-06-10', '', '', NULL FROM bench_v WHERE idx % 3 <> 0"""
        )
        cursor.execute(
            f"""INSERT INTO fieldwork_concern (household_id, village_id, source, raised_by_id,
                visit_id, raised_on, text, category, state, level, owner_id, deadline,
                beyond_power, answer, satisfied, feedback_on)
            SELECT id, village_id, 'household', NULL, NULL, '2017-05-01', '诉求', 'other',
                CASE id % 4 WHEN 0 THEN 'assigned' WHEN 1 THEN 'in_progress'
                    WHEN 2 THEN 'answered' ELSE 'closed' END,
                'village', NULL, date('{AS_OF}', '-' || (id % 40 - 10) || ' days'), 0, '',
                NULL, NULL
            FROM {hh} WHERE id % 5 = 0"""
        )


def baseline_sql(first: str, ref: str, week: str) -> str:
    """The four counts in one hand-written query (league-wide: code range 1522…1523).

    The month must end a quarter (the county period is included unconditionally)."""
    lo, hi = LEAGUE, LEAGUE[:-1] + chr(ord(LEAGUE[-1]) + 1)
    half = first[:8] + "15"
    half2 = first[:8] + "16"
    return f"""
    SELECT
      (SELECT COUNT(*) FROM assistance_pairing p
        WHERE p.village_id >= '{lo}' AND p.village_id < '{hi}' AND p.start_date <= '{ref}'
          AND (p.end_date IS NULL OR p.end_date >= '{week}')
          AND NOT EXISTS (SELECT 1 FROM fieldwork_visit v WHERE v.cadre_id = p.cadre_id
            AND v.household_id = p.household_id AND v.visited_on BETWEEN '{week}' AND '{ref}')),
      (SELECT COUNT(*) FROM assistance_cadre c
        LEFT JOIN (SELECT cadre_id, COUNT(DISTINCT day) AS n FROM fieldwork_checkin
          WHERE day BETWEEN '{first}' AND '{ref}' GROUP BY cadre_id) k ON k.cadre_id = c.id
        WHERE c.area_id >= '{lo}' AND c.area_id < '{hi}' AND c.active
          AND c.post IN ('first_secretary', 'work_team') AND COALESCE(k.n, 0) < 20),
      (SELECT COUNT(*) FROM areas_area a, (
          SELECT 'village' AS level, '{first}' AS a, '{half}' AS b
          UNION ALL SELECT 'village', '{half2}', '{ref}'
          UNION ALL SELECT 'township', '{first}', '{ref}'
          UNION ALL SELECT 'county', date('{first}', '-2 months'), '{ref}') per
        WHERE a.level = per.level AND a.code >= '{lo}' AND a.code < '{hi}'
          AND NOT EXISTS (SELECT 1 FROM fieldwork_reviewmeeting m WHERE m.area_id = a.code
            AND m.level = per.level AND m.held_on BETWEEN per.a AND per.b)),
      (SELECT COUNT(*) FROM fieldwork_concern x
        WHERE x.village_id >= '{lo}' AND x.village_id < '{hi}'
          AND x.state IN ('raised', 'assigned', 'in_progress') AND x.deadline < '{ref}')
    """


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=40_000)
    parser.add_argument("--pairings", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="fupin-bench-compliance-"))
    try:
        _setup(var)
        from django.core.management import call_command
        from django.db import connection

        from fupin.accounts.models import User
        from fupin.areas.services import areas_load_hinggan
        from fupin.fieldwork.models import CheckIn, Visit
        from fupin.fieldwork.selectors import compliance_counts

        call_command("migrate", verbosity=0)
        areas_load_hinggan()
        start = time.perf_counter()
        generate(args.cadres, args.pairings, args.weeks)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"generated {args.cadres:,} cadres, {args.pairings:,} pairings, "
            f"{Visit.objects.count():,} visits, {CheckIn.objects.count():,} check-ins "
            f"in {time.perf_counter() - start:.1f} s"
        )
        user = User.objects.create(username="bench", is_superuser=True)
        keys = ("pairings_behind", "residents_under_20_days", "reviews_missed", "concerns_overdue")

        selector_s = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            got = compliance_counts(user, LEAGUE, "2017-06")
            selector_s.append(time.perf_counter() - start)
        sql = baseline_sql("2017-06-01", AS_OF, "2017-06-24")
        baseline_s = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                row = cursor.fetchone()
            baseline_s.append(time.perf_counter() - start)
        expected = dict(zip(keys, row, strict=True))
        assert {k: got[k] for k in keys} == expected, (got, expected)
        a, b = min(selector_s), min(baseline_s)
        print(f"counts:              {expected}")
        print(f"compliance selector: {a:.2f} s (best of {args.repeat}; target < 2 s)")
        print(f"hand-written SQL:    {b:.2f} s")
        print(f"ratio selector/SQL:  {a / b:.2f} (target ≤ 3)")
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
