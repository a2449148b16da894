"""Every query a page runs carries the county key (PostgreSQL only; docs/scale.md).

A small demo is built, then the large tables are recreated as the national layout
(fupin.areas.partitioning: ``PARTITION BY RANGE (village_id)``, one partition per county and
a DEFAULT one, the foreign keys that point at them dropped as Citus would). A county user, a
township officer, a village user and a pairing cadre then open every page of their menu
(fupin/accounts/menu.py), the household page and the household search (by name, household
number and ID number) with Django's test client; the pairing cadre also opens the pages the
household page links to (its plan, clarity card, safety net, leaders, concerns, a visit and a
concern to record) and the phone's sync API (fupin/fieldwork/api.py: the download of its
households, the upload of a batch of visits and of a concern). Every SQL query of each
request is captured and each one that reads a partitioned table is EXPLAINed. A plan that scans a partition outside the user's
county (or the DEFAULT one) is a query without the partition key: on Citus it would go to
every shard. The test fails naming the page and the SQL, unless the query is one of
:data:`LOOKUPS` (it goes through the lookup table on Citus).

All of it (demo, layout) is one transaction, rolled back at the end: the test database keeps
its plain tables for the other tests. The demo and the layout are built once for the module;
each user's walk is a test of its own, in a savepoint rolled back after it (the uploads).
"""

from __future__ import annotations

import functools
import json
import re
import uuid

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.accounts.menu import menu_for
from fupin.accounts.models import Role, User
from fupin.areas.partitioning import (
    DEFAULT,
    KEY,
    PARTITIONED_TABLES,
    partition_county,
    partition_tables,
)
from fupin.demo import services
from fupin.demo.users import CHANGFA, PAIRING_LOGIN, YINDEER
from fupin.fieldwork import selectors as field_selectors
from fupin.registry import selectors as registry_selectors
from fupin.registry.models import Household, Member

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the partitioned layout is PostgreSQL's",
)

PASSWORD = "scale-walk-pw-1"
SCALE = 0.005
COUNTY = CHANGFA[:6]
USERS = (
    f"{Role.COUNTY_OFFICE}-{COUNTY}",
    f"{Role.TOWNSHIP_OFFICER}-{YINDEER}",
    f"{Role.VILLAGE_TEAM}-{CHANGFA}",
    PAIRING_LOGIN,
)
# The pages the household page links to (its tabs), opened by the pairing cadre.
TABS = (
    "assistance:household_plan",
    "cards:household",
    "safetynet:household",
    "leaders:household",
)

# Queries that, on Citus, go through the distributed lookup table (ID number or household
# number → county) and then to one shard: (page URL name or "*", SQL pattern, reason).
LOOKUPS: tuple[tuple[str, str, str], ...] = (
    (
        "assistance:coverage",
        r'U0\."id_number" = \("assistance_cadre"\."id_number"\)',
        "a cadre who is a poor person himself: the cadre's ID number, wherever in the nation",
    ),
)

TABLE = re.compile("|".join(rf'"{t}"' for t in PARTITIONED_TABLES))


# A scan whose condition equates the partition key with another row's (``village_id =
# u0.village_id``), or under a join on such a condition (a hash or merge join of co-located
# rows): a correlated key, pruned at run time by PostgreSQL and pushed down to the co-located
# shard by Citus, though the plan lists every partition.
CORRELATED_KEY = re.compile(
    rf"\b{KEY}\)?(?:::\w+)?\s*=\s*\(?\w+\.{KEY}\b|\b\w+\.{KEY}\)?(?:::\w+)?\s*=\s*\(?{KEY}\b"
)
CONDITIONS = ("Filter", "Index Cond", "Recheck Cond", "Join Filter")
JOIN_CONDITIONS = ("Hash Cond", "Merge Cond", "Join Filter")


def _scans(plan, joined: bool = False):
    """Every node of ``plan`` that reads a relation, with whether a join above it equates the
    partition key of both sides."""
    if isinstance(plan, dict):
        joined = joined or any(CORRELATED_KEY.search(plan.get(c, "")) for c in JOIN_CONDITIONS)
        if "Relation Name" in plan:
            yield plan, joined
        for value in plan.values():
            yield from _scans(value, joined)
    elif isinstance(plan, list):
        for value in plan:
            yield from _scans(value, joined)


@functools.cache
def _outside(sql: str, prefix: str) -> frozenset[str]:
    """The partitions the plan of ``sql`` scans that lie outside ``prefix``'s county (each
    page repeats the navigation's queries: one EXPLAIN each)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    out = set()
    for node, joined in _scans(plan):
        relation = node["Relation Name"]
        county = partition_county(relation)
        if county is None or (
            county != DEFAULT and (prefix.startswith(county) or county.startswith(prefix))
        ):
            continue
        if joined or any(CORRELATED_KEY.search(node.get(c, "")) for c in CONDITIONS):
            continue
        out.add(relation)
    return frozenset(out)


def _listed(entries, page: str, sql: str) -> bool:
    return any(p in (page, "*") and re.search(pattern, sql) for p, pattern, _ in entries)


@pytest.fixture(scope="module")
def partitioned(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        services.demo_build(seed=7, scale=SCALE, password=PASSWORD)
        counties = {
            code[:6]
            for code in Household.objects.order_by().values_list("village_id", flat=True).distinct()
        }
        assert len(counties) > 1, "the layout needs households of more than one county"
        copied = partition_tables(connection, counties)
        with connection.cursor() as cursor:
            # Citus joins co-located shards pairwise; PostgreSQL does so with partitions when
            # asked (until the rollback, which undoes the setting too).
            cursor.execute("SET enable_partitionwise_join = on")
            cursor.execute("SET enable_partitionwise_aggregate = on")
        assert copied["registry_household"] > 0
        yield counties
        transaction.set_rollback(True)


@pytest.fixture
def db(partitioned, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def _pages(user) -> list[tuple[str, str, object]]:
    """(page, URL, JSON body to POST or None for a GET) of everything ``user`` opens."""
    pages: list[tuple[str, str, object]] = []
    for item in menu_for(user):
        for entry in (item, *item.children):
            if entry is not None and entry.href:
                pages.append((entry.url_name, entry.href, None))
    mine = field_selectors.my_households(user)
    household = (
        (mine if mine is not None else Household.objects.accessible_to(user))
        .order_by("number")
        .first()
    )
    if household is None:
        return pages
    pages.append(("registry:household_detail", f"/households/{household.pk}/", None))
    # The search by name, by household number and by ID number (digits).
    member = household.members.order_by("pk").first()
    for q in (household.head_name, household.number[-6:], member.id_number[:10]):
        pages.append(("registry:household_list", f"/households/?q={q}", None))
    if user.username != PAIRING_LOGIN:
        return pages
    for name in TABS:
        pages.append((name, reverse(name, args=[household.pk]), None))
    for name in ("fieldwork:concerns", "fieldwork:concern-new", "fieldwork:visit-new"):
        pages.append((name, f"{reverse(name)}?household={household.pk}", None))
    # The phone: who am I, my households (the download), a batch of visits and a concern
    # (the upload).
    pages.append(("fieldwork-api:me", reverse("fieldwork-api:me"), None))
    pages.append(("fieldwork-api:me-households", reverse("fieldwork-api:me-households"), None))
    visits = [
        {"uuid": str(uuid.uuid4()), "household": household.pk, "kind": "home", "content": text}
        for text in ("了解春耕", "核对收入")
    ]
    pages.append(("fieldwork-api:visits", reverse("fieldwork-api:visits"), visits))
    concern = {"uuid": str(uuid.uuid4()), "household": household.pk, "text": "饮水管道漏水"}
    pages.append(("fieldwork-api:concerns", reverse("fieldwork-api:concerns"), concern))
    return pages


def _walk(username: str) -> list[str]:
    """Open each page of ``username``'s menu; return its queries without the county key."""
    user = User.objects.get(username=username)
    prefix = user.assignments()[0][1]
    client = Client()
    client.force_login(user)
    problems = []
    for page, href, body in _pages(user):
        with CaptureQueriesContext(connection) as captured:
            if body is None:
                response = client.get(href, follow=True)
            else:
                response = client.post(href, body, content_type="application/json")
        assert response.status_code in (200, 201), f"{username} {href}: {response.status_code}"
        if isinstance(body, list):
            # A batch answers 200 with each item's own status.
            assert all(r["status"] == 201 for r in response.json()), response.json()
        for query in captured.captured_queries:
            sql = query["sql"]
            if not TABLE.search(sql) or not sql.lstrip().upper().startswith(
                ("SELECT", "WITH", "UPDATE", "DELETE")
            ):
                continue
            outside = _outside(sql, prefix)
            if not outside or _listed(LOOKUPS, page, sql):
                continue
            problems.append(f"{username} {page} ({href}) scans {sorted(outside)}:\n  {sql}")
    return problems


def _sql(queryset) -> str:
    with CaptureQueriesContext(connection) as captured:
        list(queryset)
    return captured.captured_queries[-1]["sql"]


def test_the_check_sees_a_query_without_the_key(db):
    # The check itself, on a query without the key and the same query with it.
    household = Household.objects.within(COUNTY).first()
    assert _outside(_sql(Member.objects.filter(household_id=household.pk)), CHANGFA)
    assert not _outside(_sql(registry_selectors.household_members(household)), CHANGFA)


@pytest.mark.parametrize("username", USERS)
def test_every_page_query_carries_the_county_key(db, username):
    problems = _walk(username)
    assert not problems, f"{len(problems)} queries without the county key:\n" + "\n".join(problems)
