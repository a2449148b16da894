"""Run every benchmark in turn, each in its own process (each sets up its own database).

python -m bench.run_all [--import-rows N] [--scale-persons N]

The two scale benchmarks run here at 200,000 persons so the whole run stays quick;
their figure of record is at 10,000,000 persons (``--scale-persons 10000000``, see
bench/README.md; the scale database is built once and reused).
"""

import argparse
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--scale-persons", type=int, default=200_000)
    args = parser.parse_args()
    runs = [
        ["bench.bench_areas"],
        ["bench.bench_pages"],
        ["bench.bench_import", "--rows", str(args.import_rows)],
        ["bench.bench_assess", "--households", "1000000"],
        ["bench.bench_compliance"],
        ["bench.bench_cards"],
        ["bench.bench_warmap"],
        ["bench.bench_warmap_scale", "--persons", str(args.scale_persons)],
        ["bench.bench_rollup_duckdb", "--persons", str(args.scale_persons)],
    ]
    failed = 0
    for run in runs:
        print(f"\n=== {' '.join(run)}", flush=True)
        failed |= subprocess.call([sys.executable, "-m", *run])
    return failed


if __name__ == "__main__":
    sys.exit(main())
