"""The demo's fast start: statements run behind the build in order, and a fresh database's
schema straight from the models is the migrated one."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from fupin.demo import rows


def _run(*sql):
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's second thread")
def test_statements_behind_the_build_run_in_order_before_the_next_statement(db):
    _run("CREATE TABLE demo_behind (n integer)")
    try:
        with transaction.atomic(), rows.write_behind():
            assert rows._behind is not None
            rows.later("INSERT INTO demo_behind (n) VALUES (%s)", [1])
            rows.later("INSERT INTO demo_behind (n) SELECT n + 1 FROM demo_behind")
            with connection.cursor() as cursor:  # waits for both
                cursor.execute("SELECT n FROM demo_behind ORDER BY n")
                assert [n for (n,) in cursor.fetchall()] == [1, 2]
            rows.later("CREATE INDEX demo_behind_n ON demo_behind (n)")
        assert rows._behind is None
        with connection.cursor() as cursor:  # the block waited for the last one too
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'demo_behind_n'")
            assert cursor.fetchone() == (1,)
    finally:
        _run("DROP TABLE demo_behind")


def test_the_bulk_insert_writes_each_row_with_the_shared_values(db, monkeypatch):
    """``insert_later`` splits the rows into statements by the variable limit, writes the
    values every row shares as literals (quotes and ``%`` kept) or, when a value cannot be a
    literal, binds it with each row; on PostgreSQL through ``COPY``."""
    _run("CREATE TABLE demo_bulk (n integer, a text, b integer, c text, d real)")
    try:
        monkeypatch.setattr(rows, "_sqlite_variables", lambda: 4)  # two rows per statement
        flat = [v for n in range(5) for v in (n, f"r{n}")]
        with transaction.atomic(), rows.write_behind():
            rows.insert_later("demo_bulk", ["n", "a"], flat, [("b", None), ("c", "it's 5%")])
            rows.insert_later("demo_bulk", ["n", "a"], [9, "x"], [("b", 7), ("d", 1.5)])
        with connection.cursor() as cursor:
            cursor.execute("SELECT n, a, b, c, d FROM demo_bulk ORDER BY n")
            got = [tuple(row) for row in cursor.fetchall()]
        assert got == [(n, f"r{n}", None, "it's 5%", None) for n in range(5)] + [
            (9, "x", 7, None, 1.5)
        ]
    finally:
        _run("DROP TABLE demo_bulk")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's second thread")
def test_a_failing_statement_behind_fails_the_build_and_rolls_it_back(db):
    _run("CREATE TABLE demo_behind (n integer)")
    try:
        with (
            pytest.raises(Exception, match="no such table"),
            transaction.atomic(),
            rows.write_behind(),
        ):
            rows.later("INSERT INTO demo_behind (n) VALUES (1)")
            rows.later("INSERT INTO demo_missing (n) VALUES (1)")
            _run("SELECT 1")
        assert rows._behind is None
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM demo_behind")
            assert cursor.fetchone() == (0,)
    finally:
        _run("DROP TABLE demo_behind")


def test_without_write_behind_later_runs_at_once(db):
    with transaction.atomic():
        rows.later("CREATE TABLE demo_at_once (n integer)")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM demo_at_once")
            assert cursor.fetchone() == (0,)
        rows.later("DROP TABLE demo_at_once")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite file, on the SQLite pass")
def test_demo_schema_on_a_fresh_file_is_migrated_with_the_seed_rows(
    demo_schema_file: Path, tmp_path: Path
):
    # The fresh file is built once per run (tests/conftest.py); this test writes to a copy.
    path = tmp_path / "fresh.sqlite3"
    shutil.copy(demo_schema_file, path)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "x"}
    env.pop("FUPIN_TEST_PG", None)
    fupin = [sys.executable, "-m", "fupin.cli"]
    # Every migration is recorded as applied: nothing left for migrate to do.
    subprocess.run([*fupin, "migrate", "--check", "-v0"], env=env, check=True, timeout=300)
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT count(*) FROM assessment_povertyline").fetchone() == (7,)
        assert db.execute("SELECT count(*) FROM assessment_ruleset").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM auth_permission").fetchone()[0] > 100
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()
    # On a database with tables it is migrate: nothing to do, nothing breaks.
    subprocess.run([*fupin, "demo_schema", "-v0"], env=env, check=True, timeout=300)
