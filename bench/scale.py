"""The scale database of the war map benchmarks: N generated persons in all of Inner Mongolia.

    from bench import scale
    scale.open_database(persons=10_000_000, rebuild=False)

Builds (once, then reused) a separate database: SQLite at ``var/bench/scale-<N>/fupin.sqlite3``
(``FUPIN_VAR`` points there), or PostgreSQL when ``DATABASE_URL`` is set. It holds Inner
Mongolia's divisions (province code 15, loaded from the all-China NBS 2023 file by the
project's own ``areas_load``), a rural population per village, and households, members and
status rows (one per year from identification to the as-of year 2017) for N persons, written
set-based: plain tuples in batches of raw ``executemany`` (no ORM per row, no history rows).
Then the project's full rollup rebuild runs once, so the war map reads filled rollups.

The generator is this file's own, not the calibrated demo: households of 1–5 persons spread
evenly over the rural villages, mostly identified in 2014, leaving poverty year by year with
some relapses, with a planned exit year for those poor now. Rows are written in village and
household order, so every index of the tables is appended to (no random index inserts).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Beside the checkout; a worktree elsewhere names the file with FUPIN_DIVISIONS.
DIVISIONS = Path(
    os.environ.get(
        "FUPIN_DIVISIONS", ROOT.parent / "shared" / "data" / "divisions" / "china-2023.csv.gz"
    )
)
PROVINCE = "15"  # 内蒙古自治区
AS_OF = "2017-06-30"
YEARS = (2014, 2015, 2016, 2017)
VERSION = 2  # bump when the generator changes: a cached database of another version is rebuilt
BATCH = 20_000  # households per transaction
USERNAME = "scale-province-15"

# Identification year: most households were identified in the 2014 campaign.
IDENTIFIED = ((2014, 0.86), (2015, 0.07), (2016, 0.05), (2017, 0.02))
# Of those poor at the end of the year before, the share that exits by the end of this year
# (2017 is the year in progress, as of June).
EXIT = {2014: 0.18, 2015: 0.26, 2016: 0.31, 2017: 0.08}
RELAPSE = 0.02  # of those exited the year before
SIZES = ((1, 0.14), (2, 0.33), (3, 0.31), (4, 0.15), (5, 0.07))  # ≈ 2.6 persons
CAUSES = (
    ("illness", 0.30),
    ("disability", 0.08),
    ("education", 0.07),
    ("disaster", 0.04),
    ("land", 0.04),
    ("water", 0.02),
    ("skills", 0.12),
    ("labour", 0.10),
    ("capital", 0.16),
    ("transport", 0.02),
    ("motivation", 0.03),
    ("other", 0.02),
)
RELATIONS = ("head", "spouse", "son", "daughter", "grandson")


def var_dir(persons: int, within: str = PROVINCE) -> Path:
    # PostgreSQL's build is recorded apart, so the two never reuse each other's marker; so is
    # the national one (``within=""``: every province).
    suffix = "-pg" if os.environ.get("DATABASE_URL") else ""
    region = "" if within == PROVINCE else f"-{within or 'nation'}"
    return ROOT / "var" / "bench" / f"scale-{persons}{region}{suffix}"


def _pick(rng: random.Random, table) -> object:
    x = rng.random()
    for value, share in table:
        x -= share
        if x < 0:
            return value
    return table[-1][0]


def setup_django(var: Path) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    os.environ["FUPIN_AS_OF"] = AS_OF
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    var.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _marker(var: Path) -> Path:
    return var / "scale-built.json"


def open_database(
    persons: int, rebuild: bool = False, log=print, within: str = PROVINCE, workers: int = 1
) -> dict:
    """Point Django at the scale database of ``persons`` persons, building it if needed.

    ``within`` is the division whose rural villages share the persons: Inner Mongolia by
    default, ``""`` for all of China (every province's divisions are then loaded).
    Returns what the build recorded (persons, households, status rows, seconds per step).
    """
    var = var_dir(persons, within)
    postgres = bool(os.environ.get("DATABASE_URL"))
    if rebuild and not postgres and var.exists():
        shutil.rmtree(var)
    setup_django(var)
    marker = _marker(var)
    if marker.exists() and not rebuild:
        built = json.loads(marker.read_text())
        if (
            built.get("version") == VERSION
            and built.get("persons") == persons
            and built.get("within", PROVINCE) == within
        ):
            log(f"reusing the scale database in {var} (built {built['built_at']})")
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            return built
    from django.core.management import call_command

    if postgres:
        _refuse_to_flush_a_built_database(rebuild)
        call_command("flush", interactive=False, verbosity=0)
    built = build(persons, log=log, within=within, workers=workers)
    marker.write_text(json.dumps(built, indent=1))
    return built


def _refuse_to_flush_a_built_database(rebuild: bool) -> None:
    """A PostgreSQL database is rebuilt only when asked: its marker lives in this checkout's
    var/, so another checkout (a worktree) pointed at a database built elsewhere finds no
    marker, and flushing would throw away hours of build."""
    from django.db import connection

    if rebuild or "registry_household" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM registry_household)")
        (filled,) = cursor.fetchone()
    if filled:
        raise SystemExit(
            f"{connection.settings_dict['NAME']} already holds households but this checkout has "
            "no record of building it (var/bench/): pass --rebuild to throw it away and build "
            "again, or run from the checkout that built it."
        )


def build(persons: int, log=print, within: str = PROVINCE, workers: int = 1) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from fupin.accounts.models import Role, RoleAssignment, User
    from fupin.areas.services import areas_load
    from fupin.registry import rollups

    times = {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    times["migrate_s"] = round(time.perf_counter() - start, 1)

    start = time.perf_counter()
    loaded = areas_load(path=DIVISIONS, within=within or None)
    times["areas_s"] = round(time.perf_counter() - start, 1)
    log(f"divisions of {within or 'China'}: {loaded.rows:,} rows in {times['areas_s']} s")

    start = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throwaway benchmark file: no fsync while it is being filled.
            cursor.execute("PRAGMA synchronous=OFF")
    bare = connection.vendor == "postgresql" and persons >= BARE_FROM
    restore = _strip(connection, GENERATED) if bare else []
    counts = generate(persons, log=log, within=within, workers=workers)
    times["generate_s"] = round(time.perf_counter() - start, 1)
    if restore:
        start = time.perf_counter()
        _restore(connection, restore, log)
        times["indexes_s"] = round(time.perf_counter() - start, 1)
        log(f"indexes and constraints re-made in {times['indexes_s']} s")
    log(
        f"generated {counts['persons']:,} persons, {counts['households']:,} households, "
        f"{counts['statuses']:,} status rows in {times['generate_s']} s"
    )

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times["analyze_s"] = round(time.perf_counter() - start, 1)

    start = time.perf_counter()
    rollups.refresh()
    times["first_rollup_s"] = round(time.perf_counter() - start, 1)
    log(f"first full rollup rebuild: {times['first_rollup_s']} s")

    user, _ = User.objects.get_or_create(username=USERNAME)
    user.set_password("bench-pass-1")
    user.save()
    RoleAssignment.objects.get_or_create(user=user, role=Role.LEAGUE_HQ, area_id=PROVINCE)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "version": VERSION,
        "persons": persons,
        "within": within,
        **counts,
        **times,
        "villages": counts["villages"],
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
    }


# The tables the generator fills; on PostgreSQL, from BARE_FROM persons on, they are filled
# without their secondary indexes and constraints, which are made again afterwards (a sort
# per index instead of an insert into each of 17 indexes and a foreign-key check per row:
# with them COPY managed 5,000 persons/s on the loaded machine).
GENERATED = ("registry_household", "registry_member", "registry_statusrecord")
BARE_FROM = 5_000_000


def _strip(connection, tables) -> list[str]:
    """Drop the foreign keys, unique constraints and indexes (but the primary keys) of
    ``tables``; return the statements that make them again, indexes first."""
    indexes, constraints = [], []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
               FROM pg_constraint c
               WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')""",
            [list(tables)],
        )
        for table, name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            constraints.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [list(tables)],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            indexes.append(definition)
    return indexes + constraints


def _restore(connection, statements, log=print) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        for statement in statements:
            start = time.perf_counter()
            cursor.execute(statement)
            log(f"  {time.perf_counter() - start:6.1f} s  {statement[:110]}", flush=True)


class _Rows:
    """Tuples of one table, written when asked (:func:`fupin.core.rows.write_tuples`: ``COPY``
    on PostgreSQL, where ``executemany`` managed 3,500–7,000 persons a second and 10,000,000
    persons would have taken over an hour; ``executemany`` on SQLite)."""

    def __init__(self, table: str, columns: list[str]):
        self.table = table
        self.columns = columns
        self.rows: list[tuple] = []
        self.written = 0

    def write(self, cursor) -> None:
        from fupin.core.rows import write_tuples

        write_tuples(cursor, self.table, self.columns, self.rows)
        self.written += len(self.rows)
        self.rows = []


def generate(
    persons: int, log=print, seed: int = 20171, within: str = PROVINCE, workers: int = 1
) -> dict:
    """Households, members, status rows and rural populations for ``persons`` persons.

    With ``workers`` > 1 the villages are cut into as many consecutive slices, each generated
    by a forked process on its own connection with its own seed: household ids stay those of
    one process (a slice starts after the households of the villages before it), so every
    index is still appended to, per slice. One worker gives the rows of earlier builds."""
    from django.db import connections

    from fupin.areas.models import Area, Level, is_rural_code

    villages = sorted(
        c
        for c in Area.objects.filter(level=Level.VILLAGE, code__startswith=within).values_list(
            "code", flat=True
        )
        if is_rural_code(c)
    )
    # Households per village: persons ÷ 2.6, spread evenly over the villages.
    expected = max(1, round(persons / 2.6))
    count = len(villages)
    if workers <= 1:
        return {
            **_generate_slice(villages, 0, count, expected, persons, seed, log),
            "villages": count,
        }
    cuts = [count * w // workers for w in range(workers + 1)]
    jobs = []
    for w in range(workers):
        first, stop = cuts[w], cuts[w + 1]
        before = first * expected // count  # households of the villages before the slice
        cap = persons * (stop * expected // count) // expected - persons * before // expected
        jobs.append((villages[first:stop], before, first, count, expected, cap, seed + w, log))
    import multiprocessing

    connections.close_all()  # each child opens its own
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.starmap(_generate_slice_job, jobs)
    totals = {key: sum(r[key] for r in results) for key in results[0]}
    return {**totals, "villages": count}


def _generate_slice_job(villages, household_id, first, count, expected, cap, seed, log):
    # The slice's villages are numbered as in the whole list, so each gets the same share.
    return _generate_slice(villages, household_id, count, expected, cap, seed, log, first)


def _generate_slice(
    villages, household_id, count, expected, persons, seed, log=print, first: int = 0
) -> dict:
    """The rows of ``villages`` (the whole list's villages from number ``first``), household
    ids after ``household_id``, at most ``persons`` persons."""
    from django.db import connection, transaction

    from fupin.areas.models import RuralPopulation
    from fupin.registry.models import Household, Member, StatusRecord

    rng = random.Random(seed)
    ops = connection.ops
    moment = ops.adapt_datetimefield_value(datetime.datetime(2017, 6, 30, 12, tzinfo=datetime.UTC))
    births = [ops.adapt_datefield_value(datetime.date(y, 5, 1)) for y in range(1935, 2017)]
    households = _Rows(
        Household._meta.db_table,
        [
            "id",
            "number",
            "village_id",
            "head_name",
            "members_count",
            "attribute",
            "main_cause",
            "other_causes",
            "dangerous_housing",
            "safe_water",
            "has_electricity",
            "phone",
            "standard",
            "identified_year",
            "status",
            "exit_year",
            "planned_exit_year",
            "created_at",
            "updated_at",
            "historical_load",
            "historical_reason",
            "address",
            "bank_account",
        ],
    )
    members = _Rows(
        Member._meta.db_table,
        [
            "household_id",
            "village_id",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "relation",
            "ethnicity",
            "education",
            "school_status",
            "health",
            "labour",
            "migrant_months",
            "medical_insurance",
            "phone",
            "updated_at",
            "name_mn",
            "left_reason",
        ],
    )
    statuses = _Rows(
        StatusRecord._meta.db_table,
        ["household_id", "village_id", "year", "status", "attribute", "members_count"],
    )
    people_in = {}
    made = 0
    last_year = YEARS[-1]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for index, village in enumerate(villages, start=first):
            wanted = (index + 1) * expected // count - index * expected // count
            people = 0
            for seq in range(1, wanted + 1):
                if made >= persons:
                    break
                household_id += 1
                size = min(_pick(rng, SIZES), persons - made)
                made += size
                people += size
                identified = _pick(rng, IDENTIFIED)
                status = "poor"
                exit_year = None
                year_rows = []
                for year in YEARS:
                    if year < identified:
                        continue
                    if status in ("poor", "relapsed") and rng.random() < EXIT[year]:
                        status = "exited" if rng.random() < 0.9 else "exited_no_policy"
                        exit_year = year
                    elif status.startswith("exited") and rng.random() < RELAPSE:
                        status = "relapsed"
                        exit_year = None
                    year_rows.append((household_id, village, year, status, "general", size))
                planned = None
                if status in ("poor", "relapsed"):
                    planned = rng.choice((last_year, 2018, 2018, 2019, 2019, 2020))
                cause = _pick(rng, CAUSES)
                households.rows.append(
                    (
                        household_id,
                        f"{village}{seq:05d}",
                        village,
                        f"户主{household_id}",
                        size,
                        "low_income" if household_id % 7 == 0 else "general",
                        cause,
                        "[]",
                        household_id % 40 == 0,
                        household_id % 33 != 0,
                        True,
                        "",
                        "national",
                        identified,
                        status,
                        exit_year,
                        planned,
                        moment,
                        moment,
                        False,
                        "",
                        "",
                        "",
                    )
                )
                statuses.rows.extend(year_rows)
                for k in range(size):
                    members.rows.append(
                        (
                            household_id,
                            village,
                            f"成员{k}",
                            f"S{household_id:011d}{k}",
                            "M" if k % 2 == 0 else "F",
                            births[(household_id + k * 29) % len(births)],
                            RELATIONS[k],
                            "01",
                            "junior",
                            "",
                            "healthy",
                            "ordinary",
                            0,
                            True,
                            "",
                            moment,
                            "",
                            "",
                        )
                    )
                if len(households.rows) >= BATCH:
                    with transaction.atomic():
                        for table in (households, members, statuses):
                            table.write(cursor)
                    if households.written % (BATCH * 25) == 0:
                        rate = made / (time.perf_counter() - start)
                        log(f"  {first}: {made:,} persons ({rate:,.0f}/s)", flush=True)
            people_in[village] = people
        with transaction.atomic():
            for table in (households, members, statuses):
                table.write(cursor)
            # The rural population of 2014: poor persons ≈ 12 % of it, like the league's.
            cursor.executemany(
                f"INSERT INTO {RuralPopulation._meta.db_table} (village_id, year, population) "
                "VALUES (%s, %s, %s)",
                [(v, 2014, max(50, round(n / 0.12))) for v, n in people_in.items()],
            )
    return {
        "persons": made,
        "households": households.written,
        "members": members.written,
        "statuses": statuses.written,
    }


def client_for_province():
    from django.test import Client

    from fupin.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    return client


def _log_load(log, every: float = 60.0):
    """Log the load average every ``every`` seconds in a daemon thread: the build shares the
    machine, and its times mean little without it."""
    import threading

    def run():
        while True:
            log(f"  loadavg {Path('/proc/loadavg').read_text().strip()}", flush=True)
            time.sleep(every)

    threading.Thread(target=run, daemon=True).start()


def main(argv=None) -> int:
    """Build (or reuse) a scale database from the command line:

    ``python -m bench.scale --persons 30000000 --nation [--rebuild]``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--within", default=PROVINCE, help='a division code; "" for all of China')
    where.add_argument("--nation", action="store_const", const="", dest="within")
    parser.add_argument("--workers", type=int, default=1, help="generating processes")
    args = parser.parse_args(argv)
    _log_load(print)
    start = time.perf_counter()
    cpu = time.process_time()
    built = open_database(args.persons, args.rebuild, within=args.within, workers=args.workers)
    print(
        json.dumps(built, indent=1),
        f"\nwall {time.perf_counter() - start:,.0f} s, this process's CPU "
        f"{time.process_time() - cpu:,.0f} s, loadavg {Path('/proc/loadavg').read_text()}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
