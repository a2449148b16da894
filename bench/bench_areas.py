"""Benchmark: `fupin areas load` of the whole of China (665,276 rows, csv.gz).

    python -m bench.bench_areas [--file china-2023.csv.gz]

The file (not in the repository) holds the NBS 2023 division codes of all of China in the
format of ``fupin/areas/data/hinggan-2023.csv``; by default it is read from
``data/divisions/`` in the folder named ``shared`` beside the checkout.

Into a fresh temporary SQLite database, times (a) ``areas_load`` — reading, checking every row
and upserting — and (b) the baseline in the same process: the same rows, already parsed,
inserted by one raw ``executemany`` in one transaction into an empty copy of the table.
Prints both and the ratio. Target: the load under a minute.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "divisions" / "china-2023.csv.gz"
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", default=str(DEFAULT))
    args = parser.parse_args(argv)
    path = Path(args.file)
    var = Path(tempfile.mkdtemp(prefix="fupin-bench-areas-"))
    os.environ["FUPIN_VAR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from fupin.areas.models import Area
    from fupin.areas.services import areas_load, read_division_file

    call_command("migrate", verbosity=0)

    start = time.perf_counter()
    result = areas_load(path=path)
    load_s = time.perf_counter() - start

    rows = read_division_file(path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_area AS SELECT * FROM areas_area WHERE 0")
        cursor.execute("CREATE UNIQUE INDEX bench_area_pk ON bench_area (code)")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_area (code, name, level, parent_id, participates) "
            "VALUES (%s, %s, %s, %s, %s)",
            [(c, n, lv, p, True) for c, n, lv, p in rows],
        )
    raw_s = time.perf_counter() - start

    print(f"rows: {result.rows:,} (in database: {Area.objects.count():,})")
    print(f"areas load (read + check + upsert): {load_s:6.2f} s   target < 60 s")
    print(f"raw executemany of parsed rows:     {raw_s:6.2f} s")
    print(f"ratio load / raw insert:            {load_s / raw_s:6.2f}")
    return 0 if load_s < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
