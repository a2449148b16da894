from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fupin.areas.services import AreaFileError, areas_locate


class Command(BaseCommand):
    help = "载入区划位置文件（code,lat,lon；WGS-84 度数）。Load area locations (code,lat,lon)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="code,lat,lon 的 csv 或 csv.gz 文件")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = areas_locate(path=path)
        except AreaFileError as error:
            for line in error.errors[:50]:
                self.stderr.write(str(line))
            raise CommandError(f"文件有 {len(error.errors)} 处错误，未载入任何数据。") from None
        self.stdout.write(f"已载入 {result.rows} 个区划的位置。")
