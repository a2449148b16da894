"""Rows of one table, inserted in bulk: multi-row ``INSERT`` statements on SQLite (run on the
build's second core, :func:`insert_later`), ``COPY`` on PostgreSQL.

The demo writes a few million rows; building model instances for ``bulk_create`` and having
it take them apart again field by field costs several times the insert itself. Here a row
is a dict of the values it sets (the rest take the field's default, ``auto_now`` fields the
build's moment) or a tuple in :attr:`Rows.names` order, adapted once per column with the
connection's own operations. bench/scale.py writes its tables with the same :func:`fupin.core.rows.write_tuples`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import operator
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.utils import timezone

from fupin.core.rows import write_tuples

BATCH = 10000


def _by_value(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # Dates and moments repeat a lot (a village's meeting day on every case step of it).
    cache: dict = {}

    def adapted(value):
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = adapt(value)
            return result

    return adapted


def _by_identity(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # A record shared by many rows (a county's opinion on each of its cases) is encoded
    # once; the rows keep their objects alive while the batch is adapted, so ids are stable.
    cache: dict[int, Any] = {}

    def adapted(value):
        key = id(value)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = adapt(value)
            return result

    return adapted


def adapter(field) -> Callable[[Any], Any] | None:
    """How a value of ``field`` goes to the database driver (None: as it is), for one batch."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _by_value(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return _by_value(ops.adapt_datefield_value)
    if kind == "DecimalField":
        return ops.adapt_decimalfield_value
    if kind == "JSONField":
        if connection.vendor == "sqlite":
            encoder = field.encoder
            return _by_identity(lambda value: json.dumps(value, cls=encoder))
        return _by_identity(lambda value: field.get_db_prep_save(value, connection))
    return None


class Rows:
    """Rows of ``model`` with explicit keys (``first_pk``) or database-given ones."""

    def __init__(self, model, first_pk: int | None = None):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        if first_pk is None:
            self.fields = [f for f in self.fields if not f.primary_key]
        self.names = [f.attname for f in self.fields]
        self.next_pk = first_pk
        self.rows: list = []

    def add(self, **values) -> int | None:
        pk = None
        if self.next_pk is not None:
            pk = values["id"] = self.next_pk
            self.next_pk += 1
        self.rows.append(values)
        return pk

    def add_row(self, row: tuple) -> None:
        """A whole row, in :attr:`names` order, keys included when given."""
        self.rows.append(row)

    def _defaults(self) -> list:
        now = timezone.now()
        return [
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else None
            for f in self.fields
        ]

    def tuples(self, rows: list) -> list[tuple]:
        """``rows`` as adapted tuples, ready for the driver."""
        fields, names = self.fields, self.names
        auto = self._defaults()
        adapters = [adapter(f) for f in fields]
        if rows and isinstance(rows[0], dict):
            # The defaults once per batch, then each row laid over them and read out in
            # column order in C (a callable default, like a JSON list, is shared: it is
            # encoded per row below, never mutated).
            base = {
                name: now if now is not None else field.get_default()
                for field, name, now in zip(fields, names, auto, strict=True)
            }
            getter = operator.itemgetter(*names)
            if len(names) == 1:
                rows = [(getter({**base, **row}),) for row in rows]
            else:
                rows = [getter({**base, **row}) for row in rows]
        live = [(i, a) for i, a in enumerate(adapters) if a is not None]
        if not live:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for i, adapt in live:
                value = values[i]
                if value is not None:
                    values[i] = adapt(value)
            out.append(values)
        return out

    def write(self) -> int:
        table = self.model._meta.db_table
        columns = [f.column for f in self.fields]
        for start in range(0, len(self.rows), BATCH):
            batch = self.tuples(self.rows[start : start + BATCH])
            insert_later(table, columns, list(itertools.chain.from_iterable(batch)))
        return len(self.rows)


@contextlib.contextmanager
def indexes_after(*models) -> Iterator[None]:
    """On SQLite, load ``models``' tables without their indexes and build these after.

    Sorting a whole column once costs less than keeping six indexes in order row by row
    (about a fifth less for the case steps, measured; the visits, written in the order of
    their pairing index, go in faster with theirs in place). The unique constraints'
    own indexes stay. Use it only around the writes themselves: a query in between would
    scan the table. On failure nothing is rebuilt: the transaction's rollback brings the
    dropped indexes back.
    """
    if connection.vendor != "sqlite":
        yield
        return
    tables = [model._meta.db_table for model in models]
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks})",  # noqa: S608
            tables,
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _name, sql in saved:
        later(sql)


class _Behind:
    """A thread that runs whole statements (an index build, an ``INSERT … SELECT``) on the
    build's own SQLite connection while the build goes on in Python.

    SQLite runs one statement as one step, without Python's lock: the thread's statement and
    the build's next rows are drawn on the two cores at once. The build's next statement
    waits for the queue first (:meth:`drain`, through an execute wrapper), so the statements
    still run in their order and see everything written before them. Row by row inserts
    (``executemany``) would need Python's lock for every row: the bulk inserts go as
    multi-row statements (:func:`insert_later`).
    """

    def __init__(self, raw):
        self.raw = raw
        self.jobs: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-sql", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        cursor = self.raw.cursor(factory=SQLiteCursorWrapper)
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None:
                    cursor.execute(*job)
            except BaseException as exc:  # handed to the build at its next statement
                self.error = exc
            finally:
                self.jobs.task_done()

    def drain(self) -> None:
        self.jobs.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def wrapper(self, execute, sql, params, many, context):
        self.drain()
        return execute(sql, params, many, context)

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()


_behind: _Behind | None = None


def later(sql: str, params: tuple | list = ()) -> None:
    """Run ``sql`` (``%s`` placeholders) after the statements before it: in the background
    inside :func:`write_behind`, at once elsewhere. Use it for statements whose result the
    build does not read, only the rows or indexes they leave."""
    if _behind is not None:
        _behind.jobs.put((sql, params))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextlib.contextmanager
def write_behind() -> Iterator[None]:
    """Inside a transaction on SQLite: :func:`later` statements run on the other core; every
    other statement, and the end of the block, waits for them. Elsewhere nothing changes."""
    global _behind
    if connection.vendor != "sqlite" or _behind is not None or not connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    behind = _behind = _Behind(connection.connection)
    try:
        with connection.execute_wrapper(behind.wrapper):
            yield
    except BaseException:
        with contextlib.suppress(BaseException):
            behind.drain()
        raise
    else:
        behind.drain()
    finally:
        _behind = None
        behind.close()


def _sqlite_variables() -> int:
    # The library's own limit (Django's feature flag says 999, the old default): 32,766 since
    # SQLite 3.32, 250,000 as Debian builds it.
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def insert_later(
    table: str,
    columns: Sequence[str],
    values: list,
    constants: Sequence[tuple[str, Any]] = (),
) -> None:
    """Insert rows given as one flat list of adapted values, ``len(columns)`` per row, each
    followed by the ``constants`` (column, adapted value) every row shares: the one bulk
    insert of the demo (:class:`Rows` and :class:`Tuples` write through it).

    On SQLite as multi-row ``INSERT … VALUES`` statements as large as the variable limit
    allows, through :func:`later`: the driver binds a whole statement in one call, about half
    the time ``executemany`` takes row by row (the case steps, measured), and inside
    :func:`write_behind` SQLite stores them on the other core while the build draws its next
    rows. Few large statements matter there: the thread waits for Python's lock before and
    after each one. The constants are written into the statement as literals: sqlite3 binds a
    None, a bool or a str subclass (a choice) through its adapter lookup, one to two
    microseconds each, several times an int or a str. Elsewhere the rows go at once through
    :func:`write_tuples` (``COPY``). The rows go in their order, so keys the database gives
    follow it.
    """
    width = len(columns)
    if not values:
        return
    if len(values) % width:
        raise ValueError(f"{len(values)} values are not rows of {width} columns")
    literals = [_sqlite_literal(v) for _c, v in constants]
    if connection.vendor != "sqlite" or None in literals:
        extra = tuple(v for _c, v in constants)
        rows = [row + extra for row in zip(*[iter(values)] * width, strict=True)]
        names = [*columns, *(c for c, _v in constants)]
        if connection.vendor != "sqlite":
            with connection.cursor() as cursor:
                write_tuples(cursor, table, names, rows)
            return
        # A constant SQLite cannot take as a literal is bound with every row instead.
        columns, width, values, literals = names, len(names), list(itertools.chain(*rows)), []
    quote = connection.ops.quote_name
    names = [*columns, *(c for c, _v in constants)] if literals else list(columns)
    per = max(1, min(_sqlite_variables() // width, 50000))
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in names)}) VALUES "  # noqa: S608
    # Question marks, not Django's %s: the cursor's %s-to-? rewrite of a statement of a
    # quarter of a million placeholders would cost more than binding them.
    row = "(" + ", ".join(["?"] * width + [str(x) for x in literals]) + ")"
    full = head + ", ".join([row] * per)
    step = per * width
    for start in range(0, len(values), step):
        chunk = values[start : start + step]
        sql = full if len(chunk) == step else head + ", ".join([row] * (len(chunk) // width))
        later(sql, chunk)


class Tuples:
    """Rows of ``model`` as plain tuples of ``names`` (field attnames), values already adapted.

    For the largest generated tables, where even :class:`Rows`' per-row dict and adaptation
    cost more than drawing the row: the builder adapts each distinct value once
    (:func:`column_adapter`) and appends tuples; every column not named takes its field's
    default (``auto_now`` fields the build's moment), adapted once for the whole table.
    """

    def __init__(self, model, names: list[str] | tuple[str, ...]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(names) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        now = timezone.now()
        rest = [f for f in fields.values() if f.attname not in names and not f.primary_key]
        tail = []
        for field in rest:
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            value = now if auto else field.get_default()
            adapt = adapter(field)
            tail.append(adapt(value) if adapt is not None and value is not None else value)
        self.model = model
        self.columns = [fields[name].column for name in names] + [f.column for f in rest]
        self.tail = tuple(tail)
        self.rows: list[tuple] = []

    def write(self) -> int:
        head = len(self.columns) - len(self.tail)
        insert_later(
            self.model._meta.db_table,
            self.columns[:head],
            list(itertools.chain.from_iterable(self.rows)),
            list(zip(self.columns[head:], self.tail, strict=True)),
        )
        return len(self.rows)


def _sqlite_literal(value) -> str | None:
    """``value`` as an SQLite literal in a statement the cursor rewrites (``%`` doubled), or
    None if it must be bound."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None


def column_adapter(model, name: str) -> Callable[[Any], Any]:
    """How a value of ``model``'s field ``name`` goes to the driver, each distinct value once
    (dates, moments); other values go as they are."""
    adapt = adapter(model._meta.get_field(name))
    return adapt if adapt is not None else (lambda value: value)
