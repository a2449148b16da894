"""Shared test set-up: the real Hinggan divisions are loaded once per test database."""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from fupin.areas.services import areas_load_hinggan


def pytest_configure(config):
    # The production hasher (PBKDF2, over a million rounds) spends most of a second on each
    # password; the suite creates users and signs in thousands of times. Tests of sign-in
    # behaviour do not depend on the hasher's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test writes and reads back within the same second; an area's summary kept for a minute
    # (fupin.areas.summaries) would show it the figures of an earlier test. The tests of
    # keeping turn it on (tests/warmap/test_kept_summaries.py).
    settings.FUPIN_SUMMARY_SECONDS = 0
    # Uploads of each run (and of each xdist worker) in a directory of their own, not var/.
    media = tempfile.mkdtemp(prefix="fupin-test-media-")
    settings.MEDIA_ROOT = media
    config.add_cleanup(lambda: shutil.rmtree(media, ignore_errors=True))
    # The SMS outbox (fupin.notify) likewise, never var/outbox.
    outbox = tempfile.mkdtemp(prefix="fupin-test-outbox-")
    settings.FUPIN_OUTBOX_DIR = outbox
    config.add_cleanup(lambda: shutil.rmtree(outbox, ignore_errors=True))


def pytest_xdist_make_scheduler(config, log):
    """`make test` runs the suite on two workers (pytest-xdist, ``--dist loadgroup``): the tests
    of tests/demo share one demo build (tests/demo/conftest.py), so they go to one worker as one
    unit. xdist's own ``xdist_group`` mark cannot say so under pytest 9 (it rewrites a node id
    pytest no longer reads), hence this scheduler, which groups by path."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class DemoTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/demo/"):
                return "tests/demo/"
            return super()._split_scope(nodeid)

    return DemoTogether(config, log)


def migrate_from_models(connection) -> None:
    """Finish a test database made from the models (``--no-migrations``) as ``migrate`` would.

    Replaying the migrations costs each test worker tens of seconds of model-state rendering,
    most of a database's set-up; tests/core/test_migrations.py checks once that they make this
    same schema. What they add beside the schema is done here: their data steps (RunPython:
    poverty lines, rule set, thresholds, duty subjects, Party requirements), run by their own
    functions against today's models, and their ledger, so the database reads as migrated.
    """
    from django.apps import apps
    from django.db.migrations.operations import RunPython
    from django.db.migrations.recorder import MigrationRecorder

    from tests.migrations import migration_loader, own_labels

    loader = migration_loader(connection)
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    # Only fupin's own: a library's data steps convert its older rows, and there are none.
    own = own_labels()
    with connection.schema_editor() as editor:
        for key in plan:
            for operation in loader.graph.nodes[key].operations:
                if key[0] in own and isinstance(operation, RunPython):
                    operation.code(apps, editor)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    recorder.migration_qs.bulk_create(recorder.Migration(app=app, name=name) for app, name in plan)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        migrate_from_models(connection)
        areas_load_hinggan()


@pytest.fixture(autouse=True)
def _chinese_first():
    # A request in English (cookie or Accept-Language) leaves English active on the worker's
    # thread, as Django's LocaleMiddleware does not switch back: each test starts in Chinese.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fixed_as_of(settings):
    # Tests run "on" the demo's date unless they say otherwise.
    settings.FUPIN_AS_OF = "2017-06-30"


def _built_once(factory, name: str, command: list[str]) -> Path:
    """A SQLite file built by ``fupin <command>`` from nothing, once per run: the first test
    worker to ask builds it under a lock, the others wait and read the same file. Building one
    replays every migration (a minute); three tests compare such files. The file is never
    written after: a test that writes works on a copy."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    path = root / f"{name}.sqlite3"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = root / f"{name}.building.sqlite3"
            building.unlink(missing_ok=True)
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{building}", "SECRET_KEY": "x"}
            env.pop("FUPIN_TEST_PG", None)
            subprocess.run(
                [sys.executable, "-m", "fupin.cli", *command, "-v0"],
                env=env,
                check=True,
                timeout=600,
            )
            building.rename(path)
    return path


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory) -> Path:
    """A SQLite file made by ``fupin migrate`` from nothing (read it, do not write it)."""
    return _built_once(tmp_path_factory, "migrated", ["migrate", "--noinput"])


@pytest.fixture(scope="session")
def demo_schema_file(tmp_path_factory) -> Path:
    """A SQLite file made by ``fupin demo_schema`` from nothing (read it, do not write it)."""
    return _built_once(tmp_path_factory, "demo-schema", ["demo_schema"])
