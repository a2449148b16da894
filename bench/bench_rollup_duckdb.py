"""Benchmark: the full rollup rebuild (``fupin rollup``) against DuckDB, at N persons.

    python -m bench.bench_rollup_duckdb [--persons 10000000] [--repeat 3]

Opens (or builds once, see :mod:`bench.scale`) the scale database, then in the same process:

(a) times ``fupin rollup`` — the project's full rebuild of the registry's ``YearFact`` and the
    war map's ``CauseFact`` and ``PlanFact``, written into their tables (median of
    ``--repeat`` runs);
(b) times DuckDB computing the same three rollups, with the same definitions, **from the same
    database**: DuckDB attaches the SQLite file (or the PostgreSQL database) read-only through
    its own ``sqlite``/``postgres`` scanner and writes the results into its memory (median of
    3 runs; the first, cold run printed too). The scanners are DuckDB's signed extension
    binaries, installed from PyPI (``duckdb-extension-*-scanner``, pinned with ``duckdb`` in
    the ``bench`` extra) because this machine cannot download them at ``INSTALL`` time;
(c) for context, DuckDB computing them from its own columnar copy of the two tables the
    rollups read (copied through the same scanner; the copy's time printed apart);

checks that DuckDB's rows equal ours (every row of the three rollups) and prints the ratios
(a) ÷ (b) — the target, ≤ 3 — and (a) ÷ (c). Why (b) is the target's ratio is in
bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import sys
import time
from pathlib import Path

from bench import scale

STATUS_COLUMNS = "household_id, village_id, year, status, members_count"
HOUSEHOLD_COLUMNS = (
    "id, village_id, identified_year, main_cause, planned_exit_year, exit_year, status, "
    "members_count"
)


def duck_sql(status: str, household: str) -> dict[str, str]:
    """The three rollups in DuckDB, with the definitions of fupin/registry/rollups.py, over
    the status rows ``status`` and the households ``household`` (table names)."""
    from fupin.registry import codes

    poor = "('" + "','".join(codes.POOR_STATUSES) + "')"
    exited = "('" + "','".join(codes.EXITED_STATUSES) + "')"
    identified = "h.identified_year = s.year"
    is_exit = f"s.status IN {exited} AND (p.status IN {poor} OR {identified})"
    is_relapse = f"s.status = 'relapsed' AND p.status IN {exited}"
    return {
        "yearfact": f"""
            CREATE OR REPLACE TABLE memory.yearfact AS
            SELECT s.village_id, s.year,
                SUM(CASE WHEN {identified} THEN 1 ELSE 0 END) AS identified_households,
                SUM(CASE WHEN {identified} THEN s.members_count ELSE 0 END) AS identified_persons,
                SUM(CASE WHEN s.status IN {poor} THEN 1 ELSE 0 END) AS poor_households,
                SUM(CASE WHEN s.status IN {poor} THEN s.members_count ELSE 0 END) AS poor_persons,
                SUM(CASE WHEN {is_exit} THEN 1 ELSE 0 END) AS exited_households,
                SUM(CASE WHEN {is_exit} THEN s.members_count ELSE 0 END) AS exited_persons,
                SUM(CASE WHEN {is_relapse} THEN 1 ELSE 0 END) AS relapsed_households,
                SUM(CASE WHEN {is_relapse} THEN s.members_count ELSE 0 END) AS relapsed_persons
            FROM {status} s JOIN {household} h ON h.id = s.household_id
            LEFT JOIN {status} p ON p.household_id = s.household_id AND p.year = s.year - 1
            GROUP BY s.village_id, s.year""",
        "causefact": f"""
            CREATE OR REPLACE TABLE memory.causefact AS
            SELECT s.village_id, s.year, h.main_cause AS cause, COUNT(*) AS households,
                SUM(s.members_count) AS persons
            FROM {status} s JOIN {household} h ON h.id = s.household_id
            WHERE s.status IN {poor}
            GROUP BY s.village_id, s.year, h.main_cause""",
        "planfact": f"""
            CREATE OR REPLACE TABLE memory.planfact AS
            SELECT h.village_id, h.planned_exit_year, h.exit_year,
                h.status IN {poor} AS poor, COUNT(*) AS households,
                SUM(h.members_count) AS persons
            FROM {household} h
            GROUP BY h.village_id, h.planned_exit_year, h.exit_year, h.status IN {poor}""",
    }


def attach(duck) -> None:
    """Attach the database Django uses to ``duck`` as ``db``, read-only, by DuckDB's own
    scanner (the extension binary shipped in a PyPI package of the same DuckDB version)."""
    import duckdb
    from django.db import connection

    kind = "postgres" if connection.vendor == "postgresql" else "sqlite"
    package = importlib.import_module(f"duckdb_extension_{kind}_scanner")
    binary = (
        Path(package.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / f"{kind}_scanner.duckdb_extension"
    )
    duck.execute(f"LOAD '{binary}'")
    settings = connection.settings_dict
    if kind == "sqlite":
        target = str(settings["NAME"])
    else:
        target = " ".join(
            f"{key}={settings[name]}"
            for key, name in (
                ("dbname", "NAME"),
                ("user", "USER"),
                ("password", "PASSWORD"),
                ("host", "HOST"),
                ("port", "PORT"),
            )
            if settings.get(name)
        )
    duck.execute(f"ATTACH '{target}' AS db (TYPE {kind}, READ_ONLY)")


def timed_runs(duck, statements: dict[str, str], runs: int = 3) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for sql in statements.values():
            duck.execute(sql)
        times.append(time.perf_counter() - start)
    return times


COMPARED = {
    "yearfact": (
        "registry_yearfact",
        "village_id, year, identified_households, identified_persons, poor_households, "
        "poor_persons, exited_households, exited_persons, relapsed_households, relapsed_persons",
    ),
    "causefact": ("warmap_causefact", "village_id, year, cause, households, persons"),
    "planfact": (
        "warmap_planfact",
        "village_id, planned_exit_year, exit_year, poor, households, persons",
    ),
}


def _norm(rows) -> list[tuple]:
    """Rows as comparable tuples (booleans and integers alike), sorted; NULL sorts first."""
    out = [tuple(int(v) if isinstance(v, bool) else v for v in r) for r in rows]
    return sorted(out, key=lambda r: tuple((v is not None, v) for v in r))


def compare(duck) -> list[str]:
    from django.db import connection

    lines = []
    with connection.cursor() as cursor:
        for name, (table, columns) in COMPARED.items():
            cursor.execute(f"SELECT {columns} FROM {table}")
            ours = _norm(cursor.fetchall())
            theirs = _norm(duck.execute(f"SELECT {columns} FROM memory.{name}").fetchall())
            numbers = [c.strip() for c in columns.split(",")][-2:]
            sums = [sum(r[-2] for r in ours), sum(r[-1] for r in ours)]
            duck_sums = [sum(r[-2] for r in theirs), sum(r[-1] for r in theirs)]
            same = ours == theirs
            lines.append(
                f"  {table}: {len(ours):,} rows; {numbers[0]} {sums[0]:,}, {numbers[1]} "
                f"{sums[1]:,} — DuckDB {len(theirs):,} rows, {duck_sums[0]:,}, {duck_sums[1]:,}: "
                + ("equal" if same else "DIFFERENT")
            )
            if not same:
                raise AssertionError("\n".join(lines))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="rollup rebuilds to time")
    args = parser.parse_args(argv)
    built = scale.open_database(args.persons, args.rebuild)

    import duckdb
    from django.core.management import call_command
    from django.db import connection

    print(
        f"scale database: {built['persons']:,} persons, {built['households']:,} households, "
        f"{built['statuses']:,} status rows ({connection.vendor}); DuckDB {duckdb.__version__}"
    )
    rollup_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        call_command("rollup", stdout=io.StringIO())
        rollup_times.append(time.perf_counter() - start)
    rollup_s = statistics.median(rollup_times)
    print(
        f"(a) fupin rollup (YearFact + CauseFact + PlanFact), median of {args.repeat}: "
        f"{rollup_s:8.2f} s  (runs: {', '.join(f'{t:.2f}' for t in rollup_times)})"
    )

    duck = duckdb.connect()
    attach(duck)
    times = timed_runs(duck, duck_sql("db.registry_statusrecord", "db.registry_household"))
    direct_s = statistics.median(times)
    print(
        f"(b) DuckDB, the same aggregates from the same database (its {connection.vendor} "
        f"scanner), median of 3: {direct_s:8.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})"
    )
    for line in compare(duck):
        print(line)

    start = time.perf_counter()
    duck.execute(f"CREATE TABLE memory.s AS SELECT {STATUS_COLUMNS} FROM db.registry_statusrecord")
    duck.execute(f"CREATE TABLE memory.h AS SELECT {HOUSEHOLD_COLUMNS} FROM db.registry_household")
    copy_s = time.perf_counter() - start
    times = timed_runs(duck, duck_sql("memory.s", "memory.h"))
    copied_s = statistics.median(times)
    print(
        f"(c) DuckDB, the same aggregates from its own columnar copy, median of 3: "
        f"{copied_s:8.2f} s  (the copy itself: {copy_s:.2f} s)"
    )
    for line in compare(duck):
        print(line)

    ratio = rollup_s / direct_s
    print(f"ratio (a) ÷ (b), rebuild vs DuckDB from the same database: {ratio:6.2f} (target ≤ 3)")
    print(f"ratio (a) ÷ (c), rebuild vs DuckDB on its columnar copy:   {rollup_s / copied_s:6.2f}")
    return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
