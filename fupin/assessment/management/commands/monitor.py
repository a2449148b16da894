"""``fupin monitor --year Y [--area CODE]``: the monitoring rules (防止返贫监测), set-based."""

from django.core.management.base import BaseCommand, CommandError

from fupin.areas.models import Area
from fupin.assessment.services import monitoring_run


class Command(BaseCommand):
    help = "按规则标记防返贫监测对象，并消除已稳定的风险（可重复运行，结果相同）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="监测年度")
        parser.add_argument("--area", default="", help="区划代码（默认全部）")

    def handle(self, *args, year, area, **options):
        if area and not Area.objects.filter(pk=area).exists():
            raise CommandError(f"区划不存在：{area}")
        counts = monitoring_run(year=year, code=area)
        self.stdout.write(
            f"{year} 年监测（规则 v{counts['rule_set']}，范围 {area or '全部'}）："
            f"脱贫不稳定户 {counts['unstable']} 户，边缘易致贫户 {counts['marginal']} 户，"
            f"突发严重困难户 {counts['sudden']} 户；风险已消除 {counts['cleared']} 户"
        )
