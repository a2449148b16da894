"""``fupin restore DIR``: a backup into an empty installation, checked against its manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from fupin.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "把备份恢复到一个空的安装（空数据库、空上传目录），并按清单核对。"
        " Restore a backup into an empty installation and check it against its manifest."
    )
    # The empty database has no table yet: the checks that read the database must wait.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a directory written by fupin backup")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, directory, database, **options):
        try:
            manifest = restore(connections[database], Path(settings.MEDIA_ROOT), directory)
        except BackupError as e:
            raise CommandError(str(e)) from e
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{directory} ({manifest['created']}): {len(manifest['tables'])} tables and"
            f" {rows} rows restored, {len(manifest['files']) - 1} uploaded files, all as listed"
        )
