"""Benchmark: matching department lists against the registry, against DuckDB.

    python -m bench.bench_compare [--rows 5000000] [--persons 1000000] [--repeat 1]

Generates, set-based (SQL over a recursive sequence, no Python loop per row), a temporary
SQLite file holding N registry persons (``registry_member``: ID number with its unique index,
village, household, name, birth date) and 5 department lists of ``--rows`` / 5 rows each
(``quality_listrow``, one list per kind, with the list's index on the normalised ID number):
about 1 row in 10 names a registered person (some of them without an ID number, matched on
name, birth date and county), the rest persons outside the registry. Then, in one process:

(a) times the project's matching — for each list the very statements of
    :func:`fupin.quality.comparison.match_statements`: the join by ID number into a temporary
    table of matches, the weak match's, the rule's ``INSERT … SELECT`` into ``quality_flag``
    (with its unique ``(kind, rule_code, match_key)`` index and ``ON CONFLICT DO NOTHING``),
    and the count of matched rows;
(b) times DuckDB running the same statements **from the same SQLite file**, attached
    read-only through DuckDB's sqlite scanner (as bench/bench_rollup_duckdb.py does), the
    flags' ``INSERT`` becoming the same ``SELECT`` into a table in its memory;
(c) for context, DuckDB on its own columnar copy of the two tables (the copy timed apart);

checks that the flags equal DuckDB's hits (count and the sum of member ids) and prints the
time of (a) (target: under 60 s), the ratio (a) ÷ (b) (target: ≤ 3), (a) ÷ (c), and the peak
RSS of the process.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

KINDS = ("deaths", "vehicles", "property", "business", "payroll")
SCOPE = "1522"

SCHEMA = """
CREATE TABLE registry_member (
    id INTEGER PRIMARY KEY, household_id INTEGER NOT NULL, village_id VARCHAR(12) NOT NULL,
    name VARCHAR(50) NOT NULL, id_number VARCHAR(18) NOT NULL UNIQUE, birth_date DATE NOT NULL);
CREATE TABLE quality_listrow (
    id INTEGER PRIMARY KEY, department_list_id INTEGER NOT NULL, "row" INTEGER NOT NULL,
    id_number VARCHAR(40) NOT NULL, id_normalized VARCHAR(18) NOT NULL, name VARCHAR(50) NOT NULL,
    birth_date DATE NULL, county_code VARCHAR(6) NOT NULL, death_date DATE NULL,
    vehicle_type VARCHAR(30) NOT NULL, plate VARCHAR(20) NOT NULL, floor_area DECIMAL NULL,
    house_use VARCHAR(30) NOT NULL, company VARCHAR(100) NOT NULL, capital DECIMAL NULL,
    employer VARCHAR(100) NOT NULL, monthly_wage DECIMAL NULL, detail VARCHAR(200) NOT NULL,
    match_key VARCHAR(40) NOT NULL);
CREATE TABLE quality_flag (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind VARCHAR(16) NOT NULL, rule_code VARCHAR(40) NOT NULL,
    rule_version SMALLINT NULL, match_key VARCHAR(80) NOT NULL, village_id VARCHAR(12) NOT NULL,
    household_id BIGINT NOT NULL, member_id BIGINT NULL, other_member_id BIGINT NULL,
    score DECIMAL NULL, reason TEXT NOT NULL, year SMALLINT NOT NULL, raised_on DATE NOT NULL,
    status VARCHAR(12) NOT NULL, resolved_by_id BIGINT NULL, resolved_on DATE NULL,
    resolution_note TEXT NOT NULL, list_row_id BIGINT NULL, weak_match BOOL NOT NULL,
    evidence VARCHAR(100) NOT NULL, case_id BIGINT NULL);
CREATE UNIQUE INDEX flag_once_per_source ON quality_flag (kind, rule_code, match_key);
CREATE INDEX flag_village_status_idx ON quality_flag (village_id, status);
"""


def _id(expr: str) -> str:
    """An 18-character ID number from an integer SQL expression (unique per value)."""
    return f"printf('152223%012d', {expr})"


def generate(path: Path, rows: int, persons: int) -> float:
    """Write the synthetic registry and lists; return the seconds it took."""
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    # Persons: one in 7 of the ID space; villages of Hinggan's code shape; ~2.7 per household.
    db.execute(
        f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {persons})
        INSERT INTO registry_member (id, household_id, village_id, name, id_number, birth_date)
        SELECT i, i * 10 / 27, printf('152223%03d%03d', i % 97, i % 211), '成员' || (i % 5003),
               {_id("i * 7")}, date('1940-01-01', '+' || (i % 25000) || ' days')
        FROM n"""
    )
    per_list = rows // len(KINDS)
    kind_columns = {
        "deaths": "date('2016-01-01', '+' || (i % 400) || ' days'), '', '', NULL, '', '', NULL, '', NULL",
        "vehicles": "NULL, CASE i % 3 WHEN 0 THEN '拖拉机' ELSE '小型轿车' END, '蒙K' || (i % 99991), "
        "NULL, '', '', NULL, '', NULL",
        "property": "NULL, '', '', 60 + i % 240, CASE i % 4 WHEN 0 THEN '商业' ELSE '住宅' END, "
        "'', NULL, '', NULL",
        "business": "NULL, '', '', NULL, '', '企业' || i, i % 40, '', NULL",
        "payroll": "NULL, '', '', NULL, '', '', NULL, '单位' || (i % 300), 3000 + i % 2000",
    }
    for number, kind in enumerate(KINDS, start=1):
        # One row in 10 names a registered person (one in 50 of those without an ID number:
        # name, birth date and county instead); the others are outside the registry.
        person = f"((i * 7919 + {number}) % {persons} + 1)"
        registered = "i % 10 = 0"
        weak = "i % 500 = 0"
        db.execute(
            f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {per_list})
            INSERT INTO quality_listrow (department_list_id, "row", id_number, id_normalized, name,
                birth_date, county_code, death_date, vehicle_type, plate, floor_area, house_use,
                company, capital, employer, monthly_wage, detail, match_key)
            SELECT {number}, i + 1, ids.id_number, ids.id_number, ids.name, ids.birth_date,
                '152223', {kind_columns[kind]}, '{kind} ' || i, printf('%040d', i * 5 + {number})
            FROM (SELECT i,
                    CASE WHEN {weak} THEN ''
                         WHEN {registered} THEN {_id(f"{person} * 7")}
                         ELSE {_id(f"{persons} * 7 + i * 5 + {number}")} END AS id_number,
                    CASE WHEN {registered} THEN '成员' || ({person} % 5003) ELSE '某某' END AS name,
                    CASE WHEN {registered}
                         THEN date('1940-01-01', '+' || ({person} % 25000) || ' days')
                         ELSE '1980-01-01' END AS birth_date
                  FROM n) AS ids"""
        )
    db.execute(
        "CREATE INDEX listrow_list_id_idx ON quality_listrow (department_list_id, id_normalized)"
    )
    db.execute("ANALYZE")
    db.commit()
    db.close()
    return time.perf_counter() - start


def statements(kind: str, number: int, *, duck: bool):
    """The statements of :func:`fupin.quality.comparison.match_list` for list ``number``:
    SQLite's as the project runs them, or DuckDB's over the attached file, the flags'
    ``INSERT`` becoming the same ``SELECT`` into a memory table."""
    import datetime

    from fupin.quality import comparison
    from fupin.quality.models import ComparisonRuleSet

    prefix = "db." if duck else ""
    out = []
    for statement in comparison.match_statements(
        list_id=number,
        kind=kind,
        rules=ComparisonRuleSet(version=1),
        scope_code=SCOPE,
        suffix="（某部门名单 2017-03）",
        today=datetime.date(2017, 6, 30),
        row_table=f"{prefix}quality_listrow",
        member_table=f"{prefix}registry_member",
    ):
        sql = statement.sql
        params = [str(p) if isinstance(p, datetime.date) else p for p in statement.params]
        if duck and statement.role == "flags":
            query = sql[sql.index("SELECT") : sql.index(" ON CONFLICT")]
            sql = f"CREATE OR REPLACE TABLE memory.hits_{number} AS {query}"
        out.append((statement.role, sql.replace("%s", "?"), params))
    return out


def connect(path: Path) -> sqlite3.Connection:
    """A connection set up as the project's (fupin/settings.py: WAL, cache, temp store)."""
    from django.conf import settings

    db = sqlite3.connect(path)
    options = settings.DATABASES["default"].get("OPTIONS", {})
    db.executescript(options.get("init_command") or "")
    return db


def run_ours(path: Path, verbose: bool = False) -> tuple[float, int, tuple]:
    db = connect(path)
    db.execute("DELETE FROM quality_flag")
    db.commit()
    start = time.perf_counter()
    matched = 0
    for number, kind in enumerate(KINDS, start=1):
        for role, sql, params in statements(kind, number, duck=False):
            begun = time.perf_counter()
            cursor = db.execute(sql, params)
            if role == "count":
                matched += cursor.fetchone()[0]
            if verbose:
                print(f"    {kind} {role}: {time.perf_counter() - begun:.2f} s", flush=True)
    db.commit()
    elapsed = time.perf_counter() - start
    flags, members = db.execute("SELECT COUNT(*), SUM(member_id) FROM quality_flag").fetchone()
    db.close()
    return elapsed, matched, (flags, members)


def attach(duck, path: Path) -> None:
    import duckdb

    package = importlib.import_module("duckdb_extension_sqlite_scanner")
    binary = (
        Path(package.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "sqlite_scanner.duckdb_extension"
    )
    duck.execute(f"LOAD '{binary}'")
    duck.execute(f"ATTACH '{path}' AS db (TYPE sqlite, READ_ONLY)")


def run_duck(duck, *, copy: bool) -> tuple[float, int, tuple]:
    start = time.perf_counter()
    matched = 0
    for number, kind in enumerate(KINDS, start=1):
        for role, sql, params in statements(kind, number, duck=True):
            if copy:
                sql = sql.replace("db.quality_listrow", "memory.listrow").replace(
                    "db.registry_member", "memory.member"
                )
            result = duck.execute(sql, params)
            if role == "count":
                matched += result.fetchone()[0]
    elapsed = time.perf_counter() - start
    union = " UNION ALL ".join(f"SELECT * FROM memory.hits_{n}" for n in range(1, len(KINDS) + 1))
    # Column 6 of the flags' SELECT is the member id; every synthetic row has its own
    # match_key, so ON CONFLICT skips nothing and the flags are the hits.
    columns = ", ".join(f"c{i}" for i in range(15))
    hits = duck.execute(f"SELECT COUNT(*), SUM(c6) FROM ({union}) AS t({columns})").fetchone()
    return elapsed, matched, tuple(hits)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--db", help="keep the generated SQLite file here (reused if present)")
    parser.add_argument("-v", "--verbose", action="store_true", help="time each statement")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()
    import duckdb

    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "compare.sqlite3"
        if path.exists():
            print(f"reusing {path}")
        else:
            seconds = generate(path, args.rows, args.persons)
            print(
                f"generated {args.rows:,} list rows ({len(KINDS)} lists) and {args.persons:,} "
                f"persons in {seconds:.1f} s ({path.stat().st_size / 1e6:,.0f} MB)"
            )
        print(f"SQLite {sqlite3.sqlite_version}, DuckDB {duckdb.__version__}")
        ours, matched, (flags, member_sum) = run_ours(path, args.verbose)
        print(
            f"(a) fupin matching (5 lists: joins, weak matches, rules, counts): {ours:8.2f} s — "
            f"{flags:,} flags, {matched:,} rows matched"
        )
        duck = duckdb.connect()
        attach(duck, path)
        theirs, duck_matched, hits = run_duck(duck, copy=False)
        print(
            f"(b) DuckDB, same SQLite file through its scanner:             {theirs:8.2f} s — "
            f"{hits[0]:,} hits, {duck_matched:,} rows matched"
        )
        start = time.perf_counter()
        duck.execute("CREATE TABLE memory.listrow AS SELECT * FROM db.quality_listrow")
        duck.execute("CREATE TABLE memory.member AS SELECT * FROM db.registry_member")
        copied = time.perf_counter() - start
        columnar, _m, _h = run_duck(duck, copy=True)
        print(
            f"(c) DuckDB on its columnar copy:                               {columnar:8.2f} s "
            f"(copy {copied:.1f} s)"
        )
        duck.close()
    same = (flags, member_sum) == hits and matched == duck_matched
    print(f"results: {'equal' if same else 'DIFFERENT'} (flags = hits, member ids, matched rows)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"(a) {ours:.2f} s (target < 60 s); (a) ÷ (b) = {ours / theirs:.2f} (target ≤ 3); "
        f"(a) ÷ (c) = {ours / columnar:.2f}; peak RSS {peak:,.0f} MB"
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
