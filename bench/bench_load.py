"""Benchmark: many cadres using fupin at once, against a real ``fupin serve``.

    python -m bench.bench_load [--users 50] [--duration 120] [--wait 1 3] [--stress 20]
                               [--scale 0.1] [--db sqlite|pg] [--workers 3] [--threads 4]
                               [--reuse DIR]

Builds the demo (``--scale``) into a fresh database in a temporary directory (SQLite in WAL
mode, or with ``--db pg`` a new database ``fupin_load`` on ``$BENCH_PG``, by default
``postgres://fupin:fupin@127.0.0.1:5432/postgres``), starts ``fupin serve`` on 127.0.0.1 with
``--workers`` gunicorn processes of ``--threads`` threads, and then runs, in a bounded thread
pool of simulated users:

(a) the load: ``--users`` users for ``--duration`` seconds, each waiting ``--wait`` seconds
    (uniform) between requests as a person does — league, county, township and village users
    and the pairing cadre mixed — 90 % reads (overview, war map, household search, lists, the
    API's figures) and 10 % writes (visits and concerns through the API, as the phone app
    sends them, each with a new uuid);
(b) the stress test: ``--stress`` users with no wait for ``--duration`` / 2 seconds.

Each phase prints requests, throughput, p50, p95 and p99 latency, errors by kind, and the
count of "database is locked" in the server's log. The targets on SQLite WAL: p95 < 300 ms
and 0 errors. The server's peak RSS (all its processes) is printed at the end. Not part of the
tests.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

PASSWORD = "bench-load-pw-1"
ROOT = Path(__file__).resolve().parent.parent
FUPIN = [sys.executable, "-m", "fupin.cli"]
LEAGUE, COUNTY, TOWNSHIP, VILLAGE = "1522", "152223", "152223100", "152223100234"

# Who signs in, and how many of the simulated users are of each kind (the league's users are
# mostly in the villages).
USERS = (
    ("league_hq-1522", 1),
    (f"county_office-{COUNTY}", 2),
    (f"township_officer-{TOWNSHIP}", 2),
    (f"village_team-{VILLAGE}", 3),
    (f"pairing_cadre-{VILLAGE}", 4),
)


def _reads(username: str) -> list[str]:
    area = username.rsplit("-", 1)[1]
    pages = [
        "/",
        f"/areas/{area}/",
        "/warmap/",
        f"/api/areas/{area}/stats/",
        f"/api/areas/{area}/warmap/",
        "/households/",
        "/households/?q=" + random.choice("王李张刘陈杨赵黄周吴"),
        "/concerns/",
        "/compliance/",
        "/my/",
    ]
    if username.startswith("pairing_cadre"):
        pages += ["/api/me/", "/api/me/households/", "/m/"]
    return pages


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    writes: int = 0
    by_path: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    lock = threading.Lock()

    def add(self, seconds: float, error: str | None, write: bool, path: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_path[path.split("?")[0]].append(seconds)
            self.writes += write
            if error:
                self.errors[error] += 1


class User:
    """One person at a browser or phone: signed in once, then reading and writing."""

    def __init__(self, base: str, username: str, households: list[int]):
        self.base = base
        self.username = username
        self.households = households
        self.session = requests.Session()
        page = self.session.get(f"{base}/accounts/login/", timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.session.post(
            f"{base}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=60,
        )
        if "/accounts/login/" in answer.url:
            raise SystemExit(f"{username} could not sign in")
        self.csrf = self.session.cookies.get("csrftoken")

    def step(self, tally: Tally, write_share: float) -> None:
        write = bool(self.households) and random.random() < write_share
        start = time.perf_counter()
        error = None
        path = "write"
        try:
            if write:
                response = self._write()
                path = response.request.path_url
                ok = response.status_code in (200, 201)
            else:
                path = random.choice(_reads(self.username))
                response = self.session.get(self.base + path, timeout=60)
                ok = response.status_code == 200
            if not ok:
                error = f"HTTP {response.status_code}"
        except requests.RequestException as problem:
            error = type(problem).__name__
        tally.add(time.perf_counter() - start, error, write, path)

    def _write(self) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf, "Referer": self.base + "/m/"}
        household = random.choice(self.households)
        if random.random() < 0.7:
            body = {
                "uuid": str(uuid.uuid4()),
                "household": household,
                "kind": "home",
                "content": "了解生产生活情况，宣讲政策",
            }
            return self.session.post(
                f"{self.base}/api/visits/", json=body, headers=headers, timeout=60
            )
        body = {"uuid": str(uuid.uuid4()), "household": household, "text": "饮水困难，请协调解决"}
        return self.session.post(
            f"{self.base}/api/concerns/", json=body, headers=headers, timeout=60
        )


def run_phase(
    users: list[User], seconds: float, wait: tuple[float, float], write_share: float
) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds

    def loop(user: User) -> None:
        while time.monotonic() < deadline:
            user.step(tally, write_share)
            if wait[1] > 0:
                time.sleep(random.uniform(*wait))

    threads = [threading.Thread(target=loop, args=(user,), daemon=True) for user in users]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.monotonic() - start  # type: ignore[attr-defined]
    return tally


def report(name: str, tally: Tally, locked: int) -> None:
    data = sorted(tally.latencies)
    if not data:
        print(f"{name}: no request")
        return

    def pct(p: float) -> float:
        return data[min(len(data) - 1, int(p / 100 * len(data)))] * 1000

    elapsed = tally.elapsed  # type: ignore[attr-defined]
    print(
        f"{name}: {len(data):,} requests ({tally.writes:,} writes) in {elapsed:.0f} s = "
        f"{len(data) / elapsed:.1f} req/s; p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms, "
        f"p99 {pct(99):.0f} ms, mean {statistics.mean(data) * 1000:.0f} ms; "
        f"errors {sum(tally.errors.values())} {dict(tally.errors)}; "
        f"'database is locked' in the server log: {locked}"
    )
    slowest = sorted(
        ((sorted(v)[int(0.95 * len(v))] * 1000, len(v), k) for k, v in tally.by_path.items()),
        reverse=True,
    )[:5]
    print("    slowest p95: " + "; ".join(f"{k} {ms:.0f} ms ({n})" for ms, n, k in slowest))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of the server and its children (gunicorn workers, task workers)."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pids += [int(child) for child in children]
    return total / 1024


def build(env: dict, var: Path, scale: float) -> None:
    start = time.perf_counter()
    for args in (
        ["migrate", "-v0"],
        ["areas", "load"],
        ["demo", "--scale", str(scale), "--password", PASSWORD],
    ):
        subprocess.run([*FUPIN, *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    print(f"demo at scale {scale} built in {time.perf_counter() - start:.0f} s ({var})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--wait", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--stress", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reuse", type=Path, help="a directory built by an earlier run (--keep)")
    parser.add_argument("--keep", action="store_true", help="keep the built database")
    args = parser.parse_args()
    random.seed(2017)
    var = args.reuse or Path(tempfile.mkdtemp(prefix="fupin-bench-load-"))
    env = {
        **os.environ,
        "FUPIN_VAR": str(var),
        "SECRET_KEY": "bench-load-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "fupin.settings",
        "PYTHONPATH": str(ROOT),
    }
    if args.db == "pg":
        base = os.environ.get("BENCH_PG", "postgres://fupin:fupin@127.0.0.1:5432/postgres")
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/fupin_load"
        if not args.reuse:
            subprocess.run(["psql", base, "-qc", "DROP DATABASE IF EXISTS fupin_load"], check=True)
            subprocess.run(["psql", base, "-qc", "CREATE DATABASE fupin_load"], check=True)
    else:
        env["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    if not args.reuse:
        build(env, var, args.scale)
    port = _free_port()
    log = open(var / "server.log", "w+")  # noqa: SIM115 (the server writes it while we read)
    server = subprocess.Popen(
        [
            *FUPIN,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--no-worker",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                requests.get(f"{base}/accounts/login/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        households = _households(base)
        # Interleaved by weight, so that any number of users mixes every kind.
        kinds = [
            name
            for _key, name in sorted(
                ((k + 0.5) / weight, name) for name, weight in USERS for k in range(weight)
            )
        ]
        people = [
            User(
                base,
                kinds[i % len(kinds)],
                households if "pairing" in kinds[i % len(kinds)] else [],
            )
            for i in range(max(args.users, args.stress))
        ]
        print(
            f"serving {base} ({args.db}, {args.workers} workers × {args.threads} threads); "
            f"{len(people)} users signed in"
        )
        locked = 0
        for name, count, seconds, wait in (
            (
                f"(a) {args.users} users, {args.wait[0]:g}–{args.wait[1]:g} s between requests",
                args.users,
                args.duration,
                tuple(args.wait),
            ),
            (
                f"(b) stress: {args.stress} users, no wait",
                args.stress,
                args.duration / 2,
                (0.0, 0.0),
            ),
        ):
            # Only the pairing cadres write: their share makes one request in ten a write.
            writers = sum(1 for person in people[:count] if person.households)
            share = min(1.0, 0.1 * count / max(1, writers))
            tally = run_phase(people[:count], seconds, wait, write_share=share)
            log.seek(0)
            now_locked = log.read().count("database is locked")
            report(name, tally, now_locked - locked)
            locked = now_locked
        print(f"server peak RSS (now, all processes): {_rss_mb(server.pid):.0f} MB")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        if not args.keep and not args.reuse:
            shutil.rmtree(var, ignore_errors=True)
        elif args.keep:
            print(f"kept: --reuse {var}")


def _households(base: str) -> list[int]:
    """The pairing cadre's households, as the phone app reads them."""
    session = User(base, f"pairing_cadre-{VILLAGE}", []).session
    answer = session.get(f"{base}/api/me/households/", timeout=60).json()
    rows = answer["results"] if isinstance(answer, dict) else answer
    return [row["id"] for row in rows]


if __name__ == "__main__":
    main()
