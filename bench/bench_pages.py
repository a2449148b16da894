"""Benchmark: the household list and the area overview at demo scale.

    python -m bench.bench_pages [--var DIR]

Builds the full demo (≈70,000 households) once into DIR (default bench/out/demo-var, reused
on later runs), then times pages through the Django test client, warm, for a league user and
a village user over several filters, and prints each page's median and, as the baseline run
in the same process, the median of the page's core SQL (the scoped COUNT the page needs) run
raw on the same connection: the ratio says what the page adds on top of the database.
Target: median under 100 ms whatever the filter.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPEAT = 15


def setup(var: Path) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("FUPIN_AS_OF", None)
    var.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from fupin.registry.models import Household

    if not Household.objects.exists():
        print("building the demo data set (once)…", flush=True)
        call_command("areas_load", verbosity=0)
        call_command("demo", "--password", "bench-pass-1", verbosity=0)
    from fupin.registry.models import YearFact

    if not YearFact.objects.exists():  # a data set built before the rollups existed
        call_command("rollup", verbosity=0)


def median_ms(fn) -> float:
    fn()  # warm
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", default="bench/out/demo-var")
    args = parser.parse_args(argv)
    setup(Path(args.var).resolve())

    from django.db import connection
    from django.test import Client

    from fupin.accounts.models import User
    from fupin.registry.models import Household

    print(f"households: {Household.objects.count():,}")
    league = User.objects.get(username="league_hq-1522")
    village = User.objects.get(username="village_team-152223100234")
    some = Household.objects.within("152222").order_by("pk").first()
    name = some.members.first().name[:2]

    pages = [
        (league, "/households/", "1522"),
        (league, "/households/?year=2016&status=poor", "1522"),
        (league, "/households/?year=2017&status=poor&cause=illness&attribute=low_income", "1522"),
        (league, f"/households/?q={name}", "1522"),
        (league, f"/households/?q={some.number[:14]}", "1522"),
        (league, "/households/?area=152223&order=-size&page=20", "152223"),
        (league, "/areas/1522/?year=2016", "1522"),
        (league, "/areas/152223/?year=2017", "152223"),
        (league, "/areas/152223100/?year=2016", "152223100"),
        (village, "/households/", "152223100234"),
        (village, "/areas/152223100234/", "152223100234"),
    ]
    clients = {}
    worst = 0.0
    print(f"{'page':72} {'median ms':>10} {'raw SQL ms':>10} {'ratio':>7}")
    for user, url, prefix in pages:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)

        def get(url=url, client=client):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        page_ms = median_ms(get)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)

        def raw(prefix=prefix, upper=upper):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM registry_household WHERE village_id >= %s"
                    " AND village_id < %s",
                    [prefix, upper],
                )
                cursor.fetchone()

        raw_ms = median_ms(raw)
        worst = max(worst, page_ms)
        print(f"{url:72} {page_ms:10.1f} {raw_ms:10.2f} {page_ms / raw_ms:7.1f}")
    print(f"worst median: {worst:.1f} ms (target < 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
