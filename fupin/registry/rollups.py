"""Rollups of the registry (analytics tables in the DHIS2 sense): figures per village and year.

One SQL statement scans the status rows (set-based, GROUP BY village, year and the household's
main cause) into a temporary staging table; the village-year facts are its sums, and the
hooks (the war map's causes) read it too, so a rebuild scans the status rows once. The
definitions are those of :mod:`fupin.areas.selectors`:

* identified — households whose ``identified_year`` is the year (persons: that year's size);
* poor — status 未脱贫 or 返贫 at the end of the year;
* exited — exited at the end of the year, having been poor at the end of the year before
  (or first identified this year);
* relapsed — 返贫 this year, exited at the end of the year before.

Freshness: :func:`refresh` is called inside the writing transaction — by the signal handlers
in :mod:`fupin.registry.signals` for single saves, and explicitly by bulk paths (import,
demo) for the villages they touched. ``fupin rollup`` rebuilds everything: on SQLite, outside
any transaction, by reading the status rows on several connections at once
(:func:`_read_in_parallel`); on PostgreSQL in one statement its parallel workers may share.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

from . import codes
from .models import Household, StatusRecord, YearFact

FIGURES = (
    "identified_households",
    "identified_persons",
    "poor_households",
    "poor_persons",
    "exited_households",
    "exited_persons",
    "relapsed_households",
    "relapsed_persons",
)
CHUNK = 500
# A full rebuild on SQLite reads every status row and household: with the connection's usual
# 64 MiB page cache, most of a large database is read through system calls page by page.
# Memory-mapping the file and a 1 GiB cache for the rebuild's duration took 25-30 % off the
# rebuild at 1,000,000 persons (bench/bench_rollup_duckdb.py).
REBUILD_MMAP_BYTES = 8 << 30
REBUILD_CACHE_KIB = 1 << 20
# A full rebuild in one scan (inside a transaction) sorts every status row for its GROUP BY;
# SQLite can sort with helper threads.
REBUILD_SORT_THREADS = 2
# PostgreSQL's memory for each hash or sort of a full rebuild (for its transaction only).
REBUILD_WORK_MEM = "256MB"
# Other apps' rollups refreshed with these, in the same transaction (e.g. the war map's).
_HOOKS: list = []
# While the hooks run, this temporary table holds the refreshed villages' figures per village,
# year and household main cause (the one scan of the status rows serves both the registry's
# facts and a hook's, e.g. the war map's causes); see :func:`staged`.
STAGE = "rollup_stage_by_cause"
_staged = False
# SQLite runs a query on one core. A full rebuild outside any transaction reads the status
# rows on this many read-only connections at once and sums their groups here (inside a
# transaction other connections would not see its writes: then one scan).
REBUILD_READERS = 2
# ... in ranges of this many rows: SQLite sorts each range's rows for its GROUP BY, and
# many small sorts cost less than a few large ones (1,024 ranges instead of 2 took the
# scan at 10,000,000 persons from 26 s to 20 s of processor time).
REBUILD_RANGE_ROWS = 16_384


def register_hook(function) -> None:
    """Have ``function(villages)`` called at the end of every :func:`refresh`."""
    if function not in _HOOKS:
        _HOOKS.append(function)


def staged() -> str | None:
    """The staging table of the refresh in progress (inside a hook), else ``None``.

    Columns: ``village_id, year, cause`` and :data:`FIGURES`, one row per village, year and
    main cause of the households' status rows of the villages being refreshed — of the rows
    that count in some figure (see :func:`_conditions`).
    """
    return STAGE if _staged else None


def _stage_sql(where: str) -> str:
    return f"INSERT INTO {STAGE} (village_id, year, cause, {', '.join(FIGURES)}) " + _stage_select(
        where
    )


def _listed(statuses) -> str:
    return "('" + "','".join(statuses) + "')"


def _previous(statuses) -> str:
    """Whether status row ``s``'s household had one of ``statuses`` at the end of the year
    before. SQLite has no hash join: a join to the previous year's row would probe the index
    for every row, this ``EXISTS`` probes it only where the condition gets that far (exited
    and relapsed rows). PostgreSQL hash-joins the previous year (see :func:`_stage_select`)."""
    if connection.vendor != "sqlite":
        return f"p.status IN {_listed(statuses)}"
    return (
        f"EXISTS (SELECT 1 FROM {StatusRecord._meta.db_table} p WHERE p.household_id = "
        f"s.household_id AND p.year = s.year - 1 AND p.status IN {_listed(statuses)})"
    )


def _conditions() -> dict[str, str]:
    """Per pair of :data:`FIGURES` (households, persons): when a status row counts — of the
    rows :func:`_stage_select` reads, which leave out the exits of households that were not
    poor the year before (an exited household's later years count in no figure)."""
    return {
        "identified": "h.identified_year = s.year",
        "poor": f"s.status IN {_listed(codes.POOR_STATUSES)}",
        "exited": f"s.status IN {_listed(codes.EXITED_STATUSES)}",
        "relapsed": (
            f"s.status = '{codes.Status.RELAPSED}' AND {_previous(codes.EXITED_STATUSES)}"
        ),
    }


# A full rebuild on SQLite sums each pair (households, persons) as one integer, households
# times 2**32 plus persons: half the aggregates to step through and half the values to sort,
# which took a quarter off the scan at 10,000,000 persons. A village's persons of one year
# and cause stay far below 2**32, so the pairs never mix.
PAIR = 1 << 32


def _stage_select(where: str, paired: bool = False) -> str:
    """The staging rows of the status rows ``where`` selects (a condition, or ``""``):
    village, year, cause and :data:`FIGURES` — or, ``paired``, one sum per pair (see
    :data:`PAIR`). Groups whose rows count in no figure are left out; see
    :func:`_empty_facts_sql`."""
    sums = []
    for condition in _conditions().values():
        if paired:
            sums.append(f"SUM(CASE WHEN {condition} THEN s.members_count + {PAIR} ELSE 0 END)")
        else:
            sums.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
            sums.append(f"SUM(CASE WHEN {condition} THEN s.members_count ELSE 0 END)")
    previous_year = ""
    if connection.vendor != "sqlite":
        previous_year = (
            f"LEFT JOIN {StatusRecord._meta.db_table} p "
            "ON p.household_id = s.household_id AND p.year = s.year - 1"
        )
    counts = (
        f"(s.status NOT IN {_listed(codes.EXITED_STATUSES)} OR h.identified_year = s.year "
        f"OR {_previous(codes.POOR_STATUSES)})"
    )
    return f"""
        SELECT s.village_id, s.year, h.main_cause, {", ".join(sums)}
        FROM {StatusRecord._meta.db_table} s
        JOIN {Household._meta.db_table} h ON h.id = s.household_id
        {previous_year}
        WHERE {counts} {"AND " + where if where else ""}
        GROUP BY s.village_id, s.year, h.main_cause
    """


def _empty_facts_sql(where: str) -> str:
    """Facts of zero for the villages and years whose status rows count in no figure (all
    of them exits of earlier years): the village still has registered households that year,
    which e.g. the yearly assessment looks for. Only exited rows can be left out, so their
    villages and years are enough — read from the index on year, status and village."""
    zeros = ", ".join("0" for _ in FIGURES)
    status = StatusRecord._meta.db_table
    return f"""
        INSERT INTO {YearFact._meta.db_table} (village_id, year, {", ".join(FIGURES)})
        SELECT village_id, year, {zeros} FROM (
            SELECT DISTINCT s.year, s.status, s.village_id FROM {status} s
            WHERE s.status IN {_listed(codes.EXITED_STATUSES)} {"AND " + where if where else ""}
        ) exited
        WHERE NOT EXISTS (
            SELECT 1 FROM {YearFact._meta.db_table} f
            WHERE f.village_id = exited.village_id AND f.year = exited.year
        )
        GROUP BY village_id, year
    """


def _insert_paired_sql() -> str:
    """Insert a row of the paired select (village, year, cause, one sum per pair) into the
    staging table, each pair split back into its two figures by SQLite (faster than here)."""
    values = ["?1", "?2", "?3"]
    for n in range(len(FIGURES) // 2):
        values += [f"?{4 + n} / {PAIR}", f"?{4 + n} % {PAIR}"]
    columns = ", ".join(("village_id", "year", "cause", *FIGURES))
    return f"INSERT INTO {STAGE} ({columns}) VALUES ({', '.join(values)})"


def _create_stage(cursor) -> None:
    figures = ", ".join(f"{name} BIGINT NOT NULL" for name in FIGURES)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    # On SQLite keyed like the GROUP BY that fills it, so the facts' GROUP BY reads it in
    # order; PostgreSQL hashes that GROUP BY, and a key would only slow the inserts.
    key = ", PRIMARY KEY (village_id, year, cause)) WITHOUT ROWID"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (village_id VARCHAR(12) NOT NULL, "
        f"year SMALLINT NOT NULL, cause VARCHAR(12) NOT NULL, {figures}"
        + (key if connection.vendor == "sqlite" else ")")
    )


def _facts_from_stage_sql() -> str:
    names = ", ".join(FIGURES)
    sums = ", ".join(f"SUM({name})" for name in FIGURES)
    return f"""
        INSERT INTO {YearFact._meta.db_table} (village_id, year, {names})
        SELECT village_id, year, {sums} FROM {STAGE} GROUP BY village_id, year
    """


@contextlib.contextmanager
def _rebuild_cache():
    if connection.vendor != "sqlite":
        yield
        return
    # An in-memory database answers no row for mmap_size: then nothing is changed.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA threads")
        threads = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size")
        mmap = cursor.fetchone()
        if cache and mmap:
            cursor.execute(f"PRAGMA mmap_size={REBUILD_MMAP_BYTES}")
            cursor.execute(f"PRAGMA cache_size=-{REBUILD_CACHE_KIB}")
            cursor.execute(f"PRAGMA threads={REBUILD_SORT_THREADS}")
    try:
        yield
    finally:
        if cache and mmap:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size={int(cache[0])}")
                cursor.execute(f"PRAGMA mmap_size={int(mmap[0])}")
                cursor.execute(f"PRAGMA threads={int(threads[0]) if threads else 0}")


def refresh(villages: Iterable[str] | None = None) -> None:
    """Recompute the facts of ``villages`` (every year), or of everything when ``None``."""
    if villages is not None:
        _refresh(villages)
        return
    with _rebuild_cache():
        paired_rows = None
        if _parallel_possible():
            paired_rows = _read_in_parallel(
                _stage_select("s.id >= ? AND s.id < ?", paired=True), StatusRecord, keys=3
            )
        _refresh(None, paired_rows=paired_rows)


def _database_uri() -> str | None:
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:"):  # e.g. the tests' shared in-memory database
        return name
    if name == ":memory:" or "mode=memory" in name:
        return None
    return f"file:{name}?mode=ro"


def _parallel_possible() -> bool:
    return (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and REBUILD_READERS > 1
        and _database_uri() is not None
    )


def _read_in_parallel(sql: str, model, keys: int) -> list[tuple]:
    """Run ``sql`` over every row of ``model``'s table on :data:`REBUILD_READERS` read-only
    SQLite connections at once, in ranges of :data:`REBUILD_RANGE_ROWS` ids (``sql`` takes
    the first and the last-plus-one id of a range as its two ``?``), and return its rows with
    the same first ``keys`` columns summed column by column — a ``GROUP BY`` whose groups
    may span ranges."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Apart: SQLite answers MIN or MAX alone from the index, both together by a scan.
        cursor.execute(f"SELECT MIN(id) FROM {table}")
        low = cursor.fetchone()[0]
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        high = cursor.fetchone()[0]
    if low is None:
        return []
    ranges = range(low, high + 1, REBUILD_RANGE_ROWS)
    uri = _database_uri()
    readers = []
    local = threading.local()

    def read(start: int) -> list[tuple]:
        reader = getattr(local, "connection", None)
        if reader is None:
            reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
            reader.execute(f"PRAGMA mmap_size={REBUILD_MMAP_BYTES}")
            reader.execute(f"PRAGMA cache_size=-{REBUILD_CACHE_KIB // REBUILD_READERS}")
            local.connection = reader
            readers.append(reader)
        return reader.execute(sql, (start, start + REBUILD_RANGE_ROWS)).fetchall()

    try:
        with ThreadPoolExecutor(REBUILD_READERS) as pool:
            parts = list(pool.map(read, ranges))
    finally:
        for reader in readers:
            reader.close()
    # Summed once every range is read: summing while the readers run holds the interpreter
    # lock they need between two steps of their queries, which made the read a third slower.
    totals: dict[tuple, tuple] = {}
    for rows in parts:
        for row in rows:
            key = row[:keys]
            found = totals.get(key)
            if found is None:
                totals[key] = row
            else:
                totals[key] = (
                    *key,
                    *(a + b for a, b in zip(found[keys:], row[keys:], strict=True)),
                )
    return list(totals.values())


def _chunks(villages: list[str]):
    """``villages`` in chunks of :data:`CHUNK`, each with its condition on ``s.village_id``."""
    for start in range(0, len(villages), CHUNK):
        chunk = villages[start : start + CHUNK]
        yield chunk, f"s.village_id IN ({', '.join(['%s'] * len(chunk))})"


@transaction.atomic
def _refresh(villages: Iterable[str] | None, paired_rows: list[tuple] | None = None) -> None:
    global _staged
    with connection.cursor() as cursor:
        if villages is None:
            YearFact.objects.all().delete()
            if paired_rows is not None:
                _create_stage(cursor)
                cursor.executemany(_insert_paired_sql(), paired_rows)
            elif connection.vendor == "postgresql":
                # Hash joins and aggregates in memory rather than sorts on disk (the default
                # 4 MB), and CREATE TABLE … AS, which unlike INSERT … SELECT may run its
                # SELECT on parallel workers: with the rollups' fewer indexes, 18 s → 9 s for
                # the rebuild at 2,000,000 persons.
                cursor.execute(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'")
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                names = ", ".join(("village_id", "year", "cause", *FIGURES))
                cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({names}) AS " + _stage_select(""))
            else:
                _create_stage(cursor)
                cursor.execute(_stage_sql(""))
        else:
            _create_stage(cursor)
            villages = sorted(set(villages))
            for chunk, within in _chunks(villages):
                YearFact.objects.filter(village_id__in=chunk).delete()
                cursor.execute(_stage_sql(within), chunk)
        cursor.execute(_facts_from_stage_sql())
        if villages is None:
            cursor.execute(_empty_facts_sql(""))
        else:
            for chunk, within in _chunks(villages):
                cursor.execute(_empty_facts_sql(within), chunk)
    try:
        _staged = True
        for hook in _HOOKS:
            hook(villages)
    finally:
        _staged = False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {STAGE}")
