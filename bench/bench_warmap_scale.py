"""Benchmark: the war map from the rollups at N generated persons (all of Inner Mongolia).

    python -m bench.bench_warmap_scale [--persons 10000000] [--rebuild] [--year 2016]
    python -m bench.bench_warmap_scale --persons 30000000 --nation   # all of China's villages

Opens (or builds once, see :mod:`bench.scale`) the scale database, then requests the war map
of the whole province (area 15) and of a league (1522) through the Django test client
(``DEBUG=False``, warm, as a user whose scope is the province), and prints each median server
time, its ratio to the 1 s target, and its ratio to the baseline run in the same process:
the same headline figures (poor, identified, exited, relapsed households and persons of the
area and year) computed by one direct ``GROUP BY`` over the status rows — what the page
would cost without the rollups. Target: under 1 s at 10,000,000 persons.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench import scale

# (area, url): the province, its JSON twin, a league (兴安盟), a county (呼和浩特市赛罕区).
PAGES = [
    ("15", "/warmap/?area=15&year={year}"),
    ("15", "/api/areas/15/warmap/?year={year}"),
    ("1522", "/warmap/?area=1522&year={year}"),
    ("150105", "/warmap/?area=150105&year={year}"),
]
REPEAT = 9
TARGET_MS = 1000.0


def median_ms(fn, repeat: int = REPEAT) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def direct_sql(code: str, year: int) -> tuple[str, list]:
    """The headline figures of ``code`` in ``year`` straight from the status rows."""
    from fupin.registry import codes

    poor = "('" + "','".join(codes.POOR_STATUSES) + "')"
    exited = "('" + "','".join(codes.EXITED_STATUSES) + "')"
    identified = "h.identified_year = s.year"
    is_exit = f"s.status IN {exited} AND (p.status IN {poor} OR {identified})"
    is_relapse = f"s.status = 'relapsed' AND p.status IN {exited}"
    upper = code[:-1] + chr(ord(code[-1]) + 1)
    return (
        f"""
        SELECT
            SUM(CASE WHEN s.status IN {poor} THEN 1 ELSE 0 END),
            SUM(CASE WHEN s.status IN {poor} THEN s.members_count ELSE 0 END),
            SUM(CASE WHEN {identified} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {identified} THEN s.members_count ELSE 0 END),
            SUM(CASE WHEN {is_exit} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {is_exit} THEN s.members_count ELSE 0 END),
            SUM(CASE WHEN {is_relapse} THEN 1 ELSE 0 END),
            SUM(CASE WHEN {is_relapse} THEN s.members_count ELSE 0 END)
        FROM registry_statusrecord s
        JOIN registry_household h ON h.id = s.household_id
        LEFT JOIN registry_statusrecord p ON p.household_id = s.household_id AND p.year = %s
        WHERE s.year = %s AND s.village_id >= %s AND s.village_id < %s
        """,
        [year - 1, year, code, upper],
    )


HEADLINE = (
    "poor_households",
    "poor_persons",
    "identified_households",
    "identified_persons",
    "exited_households",
    "exited_persons",
    "relapsed_households",
    "relapsed_persons",
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--within", default=scale.PROVINCE)
    where.add_argument("--nation", action="store_const", const="", dest="within")
    args = parser.parse_args(argv)
    built = scale.open_database(args.persons, args.rebuild, within=args.within)

    from django.conf import settings
    from django.db import connection

    from fupin.accounts.models import User
    from fupin.warmap import selectors

    assert not settings.DEBUG
    print(
        f"scale database: {built['persons']:,} persons, {built['households']:,} households, "
        f"{built['statuses']:,} status rows, {built['villages']:,} villages ({connection.vendor})"
    )
    client = scale.client_for_province()
    user = User.objects.get(username=scale.USERNAME)

    rows = []
    for code in dict(PAGES):
        sql, params = direct_sql(code, args.year)
        result = {}

        def direct(sql=sql, params=params, result=result):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                result["row"] = cursor.fetchone()

        base_ms = median_ms(direct, repeat=max(1, args.repeat // 3))
        figures = selectors.headline(user, selectors.access_area(user, code), args.year)
        page_values = tuple(figures[key]["value"] for key in HEADLINE)
        direct_values = tuple(v or 0 for v in result["row"])
        assert page_values == direct_values, (code, page_values, direct_values)
        rows.append((code, base_ms, page_values))
        print(
            f"baseline, area {code} {args.year}: direct GROUP BY over the status rows "
            f"{base_ms:,.0f} ms (poor persons {page_values[1]:,}; equal to the rollups)"
        )
    baseline = dict((code, ms) for code, ms, _ in rows)

    print(f"{'page':40} {'median ms':>10} {'÷ 1 s':>7} {'baseline ÷ page':>16}")
    worst = 0.0
    for code, pattern in PAGES:
        url = pattern.format(year=args.year)

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        ms = median_ms(get, repeat=args.repeat)
        worst = max(worst, ms)
        print(
            f"{url:40} {ms:10.1f} {ms / TARGET_MS:7.2f} {baseline[code] / ms:16.1f}  "
            f"(loadavg {Path('/proc/loadavg').read_text().split()[0]})",
            flush=True,
        )
    print(f"worst median: {worst:.1f} ms — {worst / TARGET_MS:.2f} of the 1 s target")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
