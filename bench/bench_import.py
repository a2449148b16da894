"""Benchmark: the registry import (`fupin import FILE`) of N member rows.

    python -m bench.bench_import [--rows 1000000] [--sample 2000] [--cards] [--keep] [--pg]

Generates a .csv of N valid member rows (≈2.6 members per household, valid ID numbers, real
Hinggan village codes) and, each on its own fresh temporary SQLite database (migrated, areas
loaded), times:

(a) ``import_file`` of the whole file: reading, validating every row and writing households,
    members, the year's status rows and the history rows of all three, in one transaction;
    then the export of every household as .xlsx (``export_members``, members and income
    sheets), and the same file imported again (a no-op);
(b) the baseline: the same rows read from the same file and written with raw
    ``cursor.executemany`` into the same tables (households, members, status rows and their
    three history tables) in one transaction, with only the transformation the rows need
    (labels → codes, sex and birth date from the ID) and no validation;
(c) the naive ORM loop on the first ``--sample`` rows: per row ``get_or_create`` of the
    household, ``full_clean()`` + ``save()`` of the member (history by signal), and
    ``update_or_create`` of the status row — extrapolated to N rows;
(``--cards``) the clarity-card PDF of the village with the most households.

Each phase runs in its own child process (``--phase``), which reports its time, its CPU
seconds, its peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and the load average when
it started and ended: the peak printed beside each time is that phase's alone. Prints the two
ratios: import ÷ raw (target ≤ 3, by the wall clock and by CPU seconds) and naive ÷ import per
row (target ≥ 20), and the import's peak (target ≤ 1 GB). Not part of the tests.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGIONS = ("152201", "152202", "152221", "152222", "152223", "152224")
SIZES = (2, 3, 3, 2, 3, 2, 3, 3, 2, 3)  # 2.6 members per household
YEAR = 2017


# With --pg, each phase's database is a PostgreSQL database named PG_PREFIX + its name on
# $BENCH_PG's server (default below), copied from the migrated one (PG_PREFIX + "fupin").
PG_PREFIX = "fupin_bench_import_"
PG_DEFAULT = "postgres://fupin:fupin@127.0.0.1:5432/postgres"


def _pg_url(name: str) -> str:
    return os.environ.get("BENCH_PG", PG_DEFAULT).rsplit("/", 1)[0] + "/" + PG_PREFIX + name


def _pg_admin(*statements: str) -> None:
    base = os.environ.get("BENCH_PG", PG_DEFAULT)
    for sql in statements:
        subprocess.run(["psql", base, "-qc", sql], check=True)


def _setup(var: Path, pg: bool = False) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    if pg:
        os.environ["DATABASE_URL"] = _pg_url("fupin")
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    os.environ["FUPIN_AS_OF"] = f"{YEAR}-06-30"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def _use_database(var: Path, name: str) -> None:
    """Point the connection at the phase's database: ``var/NAME.sqlite3``, or with --pg the
    PostgreSQL database of that name."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["NAME"] = PG_PREFIX + name
    else:
        connection.settings_dict["NAME"] = str(var / f"{name}.sqlite3")


def _database_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this connection (0 on SQLite): on
    PostgreSQL much of a write's work is the server's, which the client's rusage misses."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _person(n: int, role: str) -> tuple[str, str]:
    """Return (ID number, relation) of person ``n``; unique across millions of persons."""
    from fupin.core.idnumber import make_id_number

    if role == "child":
        start, span = datetime.date(2002, 1, 1), 3000
    else:
        start, span = datetime.date(1958, 1, 1), 9000
    birth = start + datetime.timedelta(days=(n // 500) % span)
    region = REGIONS[(n // (500 * span)) % len(REGIONS)]
    sex = "M" if role == "head" else "F" if role == "spouse" else "MF"[n % 2]
    return make_id_number(region, birth, n % 500, sex), {
        "head": "户主",
        "spouse": "配偶",
        "child": "之子" if sex == "M" else "之女",
    }[role]


def generate(path: Path, rows: int, villages: list[str]) -> int:
    """Write ``rows`` member rows; return the number of households."""
    from fupin.registry.rules import MEMBER_COLUMNS

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MEMBER_COLUMNS)
        written = household = 0
        while written < rows:
            size = min(SIZES[household % len(SIZES)], rows - written)
            village = villages[household % len(villages)]
            # The one format: the village code and a 4-digit serial within the village.
            number = f"{village}{household // len(villages) + 1:04d}"
            for i in range(size):
                role = "head" if i == 0 else "spouse" if i == 1 else "child"
                id_number, relation = _person(written, role)
                adult = role != "child"
                writer.writerow(
                    [
                        village,
                        number,
                        f"成员{written}",
                        id_number,
                        relation,
                        "蒙古族" if written % 3 == 0 else "汉族",
                        "初中" if adult else "小学",
                        "非在校生" if adult else "小学",
                        "健康",
                        "普通劳动力" if adult else "",
                        "3" if adult else "0",
                        "是",
                        "一般贫困户",
                        "缺资金",
                        "缺技术",
                        "否",
                        "是",
                        "2014",
                        "未脱贫",
                        "",
                        "13900000000",
                    ]
                )
                written += 1
            household += 1
    return household


def raw_baseline(path: Path) -> None:
    """Insert the file's rows with raw executemany: the floor an import is measured against."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fupin.core.rows import write_tuples
    from fupin.registry import codes
    from fupin.registry.models import Household, Member, StatusRecord

    relation = codes.label_to_value(codes.Relation)
    ethnicity = codes.label_to_value(codes.Ethnicity)
    education = codes.label_to_value(codes.Education)
    school = codes.label_to_value(codes.SchoolStatus)
    health = codes.label_to_value(codes.Health)
    labour = codes.label_to_value(codes.Labour)
    attribute = codes.label_to_value(codes.Attribute)
    cause = codes.label_to_value(codes.Cause)
    status = codes.label_to_value(codes.Status)
    now = timezone.now().isoformat()
    hh_rows, hh_hist, m_rows, m_hist, s_rows, s_hist = [], [], [], [], [], []
    households: dict[str, list] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for member_id, r in enumerate(reader, start=1):
            number = r[1]
            h = households.get(number)
            if h is None:
                h = [
                    len(households) + 1,
                    number,
                    r[0],
                    "",
                    0,
                    attribute[r[12]],
                    cause[r[13]],
                    '["' + cause[r[14]] + '"]',
                    r[15] == "是",
                    r[16] == "是",
                    r[20],
                    int(r[17]),
                    status[r[18]],
                    None,
                ]
                households[number] = h
            h[4] += 1
            if r[4] == "户主":
                h[3] = r[2]
            idn = r[3]
            m = (
                member_id,
                h[0],
                r[0],
                r[2],
                idn,
                "M" if int(idn[16]) % 2 else "F",
                f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}",
                relation[r[4]],
                ethnicity[r[5]],
                education.get(r[6], ""),
                school.get(r[7], ""),
                health[r[8]],
                labour.get(r[9], ""),
                int(r[10] or 0),
                r[11] == "是",
            )
            m_rows.append((*m, None, "", "", "", now))
            m_hist.append((*m, None, "", "", "", now, "+", None, "导入"))
    # farmland … bank_account (hh_cols after the file's own): the model's defaults
    h_defaults = (None, None, True, None, "national", None, False, "", "", "")
    for h in households.values():
        h = tuple(h)
        hh_rows.append((*h, *h_defaults, now, now))
        hh_hist.append((*h, *h_defaults, now, "+", None, "导入"))
        s = (h[0], h[0], h[2], YEAR, h[12], h[5], h[4])
        s_rows.append(s)
        s_hist.append((*s, now, "+", None, "导入"))

    hh_cols = [
        "id",
        "number",
        "village_id",
        "head_name",
        "members_count",
        "attribute",
        "main_cause",
        "other_causes",
        "dangerous_housing",
        "safe_water",
        "phone",
        "identified_year",
        "status",
        "exit_year",
        "farmland_mu",
        "house_area",
        "has_electricity",
        "road_km",
        "standard",
        "planned_exit_year",
        "historical_load",
        "historical_reason",
        "address",
        "bank_account",
    ]
    m_cols = [
        "id",
        "household_id",
        "village_id",
        "name",
        "id_number",
        "sex",
        "birth_date",
        "relation",
        "ethnicity",
        "education",
        "school_status",
        "health",
        "labour",
        "migrant_months",
        "medical_insurance",
        "pension",
        "phone",
        "name_mn",
        "left_reason",
    ]
    s_cols = ["id", "household_id", "village_id", "year", "status", "attribute", "members_count"]
    hist = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    tables = [
        (Household._meta.db_table, [*hh_cols, "created_at", "updated_at"], hh_rows),
        (Member._meta.db_table, [*m_cols, "updated_at"], m_rows),
        (StatusRecord._meta.db_table, s_cols, s_rows),
        (Household.history.model._meta.db_table, [*hh_cols, *hist], hh_hist),
        (Member.history.model._meta.db_table, [*m_cols, *hist], m_hist),
        (StatusRecord.history.model._meta.db_table, [*s_cols, *hist], s_hist),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in tables:
            if connection.vendor == "postgresql":
                # COPY, as the import writes on PostgreSQL: executemany would flatter it.
                write_tuples(cursor, table, columns, rows)
                continue
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                table, ", ".join(columns), ", ".join(["%s"] * len(columns))
            )
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[start : start + 5000])


def naive(path: Path, sample: int) -> int:
    """The per-row ORM loop on the first ``sample`` rows; return the rows done."""
    from fupin.core.idnumber import parse_id_number
    from fupin.registry import codes
    from fupin.registry.models import Household, Member, StatusRecord

    lookup = {c: codes.label_to_value(c) for c in (codes.Relation, codes.Ethnicity)}
    done = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for r in reader:
            if done >= sample:
                break
            info = parse_id_number(r[3], today=datetime.date(YEAR, 6, 30))
            household, _created = Household.objects.get_or_create(
                number=r[1],
                defaults={
                    "village_id": r[0],
                    "attribute": codes.Attribute.GENERAL,
                    "main_cause": codes.Cause.CAPITAL,
                    "identified_year": int(r[17]),
                },
            )
            member = Member(
                household=household,
                village_id=r[0],
                name=r[2],
                id_number=info.number,
                sex=info.sex,
                birth_date=info.birth_date,
                relation=lookup[codes.Relation][r[4]],
                ethnicity=lookup[codes.Ethnicity][r[5]],
                health=codes.Health.HEALTHY,
                school_status=codes.SchoolStatus.NONE,
                labour=codes.Labour.ORDINARY,
            )
            member.full_clean()
            member.save()
            household.members_count = household.members.count()
            household.save()
            StatusRecord.objects.update_or_create(
                household=household,
                year=YEAR,
                defaults={
                    "village_id": r[0],
                    "status": codes.Status.POOR,
                    "attribute": codes.Attribute.GENERAL,
                    "members_count": household.members_count,
                },
            )
            done += 1
    return done


PHASES = ("setup", "generate", "import", "export", "again", "raw", "naive", "cards")


def _phase(name: str, var: Path, args) -> dict:
    """Run one phase in this (fresh) process; return what it measured."""
    import resource

    os.environ["FUPIN_IMPORT_MAX_ROWS"] = str(max(args.rows, 200_000))
    _setup(var, args.pg)
    from django.core.management import call_command

    from fupin.registry.models import Household, Member, StatusRecord

    out: dict = {}
    data = var / "members.csv"
    # The machine's load beside each time: the wall clock is the other processes' too.
    load = os.getloadavg()[0]
    start = time.perf_counter()
    server_cpu = 0.0
    if name == "setup":
        from fupin.areas.services import areas_load_hinggan

        call_command("migrate", verbosity=0)
        areas_load_hinggan()
    elif name == "generate":
        from fupin.areas.models import Area, Level

        villages = sorted(
            Area.objects.filter(level=Level.VILLAGE, participates=True).values_list(
                "code", flat=True
            )
        )
        out["households"] = generate(data, args.rows, villages)
    elif name in ("import", "again"):
        from fupin.registry import importing

        _use_database(var, "import")
        server_cpu = -_database_cpu()
        result = importing.import_file(actor=None, path=data, year=YEAR)
        server_cpu += _database_cpu()
        assert result.ok, result.messages(5)
        assert Member.objects.count() == args.rows and Member.history.count() == args.rows
        if name == "import":
            assert Household.objects.count() == StatusRecord.objects.count()
        else:
            assert result.counts["members_unchanged"] == args.rows
    elif name == "export":
        from fupin.registry.exporting import export_members

        _use_database(var, "import")
        exported, _type, _name = export_members(Household.objects.all(), "xlsx")
        out["households"] = Household.objects.count()
        out["mb"] = len(exported) / 1e6
    elif name == "cards":
        from django.db.models import Count

        from fupin.assistance import cards
        from fupin.core.clock import as_of

        _use_database(var, "import")
        village = (
            Household.objects.values("village_id")
            .annotate(n=Count("id"))
            .order_by("-n", "village_id")
            .first()
        )
        built = cards.build_cards(
            cards.village_households(village["village_id"]), year=YEAR, today=as_of()
        )
        out["mb"] = len(cards.render_cards_pdf(built, year=YEAR, today=as_of())) / 1e6
        out["households"] = len(built)
    elif name == "raw":
        _use_database(var, "raw")
        server_cpu = -_database_cpu()
        raw_baseline(data)
        server_cpu += _database_cpu()
        assert Member.objects.count() == args.rows and Member.history.count() == args.rows
    elif name == "naive":
        _use_database(var, "naive")
        out["sample"] = naive(data, min(args.sample, args.rows))
    out["seconds"] = time.perf_counter() - start
    out["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    # CPU seconds beside the wall clock: on a shared, busy machine they are the fairer figure.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu"] = usage.ru_utime + usage.ru_stime + server_cpu
    if server_cpu:
        out["server_cpu"] = server_cpu
    # Linux reports ru_maxrss in KiB: the peak of this process, i.e. of this phase alone.
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run_phase(name: str, var: Path, args) -> dict:
    """Run ``name`` in a child process, so that its peak RSS is its own."""
    command = [sys.executable, "-m", "bench.bench_import", "--phase", name, "--var", str(var)]
    command += ["--rows", str(args.rows), "--sample", str(args.sample)]
    if args.pg:
        command.append("--pg")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"phase {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--cards", action="store_true", help="also print the largest village's clarity cards"
    )
    parser.add_argument(
        "--pg",
        action="store_true",
        help="on PostgreSQL ($BENCH_PG's server): databases fupin_bench_import_*, dropped first",
    )
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--var", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(_phase(args.phase, Path(args.var), args)))
        return 0
    var = Path(tempfile.mkdtemp(prefix="fupin-bench-import-"))
    runs: dict[str, dict] = {}
    copies = ("import", "raw", "naive")
    if args.pg:
        _pg_admin(
            *(f"DROP DATABASE IF EXISTS {PG_PREFIX}{n}" for n in ("fupin", *copies)),
            f"CREATE DATABASE {PG_PREFIX}fupin",
        )
    for name in PHASES:
        if name == "cards" and not args.cards:
            continue
        if name == "import" and args.pg:
            _pg_admin(
                *(f"CREATE DATABASE {PG_PREFIX}{n} TEMPLATE {PG_PREFIX}fupin" for n in copies)
            )
        elif name == "import":
            fresh = var / "fupin.sqlite3"
            for copy in copies:
                shutil.copy(fresh, var / f"{copy}.sqlite3")
        runs[name] = _run_phase(name, var, args)
        # Each phase as it ends: a long run's finished phases are not lost if it is stopped.
        print(f"  phase {name}: {json.dumps(runs[name])}", flush=True)
    households = runs["generate"]["households"]
    import_s, raw_s = runs["import"]["seconds"], runs["raw"]["seconds"]
    naive_s, sample = runs["naive"]["seconds"], runs["naive"]["sample"]
    naive_total = naive_s / sample * args.rows

    def line(label: str, run: dict, extra: str = "") -> None:
        print(
            f"{label:<30}{run['seconds']:8.1f} s  (cpu {run.get('cpu', 0):6.1f} s)"
            f"   peak {run['peak_mb']:7,.0f} MB   load {run['load'][0]:.1f}–{run['load'][1]:.1f}"
            f"{extra}"
        )

    print(f"rows:                         {args.rows:,} ({households:,} households)")
    line("(a) import_file:", runs["import"], f"  ({args.rows / import_s:,.0f} rows/s)")
    line("    same file again (no-op):", runs["again"])
    export = runs["export"]
    line(
        "    export all (xlsx):",
        export,
        f"  ({export['households']:,} households, {export['mb']:.1f} MB)",
    )
    line("(b) raw executemany:", runs["raw"])
    line(
        "(c) naive ORM loop:",
        runs["naive"],
        f"  for {sample:,} rows → {naive_total:,.0f} s extrapolated",
    )
    if "cards" in runs:
        cards_run = runs["cards"]
        line(
            "    village PDF (cards):",
            cards_run,
            f"  ({cards_run['households']:,} households, {cards_run['mb']:.1f} MB)",
        )
    print(f"import ÷ raw:                 {import_s / raw_s:8.2f}  (target ≤ 3)")
    # On a machine shared with other work the wall clock is the others' too; CPU is not.
    cpu_ratio = runs["import"]["cpu"] / runs["raw"]["cpu"]
    print(f"import ÷ raw, CPU seconds:    {cpu_ratio:8.2f}  (target ≤ 3)")
    print(f"naive ÷ import (per row):     {naive_total / import_s:8.1f}  (target ≥ 20)")
    print(f"import peak RSS:              {runs['import']['peak_mb']:8,.0f} MB  (target ≤ 1,024)")
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)
        if args.pg:
            _pg_admin(*(f"DROP DATABASE IF EXISTS {PG_PREFIX}{n}" for n in ("fupin", *copies)))
    else:
        print(f"kept {var}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
