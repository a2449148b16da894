"""The migrations make the database the models declare, with the data they seed.

The suite's test databases are made from the models (``--no-migrations``, tests/conftest.py),
so this is the one test that runs every migration from an empty database, as ``make demo`` and
an upgrade do: in another process, into a SQLite file of its own. The schema it leaves must
equal the test database's, table by table, column by column, constraint by constraint, and the
migrations' data steps must have written what tests/conftest.py writes with the same functions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.migrations import migration_loader, own_labels

ROOT = Path(__file__).resolve().parents[2]
# Rows the migrations' data steps write, counted in both databases.
SEEDED = (
    "assessment_povertyline",
    "assessment_ruleset",
    "collective_collectivethreshold",
    "duties_subject",
    "party_meetingrequirement",
)


def own_tables() -> set[str]:
    """fupin's tables, many-to-many ones included: the libraries' migrations are theirs (on
    PostgreSQL Django's own auth migrations leave one id column narrower than its models)."""
    from django.apps import apps

    return {
        model._meta.db_table
        for label in own_labels()
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def schema(conn) -> dict:
    """Tables, columns and constraints as the database reports them (names included: an index
    or constraint a migration named differently from the model is a difference)."""
    out = {}
    introspection = conn.introspection
    with conn.cursor() as cursor:
        for table in sorted(set(introspection.table_names(cursor)) & own_tables()):
            columns = {
                column.name: [str(column.type_code), bool(column.null_ok)]
                for column in introspection.get_table_description(cursor, table)
            }
            constraints = sorted(
                [
                    list(spec["columns"] or []),
                    bool(spec["unique"]),
                    bool(spec["primary_key"]),
                    bool(spec["index"]),
                    list(spec["foreign_key"] or []),
                    bool(spec["check"]),
                ]
                for spec in introspection.get_constraints(cursor, table).values()
            )
            seeded = None
            if table in SEEDED:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a known name)
                seeded = cursor.fetchone()[0]
            out[table] = {"columns": columns, "constraints": constraints, "rows": seeded}
    return json.loads(json.dumps(out))


def _difference(migrated: dict, made: dict) -> dict:
    """What the migrations made (``+``) and what only the models made (``-``), per part."""
    columns = {
        name: [migrated["columns"].get(name), made["columns"].get(name)]
        for name in set(migrated["columns"]) | set(made["columns"])
        if migrated["columns"].get(name) != made["columns"].get(name)
    }
    as_keys = (
        {json.dumps(c) for c in migrated["constraints"]},
        {json.dumps(c) for c in made["constraints"]},
    )
    return {
        "columns": columns,
        "+constraints": sorted(as_keys[0] - as_keys[1]),
        "-constraints": sorted(as_keys[1] - as_keys[0]),
        "rows": [migrated["rows"], made["rows"]],
    }


def migrated_schema() -> None:
    """Run in the other process: print the schema of the database of DATABASE_URL (migrated by
    ``fupin migrate`` from nothing: tests/conftest.py ``migrated_file``)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    django.setup()
    from django.db import connection as migrated

    print(json.dumps(schema(migrated)))


def test_fupins_migrations_write_no_sql_of_their_own():
    """Why one database suffices for the test below: fupin's migrations are Django's schema
    operations, which Django writes for each database, and data steps in Python, which run the
    same on both; a RunSQL would be the one thing to check on PostgreSQL too."""
    from django.db.migrations.operations import RunSQL

    own = own_labels()
    loader = migration_loader()
    ours = [m for key, m in loader.disk_migrations.items() if key[0] in own]
    assert len(ours) > 40
    assert not [m for m in ours for op in m.operations if isinstance(op, RunSQL)]


# The slowest test of the suite (every migration replayed in another process): run on the
# embedded database only, which `make demo` migrates (see the test above for why that is enough).
@pytest.mark.skipif(connection.vendor != "sqlite", reason="run once, on SQLite (see above)")
@pytest.mark.django_db
def test_the_migrations_make_the_models_schema_and_seed_its_data(migrated_file, tmp_path):
    shutil.copy(migrated_file, tmp_path / "migrated.sqlite3")
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", "from tests.core.test_migrations import migrated_schema as m; m()"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    migrated = json.loads(done.stdout.strip().splitlines()[-1])
    made = schema(connection)
    assert sorted(migrated) == sorted(made) == sorted(own_tables())
    differences = {
        table: _difference(migrated[table], made[table])
        for table in made
        if migrated[table] != made[table]
    }
    assert not differences, json.dumps(differences, ensure_ascii=False, indent=1)[:4000]
    assert all(made[table]["rows"] for table in SEEDED)
