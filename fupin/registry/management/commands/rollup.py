import time

from django.core.management.base import BaseCommand

from fupin.registry import rollups
from fupin.registry.models import YearFact


class Command(BaseCommand):
    help = "重算全部年度汇总（rollups）。Rebuild the registry rollups from the status rows."

    def handle(self, *args, **options):
        start = time.perf_counter()
        rollups.refresh()
        self.stdout.write(
            f"已重算 {YearFact.objects.count()} 条村年度汇总，用时 {time.perf_counter() - start:.1f} 秒。"
        )
