"""Benchmark: the household list, the area overview, 记录走访 and a household's page at demo scale.

    python -m bench.bench_pages [--var DIR]

Builds the full demo (≈70,000 households) once into DIR (default bench/out/demo-var, reused
on later runs), then times pages through the Django test client, warm, for a league user and
a village user over several filters, and prints each page's median and, as the baseline run
in the same process, the median of the page's core SQL (the scoped COUNT the page needs) run
raw on the same connection: the ratio says what the page adds on top of the database.
Targets: the list and the overview under 100 ms whatever the filter; 记录走访 (the page, its
household search, a chosen household) under 300 ms for league HQ, a county and a village user,
which holds only while the page renders no list of all cadres or households. Prints the peak RSS
of the process at the end.
"""

import argparse
import os
import resource
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
        call_command("demo", "--all", "--password", "bench-pass-1", verbosity=0)
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
    county = User.objects.get(username="county_office-152223")
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
    # 记录走访: the empty page, a search by name, by an ID number's tail, and one household
    # chosen (its cadres offered); then that household's page, the household's single record.
    # League HQ and the county offices may not record visits (the role matrix refuses them),
    # so the superuser, whose scope is everything, stands for the largest scope.
    admin = User.objects.get(username="admin")
    cadre = User.objects.get(username="pairing_cadre-152223100234")
    local = Household.objects.within("152223100234").order_by("pk").first()
    tail = local.members.first().id_number[-6:]
    visit_pages = [
        (admin, "/visits/new/", ""),
        (admin, f"/visits/new/households/?q={name}", ""),
        (admin, f"/visits/new/households/?q={tail}", ""),
        (admin, f"/visits/new/?household={local.pk}", ""),
        (village, "/visits/new/", "152223100234"),
        (village, f"/visits/new/households/?q={name}", "152223100234"),
        (village, f"/visits/new/?household={local.pk}", "152223100234"),
        (cadre, "/visits/new/", "152223100234"),
        (league, f"/cadres/options/?q={name[:1]}", "1522"),
        (county, f"/cadres/options/?q={name[:1]}", "152223"),
        (league, f"/households/{local.pk}/", "1522"),
        (county, f"/households/{local.pk}/", "152223"),
        (village, f"/households/{local.pk}/", "152223100234"),
    ]
    pages = [(u, url, p, 100) for u, url, p in pages] + [
        (u, url, p, 300) for u, url, p in visit_pages
    ]
    clients = {}
    worst = 0.0
    over = []
    print(f"{'page':72} {'user':>8} {'median ms':>10} {'raw SQL ms':>10} {'ratio':>7}")
    for user, url, prefix, target in pages:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)

        def get(url=url, client=client):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        page_ms = median_ms(get)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "9"

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
        if page_ms > target:
            over.append((url, page_ms, target))
        who = user.username.split("-")[0][:8]
        print(f"{url:72} {who:>8} {page_ms:10.1f} {raw_ms:10.2f} {page_ms / raw_ms:7.1f}")
    print(f"worst median: {worst:.1f} ms")
    for url, page_ms, target in over:
        print(f"over target: {url} {page_ms:.1f} ms (target < {target} ms)")
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
