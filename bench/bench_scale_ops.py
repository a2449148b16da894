"""Benchmark: the registry's search, the yearly assessment and the full rollup rebuild on the
scale database (:mod:`bench.scale`), beside the war map of ``bench_warmap_scale``.

    python -m bench.bench_scale_ops --persons 30000000 --nation [--county 152223] [--skip-all]

Opens the scale database already built (``python -m bench.scale …``), then times, printing
each with the load average beside it (the machine is shared) and this process's CPU time:

* the household search as the registry's list page runs it (``registry.selectors.
  household_list`` and ``household_count`` with ``q``, as a county user and as the province's
  user): by a member's name, by the tail of a household number, by the head of an ID number;
  median of 5, each on a fresh user (the selector caches a search per user and request);
* the yearly assessment (``fupin assess --year 2016 --area COUNTY --overwrite``, the path of
  ``bench_assess``) of one county;
* the full rollup rebuild (``fupin.registry.rollups.refresh()``, as ``fupin rollup`` runs it);
* the assessment of all (without ``--skip-all``), last: the longest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench import scale


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(label: str, fn, repeat: int = 1):
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    wall = statistics.median(walls)
    print(
        f"{label:58} {wall * 1000:11,.0f} ms  (python CPU {statistics.median(cpus) * 1000:,.0f} "
        f"ms; loadavg {loadavg()})",
        flush=True,
    )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--within", default=scale.PROVINCE)
    where.add_argument("--nation", action="store_const", const="", dest="within")
    parser.add_argument("--county", default="152223")
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--skip-all", action="store_true", help="no assessment of all")
    args = parser.parse_args(argv)
    built = scale.open_database(args.persons, within=args.within)
    print(
        f"scale database: {built['persons']:,} persons, {built['households']:,} households, "
        f"{built['villages']:,} villages; loadavg {loadavg()}",
        flush=True,
    )

    from django.core.management import call_command
    from django.db import connection

    from fupin.accounts.models import Role, RoleAssignment, User
    from fupin.registry import rollups, selectors
    from fupin.registry.models import Household, Member

    county_user, _ = User.objects.get_or_create(username=f"scale-county-{args.county}")
    RoleAssignment.objects.get_or_create(
        user=county_user, role=Role.COUNTY_OFFICE, area_id=args.county
    )
    in_county = Household.objects.within(args.county).order_by("number")
    # The 1,001st household, or the middle one of a county the smaller builds leave thinner.
    household = in_county[min(1000, in_county.count() // 2)]
    member = Member.objects.filter(household_id=household.pk).order_by("pk").first()
    queries = {
        "name": member.name,
        "household number (tail)": household.number[-6:],
        # The generated ID numbers start with "S" (never a real one's): a head of digits
        # takes the search's ID-number path (a range on the unique index) and matches none.
        "ID number (head, digits)": f"{args.county}1980",
    }
    for who in (county_user.username, scale.USERNAME):
        for kind, q in queries.items():

            def search(who=who, q=q):
                user = User.objects.get(username=who)
                filters = selectors.HouseholdFilter(q=q)
                rows = list(selectors.household_list(user, filters)[:20])
                return selectors.household_count(user, filters), rows

            count, _rows = timed(f"search {kind} {q!r} as {who}", search, repeat=5)
            print(f"  {count:,} households found", flush=True)

    timed(
        f"assess --year {args.year} --area {args.county}",
        lambda: call_command(
            "assess", "--year", str(args.year), "--area", args.county, "--overwrite"
        ),
    )
    timed("full rollup rebuild (rollups.refresh())", rollups.refresh)
    if not args.skip_all:
        timed(
            f"assess --year {args.year} (all)",
            lambda: call_command("assess", "--year", str(args.year), "--overwrite"),
        )
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
