"""The serving choices that bench/bench_load.py measured (bench/README.md, "Many users at once").

Each new SQLite connection runs the pragmas (WAL, synchronous=NORMAL, the page cache, the
mapped file, the busy timeout), connections are kept between requests, and ``fupin serve``
sizes gunicorn from the machine's cores.
"""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from fupin.core.management.commands.serve import Command, web_size
from tests.core.test_deploy import settings_under


def test_a_web_thread_keeps_its_connection_between_requests(monkeypatch):
    monkeypatch.delenv("FUPIN_DB_CONN_MAX_AGE", raising=False)
    assert settings_under({}, monkeypatch)["DATABASES"]["default"]["CONN_MAX_AGE"] == 600
    postgres = settings_under({"DATABASE_URL": "postgres://u:p@db:5432/fupin"}, monkeypatch)
    assert postgres["DATABASES"]["default"]["CONN_MAX_AGE"] == 600
    assert postgres["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    chosen = settings_under({"FUPIN_DB_CONN_MAX_AGE": "0"}, monkeypatch)
    assert chosen["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


@pytest.mark.django_db
def test_every_new_sqlite_connection_runs_the_pragmas(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's pragmas")
    # A new connection made as Django makes one, with the settings' options, on a file (WAL
    # and the mapped file need one; the test database may live in memory).
    options = settings.DATABASES["default"]["OPTIONS"]
    params = {**connection.get_connection_params(), "database": str(tmp_path / "new.sqlite3")}
    new = connection.get_new_connection(params)
    try:
        for statement in options["init_command"].split(";"):
            if statement.strip():
                new.execute(statement)
        read = {
            name: new.execute(f"PRAGMA {name}").fetchone()[0] for name in settings.SQLITE_PRAGMAS
        }
    finally:
        new.close()
    assert read == {
        "journal_mode": "wal",
        "synchronous": 1,
        "cache_size": -65536,
        "temp_store": 2,
        "mmap_size": 268435456,
        "busy_timeout": 30000,
    }
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_the_test_databases_connection_has_the_pragmas():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's pragmas")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 30000
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1
    assert isinstance(connection.connection, sqlite3.Connection)


def test_fupin_serve_sizes_gunicorn_from_the_cores(monkeypatch):
    assert web_size(2, environ={}) == (3, 2)
    assert web_size(8, environ={}) == (9, 2)
    assert web_size(2, environ={"WEB_WORKERS": "5", "WEB_THREADS": "1"}) == (5, 1)
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    parser = Command().create_parser("fupin", "serve")
    options = parser.parse_args([])
    assert (options.workers, options.threads) == (5, 2)
