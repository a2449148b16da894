"""``fupin backup DIR``: the database and the uploads, with a manifest (fupin.core.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from fupin.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份数据库和上传文件到一个新目录（附清单：各表行数、文件校验和）。"
        " Back up the database and var/media into a new directory, with a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new or empty directory")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, directory, database, **options):
        try:
            manifest = backup(connections[database], Path(settings.MEDIA_ROOT), directory)
        except BackupError as e:
            raise CommandError(str(e)) from e
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{directory}: {len(manifest['tables'])} tables, {rows} rows,"
            f" {len(manifest['files']) - 1} uploaded files"
        )
