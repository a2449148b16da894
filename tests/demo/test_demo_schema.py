"""``fupin demo_schema`` builds the same database as ``fupin migrate``: every table's columns,
keys and indexes, and the rows the migrations seed. The models after the last migration and the
migrations themselves can drift apart (a hand-written index, a column the models no longer
declare); a demo built on such a schema would serve pages the real one does not."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

# Tables the migrations fill with their own rows (the rest start empty either way).
SEEDED = ("assessment_povertyline", "assessment_ruleset", "django_content_type")
# Keys and moments differ (the order and time rows were made in); the values may not.
VARIES = {"id"}


def _build(tmp_path: Path, command: str) -> Path:
    path = tmp_path / f"{command}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x"}
    env.pop("FUPIN_TEST_PG", None)
    subprocess.run(
        [sys.executable, "-m", "fupin.cli", command, "--noinput", "-v0"]
        if command == "migrate"
        else [sys.executable, "-m", "fupin.cli", command, "-v0"],
        env=env,
        check=True,
        timeout=600,
    )
    return path


def _shape(path: Path) -> dict:
    db = sqlite3.connect(path)
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


def test_demo_schema_builds_what_migrate_builds(tmp_path: Path):
    migrated = _shape(_build(tmp_path, "migrate"))
    fast = _shape(_build(tmp_path, "demo_schema"))
    assert len(migrated["tables"]) > 100 and sorted(fast["tables"]) == sorted(migrated["tables"])
    different = [t for t in migrated["tables"] if fast["tables"][t] != migrated["tables"][t]]
    assert different == [], {t: (fast["tables"][t], migrated["tables"][t]) for t in different}
    assert fast["seeded"] == migrated["seeded"]
