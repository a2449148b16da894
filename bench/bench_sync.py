"""Benchmark: a league week of visits synced by the phones through the API.

    python -m bench.bench_sync [--visits 50000] [--batch 100] [--single] [--profile N]

Generates into a fresh temporary SQLite database (migrated, Hinggan areas loaded, the demo's
settings: WAL, ``synchronous=NORMAL``) ``visits`` households, one pairing cadre per ``batch``
households of one village, each with a login, a pairing cadre role over its village and an
API token (``fupin.accounts.tokens``). Then, in the same process:

(a) the API: every cadre's phone syncs its queue of ``batch`` visits as ONE
    ``POST /api/visits/`` with a JSON list (``Authorization: Token …``, each visit with the
    client's uuid) through Django's test ``Client`` — the whole middleware stack, DRF, the
    services' checks (scope, role, pairing, dates, closed months: ``visits_log_many``), the
    insert, the audit events and the response body, each request its own transaction as in
    production; only the socket is missing (a live server would add the HTTP parsing of the
    WSGI server, the same for any endpoint). With ``--single``, one request per visit instead
    (the object form). Six in seven visits are dated today, one in seven yesterday with a
    reason;
(b) the same batch synced again (every uuid already stored: 200, nothing written);
(c) the baseline: ``Visit.objects.bulk_create`` of the same rows, batch by batch, each batch
    in its own committed transaction as each request of (a) (deleted afterwards, and timed
    before (a) so both write into the same empty table); and ``bulk_create`` of all rows in
    one transaction. Each the best of three runs.

(a) runs paired with (c): before each request, the same batch's ``bulk_create`` in its own
committed transaction (deleted again, untimed), so both see the same moments of a shared
machine. Prints the seconds, visits per second, the ratio (a) ÷ (c) of the separate runs and
of the paired one (target ≤ 5) and the peak resident memory of the process. ``--profile N`` profiles N visits after a first request (cProfile) and
prints the top of the profile. Not part of the tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import tempfile
import time
import uuid
from pathlib import Path

AS_OF = "2017-06-30"


def _setup(var: Path) -> None:
    os.environ["FUPIN_VAR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'fupin.sqlite3'}"
    os.environ["FUPIN_AS_OF"] = AS_OF
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()


def generate(n_visits: int, batch: int) -> list[tuple[int, str, list[int]]]:
    """Households, cadres with logins and tokens, pairings; return (cadre, token key,
    household ids) per cadre."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from fupin.accounts.models import ApiToken, Role, RoleAssignment, User
    from fupin.accounts.tokens import hash_key
    from fupin.areas.models import Area, Level, is_rural_code
    from fupin.assistance.models import Cadre, Pairing
    from fupin.registry.models import Household

    villages = [
        c
        for c in Area.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)
        if is_rural_code(c)
    ]
    n_cadres = (n_visits + batch - 1) // batch
    village_of_cadre = {i: villages[i % len(villages)] for i in range(1, n_cadres + 1)}
    hh = Household._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"""INSERT INTO {hh} (id, number, village_id, head_name, members_count, attribute,
                main_cause, other_causes, dangerous_housing, safe_water, has_electricity,
                phone, standard, identified_year, status, historical_load,
                historical_reason, created_at, updated_at)
            VALUES (%s, %s, %s, %s, 3, 'general', 'capital', '[]', 0, 1, 1, '', 'national',
                2014, 'poor', 0, '', '2017-01-01 00:00:00', '2017-01-01 00:00:00')""",
            [
                (i, f"B{i}", village_of_cadre[(i - 1) // batch + 1], f"户主{i}")
                for i in range(1, n_visits + 1)
            ],
        )
        password = make_password(None)
        User.objects.bulk_create(
            User(id=i, username=f"cadre-{i}", password=password) for i in range(1, n_cadres + 1)
        )
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user_id=i, role=Role.PAIRING_CADRE, area_id=village_of_cadre[i])
            for i in range(1, n_cadres + 1)
        )
        Cadre.objects.bulk_create(
            Cadre(
                id=i,
                name=f"干部{i}",
                area_id=village_of_cadre[i],
                unit="单位",
                post=Cadre.Post.DEPARTMENT_CADRE,
                user_id=i,
            )
            for i in range(1, n_cadres + 1)
        )
        Pairing.objects.bulk_create(
            (
                Pairing(
                    cadre_id=(i - 1) // batch + 1,
                    household_id=i,
                    village_id=village_of_cadre[(i - 1) // batch + 1],
                    start_date=datetime.date(2016, 1, 1),
                )
                for i in range(1, n_visits + 1)
            ),
            batch_size=5000,
        )
        now = datetime.datetime.now(datetime.UTC)
        keys = {i: uuid.uuid4().hex for i in range(1, n_cadres + 1)}
        ApiToken.objects.bulk_create(
            ApiToken(
                user_id=i,
                created_at=now,
                device="bench",
                key_hash=hash_key(keys[i]),
                prefix=keys[i][:8],
                expires_at=now + datetime.timedelta(days=30),
            )
            for i in range(1, n_cadres + 1)
        )
    return [
        (i, keys[i], list(range((i - 1) * batch + 1, min(i * batch, n_visits) + 1)))
        for i in range(1, n_cadres + 1)
    ]


def bodies(queues) -> list[tuple[str, list[dict]]]:
    """Each phone's queue: (token key, the visits' JSON bodies)."""
    today = datetime.date.fromisoformat(AS_OF)
    out = []
    for _cadre, key, households in queues:
        batch = []
        for household in households:
            late = household % 7 == 0
            batch.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "household": household,
                    "visited_on": str(today - datetime.timedelta(days=1 if late else 0)),
                    "kind": "home",
                    "content": "了解生产生活情况，宣讲政策",
                    "backdate_reason": "无信号，次日补录" if late else "",
                }
            )
        out.append((key, batch))
    return out


def visit_rows(queues, batches) -> list[list]:
    """The Visit objects of each phone's queue, as bulk_create takes them."""
    from fupin.fieldwork.models import Visit
    from fupin.registry.models import Household

    rows = [
        [
            Visit(
                uuid=body["uuid"],
                cadre_id=cadre,
                household_id=body["household"],
                village_id=None,
                visited_on=body["visited_on"],
                kind=body["kind"],
                content=body["content"],
                backdated=bool(body["backdate_reason"]),
                backdate_reason=body["backdate_reason"],
            )
            for body in batch
        ]
        for (cadre, _key, _households), (_key2, batch) in zip(queues, batches, strict=True)
    ]
    village = dict(Household.objects.values_list("id", "village_id"))
    for group in rows:
        for row in group:
            row.village_id = village[row.household_id]
    return rows


def baseline(queues, batches, *, per_batch: bool) -> float:
    """bulk_create of the same rows (per batch, each its own transaction; or all in one),
    deleted afterwards."""
    from django.db import transaction

    from fupin.fieldwork.models import Visit

    rows = visit_rows(queues, batches)

    # Each batch commits, as each request of (a) does: in WAL mode a commit appends to the
    # log and now and then checkpoints it, a cost of writing in batches that a savepoint
    # inside one long transaction would leave out. The rows are deleted afterwards (not
    # timed), so (a) writes into the same empty table.
    start = time.perf_counter()
    if per_batch:
        for group in rows:
            with transaction.atomic():
                Visit.objects.bulk_create(group)
    else:
        with transaction.atomic():
            Visit.objects.bulk_create([row for group in rows for row in group])
    elapsed = time.perf_counter() - start
    Visit.objects.all()._raw_delete(Visit.objects.db)
    for group in rows:
        for row in group:
            row.pk = None
            row._state.adding = True
    return elapsed


def sync(client, batches, *, single: bool = False) -> tuple[float, dict[int, int]]:
    """Post each phone's queue (one list per request, or one visit per request); return the
    seconds and the count of each visit's status."""
    start = time.perf_counter()
    statuses: dict[int, int] = {}
    for key, batch in batches:
        header = {"HTTP_AUTHORIZATION": f"Token {key}"}
        if single:
            for body in batch:
                response = client.post(
                    "/api/visits/", json.dumps(body), content_type="application/json", **header
                )
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            continue
        response = client.post(
            "/api/visits/", json.dumps(batch), content_type="application/json", **header
        )
        assert response.status_code == 200, response.content[:500]
        for answer in response.json():
            statuses[answer["status"]] = statuses.get(answer["status"], 0) + 1
    return time.perf_counter() - start, statuses


def sync_paired(client, queues, batches) -> tuple[float, dict[int, int], float]:
    """(a) batch by batch, each request just after the baseline's ``bulk_create`` of the same
    rows in its own committed transaction (deleted again, untimed): the API's seconds, its
    statuses, and the baseline's seconds over the same moments."""
    from django.db import transaction

    from fupin.fieldwork.models import Visit

    api = base = 0.0
    statuses: dict[int, int] = {}
    for group, batch in zip(visit_rows(queues, batches), batches, strict=True):
        start = time.perf_counter()
        with transaction.atomic():
            Visit.objects.bulk_create(group)
        base += time.perf_counter() - start
        Visit.objects.filter(pk__in=[row.pk for row in group])._raw_delete(Visit.objects.db)
        seconds, answered = sync(client, [batch])
        api += seconds
        for code, count in answered.items():
            statuses[code] = statuses.get(code, 0) + count
    return api, statuses, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--single", action="store_true", help="one request per visit")
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="fupin-bench-sync-"))
    try:
        _setup(var)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from fupin.areas.services import areas_load_hinggan
        from fupin.core.models import AuditEvent
        from fupin.fieldwork.models import Visit

        call_command("migrate", verbosity=0)
        areas_load_hinggan()
        start = time.perf_counter()
        queues = generate(args.visits, args.batch)
        batches = bodies(queues)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"generated {args.visits:,} households, {len(queues):,} cadres with logins and "
            f"tokens in {time.perf_counter() - start:.1f} s"
        )
        # The best of three runs: the machine may be shared, and a baseline that is too slow
        # would flatter the ratio.
        base_batches = min(baseline(queues, batches, per_batch=True) for _ in range(3))
        base_once = min(baseline(queues, batches, per_batch=False) for _ in range(3))
        print(
            f"(c) bulk_create, {len(batches)} batches of {args.batch}: {base_batches:.2f} s; "
            f"all rows at once: {base_once:.2f} s"
        )
        client = Client()
        if args.profile:
            import cProfile
            import pstats

            key, batch = batches[0]
            # A first request pays the imports and the URL resolver's set-up: not profiled.
            sync(client, [(key, batch[:1])], single=args.single)
            sample = [(key, batch[1 : 1 + args.profile])]
            profiler = cProfile.Profile()
            profiler.enable()
            sync(client, sample, single=args.single)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(
                os.environ.get("BENCH_SORT", "cumulative")
            ).print_stats(int(os.environ.get("BENCH_TOP", "40")))
            Visit.objects.all().delete()
            AuditEvent.objects.all().delete()
        if args.single:
            elapsed, statuses = sync(client, batches, single=True)
            paired = None
        else:
            elapsed, statuses, paired = sync_paired(client, queues, batches)
        stored = Visit.objects.count()
        requests = sum(statuses.values()) if args.single else len(batches)
        print(
            f"(a) API: {sum(statuses.values()):,} visits in {requests:,} POST /api/visits/ "
            f"({'one visit' if args.single else 'a list of ' + str(args.batch)} each) in "
            f"{elapsed:.1f} s ({sum(statuses.values()) / elapsed:,.0f} visits/s, "
            f"{elapsed / max(1, stored) * 1000:.2f} ms a visit); statuses {statuses}; "
            f"stored {stored:,}; audit events {AuditEvent.objects.count():,}"
        )
        again, again_statuses = sync(client, batches[:1], single=args.single)
        print(
            f"(b) one batch synced again: {again:.2f} s, statuses {again_statuses}, "
            f"stored {Visit.objects.count():,}"
        )
        print(
            f"ratio (a) ÷ (c) per batch: {elapsed / base_batches:.1f} "
            f"(all at once: {elapsed / base_once:.1f})"
        )
        if paired is not None:
            # The same two writes side by side, batch by batch: a shared machine's slow
            # moments fall on both, which two runs seconds apart do not share.
            print(
                f"paired, batch by batch: bulk_create {paired:.2f} s, API {elapsed:.2f} s, "
                f"ratio {elapsed / paired:.1f}; target ≤ 5"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {peak:.0f} MB")
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
