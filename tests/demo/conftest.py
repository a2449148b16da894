"""One small demo for the whole ``tests/demo`` package, built once and rolled back at its end.

Building it is the slow part of these tests (and slower still on PostgreSQL), so every module
shares one build. Each test runs in its own savepoint (pytest-django's ``db``): whatever a test
writes, even ``demo --reset``, is undone before the next test.
"""

import pytest
from django.db import transaction

from fupin.accounts.models import User
from fupin.demo import services, users
from tests.demo.snapshots import PASSWORD, SCALE, SEED, take_snapshot


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = services.demo_build(seed=SEED, scale=SCALE, password=PASSWORD)
        # Every module is imported (and its snapshot parts registered) before any test runs.
        result.snapshot = take_snapshot()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def db(demo, django_db_blocker):
    """Each test in a savepoint of the demo's transaction, rolled back after it.

    Replaces pytest-django's ``db`` here: that one checks every deferred constraint at each
    teardown, and inside the demo's open transaction that is the whole demo again for every
    test (seconds a test on PostgreSQL; on SQLite a full foreign-key scan).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def admin(demo, db):
    return User.objects.get(username=users.ADMIN)
