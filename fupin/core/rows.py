"""Rows inserted in bulk, the fastest correct way for each database.

``COPY`` on PostgreSQL, where ``executemany`` is several times slower, one prepared
``executemany`` elsewhere. The registry import, the assessment's results, the demo's builder
(fupin.demo.rows) and bench/scale.py write their rows with it.
"""

from __future__ import annotations


def write_tuples(cursor, table: str, columns: list[str], rows: list) -> None:
    """Insert ``rows`` (values in ``columns``' order, adapted) into ``table`` through a Django
    cursor."""
    if not rows:
        return
    quote = cursor.db.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608
