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
demo) for the villages they touched. ``fupin rollup`` rebuilds everything.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.db.models import Max

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
# The GROUP BY of a full rebuild sorts every status row; SQLite can sort with helper threads.
REBUILD_SORT_THREADS = 2
# Other apps' rollups refreshed with these, in the same transaction (e.g. the war map's).
_HOOKS: list = []
# While the hooks run, this temporary table holds the refreshed villages' figures per village,
# year and household main cause (the one scan of the status rows serves both the registry's
# facts and a hook's, e.g. the war map's causes); see :func:`staged`.
STAGE = "rollup_stage_by_cause"
_staged = False
# SQLite runs a query on one core. A full rebuild outside any transaction reads the status
# rows on this many read-only connections at once, each a range of households, and sums
# their groups here: at 10,000,000 persons the scan went from 27 s to 11 s on two cores.
# (Inside a transaction other connections would not see its writes: then one scan.)
REBUILD_READERS = 2


def register_hook(function) -> None:
    """Have ``function(villages)`` called at the end of every :func:`refresh`."""
    if function not in _HOOKS:
        _HOOKS.append(function)


def staged() -> str | None:
    """The staging table of the refresh in progress (inside a hook), else ``None``.

    Columns: ``village_id, year, cause`` and :data:`FIGURES`, one row per village, year and
    main cause of the households' status rows of the villages being refreshed.
    """
    return STAGE if _staged else None


def _stage_sql(where: str) -> str:
    return f"INSERT INTO {STAGE} (village_id, year, cause, {', '.join(FIGURES)}) " + _stage_select(
        where
    )


def _stage_select(where: str) -> str:
    status = StatusRecord._meta.db_table
    household = Household._meta.db_table
    poor = "('" + "','".join(codes.POOR_STATUSES) + "')"
    exited = "('" + "','".join(codes.EXITED_STATUSES) + "')"
    identified = "h.identified_year = s.year"
    is_exit = f"s.status IN {exited} AND (p.status IN {poor} OR {identified})"
    is_relapse = f"s.status = '{codes.Status.RELAPSED}' AND p.status IN {exited}"
    return f"""
        SELECT s.village_id, s.year, h.main_cause,
            SUM(CASE WHEN {identified} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {identified} THEN s.members_count ELSE 0 END),
            SUM(CASE WHEN s.status IN {poor} THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.status IN {poor} THEN s.members_count ELSE 0 END),
            SUM(CASE WHEN {is_exit} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {is_exit} THEN s.members_count ELSE 0 END),
            SUM(CASE WHEN {is_relapse} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {is_relapse} THEN s.members_count ELSE 0 END)
        FROM {status} s
        JOIN {household} h ON h.id = s.household_id
        LEFT JOIN {status} p ON p.household_id = s.household_id AND p.year = s.year - 1
        {where}
        GROUP BY s.village_id, s.year, h.main_cause
    """


def _create_stage(cursor) -> None:
    figures = ", ".join(f"{name} BIGINT NOT NULL" for name in FIGURES)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    # Keyed like the GROUP BY that fills it, so the facts' GROUP BY reads it in order.
    rowid = " WITHOUT ROWID" if connection.vendor == "sqlite" else ""
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (village_id VARCHAR(12) NOT NULL, "
        f"year SMALLINT NOT NULL, cause VARCHAR(12) NOT NULL, {figures}, "
        f"PRIMARY KEY (village_id, year, cause)){rowid}"
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
    if villages is None:
        with _rebuild_cache():
            _refresh(None, staged_rows=_read_in_parallel() if _parallel_possible() else None)
    else:
        _refresh(villages)


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


def _read_in_parallel() -> list[tuple]:
    """The staging rows of every village, read on :data:`REBUILD_READERS` connections, each
    a range of household ids, and summed per village, year and cause."""
    top = Household.objects.aggregate(top=Max("id"))["top"] or 0
    step = top // REBUILD_READERS + 1
    sql = _stage_select("WHERE s.household_id >= ? AND s.household_id < ?")
    uri = _database_uri()

    def read(start: int) -> list[tuple]:
        reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            reader.execute(f"PRAGMA mmap_size={REBUILD_MMAP_BYTES}")
            reader.execute(f"PRAGMA cache_size=-{REBUILD_CACHE_KIB // REBUILD_READERS}")
            return reader.execute(sql, (start, start + step)).fetchall()
        finally:
            reader.close()

    with ThreadPoolExecutor(REBUILD_READERS) as pool:
        parts = list(pool.map(read, range(0, top + 1, step)))
    totals: dict[tuple, list[int]] = {}
    for rows in parts:
        for village, year, cause, *figures in rows:
            found = totals.get((village, year, cause))
            if found is None:
                totals[(village, year, cause)] = figures
            else:
                totals[(village, year, cause)] = [
                    a + b for a, b in zip(found, figures, strict=True)
                ]
    return [(*key, *figures) for key, figures in totals.items()]


@transaction.atomic
def _refresh(villages: Iterable[str] | None, staged_rows: list[tuple] | None = None) -> None:
    global _staged
    with connection.cursor() as cursor:
        _create_stage(cursor)
        if villages is None:
            YearFact.objects.all().delete()
            if staged_rows is None:
                cursor.execute(_stage_sql(""))
            else:
                columns = ", ".join(("village_id", "year", "cause", *FIGURES))
                marks = ", ".join(["%s"] * (3 + len(FIGURES)))
                cursor.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES ({marks})", staged_rows)
        else:
            villages = sorted(set(villages))
            for start in range(0, len(villages), CHUNK):
                chunk = villages[start : start + CHUNK]
                YearFact.objects.filter(village_id__in=chunk).delete()
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(_stage_sql(f"WHERE s.village_id IN ({marks})"), chunk)
        cursor.execute(_facts_from_stage_sql())
    try:
        _staged = True
        for hook in _HOOKS:
            hook(villages)
    finally:
        _staged = False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {STAGE}")
