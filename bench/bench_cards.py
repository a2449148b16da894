"""Benchmark: a village's clarity cards (明白卡) as one PDF of ~100 pages.

    python -m bench.bench_cards [--households 100] [--keep cards.pdf]

Builds one village (长发村, 152223100234) of N households in a fresh temporary SQLite database
(migrated, Hinggan areas loaded): 1–6 members each with valid ID numbers, an income row of
the year before, one or two paired cadres (a few ended), two measures of the year per
household when the plans app has them. Then, in the same process, times:

(a) the village's cards: one set-based read (a handful of queries) and one HTML document
    with a page break per household, rendered to one PDF by WeasyPrint (what
    ``fupin cards VILLAGE -o FILE.pdf`` and ``/areas/<code>/cards.pdf`` do);
(b) baseline 1: the same cards one household at a time (read + render + PDF) ×N;
(c) baseline 2: WeasyPrint on a minimal N-page document (one line of Chinese per page),
    the floor of any N-page PDF through the same fonts.

Prints seconds, pages, queries and the ratios (a) ÷ (b) and (a) ÷ (c). Target: (a) < 10 s.
Not part of the tests.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

VILLAGE = "152223100234"  # 长发村委会, 音德尔镇, 扎赉特旗
YEAR = 2017
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "秀兰桂英玉梅淑珍长发建国志强海涛春生宝山金花凤琴福林德胜永红丽华巴特尔乌云其木格"


def _setup(var: Path) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    os.environ["FUPIN_AS_OF"] = f"{YEAR}-06-30"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def _name(i: int) -> str:
    return (
        SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 1) % len(GIVEN)]
    )


def generate(n: int) -> None:
    from django.db import transaction

    from fupin.assistance import cards
    from fupin.assistance.models import Cadre, Pairing
    from fupin.core.idnumber import make_id_number
    from fupin.registry import codes
    from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord

    relations = [codes.Relation.HEAD, codes.Relation.SPOUSE] + [codes.Relation.SON] * 4
    healths = list(codes.Health.values)
    causes = list(codes.Cause.values)
    start = datetime.date(2016, 1, 1)
    with transaction.atomic():
        cadres = Cadre.objects.bulk_create(
            Cadre(
                name=_name(10_000 + k),
                area_id=VILLAGE[:6],
                unit=["扎赉特旗农牧业局", "扎赉特旗教育局", "音德尔镇人民政府", "兴安盟扶贫办"][
                    k % 4
                ],
                post="department_cadre",
                title="科员",
                phone=f"139048{k:05d}",
            )
            for k in range(max(1, n // 3))
        )
        households = Household.objects.bulk_create(
            Household(
                number=f"{VILLAGE}{i:04d}",
                village_id=VILLAGE,
                head_name=_name(i * 10),
                members_count=1 + i % 6,
                attribute=list(codes.Attribute.values)[i % 3],
                main_cause=causes[i % len(causes)],
                other_causes=[causes[(i + 3) % len(causes)]] if i % 2 else [],
                identified_year=2014,
                phone="",
            )
            for i in range(n)
        )
        members, statuses, incomes, pairings = [], [], [], []
        person = 0
        for i, household in enumerate(households):
            for k in range(household.members_count):
                person += 1
                birth = datetime.date(1950 + (k * 17 + i) % 60, 1 + k % 12, 1) + datetime.timedelta(
                    days=person
                )
                sex = "M" if k % 2 == 0 else "F"
                members.append(
                    Member(
                        household=household,
                        village_id=VILLAGE,
                        name=household.head_name if k == 0 else _name(i * 10 + k),
                        id_number=make_id_number(VILLAGE[:6], birth, person, sex),
                        sex=sex,
                        birth_date=birth,
                        relation=relations[k],
                        ethnicity=codes.Ethnicity.HAN if i % 3 else codes.Ethnicity.MONGOL,
                        education=codes.Education.JUNIOR,
                        school_status=codes.SchoolStatus.NONE,
                        health=healths[(i + k) % len(healths)],
                        labour=codes.Labour.ORDINARY,
                    )
                )
            statuses.append(
                StatusRecord(
                    household=household,
                    village_id=VILLAGE,
                    year=YEAR - 1,
                    status="poor",
                    attribute=household.attribute,
                    members_count=household.members_count,
                )
            )
            incomes.append(
                IncomeRecord(
                    household=household,
                    village_id=VILLAGE,
                    year=YEAR - 1,
                    wage_income=Decimal(1500 * (i % 4)),
                    business_income=Decimal(800 + 37 * i),
                    property_income=Decimal(i % 5 * 20),
                    transfer_income=Decimal(600),
                    business_costs=Decimal(300),
                    members_count=household.members_count,
                )
            )
            for c in (
                {i % len(cadres), (i * 7 + 1) % len(cadres)} if i % 4 == 0 else {i % len(cadres)}
            ):
                pairings.append(
                    Pairing(
                        cadre=cadres[c], household=household, village_id=VILLAGE, start_date=start
                    )
                )
            if i % 10 == 0:  # an ended pairing: not on the card
                pairings.append(
                    Pairing(
                        cadre=cadres[(i + 2) % len(cadres)],
                        household=household,
                        village_id=VILLAGE,
                        start_date=start,
                        end_date=datetime.date(2016, 12, 31),
                    )
                )
        Member.objects.bulk_create(members)
        StatusRecord.objects.bulk_create(statuses)
        IncomeRecord.objects.bulk_create(incomes)
        Pairing.objects.bulk_create(pairings)
        measure = cards._measure_model()
        if measure is not None:
            plan_model = measure._meta.get_field("plan").related_model
            plans = plan_model.objects.bulk_create(
                plan_model(household=h, village_id=VILLAGE, year=YEAR) for h in households
            )
            measure.objects.bulk_create(
                measure(
                    plan=plan,
                    village_id=VILLAGE,
                    type=kind,
                    year=YEAR,
                    amount=amount,
                    responsible=cadres[i % len(cadres)],
                    status=status,
                    description=text,
                )
                for i, plan in enumerate(plans)
                for kind, amount, status, text in (
                    ("industry", Decimal(3000 + 100 * (i % 20)), "in_progress", "养殖基础母牛"),
                    ("education", None, "planned", "雨露计划职业教育补助"),
                )
            )


def pdf_pages(content: bytes) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--keep", help="also write the village PDF to this file")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="fupin-bench-cards-"))
    try:
        _setup(var)
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from fupin.areas.services import areas_load_hinggan
        from fupin.assistance import cards
        from fupin.core.pdf import render_pdf
        from fupin.registry.models import Household

        call_command("migrate", verbosity=0)
        areas_load_hinggan()
        start = time.perf_counter()
        generate(args.households)
        print(f"generated {args.households} households in {time.perf_counter() - start:.1f} s")
        today = datetime.date(YEAR, 6, 30)
        households = cards.village_households(VILLAGE)

        # Warm-up: fonts and WeasyPrint's first-use costs are not part of any measurement.
        render_pdf("<p style='font-family: \"Noto Serif CJK SC\"'>预热</p>")

        start, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            built = cards.build_cards(households, year=YEAR, today=today)
        read_s = time.perf_counter() - start
        content = cards.render_cards_pdf(built, year=YEAR, today=today)
        village_s = time.perf_counter() - start
        village_cpu = time.process_time() - cpu
        pages = pdf_pages(content)
        if args.keep:
            Path(args.keep).write_bytes(content)

        start = time.perf_counter()
        for pk in households.order_by("number").values_list("pk", flat=True):
            one = cards.build_cards(Household.objects.filter(pk=pk), year=YEAR, today=today)
            cards.render_cards_pdf(one, year=YEAR, today=today)
        separate_s = time.perf_counter() - start

        n = len(built)
        minimal = (
            "<html><head><style>@page { size: A4; margin: 12mm } "
            "html { font-family: 'Noto Serif CJK SC' } p + p { break-before: page }</style>"
            "</head><body>"
            + "".join(f"<p>精准扶贫明白卡 第{i}页</p>" for i in range(n))
            + "</body></html>"
        )
        start = time.perf_counter()
        minimal_pdf = render_pdf(minimal)
        minimal_s = time.perf_counter() - start

        start = time.perf_counter()
        a5 = cards.render_cards_pdf(
            cards.build_cards(households, year=YEAR, today=today, size="A5"),
            year=YEAR,
            today=today,
            size="A5",
        )
        a5_s = time.perf_counter() - start

        print(f"households:               {n}")
        print(
            f"village PDF (A4):         {village_s:.2f} s ({pages} pages, "
            f"{len(queries)} queries, read {read_s * 1000:.0f} ms, {len(content) // 1024} KiB)"
            " (target < 10 s)"
        )
        print(
            f"  of which CPU:            {village_cpu:.2f} s (wall minus CPU: waiting for a core)"
        )
        print(f"village PDF (A5):         {a5_s:.2f} s ({pdf_pages(a5)} pages)")
        print(f"one household ×{n}:        {separate_s:.2f} s")
        print(f"minimal {n}-page PDF:     {minimal_s:.2f} s ({pdf_pages(minimal_pdf)} pages)")
        print(f"ratio village/separate:   {village_s / separate_s:.2f}")
        print(f"ratio village/minimal:    {village_s / minimal_s:.2f}")
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
