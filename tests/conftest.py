"""Shared test set-up: the real Hinggan divisions are loaded once per test database."""

import pytest

from fupin.areas.services import areas_load_hinggan


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        areas_load_hinggan()


@pytest.fixture(autouse=True)
def _fixed_as_of(settings):
    # Tests run "on" the demo's date unless they say otherwise.
    settings.FUPIN_AS_OF = "2017-06-30"
