"""Benchmark: many cadres using fupin at once, against a real ``fupin serve``.

    python -m bench.bench_load [--users 50] [--duration 120] [--wait 1 3] [--stress 20]
                               [--scale 0.1] [--db sqlite|pg] [--workers N] [--threads N]
                               [--reuse DIR] [--keep] [--label TEXT] [--pg-db NAME]

Builds the demo (``--scale``) into a fresh database in a temporary directory (SQLite in WAL
mode, or with ``--db pg`` a new database ``fupin_load`` (``--pg-db``) on ``$BENCH_PG``, by default
``postgres://fupin:fupin@127.0.0.1:5432/postgres``), starts ``fupin serve`` on 127.0.0.1 with
``--workers`` gunicorn processes of ``--threads`` threads (by default what ``fupin serve`` picks
for the machine), and then runs, in a bounded thread pool of simulated users:

(a) the load: ``--users`` users for ``--duration`` seconds, each waiting ``--wait`` seconds
    (uniform) between requests as a person does — league, county, township and village users
    and the pairing cadre mixed — 90 % reads (overview, war map, household search, lists, the
    API's figures, the household page) and 10 % writes: the pairing cadres' visits and
    concerns through the API, as the phone app sends them, each with a new uuid, and the
    village teams' member edits through the member form, as a browser sends it (the form read
    first, posted back with its CSRF token and a reason);
(b) the stress test: ``--stress`` users with no wait for ``--duration`` / 2 seconds.

Every response's status is checked without following redirects: a read must answer 200, an
API write 200/201 and the member form a 302 to the household's page; a 302 to the sign-in
page, a 403 or any other answer counts as an error, by kind and page. After the run the rows
the writes made are counted in the database (each carries the run's mark) and compared with
the writes that were answered as done.

Each phase prints requests, throughput, p50, p95 and p99 latency, errors by kind, the count of
"database is locked" in the server's log, the load average before and after (`/proc/loadavg`:
the machine may be shared), the server's CPU seconds (all its processes) and CPU per request,
and the server's peak RSS (all its processes, sampled each second); then one Markdown table row
per phase for bench/README.md. The targets on SQLite WAL: p95 < 300 ms and 0 errors. Not part
of the tests.

With ``--idle-estimate`` (on a ``--reuse`` directory) no server is started: each page of the
mix is served in process by Django's test client and its CPU time measured (immune to other
work on the machine), then the two phases are simulated on an idle machine of ``--cores``
cores serving each request for its CPU time — what the CPU time per request implies when the
machine is shared and the measured latencies are not the application's.
"""

from __future__ import annotations

import argparse
import collections
import html.parser
import json
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
# mostly in the villages). The pairing cadres write visits and concerns, the village teams
# member edits.
USERS = (
    ("league_hq-1522", 1),
    (f"county_office-{COUNTY}", 2),
    (f"township_officer-{TOWNSHIP}", 2),
    (f"village_team-{VILLAGE}", 3),
    (f"pairing_cadre-{VILLAGE}", 4),
)


def _reads(username: str, households: list[int]) -> list[str]:
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
    if households and not username.startswith("league"):
        pages.append(f"/households/{random.choice(households)}/")
    if username.startswith("pairing_cadre"):
        pages += ["/api/me/", "/api/me/households/", "/m/"]
    return pages


def _page_name(path: str) -> str:
    """A page's name for the tallies: numbers in the path stand for any (``/households/N/``)."""
    return re.sub(r"/\d+/", "/N/", path.split("?")[0])


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    writes: collections.Counter = field(default_factory=collections.Counter)
    by_path: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    lock = threading.Lock()

    def add(self, seconds: float, error: str | None, write: str = "", path: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_path[_page_name(path)].append(seconds)
            if error:
                self.errors[f"{error} {_page_name(path)}"] += 1
            elif write:
                self.writes[write] += 1


class _Form(html.parser.HTMLParser):
    """The fields of a page's form, as a browser would post them back unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class User:
    """One person at a browser or phone: signed in once, then reading and writing."""

    def __init__(self, base: str, username: str, mark: str):
        self.base = base
        self.username = username
        self.mark = mark
        self.households: list[int] = []
        self.members: list[int] = []
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

    @property
    def writes(self) -> bool:
        if "village_team" in self.username:
            return bool(self.members)
        return "pairing_cadre" in self.username and bool(self.households)

    def _get(self, path: str) -> tuple[requests.Response, str | None]:
        response = self.session.get(self.base + path, timeout=60, allow_redirects=False)
        return response, _status_error(response, 200)

    def step(self, tally: Tally, write_share: float) -> None:
        write = self.writes and random.random() < write_share
        start = time.perf_counter()
        error, kind = None, ""
        path = "write"
        try:
            if write and "village_team" in self.username:
                # The form is read as a person reads it before saving: a read of its own.
                member = random.choice(self.members)
                path = f"/members/{member}/edit/"
                form, error = self._get(path)
                tally.add(time.perf_counter() - start, error, "", path)
                if error:
                    return
                start = time.perf_counter()
                response = self._edit_member(path, form.text)
                kind, error = "member edit", _status_error(response, 302, "/households/")
            elif write:
                response, kind = self._write()
                path = response.request.path_url
                error = _status_error(response, 200, 201)
            else:
                path = random.choice(_reads(self.username, self.households))
                if path == "/":  # the home page sends each user on to their area's page
                    response = self.session.get(self.base + path, timeout=60, allow_redirects=False)
                    error = _status_error(response, 302, "/areas/")
                else:
                    _response, error = self._get(path)
        except requests.RequestException as problem:
            error = type(problem).__name__
            if "RemoteDisconnected" in str(problem) or "reset by peer" in str(problem):
                error += " (closed by the server)"
        tally.add(time.perf_counter() - start, error, kind, path)

    def _edit_member(self, path: str, page: str) -> requests.Response:
        parser = _Form()
        parser.feed(page)
        data = {**parser.fields, "reason": f"核实信息 {self.mark}"}
        data.pop("lang", None)
        return self.session.post(
            self.base + path,
            data=data,
            headers={"Referer": self.base + path},
            timeout=60,
            allow_redirects=False,
        )

    def _write(self) -> tuple[requests.Response, str]:
        headers = {"X-CSRFToken": self.csrf, "Referer": self.base + "/m/"}
        household = random.choice(self.households)
        if random.random() < 0.7:
            body = {
                "uuid": str(uuid.uuid4()),
                "household": household,
                "kind": "home",
                "content": f"了解生产生活情况，宣讲政策 {self.mark}",
            }
            url = f"{self.base}/api/visits/"
            return self.session.post(url, json=body, headers=headers, timeout=60), "visit"
        body = {
            "uuid": str(uuid.uuid4()),
            "household": household,
            "text": f"饮水困难，请协调解决 {self.mark}",
        }
        url = f"{self.base}/api/concerns/"
        return self.session.post(url, json=body, headers=headers, timeout=60), "concern"


def _status_error(response: requests.Response, *expected) -> str | None:
    """None when the answer is the expected one; else its kind (a 302 says where it leads)."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in expected and not isinstance(expected[-1], str):
        return None
    if status in expected and location.startswith(expected[-1]):
        return None
    if status in (301, 302, 303):
        where = "sign-in" if "/accounts/login/" in location else _page_name(location)
        return f"HTTP {status} to {where}"
    return f"HTTP {status}"


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


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(name: str, tally: Tally, measures: dict) -> str:
    """Print the phase; return its row of the Markdown table in bench/README.md."""
    data = sorted(tally.latencies)
    if not data:
        print(f"{name}: no request")
        return ""

    def pct(p: float) -> float:
        return data[min(len(data) - 1, int(p / 100 * len(data)))] * 1000

    elapsed = tally.elapsed  # type: ignore[attr-defined]
    errors = sum(tally.errors.values())
    cpu = measures["cpu"]
    print(
        f"{name}: {len(data):,} requests ({sum(tally.writes.values()):,} writes done: "
        f"{dict(tally.writes)}) in {elapsed:.0f} s = {len(data) / elapsed:.1f} req/s; "
        f"p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms, p99 {pct(99):.0f} ms, "
        f"mean {statistics.mean(data) * 1000:.0f} ms; errors {errors} {dict(tally.errors)}; "
        f"'database is locked' in the server log: {measures['locked']}\n"
        f"    load average {measures['load_before']} before, {measures['load_after']} after; "
        f"server CPU {cpu:.1f} s = {cpu / len(data) * 1000:.0f} ms per request "
        f"({cpu / elapsed:.2f} cores); load generator CPU {measures['client_cpu']:.1f} s"
    )
    slowest = sorted(
        ((sorted(v)[int(0.95 * len(v))] * 1000, len(v), k) for k, v in tally.by_path.items()),
        reverse=True,
    )[:6]
    print("    slowest p95: " + "; ".join(f"{k} {ms:.0f} ms ({n})" for ms, n, k in slowest))
    return (
        f"| {len(data):,} | {len(data) / elapsed:.1f} | {pct(50):.0f} | {pct(95):.0f} | "
        f"{pct(99):.0f} | {errors} | {measures['locked']} | {cpu / len(data) * 1000:.0f} | "
        f"{measures['load_before']} → {measures['load_after']} |"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree(pid: int) -> list[int]:
    """The server and its children (gunicorn workers, task workers), living."""
    found, pids = [], [pid]
    while pids:
        current = pids.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found.append(current)
        pids += [int(child) for child in children]
    return found


def _rss_mb(pid: int) -> float:
    """Resident memory of the server and its children."""
    total = 0
    for current in _tree(pid):
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def _cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of the server's processes, reaped children included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime (proc(5): fields 14–17; 3 is the first after the name).
        total += sum(int(value) for value in fields[11:15])
    return total / ticks


def _database_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving ``database`` (the server's own CPU
    leaves out the queries' share on PostgreSQL; on SQLite they run inside the server)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if not title.startswith("postgres:") or f" {database} " not in title:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(proc.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


class PeakRss(threading.Thread):
    """Samples the server's resident memory each second; ``peak`` is the highest seen."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            self.peak = max(self.peak, _rss_mb(self.pid))


def build(env: dict, var: Path, scale: float) -> None:
    start = time.perf_counter()
    for args in (
        ["migrate", "-v0"],
        ["areas", "load"],
        ["demo", "--all", "--scale", str(scale), "--password", PASSWORD],
    ):
        subprocess.run([*FUPIN, *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    print(f"demo at scale {scale} built in {time.perf_counter() - start:.0f} s ({var})")


# The rows that the writes of a run made, each found by the run's mark.
COUNT_WRITES = """
from django.db import connection
mark = "%s"
with connection.cursor() as cursor:
    for kind, sql in (
        ("visit", "SELECT count(*) FROM fieldwork_visit WHERE content LIKE %%s"),
        ("concern", "SELECT count(*) FROM fieldwork_concern WHERE text LIKE %%s"),
        ("member edit", "SELECT count(*) FROM registry_historicalmember"
                        " WHERE history_change_reason LIKE %%s"),
    ):
        cursor.execute(sql, ["%%" + mark])
        print(kind, cursor.fetchone()[0], sep="\\t")
"""


def count_writes(env: dict, mark: str) -> dict[str, int]:
    answer = subprocess.run(
        [*FUPIN, "shell", "--no-imports", "-c", COUNT_WRITES % mark],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return {
        kind: int(count)
        for kind, count in (line.split("\t") for line in answer.stdout.splitlines() if "\t" in line)
    }


def page_costs(repeat: int = 5) -> dict[str, list[tuple[str, float]]]:
    """The CPU seconds of each page of the mix, per kind of user, served in this process by
    Django's test client (no server, no network: the application's own cost). Runs under
    the environment's database; a write is a visit or a concern through the API. Each page is
    timed after a first request, so a kept summary (fupin.areas.summaries) is timed as the
    viewers after the first get it; FUPIN_SUMMARY_SECONDS=0 times it computed."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    costs: dict[str, list[tuple[str, float]]] = {}
    pairing = Client()
    pairing.force_login(get_user_model().objects.get(username=f"pairing_cadre-{VILLAGE}"))
    answer = pairing.get("/api/me/households/").json()
    paired = [row["id"] for row in (answer["results"] if isinstance(answer, dict) else answer)]
    for username, _weight in USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        pages = [p for p in _reads(username, paired) if "?q=" not in p]
        pages += ["/households/?q=王"]
        measured = []
        for page in pages:
            client.get(page)
            start = time.process_time()
            for _ in range(repeat):
                client.get(page)
            measured.append((page, (time.process_time() - start) / repeat))
        if username.startswith("pairing_cadre"):
            body = {"household": paired[0], "kind": "home", "content": "压测"}
            start = time.process_time()
            for _ in range(repeat):
                body["uuid"] = str(uuid.uuid4())
                client.post("/api/visits/", body, content_type="application/json")
            measured.append(("write", (time.process_time() - start) / repeat))
        costs[username] = measured
    return costs


def simulate(
    costs: dict[str, list[tuple[str, float]]],
    users: int,
    seconds: float,
    wait: tuple[float, float],
    cores: int,
) -> list[float]:
    """Response times of ``users`` users on an idle machine of ``cores`` cores that serves
    each request for its measured CPU time, first come first served (no other work, no
    waiting on the disk or the network): what the CPU time per request implies."""
    import heapq

    rng = random.Random(2017)
    kinds = [name for name, weight in USERS for _ in range(weight)]
    free = [0.0] * cores  # when each core is next free
    events = [(rng.uniform(*wait), i) for i in range(users)]
    heapq.heapify(events)
    times = []
    while events:
        arrival, user = heapq.heappop(events)
        if arrival > seconds:
            continue
        pages = costs[kinds[user % len(kinds)]]
        cost = rng.choice(pages)[1]
        core = min(range(cores), key=free.__getitem__)
        done = max(arrival, free[core]) + cost
        free[core] = done
        times.append(done - arrival)
        heapq.heappush(events, (done + rng.uniform(*wait), user))
    return times


def idle_estimate(env: dict, args) -> None:
    answer = subprocess.run(
        [sys.executable, "-m", "bench.bench_load", "--page-costs"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    costs = {k: [tuple(p) for p in v] for k, v in json.loads(answer.stdout).items()}
    every = sorted((c, u, p) for u, pages in costs.items() for p, c in pages)
    mean = statistics.mean(c for c, _u, _p in every)
    print(f"CPU per request, in process (mean over the pages of the mix): {mean * 1000:.0f} ms")
    print("    dearest: " + "; ".join(f"{p} {c * 1000:.0f} ms ({u})" for c, u, p in every[-6:]))
    for name, count, wait in (
        (f"(a) {args.users} users", args.users, tuple(args.wait)),
        (f"(b) stress: {args.stress} users", args.stress, (0.0, 0.0)),
    ):
        data = sorted(simulate(costs, count, args.duration, wait, args.cores))
        pct = {p: data[min(len(data) - 1, int(p / 100 * len(data)))] * 1000 for p in (50, 95, 99)}
        print(
            f"{name} on an idle {args.cores}-core machine (simulated): "
            f"{len(data) / args.duration:.1f} req/s, p50 {pct[50]:.0f} ms, p95 {pct[95]:.0f} ms, "
            f"p99 {pct[99]:.0f} ms"
        )


def main() -> None:
    global PASSWORD
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--wait", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--stress", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--workers", type=int, help="default: fupin serve's choice")
    parser.add_argument("--threads", type=int, help="default: fupin serve's choice")
    parser.add_argument("--reuse", type=Path, help="a directory built by an earlier run (--keep)")
    parser.add_argument("--keep", action="store_true", help="keep the built database")
    parser.add_argument("--label", default="", help="the table rows' first cell")
    parser.add_argument("--pg-db", default="fupin_load", help="with --db pg: the database's name")
    parser.add_argument(
        "--password",
        default=PASSWORD,
        help="the demo users' password of a --reuse database built elsewhere (fupin demo)",
    )
    parser.add_argument(
        "--idle-estimate",
        action="store_true",
        help="no server: measure each page's CPU in process and simulate the load on --cores",
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--page-costs", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    PASSWORD = args.password
    if args.page_costs:  # the child of --idle-estimate, under the database's environment
        print(json.dumps(page_costs()))
        return
    random.seed(2017)
    mark = f"[load {uuid.uuid4().hex[:8]}]"
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
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + args.pg_db
        if not args.reuse:
            for sql in (f"DROP DATABASE IF EXISTS {args.pg_db}", f"CREATE DATABASE {args.pg_db}"):
                subprocess.run(["psql", base, "-qc", sql], check=True)
    else:
        env["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    if not args.reuse:
        build(env, var, args.scale)
    if args.idle_estimate:
        idle_estimate(env, args)
        return
    port = _free_port()
    log = open(var / "server.log", "w+")  # noqa: SIM115 (the server writes it while we read)
    server = subprocess.Popen(
        [
            *FUPIN,
            "serve",
            "--port",
            str(port),
            *(["--workers", str(args.workers)] if args.workers else []),
            *(["--threads", str(args.threads)] if args.threads else []),
            "--no-worker",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(600):
            try:
                requests.get(f"{base}/accounts/login/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        paired, households, members = _households(base, mark)
        # Interleaved by weight, so that any number of users mixes every kind.
        kinds = [
            name
            for _key, name in sorted(
                ((k + 0.5) / weight, name) for name, weight in USERS for k in range(weight)
            )
        ]
        people = []
        for i in range(max(args.users, args.stress)):
            person = User(base, kinds[i % len(kinds)], mark)
            if person.username.startswith("pairing_cadre"):
                person.households = paired
            elif not person.username.startswith("league"):
                person.households = households
            if person.username.startswith("village_team"):
                person.members = members
            people.append(person)
        log.seek(0)
        chosen = re.search(r"(\d+) workers? × (\d+) threads?", log.read())
        setup = f"{chosen.group(1)} workers × {chosen.group(2)} threads" if chosen else "?"
        print(
            f"serving {base} ({args.db}, {setup}); {len(people)} users signed in; "
            f"{len(paired)} paired households, {len(members)} members to write to, "
            f"{len(households)} household pages to read; mark {mark}"
        )
        locked = 0
        peak = PeakRss(server.pid)
        peak.start()
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
            # The writers' share makes one request in ten a write.
            writers = sum(1 for person in people[:count] if person.writes)
            share = min(1.0, 0.1 * count / max(1, writers))
            measures = {"load_before": _loadavg()}
            cpu, client_cpu = _cpu_seconds(server.pid), time.process_time()
            backends = _database_cpu(args.pg_db) if args.db == "pg" else {}
            tally = run_phase(people[:count], seconds, wait, write_share=share)
            measures["cpu"] = _cpu_seconds(server.pid) - cpu
            if args.db == "pg":
                # Backends that ended during the phase are left out (the connections are kept).
                after = _database_cpu(args.pg_db)
                database = sum(v - backends.get(pid, 0.0) for pid, v in after.items())
                print(f"    PostgreSQL backends' CPU: {database:.1f} s (added to the server's)")
                measures["cpu"] += database
            measures["client_cpu"] = time.process_time() - client_cpu
            measures["load_after"] = _loadavg()
            log.seek(0)
            now_locked = log.read().count("database is locked")
            measures["locked"] = now_locked - locked
            locked = now_locked
            rows.append((name, tally, report(name, tally, measures)))
        peak.stopped.set()
        print(f"server peak RSS (all processes, sampled each second): {peak.peak:.0f} MB")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    done = collections.Counter()
    for _name, tally, _row in rows:
        done.update(tally.writes)
    landed = count_writes(env, mark)
    verdict = "all landed" if all(landed.get(k, 0) == v for k, v in done.items()) else "MISSING"
    print(f"writes answered as done {dict(done)}; rows found in the database {landed}: {verdict}")
    label = args.label or f"{args.db}, {setup}"
    print(
        "\nMarkdown rows (bench/README.md): phase | requests | req/s | p50 ms | p95 ms | p99 ms |"
    )
    print("errors | locked | server CPU ms/request | load average before → after; peak RSS")
    for name, _tally, row in rows:
        print(f"| {label} | {name.split(':')[0].split(',')[0]} {row} {peak.peak:.0f} MB |")
    if not args.keep and not args.reuse:
        shutil.rmtree(var, ignore_errors=True)
    elif args.keep:
        print(f"kept: --reuse {var}")


def _households(base: str, mark: str) -> tuple[list[int], list[int], list[int]]:
    """The pairing cadre's households (as the phone app reads them), the village's households
    on the village team's first list page, and the members of ten of those."""
    session = User(base, f"pairing_cadre-{VILLAGE}", mark).session
    answer = session.get(f"{base}/api/me/households/", timeout=60).json()
    rows = answer["results"] if isinstance(answer, dict) else answer
    paired = [row["id"] for row in rows]
    team = User(base, f"village_team-{VILLAGE}", mark).session
    page = team.get(f"{base}/households/", timeout=60).text
    village = sorted({int(pk) for pk in re.findall(r"/households/(\d+)/", page)})
    members: list[int] = []
    for household in village[:10]:
        page = team.get(f"{base}/households/{household}/", timeout=60).text
        members += [int(pk) for pk in re.findall(r"/members/(\d+)/edit/", page)]
    return paired, village, sorted(set(members))


if __name__ == "__main__":
    main()
