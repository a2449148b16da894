"""``fupin cards VILLAGE_CODE -o FILE.pdf [--year Y] [--a5]``: a village's clarity cards."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fupin.areas.models import Area, Level
from fupin.assistance import cards
from fupin.core.clock import as_of


class Command(BaseCommand):
    help = "Print the clarity cards (明白卡) of a village as one PDF, one page per household."

    def add_arguments(self, parser):
        parser.add_argument("village", help="the village's 12-digit area code")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--year", type=int, help="the year of measures and income")
        parser.add_argument("--a5", action="store_true", help="A5 pages instead of A4")

    def handle(self, *args, village, output, year=None, a5=False, **options):
        area = Area.objects.filter(pk=village).first()
        if area is None:
            raise CommandError(f"区划代码 {village} 不存在")
        if area.level != Level.VILLAGE:
            raise CommandError(f"{area.name}（{area.code}）不是嘎查村：明白卡按嘎查村打印")
        today = as_of()
        year = year or today.year
        size = "A5" if a5 else "A4"
        start = time.perf_counter()
        built = cards.build_cards(
            cards.village_households(area.code), year=year, today=today, size=size
        )
        content = cards.render_cards_pdf(
            built, year=year, today=today, size=size, empty=f"{area.name}暂无建档立卡户。"
        )
        Path(output).write_bytes(content)
        self.stdout.write(
            f"{area.name}：{len(built)} 户明白卡（{size}，{year}年）→ {output}"
            f"（{time.perf_counter() - start:.1f} 秒）"
        )
