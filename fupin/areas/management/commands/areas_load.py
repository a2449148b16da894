from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fupin.areas.services import HINGGAN_DIVISIONS, AreaFileError, areas_load


class Command(BaseCommand):
    help = "载入行政区划文件（code,name,level,parent_code；csv 或 csv.gz）。Load a division file."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(HINGGAN_DIVISIONS), help="默认：兴安盟 2023 区划"
        )
        parser.add_argument(
            "--within", default="", help="只载入此区划及其下级（如 15：内蒙古自治区）"
        )

    def handle(self, *args, file, within="", **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        bar = tqdm(unit="行", desc="载入区划", disable=options["verbosity"] < 1)
        try:
            result = areas_load(path=path, progress=bar.update, within=within or None)
        except AreaFileError as error:
            bar.close()
            for line in error.errors[:50]:
                self.stderr.write(line)
            raise CommandError(f"文件有 {len(error.errors)} 处错误，未载入任何数据。") from None
        bar.close()
        self.stdout.write(
            f"已载入 {result.rows} 行：新增 {result.created}，更新 {result.updated}。"
        )
