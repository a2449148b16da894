"""``fupin assess --year Y [--area CODE]``: the yearly assessment, set-based (docs/domain.md §3.3)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fupin.areas.models import Area
from fupin.assessment.services import assessment_run


class Command(BaseCommand):
    help = "评估年度脱贫标准：贫困户、贫困村、贫困县（重复运行须加 --overwrite，结果相同）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="评估年度")
        parser.add_argument("--area", default="", help="区划代码（默认全部）")
        parser.add_argument("--overwrite", action="store_true", help="覆盖该年度已有的评估结果")

    def handle(self, *args, year, area, overwrite, **options):
        if area and not Area.objects.filter(pk=area).exists():
            raise CommandError(f"区划不存在：{area}")
        try:
            counts = assessment_run(year=year, code=area, overwrite=overwrite)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{year} 年评估（规则 v{counts['rule_set']}，范围 {area or '全部'}）："
            f"贫困户 {counts['households']} 户，达标 {counts['households_eligible']} 户；"
            f"贫困村 {counts['villages']} 个，达标 {counts['villages_eligible']} 个；"
            f"旗县 {counts['counties']} 个，达标 {counts['counties_eligible']} 个"
        )
