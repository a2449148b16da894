"""Rows of one table, inserted in bulk: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

The demo writes a few million rows; building model instances for ``bulk_create`` and having
it take them apart again field by field costs several times the insert itself. Here a row
is a dict of the values it sets (the rest take the field's default, ``auto_now`` fields the
build's moment) or a tuple in :attr:`Rows.names` order, adapted once per column with the
connection's own operations. COPY is the way bench/scale.py writes its tables too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

BATCH = 10000


def adapter(field) -> Callable[[Any], Any] | None:
    """How a value of ``field`` goes to the database driver (None: as it is)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value if connection.vendor != "sqlite" else str
    if kind == "DecimalField":
        return ops.adapt_decimalfield_value
    if kind == "JSONField":
        if connection.vendor == "sqlite":
            encoder = field.encoder
            return lambda value: json.dumps(value, cls=encoder)
        return lambda value: field.get_db_prep_save(value, connection)
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
            # Each field's default once per write; a callable default (list, dict) is
            # called per row only where the row does not set the field.
            specs = []
            for field, name, now in zip(fields, names, auto, strict=True):
                if now is not None:
                    specs.append((name, False, now))
                elif field.has_default() and callable(field.default):
                    specs.append((name, True, field.get_default))
                else:
                    specs.append((name, False, field.get_default()))
            rows = [
                tuple(
                    row[name] if name in row else (default() if call else default)
                    for name, call, default in specs
                )
                for row in rows
            ]
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
        ops = connection.ops
        table = ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), BATCH):
                batch = self.tuples(self.rows[start : start + BATCH])
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(self.fields))
                    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(sql, batch)
        return len(self.rows)
