"""Shared test set-up: the real Hinggan divisions are loaded once per test database."""

import shutil
import tempfile

import pytest
from django.conf import settings
from django.utils import translation

from fupin.areas.services import areas_load_hinggan


def pytest_configure(config):
    # The production hasher (PBKDF2, over a million rounds) spends most of a second on each
    # password; the suite creates users and signs in thousands of times. Tests of sign-in
    # behaviour do not depend on the hasher's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads of each run (and of each xdist worker) in a directory of their own, not var/.
    media = tempfile.mkdtemp(prefix="fupin-test-media-")
    settings.MEDIA_ROOT = media
    config.add_cleanup(lambda: shutil.rmtree(media, ignore_errors=True))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # `make test` runs the suite on two workers (pytest-xdist, --dist loadgroup): the demo's
    # tests share one demo build (tests/demo/conftest.py), so they stay on one worker. First,
    # before xdist's own hook turns the marks into the groups it schedules by.
    for item in items:
        if item.nodeid.startswith("tests/demo/"):
            item.add_marker(pytest.mark.xdist_group("demo"))


def migration_data_steps():
    """The data steps (RunPython) of every migration, in the order ``migrate`` runs them.

    The test databases are made from the models (``--no-migrations``): replaying the
    migrations costs each test worker tens of seconds of model-state rendering, most of a
    database's set-up. The data the migrations seed (poverty lines, rule set, thresholds, duty
    subjects, Party requirements) is written by their own functions against today's models.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    disabled = settings.MIGRATION_MODULES
    settings.MIGRATION_MODULES = {}
    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    finally:
        settings.MIGRATION_MODULES = disabled
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    # Only fupin's own: a library's data steps convert its older rows, and there are none.
    own = {config.label for config in apps.get_app_configs() if config.name.startswith("fupin.")}
    return [
        operation.code
        for key in plan
        if key[0] in own
        for operation in loader.graph.nodes[key].operations
        if isinstance(operation, RunPython)
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.apps import apps
    from django.db import connection

    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            for step in migration_data_steps():
                step(apps, editor)
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
