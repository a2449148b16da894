"""``fupin demo_schema``: the schema of a fresh demo database in seconds, not half a minute.

``fupin migrate`` on an empty file spends nearly all of its half minute rebuilding the
models' state after each of the project's operations (Django re-renders every related model
each time), not writing to the database. On a database without any table this command
creates the tables straight from the models, as the models stand after the last migration
(``makemigrations --check`` in ``make test`` keeps the two the same), records every
migration as applied, runs the data migrations' functions against the final state rendered
once, and sends ``post_migrate`` (content types, permissions) as ``migrate`` does. On a
database that already has tables, on PostgreSQL, or when a project migration writes SQL of
its own, it is plain ``migrate``. ``make demo`` uses it
(docs/demo.md, "Starting from a fresh clone").
"""

from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import (
    RunPython,
    RunSQL,
    SeparateDatabaseAndState,
)
from django.db.migrations.recorder import MigrationRecorder


class Command(BaseCommand):
    help = (
        "空的 SQLite 数据库：直接按模型建表并记录全部迁移为已执行（比 migrate 快）；否则同 migrate。"
        " Create a fresh database's schema from the models; migrate otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, verbosity, **options):
        connection = connections[database]
        executor = MigrationExecutor(connection)
        loader = executor.loader
        plan = executor.migration_plan(loader.graph.leaf_nodes(), clean_start=True)
        if (
            connection.vendor != "sqlite"
            or connection.introspection.table_names()
            or any(_raw_schema(migration) for migration, _backwards in plan)
        ):
            call_command("migrate", database=database, interactive=False, verbosity=verbosity)
            return
        state = loader.project_state()
        emit_pre_migrate_signal(verbosity, False, database, apps=state.apps, plan=plan)
        rendered = state.apps
        # One transaction: the schema editor's own (SQLite checks the keys at its end).
        with connection.schema_editor(atomic=True) as editor:
            for config in apps.get_app_configs():
                for model in router.get_migratable_models(config, database):
                    if model._meta.managed and not model._meta.proxy:
                        editor.create_model(model)
            for sql in editor.deferred_sql:
                editor.execute(sql)
            editor.deferred_sql = []
            recorder = MigrationRecorder(connection)
            recorder.ensure_schema()
            recorder.migration_qs.bulk_create(
                [recorder.Migration(app=app, name=name) for app, name in _names(plan)]
            )
            for migration, _backwards in plan:
                if not migration.__module__.startswith("fupin."):
                    # The other packages' data migrations rewrite rows an empty database
                    # does not have; the project's own seed rows (poverty lines, rules).
                    continue
                for operation in migration.operations:
                    if isinstance(operation, RunPython):
                        operation.code(rendered, editor)
        emit_post_migrate_signal(verbosity, False, database, apps=rendered, plan=plan)
        if verbosity >= 1:
            self.stdout.write(f"已按模型建表，记录迁移 {len(plan)} 个。")


def _raw_schema(migration) -> bool:
    """Whether a project migration shapes the schema by hand (SQL, or a state apart from the
    database): the models alone would not say what it leaves, so such a plan is migrated."""
    return migration.__module__.startswith("fupin.") and any(
        isinstance(operation, RunSQL | SeparateDatabaseAndState)
        for operation in migration.operations
    )


def _names(plan) -> list[tuple[str, str]]:
    return [(migration.app_label, migration.name) for migration, _backwards in plan]
