"""`fupin backup` and `fupin restore`: a consistent snapshot while another thread writes, a
restore into an empty installation that matches the manifest, and the refusals."""

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from fupin.core.backup import BackupError, backup, read_manifest, restore


def sqlite_connection(path: Path):
    """A Django connection of its own to the SQLite file ``path`` (not the test database)."""
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )
    return handler["default"]


@pytest.fixture
def own_databases(django_db_blocker):
    # The connections these tests open to files of their own, beside the test database.
    with django_db_blocker.unblock():
        yield


def media_with_uploads(root: Path) -> Path:
    (root / "imports" / "2017").mkdir(parents=True)
    (root / "imports" / "2017" / "registry.xlsx").write_bytes(b"PK\x03\x04 sheet bytes")
    (root / "party").mkdir()
    (root / "party" / "会议记录.pdf").write_bytes(b"%PDF-1.7 minutes")
    return root


def test_a_backup_taken_while_another_thread_writes_restores_to_its_manifest(
    tmp_path, own_databases
):
    source_file = tmp_path / "live.sqlite3"
    db = sqlite3.connect(source_file)
    db.executescript(
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE household (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE member (id INTEGER PRIMARY KEY, household_id INTEGER NOT NULL);"
    )
    with db:
        for i in range(1, 2001):
            db.execute("INSERT INTO household (id, name) VALUES (?, ?)", (i, f"户{i}"))
            db.execute("INSERT INTO member (household_id) VALUES (?)", (i,))
    db.close()

    written = threading.Event()
    stop = threading.Event()
    last = {"id": 2000}

    def writer():
        # A household and its member in one transaction: a consistent snapshot has as many
        # members as households.
        own = sqlite3.connect(source_file, timeout=30)
        while not stop.is_set():
            with own:
                i = last["id"] + 1
                own.execute("INSERT INTO household (id, name) VALUES (?, ?)", (i, f"户{i}"))
                own.execute("INSERT INTO member (household_id) VALUES (?)", (i,))
            last["id"] = i
            if i >= 2050:
                written.set()
        own.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(30)
        media = media_with_uploads(tmp_path / "media")
        manifest = backup(sqlite_connection(source_file), media, tmp_path / "backup")
        during = last["id"]
        while last["id"] < during + 20 and thread.is_alive():
            time.sleep(0.01)  # the writer goes on after the backup
    finally:
        stop.set()
        thread.join(30)

    counts = manifest["tables"]
    assert 2050 <= counts["household"] < last["id"]
    assert counts["member"] == counts["household"]
    assert set(manifest["files"]) == {
        "database.sqlite3",
        "media/imports/2017/registry.xlsx",
        "media/party/会议记录.pdf",
    }

    fresh = sqlite_connection(tmp_path / "restored.sqlite3")
    restore(fresh, tmp_path / "restored-media", tmp_path / "backup")
    with fresh.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM household")
        assert cursor.fetchone() == (counts["household"], counts["household"])
        cursor.execute("SELECT count(*) FROM member")
        assert cursor.fetchone()[0] == counts["member"]
    fresh.close()
    assert (tmp_path / "restored-media" / "party" / "会议记录.pdf").read_bytes() == (
        b"%PDF-1.7 minutes"
    )


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="copies the SQLite test database; pg_dump is not tested"
)
def test_fupin_backup_of_the_installation_restores_into_an_empty_one(
    tmp_path, settings, monkeypatch, own_databases
):
    # The test database (migrated, divisions loaded) copied to a file: SQLite cannot back up
    # through the test's own connection, which holds the test's transaction.
    live = tmp_path / "live.sqlite3"
    image = sqlite3.connect(":memory:")
    image.deserialize(connection.connection.serialize())
    with sqlite3.connect(live) as file:
        image.backup(file)
    image.close()
    installation = sqlite_connection(live)
    monkeypatch.setattr(
        "fupin.core.management.commands.backup.connections", {"default": installation}
    )
    settings.MEDIA_ROOT = media_with_uploads(tmp_path / "media")
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM areas_area")
        areas = cursor.fetchone()[0]
    assert areas > 1000 and manifest["tables"]["areas_area"] == areas
    assert manifest["tables"]["django_migrations"] > 0

    # The test database is not empty: restore refuses it.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"))

    fresh = sqlite_connection(tmp_path / "new.sqlite3")
    restore(fresh, tmp_path / "new-media", tmp_path / "backup")
    with fresh.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM areas_area")
        assert cursor.fetchone()[0] == areas
    fresh.close()
    installation.close()


def test_restore_refuses_a_damaged_backup_and_a_used_media_root(tmp_path, own_databases):
    source = sqlite_connection(tmp_path / "live.sqlite3")
    with source.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    media = media_with_uploads(tmp_path / "media")
    backup(source, media, tmp_path / "backup")
    source.close()
    assert read_manifest(tmp_path / "backup")["tables"] == {"t": 0}

    with pytest.raises(BackupError, match="not empty"):
        backup(sqlite_connection(tmp_path / "live.sqlite3"), media, tmp_path / "backup")
    with pytest.raises(BackupError, match="holds files"):
        restore(sqlite_connection(tmp_path / "empty.sqlite3"), media, tmp_path / "backup")

    upload = tmp_path / "backup" / "media" / "party" / "会议记录.pdf"
    upload.write_bytes(b"%PDF-1.7 altered")
    with pytest.raises(BackupError, match="checksum differs"):
        read_manifest(tmp_path / "backup")
    upload.unlink()
    with pytest.raises(BackupError, match="missing"):
        read_manifest(tmp_path / "backup")
    (tmp_path / "backup" / "manifest.json").unlink()
    with pytest.raises(BackupError, match="no readable manifest"):
        read_manifest(tmp_path / "backup")
