"""Set-based reads and writes of registry rows: the machinery under the import's service.

Reads go one ``IN`` query per chunk of keys (never a query per row). Writes insert new rows
with one prepared ``INSERT`` run over batches (``executemany``), their primary keys allocated
up front (a PostgreSQL sequence, or SQLite's max id under the write lock that ``BEGIN
IMMEDIATE`` takes), and update changed rows the same way; the history rows
(django-simple-history's tables) are written in bulk beside them. Rows are dicts of attnames.
A row that references a household created by the same write holds a :class:`Pending` in its
``household_id`` until :func:`resolve` puts the allocated key in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, models

from fupin.core.rows import write_tuples

WRITE_BATCH = 5000

Row = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Pending:
    """The key of the ``index``-th row created by the same write (allocated when written)."""

    index: int


@dataclasses.dataclass
class TableWrite:
    """What one write does to a table: rows to create (without ``id``), rows to update (full,
    with ``id``) and the fields an update writes."""

    created: list[Row] = dataclasses.field(default_factory=list)
    updated: list[Row] = dataclasses.field(default_factory=list)
    fields: tuple[str, ...] = ()

    def rows(self) -> Iterator[Row]:
        yield from self.created
        yield from self.updated


@dataclasses.dataclass
class History:
    """Who writes, when and why: what each history row records."""

    user_id: int | None
    reason: str
    now: datetime.datetime


# -- Reads ----------------------------------------------------------------------------------


def in_chunk() -> int:
    """How many keys go in one ``IN (...)`` (SQLite limits the parameters of a statement)."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        try:
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python < 3.11
            limit = 999
        return max(100, min(limit - 10, 10000))
    return 10000


def _in(queryset: models.QuerySet[Any], field: str, keys: list) -> models.QuerySet[Any]:
    """``queryset`` restricted to the rows whose ``field`` is among ``keys``, the keys passed
    to the driver as they are: a ``__in`` lookup prepares every key through the field, which
    cost more than the query itself for the tens of thousands of keys of an import's chunk."""
    model = queryset.model
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(_column(model, field))}"
    marks = ", ".join(["%s"] * len(keys))
    return queryset.extra(where=[f"{column} IN ({marks})"], params=keys)  # noqa: S610


def fetch(
    queryset: models.QuerySet[Any] | models.Manager[Any], field: str, keys: Iterable, *values: str
) -> Iterator[Row]:
    """Yield ``values`` of the rows whose ``field`` is among ``keys``, one query per chunk
    (``keys`` of the field's own type: strings for a text field, ints for a key)."""
    keys = list(keys)
    size = in_chunk()
    queryset = queryset.all()
    for start in range(0, len(keys), size):
        yield from _in(queryset, field, keys[start : start + size]).values(*values)


def fetch_flat(
    queryset: models.QuerySet[Any] | models.Manager[Any], field: str, keys: list
) -> Iterator[Any]:
    size = in_chunk()
    queryset = queryset.all()
    for start in range(0, len(keys), size):
        yield from _in(queryset, field, keys[start : start + size]).values_list(field, flat=True)


def distinct_values(model: type[models.Model], ids: list[int], field: str) -> set[Any]:
    """The distinct values of ``field`` among the rows ``ids`` (one query per chunk)."""
    out: set[Any] = set()
    size = in_chunk()
    for start in range(0, len(ids), size):
        out.update(
            model._default_manager.filter(pk__in=ids[start : start + size])
            .values_list(field, flat=True)
            .distinct()
        )
    return out


def attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def defaults(model: type[models.Model], now: datetime.datetime) -> Row:
    """A new row's values for the fields an import does not write."""
    out: Row = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            out[field.attname] = now
        elif not field.primary_key:
            out[field.attname] = field.get_default()
    return out


def differs(existing: Row, target: Row) -> bool:
    return any(existing[k] != v for k, v in target.items())


# -- Writes ---------------------------------------------------------------------------------


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys for rows about to be inserted (inside the transaction)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (BEGIN IMMEDIATE), so max + 1 … is ours.
        # sqlite_sequence remembers ids of deleted rows, which history rows still name.
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def assign_ids(model: type[models.Model], rows: list[Row]) -> list[int]:
    """Allocate and set the ``id`` of each new row; return the ids in order."""
    ids = allocate_ids(model, len(rows))
    for row, pk in zip(rows, ids, strict=True):
        row["id"] = pk
    return ids


def resolve(rows: Iterable[Row], field: str, ids: list[int]) -> None:
    """Replace each :class:`Pending` in ``field`` by the id allocated to it."""
    for row in rows:
        value = row[field]
        if type(value) is Pending:
            row[field] = ids[value.index]


def _converter(field: models.Field) -> Callable[[Any], Any]:
    """Return a function turning a Python value into a parameter for ``field``, memoised:
    an import repeats the same dates, timestamps and cause lists thousands of times. A JSON
    value is its text, which both SQLite and PostgreSQL's ``COPY`` take."""
    cache: dict = {}
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def prepare(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder)

    else:

        def prepare(value: Any) -> Any:
            return field.get_db_prep_save(value, connection)

    def convert(value: Any) -> Any:
        key = tuple(value) if isinstance(value, list) else value
        try:
            return cache[key]
        except KeyError:
            out = cache[key] = prepare(value)
            return out

    return convert


def _converters(model: type[models.Model], columns: list[str]) -> list[Callable | None]:
    """Return per-column converters (None where the driver takes the Python value as is)."""
    out: list[Callable | None] = []
    for column in columns:
        field = model._meta.get_field(column)
        if isinstance(
            field, models.JSONField | models.DateField | models.DecimalField | models.DateTimeField
        ):
            out.append(_converter(field))
        else:
            out.append(None)
    return out


def _params(rows: list[Row], columns: list[str], converters: list[Callable | None]) -> list:
    getter = operator.itemgetter(*columns)
    convert = [(i, f) for i, f in enumerate(converters) if f is not None]
    if len(columns) == 1:
        return [(getter(row),) for row in rows]
    if not convert:
        return [getter(row) for row in rows]
    out = []
    for row in rows:
        values = list(getter(row))
        for i, function in convert:
            values[i] = function(values[i])
        out.append(values)
    return out


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None
    return field.column


def _insert(model: type[models.Model], columns: list[str], params: list) -> None:
    """Insert ``params`` (values in ``columns``' order, converted) into ``model``'s table."""
    names = [_column(model, c) for c in columns]
    with connection.cursor() as cursor:
        for start in range(0, len(params), WRITE_BATCH):
            write_tuples(cursor, model._meta.db_table, names, params[start : start + WRITE_BATCH])


def insert_rows(model: type[models.Model], rows: list[Row]) -> None:
    """Insert ``rows`` (dicts with the same keys: attnames) with one prepared statement."""
    if not rows:
        return
    columns = list(rows[0])
    _insert(model, columns, _params(rows, columns, _converters(model, columns)))


def update_rows(model: type[models.Model], rows: list[Row], fields: Iterable[str]) -> None:
    """Update ``fields`` of ``rows`` (dicts holding ``id`` and the fields) by primary key."""
    if not rows:
        return
    fields = list(fields)
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE id = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(_column(model, f))} = %s" for f in fields),
    )
    columns = [*fields, "id"]
    converters = _converters(model, columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.executemany(sql, _params(rows[start : start + WRITE_BATCH], columns, converters))


def _tracked(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model.history.model.tracked_fields]  # type: ignore[attr-defined]


def _history_extra(model: type[models.Model], history_type: str, history: History) -> tuple:
    """What a history row adds to the tracked fields, converted once for all the rows."""
    date = _converter(model.history.model._meta.get_field("history_date"))  # type: ignore[attr-defined]
    return (date(history.now), history_type, history.user_id, history.reason)


HISTORY_COLUMNS = ["history_date", "history_type", "history_user_id", "history_change_reason"]


def write(model: type[models.Model], table: TableWrite, history: History) -> None:
    """Insert the created rows (ids set) and update the updated ones, with their history rows.

    A created row's values are converted once for its table and its history row alike (the
    tracked fields first, so that the history row is a prefix of the row's parameters)."""
    history_model = model.history.model  # type: ignore[attr-defined]
    tracked = _tracked(model)
    width = len(tracked)
    if table.created:
        rest = [c for c in table.created[0] if c not in set(tracked)]
        columns = [*tracked, *rest]
        params = _params(table.created, columns, _converters(model, columns))
        _insert(model, columns, params)
        extra = _history_extra(model, "+", history)
        _insert(history_model, [*tracked, *HISTORY_COLUMNS], [(*p[:width], *extra) for p in params])
    if table.updated:
        update_rows(model, table.updated, table.fields)
        params = _params(table.updated, tracked, _converters(model, tracked))
        extra = _history_extra(model, "~", history)
        _insert(history_model, [*tracked, *HISTORY_COLUMNS], [(*p, *extra) for p in params])


@contextlib.contextmanager
def page_cache(megabytes: int) -> Iterator[None]:
    """On SQLite, give the connection a page cache of at least ``megabytes`` while the block
    runs (outside any transaction: the setting is the connection's), then its own again.

    A streamed write inserts into six tables a chunk at a time; their indexes keyed by village
    (or name within a village) take rows all over at every chunk, so that with the connection's
    usual cache each chunk evicted the pages the next one needed and read them back from the
    write-ahead log, a cost that grew with the tables (bench/README.md, import)."""
    if connection.vendor != "sqlite":
        yield
        return
    # On the driver's connection: a setting, not one of the import's queries.
    connection.ensure_connection()
    database = connection.connection
    before = int(database.execute("PRAGMA cache_size").fetchone()[0])
    # A negative size is in KiB, a positive one in pages.
    current = -before * 1024 if before < 0 else before * 4096
    if current >= megabytes * 1024 * 1024:
        yield
        return
    database.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        database.execute(f"PRAGMA cache_size = {before}")


# -- The stage: an import's whole-file checks on disk ---------------------------------------


class Stage:
    """A scratch SQLite file (in a temporary folder, deleted on :meth:`close`) where a
    streamed import keeps what its checks across the whole file need — the rows' keys and
    parsed values — so that memory holds one chunk at a time, whatever the file's length.

    It is a separate file on purpose: it never joins the registry's transaction, works the
    same beside SQLite or PostgreSQL, and its indexes answer the set-based checks (a
    duplicate ID number, one head per household, a household's rows wherever they are)."""

    # Keys per ``IN (...)`` on the stage (below every SQLite's parameter limit).
    KEYS = 900

    def __init__(self) -> None:
        import sqlite3
        import tempfile
        from pathlib import Path

        self._folder = tempfile.TemporaryDirectory(prefix="fupin-import-")
        self.db = sqlite3.connect(Path(self._folder.name) / "stage.sqlite3", isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "temp_store=FILE",
            "cache_size=-32000",  # 32 MB of page cache, whatever the file's size
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        self._folder.cleanup()

    def execute(self, sql: str, params: Iterable = ()) -> Any:
        return self.db.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable) -> None:
        self.db.executemany(sql, rows)

    def select_in(self, sql: str, keys: Iterable, params: Iterable = ()) -> Iterator[tuple]:
        """Run ``sql`` (holding one ``IN ({})``) over ``keys`` a chunk at a time."""
        keys = list(keys)
        for start in range(0, len(keys), self.KEYS):
            part = keys[start : start + self.KEYS]
            query = sql.format(", ".join("?" * len(part)))
            yield from self.db.execute(query, (*part, *params))
