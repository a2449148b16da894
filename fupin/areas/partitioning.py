"""The national layout on PostgreSQL: the large household-keyed tables partitioned by county.

Every large table carries its village's 12-digit code (``village_id``, docs/architecture.md
rule 1), and a county's villages are exactly the codes in the range [county, upper bound of
the county prefix) — the same range the scope filter writes (:func:`fupin.areas.scope.
prefix_upper_bound`). So the partition key is that column, ``PARTITION BY RANGE
(village_id)``, with one partition per county whose bounds are the county's scope range: a
query limited to a user's scope names its partition by construction, and no new column is
needed. docs/scale.md describes the layout and the Citus plan built on the same key.

This module lives with the scope because its bounds are the scope's ranges; it knows the
tables only by name (no model imports), so the benchmarks' scale database and the tests
(tests/scale/) can lay out any database with it. It is not run by ``migrate``: the
single-database deployments (SQLite, one PostgreSQL) keep plain tables.
"""

from __future__ import annotations

import re

from .scope import prefix_upper_bound

# The partition key: the village code every large table carries.
KEY = "village_id"

# The large tables (tens of millions of rows nationally), in the order they are converted.
PARTITIONED_TABLES: tuple[str, ...] = (
    "registry_household",
    "registry_member",
    "registry_statusrecord",
    "registry_incomerecord",
    "fieldwork_visit",
    "identification_casestep",
)

COUNTY_CODE = re.compile(r"^\d{6}$")
DEFAULT = "default"


def county_bounds(county: str) -> tuple[str, str]:
    """Return the partition bounds of ``county`` (a 6-digit code): FROM the county prefix TO
    its upper bound, the scope's range, so that every village code of the county and only
    those fall inside (``'152223' <= '152223100234' < '152224'``)."""
    if not isinstance(county, str) or not COUNTY_CODE.match(county):
        raise ValueError(f"county code must be 6 digits, got {county!r}")
    return county, prefix_upper_bound(county)


def partition_name(table: str, county: str) -> str:
    """The partition of ``table`` holding ``county`` (``DEFAULT`` for the default partition)."""
    if county == DEFAULT:
        return f"{table}_p{DEFAULT}"
    county_bounds(county)
    return f"{table}_p{county}"


def partition_county(relation: str) -> str | None:
    """The county of a partition's relation name (``DEFAULT`` for a default partition), or
    None when ``relation`` is not a partition of one of :data:`PARTITIONED_TABLES`."""
    for table in PARTITIONED_TABLES:
        prefix = f"{table}_p"
        if relation.startswith(prefix):
            county = relation[len(prefix) :]
            if county == DEFAULT or COUNTY_CODE.match(county):
                return county
    return None


def partitions_ddl(table: str, counties) -> list[str]:
    """The statements creating ``table``'s partitions: one per county and a DEFAULT one (for
    rows of a county added to the divisions after the layout was made, until its partition is
    split out)."""
    statements = []
    for county in sorted(set(counties)):
        low, high = county_bounds(county)
        statements.append(
            f'CREATE TABLE "{partition_name(table, county)}" PARTITION OF "{table}" '
            f"FOR VALUES FROM ('{low}') TO ('{high}')"
        )
    statements.append(
        f'CREATE TABLE "{partition_name(table, DEFAULT)}" PARTITION OF "{table}" DEFAULT'
    )
    return statements


def _rows(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _index_columns(cursor, index_oid) -> list[str] | None:
    """The plain columns of an index in order, or None for an expression index."""
    rows = _rows(
        cursor,
        """SELECT a.attname FROM pg_index i
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
           LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
           WHERE i.indexrelid = %s ORDER BY k.n""",
        [index_oid],
    )
    names = [r[0] for r in rows]
    return None if any(n is None for n in names) else names


def partition_tables(connection, counties, tables=PARTITIONED_TABLES) -> dict[str, int]:
    """Recreate ``tables`` as ``PARTITION BY RANGE (village_id)`` with one partition per county
    of ``counties`` and a DEFAULT one, keeping their rows; return the rows copied per table.

    What changes, as on Citus (docs/scale.md): the primary key becomes (id, village_id), as a
    partitioned table's unique keys must hold its partition key; every other unique index gets
    ``village_id`` added (the global uniqueness of ID and household numbers moves to the lookup
    table); the foreign keys that point at these tables are dropped (a reference to a
    partitioned table needs the whole key), those from them to plain tables are kept. PostgreSQL
    only; DDL is transactional there, so a caller inside a transaction can roll it all back.
    """
    if connection.vendor != "postgresql":
        raise NotImplementedError("the partitioned layout is PostgreSQL's")
    copied: dict[str, int] = {}
    with connection.cursor() as cursor:
        # Deferred foreign-key checks pending in this transaction would refuse the ALTERs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        oids = [f'"{t}"' for t in tables]
        for table, name in _rows(
            cursor,
            """SELECT conrelid::regclass::text, conname FROM pg_constraint
               WHERE contype = 'f' AND confrelid = ANY(%s::regclass[])""",
            [oids],
        ):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table in tables:
            flat = f"{table}__flat"
            cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{flat}"')
            indexes = _rows(
                cursor,
                """SELECT i.indexrelid, i.indisunique, i.indisprimary,
                          pg_get_expr(i.indpred, i.indrelid)
                   FROM pg_index i WHERE i.indrelid = %s::regclass ORDER BY i.indexrelid""",
                [f'"{flat}"'],
            )
            foreign = _rows(
                cursor,
                """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE contype = 'f' AND conrelid = %s::regclass""",
                [f'"{flat}"'],
            )
            cursor.execute(
                f'CREATE TABLE "{table}" (LIKE "{flat}" INCLUDING DEFAULTS INCLUDING IDENTITY '
                f'INCLUDING GENERATED INCLUDING CONSTRAINTS) PARTITION BY RANGE ("{KEY}")'
            )
            for statement in partitions_ddl(table, counties):
                cursor.execute(statement)
            for n, (oid, unique, primary, predicate) in enumerate(indexes):
                columns = _index_columns(cursor, oid)
                if columns is None:
                    continue
                if primary:
                    cols = ", ".join(f'"{c}"' for c in [*columns, KEY])
                    cursor.execute(f'ALTER TABLE "{table}" ADD PRIMARY KEY ({cols})')
                    continue
                if unique and KEY not in columns:
                    columns = [*columns, KEY]
                cols = ", ".join(f'"{c}"' for c in columns)
                where = f" WHERE {predicate}" if predicate else ""
                kind = "UNIQUE INDEX" if unique else "INDEX"
                cursor.execute(f'CREATE {kind} "{table}_part_{n}" ON "{table}" ({cols}){where}')
            cursor.execute(f'INSERT INTO "{table}" OVERRIDING SYSTEM VALUE SELECT * FROM "{flat}"')
            copied[table] = cursor.rowcount
            cursor.execute(f'DROP TABLE "{flat}"')
            for name, definition in foreign:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)',
                [table],
            )
            cursor.execute(f'ANALYZE "{table}"')
    return copied
