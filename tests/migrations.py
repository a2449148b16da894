"""The migrations on disk, read while the suite has them switched off (``--no-migrations``):
shared by tests/conftest.py (which runs their data steps) and tests/core/test_migrations.py."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings


def own_labels() -> set[str]:
    """The labels of fupin's own apps (the libraries' migrations are theirs)."""
    return {config.label for config in apps.get_app_configs() if config.name.startswith("fupin.")}


def migration_loader(connection=None):
    """Django's loader of the migration files, with the suite's switch-off lifted meanwhile."""
    from django.db.migrations.loader import MigrationLoader

    disabled = settings.MIGRATION_MODULES
    settings.MIGRATION_MODULES = {}
    try:
        return MigrationLoader(connection, ignore_no_migrations=True)
    finally:
        settings.MIGRATION_MODULES = disabled
