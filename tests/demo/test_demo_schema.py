"""``fupin demo_schema`` builds the same database as ``fupin migrate``: every table's columns,
keys and indexes, and the rows the migrations seed. The models after the last migration and the
migrations themselves can drift apart (a hand-written index, a column the models no longer
declare); a demo built on such a schema would serve pages the real one does not."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db import connection

# Tables the migrations fill with their own rows (the rest start empty either way).
SEEDED = ("assessment_povertyline", "assessment_ruleset", "django_content_type")
# Keys and moments differ (the order and time rows were made in); the values may not.
VARIES = {"id"}


def _shape(path: Path) -> dict:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        shape = {}
        for table in tables:
            # Columns as a set: a migration adds a column at the end, the models say where.
            columns = frozenset(
                (name, kind.lower(), notnull, default, pk)
                for _cid, name, kind, notnull, default, pk in db.execute(
                    f'PRAGMA table_info("{table}")'
                )
            )
            keys = frozenset(
                (src, ref, to)
                for _id, _seq, ref, src, to, *_ in db.execute(f'PRAGMA foreign_key_list("{table}")')
            )
            # Indexes by what they cover (their names are Django's either way).
            indexes = frozenset(
                (
                    unique,
                    tuple(c for *_, c in db.execute(f'PRAGMA index_info("{name}")')),
                    partial,
                )
                for _seq, name, unique, _origin, partial in db.execute(
                    f'PRAGMA index_list("{table}")'
                )
            )
            shape[table] = (columns, keys, indexes)
        seeded = {}
        for table in SEEDED:
            cursor = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            names = [d[0] for d in cursor.description]
            seeded[table] = sorted(
                tuple(
                    sorted(
                        (k, v)
                        for k, v in zip(names, row, strict=True)
                        if k not in VARIES and not k.endswith("_at")
                    )
                )
                for row in cursor
            )
        return {"tables": shape, "seeded": seeded}
    finally:
        db.close()


# Both files are built once per run and shared (tests/conftest.py); they are SQLite files
# whichever database the suite runs on, so the PostgreSQL pass does not build them again.
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite files, compared on the SQLite pass"
)
def test_demo_schema_builds_what_migrate_builds(migrated_file: Path, demo_schema_file: Path):
    migrated = _shape(migrated_file)
    fast = _shape(demo_schema_file)
    assert len(migrated["tables"]) > 100 and sorted(fast["tables"]) == sorted(migrated["tables"])
    different = [t for t in migrated["tables"] if fast["tables"][t] != migrated["tables"][t]]
    assert different == [], {t: (fast["tables"][t], migrated["tables"][t]) for t in different}
    assert fast["seeded"] == migrated["seeded"]
