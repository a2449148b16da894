"""Benchmark: the league's war map (page and API) at demo scale.

    python -m bench.bench_warmap [--var DIR]

Uses the full demo of ``bench.bench_pages`` (built once into DIR, default bench/out/demo-var),
times ``/warmap/`` and ``/api/areas/<code>/warmap/`` through the Django test client, warm, as
the league user, and prints each median beside the baseline run in the same process: the same
headline and county figures computed by a naive ORM loop over the year's status rows and
their households (what the page would cost without the rollups). Also times the war map's
rollup rebuild beside the registry's. Target: league war map under 150 ms.
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bench.bench_pages import median_ms, setup

PAGES = [
    "/warmap/?area=1522&year=2017",
    "/warmap/?area=1522&year=2016",
    "/api/areas/1522/warmap/?year=2017",
    "/warmap/?area=152223&year=2016",
    "/warmap/?area=152223100&year=2016",
]


def naive(year: int) -> Counter:
    """The headline and per-county figures by walking the status rows one by one."""
    from fupin.registry import codes
    from fupin.registry.models import StatusRecord

    before = {
        s.household_id: s.status for s in StatusRecord.objects.filter(year=year - 1).iterator()
    }
    out = Counter()
    for s in StatusRecord.objects.filter(year=year).select_related("household").iterator():
        county = s.village_id[:6]
        if s.status in codes.POOR_STATUSES:
            out["poor_persons"] += s.members_count
            out[county, "poor_persons"] += s.members_count
            out[county, s.household.main_cause] += s.members_count
        if s.household.identified_year == year:
            out["identified_persons"] += s.members_count
        if s.status in codes.EXITED_STATUSES and (
            before.get(s.household_id) in codes.POOR_STATUSES or s.household.identified_year == year
        ):
            out["exited_persons"] += s.members_count
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", default="bench/out/demo-var")
    args = parser.parse_args(argv)
    setup(Path(args.var).resolve())

    from django.core.management import call_command
    from django.test import Client

    from fupin.accounts.models import User
    from fupin.registry import rollups as registry_rollups
    from fupin.warmap import rollups
    from fupin.warmap.models import CauseFact

    if not CauseFact.objects.exists():  # a data set built before the war map existed
        call_command("rollup", verbosity=0)
    league = User.objects.get(username="league_hq-1522")
    client = Client()
    client.force_login(league)

    baseline_ms = median_ms(lambda: naive(2017))
    print(f"baseline (naive ORM loop over the status rows, league 2017): {baseline_ms:.1f} ms")
    print(f"{'page':44} {'median ms':>10} {'baseline ÷ page':>16}")
    worst = 0.0
    for url in PAGES:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        ms = median_ms(get)
        if "area=1522&" in url or "/1522/" in url:
            worst = max(worst, ms)
        print(f"{url:44} {ms:10.1f} {baseline_ms / ms:16.1f}")
    print(f"league war map, worst median: {worst:.1f} ms (target < 150 ms)")

    start = time.perf_counter()
    rollups.refresh()
    mine = time.perf_counter() - start
    start = time.perf_counter()
    registry_rollups.refresh()  # the registry's rebuild, which calls the war map's as a hook
    both = time.perf_counter() - start
    print(f"rollup rebuild: war map {mine:.2f} s; registry + war map {both:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
