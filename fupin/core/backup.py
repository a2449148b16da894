"""Backup and restore of a whole installation: the database and the uploads (``MEDIA_ROOT``).

A backup directory holds the database (``database.sqlite3`` made with SQLite's online backup
API, or ``database.dump`` from ``pg_dump -Fc``), ``media/`` (a copy of ``MEDIA_ROOT``) and
``manifest.json``: the row count of every table, taken from the same snapshot as the copy, and
the SHA-256 of every file. The manifest is written last, so a backup cut short has none and is
refused. Restore goes into an empty installation only (no table, no upload) and checks the
manifest before and after. See docs/operations.md, "Backup and restore".
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMAT = "fupin-backup-1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA = "media"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for folder, _dirs, names in os.walk(root):
            for name in sorted(names):
                yield Path(folder) / name


def _engine(connection) -> str:
    if connection.vendor in {"sqlite", "postgresql"}:
        return connection.vendor
    raise BackupError(f"backup supports SQLite and PostgreSQL, not {connection.vendor}")


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    quote = '"{}"'.format
    return {t: db.execute(f"SELECT count(*) FROM {quote(t)}").fetchone()[0] for t in tables}


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def _pg_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in _pg_tables(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


def _pg_args(connection) -> tuple[list[str], dict[str, str]]:
    params = connection.settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _backup_sqlite(connection, target: Path) -> dict[str, int]:
    # A connection of the backup's own: SQLite cannot back up through a connection that holds
    # a write transaction (it would wait for ever), and Django's may be in one.
    params = connection.get_connection_params()
    source = sqlite3.connect(params["database"], uri=params.get("uri", False), timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1) copies the database as of one read transaction: a consistent
        # snapshot while pages and imports keep writing (WAL lets them go on meanwhile).
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return _sqlite_counts(copy)
    finally:
        copy.close()
        source.close()


def _backup_postgresql(connection, target: Path) -> dict[str, int]:
    from django.db import transaction

    args, env = _pg_args(connection)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            # The counts and pg_dump read the same exported snapshot, so they agree.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = _pg_counts(connection)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        command += [f"--snapshot={snapshot}", "--file", str(target), *args]
        command.append(str(connection.settings_dict["NAME"]))
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def backup(connection, media_root: Path, target: Path) -> dict[str, Any]:
    """Write a backup of ``connection``'s database and ``media_root`` into ``target``."""
    engine = _engine(connection)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give each backup a directory of its own")
    target.mkdir(parents=True, exist_ok=True)
    database = SQLITE_FILE if engine == "sqlite" else PG_FILE
    if engine == "sqlite":
        counts = _backup_sqlite(connection, target / database)
    else:
        counts = _backup_postgresql(connection, target / database)
    files = {database: sha256(target / database)}
    # The uploads after the database: a file the snapshot names was written before it.
    for source in _files(media_root):
        relative = source.relative_to(media_root).as_posix()
        copy = target / MEDIA / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        files[f"{MEDIA}/{relative}"] = sha256(copy)
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database": database,
        "tables": counts,
        "files": files,
    }
    with tempfile.NamedTemporaryFile("w", dir=target, delete=False, suffix=".tmp") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(f.name, target / MANIFEST)
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists has its checksum."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{source / MANIFEST}: no readable manifest ({e})") from e
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: not a fupin backup ({manifest.get('format')!r})")
    bad = []
    for name, digest in manifest["files"].items():
        path = source / name
        if ".." in Path(name).parts or not path.is_file():
            bad.append(f"{name}: missing")
        elif sha256(path) != digest:
            bad.append(f"{name}: checksum differs")
    if bad:
        raise BackupError("the backup is damaged: " + "; ".join(bad))
    return manifest


def _tables(connection) -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore(connection, media_root: Path, source: Path) -> dict[str, Any]:
    """Restore the backup in ``source`` into an empty database and an empty ``media_root``."""
    manifest = read_manifest(source)
    engine = _engine(connection)
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of {manifest['engine']}, this database is {engine}")
    if tables := _tables(connection):
        raise BackupError(
            f"the database is not empty ({len(tables)} tables): restore goes into a new, empty"
            " database (do not run migrate first)"
        )
    if any(_files(media_root)):
        raise BackupError(f"{media_root} holds files: restore goes into an empty MEDIA_ROOT")
    database = source / manifest["database"]
    if connection.in_atomic_block:
        raise BackupError("restore cannot run inside a transaction")
    if engine == "sqlite":
        connection.ensure_connection()
        backup_db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            backup_db.backup(connection.connection, pages=-1)
        finally:
            backup_db.close()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
        counts = _sqlite_counts(connection.connection)
    else:
        args, env = _pg_args(connection)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args]
        command += ["--dbname", str(connection.settings_dict["NAME"]), str(database)]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        counts = _pg_counts(connection)
    for name, digest in manifest["files"].items():
        if name.startswith(f"{MEDIA}/"):
            copy = media_root / name.removeprefix(f"{MEDIA}/")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, copy)
            if sha256(copy) != digest:
                raise BackupError(f"{copy}: checksum differs after the copy")
    if counts != manifest["tables"]:
        differ = sorted(
            t
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError("restored row counts differ from the manifest: " + ", ".join(differ))
    return manifest
