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
    # The SMS outbox (fupin.notify) likewise, never var/outbox.
    outbox = tempfile.mkdtemp(prefix="fupin-test-outbox-")
    settings.FUPIN_OUTBOX_DIR = outbox
    config.add_cleanup(lambda: shutil.rmtree(outbox, ignore_errors=True))


def pytest_collection_modifyitems(config, items):
    # `make test` runs the suite on two workers (pytest-xdist, --dist loadgroup): the demo's
    # tests share one demo build (tests/demo/conftest.py), so they stay on one worker.
    for item in items:
        if item.nodeid.startswith("tests/demo/"):
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
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
