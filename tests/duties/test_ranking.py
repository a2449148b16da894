"""The ranking and the overdue flags agree with an independent computation over hand-built
tasks (known scores, progress and ties), on the page, in the xlsx export and in the API."""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.areas.models import Area
from fupin.duties.models import Duty, Subject, Task
from fupin.duties.selectors import duty_list, overdue_tasks, ranking
from tests.factories import HADANALA, YINDEER, ZHALAITE, make_user

pytestmark = pytest.mark.django_db
D = Decimal
AS_OF = datetime.date(2017, 6, 30)


def _duty(level="village", name="嘎查村党组织"):
    subject = Subject.objects.get(name=name)
    assert subject.level == level
    return Duty.objects.create(subject=subject, title=f"{name}职责", order=1)


def _task(
    duty, area, *, weight, progress=0, score=None, deadline=(2017, 12, 20), year=2017, done=None
):
    return Task.objects.create(
        duty=duty,
        area_id=area,
        year=year,
        title=f"任务{area[-3:]}-{weight}-{progress}",
        deadline=datetime.date(*deadline),
        weight=D(weight),
        progress=progress,
        score=None if score is None else D(score),
        completed_on=done,
    )


def _villages(n):
    return list(
        Area.objects.filter(parent_id=YINDEER, level="village", participates=True)
        .order_by("code")
        .values_list("code", flat=True)[:n]
    )


@pytest.fixture
def built():
    """Five villages of 音德尔镇: known scores and progress, two pairs of ties, one with none."""
    duty = _duty()
    v = _villages(6)
    # v0: assessed 9/10 + 4.5/5 → 13.5/15 = 90.00
    _task(duty, v[0], weight="10", score="9", progress=100)
    _task(duty, v[0], weight="5", score="4.5", progress=80)
    # v1: unassessed 10 × 90% + 10 × 90% → 18/20 = 90.00 (ties with v0)
    _task(duty, v[1], weight="10", progress=90)
    _task(duty, v[1], weight="10", progress=90, deadline=(2017, 3, 31))  # overdue
    # v2: 7 × 33% = 2.31 + assessed 2/3 → 4.31 / 10 = 43.10
    _task(duty, v[2], weight="7", progress=33, deadline=(2017, 6, 29))  # overdue
    _task(duty, v[2], weight="3", score="2", progress=50)
    # v3: 6 × 100% → 100.00, done, past deadline but not overdue
    _task(
        duty, v[3], weight="6", progress=100, deadline=(2017, 5, 1), done=datetime.date(2017, 5, 1)
    )
    # v4: 3 × 50% → 50.00, and v5: 1.5 × 50% → 50.00 (a tie again)
    _task(duty, v[4], weight="3", progress=50, deadline=(2017, 6, 30))  # due today: not overdue
    _task(duty, v[5], weight="1.5", progress=50, deadline=(2017, 7, 1))
    # Another year and another township: not counted.
    _task(duty, v[2], weight="10", progress=100, year=2016, deadline=(2016, 12, 1))
    _task(duty, HADANALA, weight="10", progress=10)
    return v


def _independent(user_codes, year=2017):
    """Scores computed here from the rows, rank with ties sharing."""
    totals = {}
    for code in user_codes:
        tasks = list(Task.objects.filter(area_id=code, year=year))
        if not tasks:
            continue
        earned = sum(
            (t.score if t.score is not None else t.weight * t.progress / 100) for t in tasks
        )
        weight = sum(t.weight for t in tasks)
        totals[code] = (earned * 100 / weight).quantize(D("0.01"), ROUND_HALF_UP)
    ranks = {c: 1 + sum(1 for o in totals.values() if o > s) for c, s in totals.items()}
    return totals, ranks


def test_ranking_agrees_with_an_independent_computation(built):
    user = make_user("township_officer", YINDEER)
    rows = ranking(user, YINDEER, "village", 2017)
    totals, ranks = _independent(built)
    assert totals[built[0]] == totals[built[1]] == D("90.00")
    assert totals[built[2]] == D("43.10")
    got = {r.code: (r.score, r.rank) for r in rows if r.rank is not None}
    assert got == {c: (totals[c], ranks[c]) for c in totals}
    assert [r.rank for r in rows if r.rank] == [1, 2, 2, 4, 4, 6]
    # Every other participating village of the township is listed without a rank.
    unranked = [r for r in rows if r.rank is None]
    assert {r.code for r in unranked}.isdisjoint(totals)
    assert all(r.score is None and r.tasks == 0 for r in unranked)
    by_code = {r.code: r for r in rows}
    assert (by_code[built[1]].tasks, by_code[built[1]].overdue) == (2, 1)
    assert (by_code[built[3]].done, by_code[built[3]].overdue) == (1, 0)
    assert by_code[built[4]].overdue == 0
    assert by_code[built[0]].assessed == 2


def test_ranking_is_set_based(built):
    user = make_user("county_office", ZHALAITE)
    with CaptureQueriesContext(connection) as queries:
        ranking(user, ZHALAITE, "village", 2017)
    assert len(queries) <= 4


def test_ranking_reads_only_the_users_scope(built):
    user = make_user("village_team", built[2])
    rows = ranking(user, built[2], "village", 2017)
    assert [(r.code, r.score, r.rank) for r in rows] == [(built[2], D("43.10"), 1)]
    county = ranking(make_user("county_office", ZHALAITE), ZHALAITE, "township", 2017)
    # A township is ranked on its own tasks (township subjects), not its villages'.
    yinder = next(r for r in county if r.code == YINDEER)
    assert (yinder.tasks, yinder.rank, yinder.score) == (0, None, None)


def test_overdue_flags_on_the_list_and_the_overdue_selector(built):
    user = make_user("township_officer", YINDEER)
    data = duty_list(user, built[1], 2017)
    flags = [t.overdue for g in data["subjects"] for d in g.duties for t in d.tasks]
    assert sorted(flags) == [False, True]
    assert data["counts"] == {"tasks": 2, "done": 0, "overdue": 1}
    assert data["total"] == D("90.00")
    overdue = set(overdue_tasks(user, YINDEER).values_list("area_id", flat=True))
    expected = set(
        Task.objects.filter(area__code__startswith=YINDEER, deadline__lt=AS_OF, progress__lt=100)
        .filter(completed_on=None)
        .values_list("area_id", flat=True)
    )
    assert overdue == expected == {built[1], built[2]}


def test_ranking_page_and_export(client, built):
    client.force_login(make_user("township_officer", YINDEER))
    page = client.get(f"/duties/ranking/?area={YINDEER}&level=village&year=2017")
    assert page.status_code == 200
    text = page.content.decode()
    assert "得分规则" in text
    rows = {r.code: r for r in page.context["rows"]}
    assert rows[built[2]].score == D("43.10")
    response = client.get(f"/duties/ranking/xlsx/?area={YINDEER}&level=village&year=2017")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    ranked = [(r[1], D(str(r[3])), r[0]) for r in values if r and isinstance(r[0], int)]
    totals, ranks = _independent(built)
    assert sorted(ranked) == sorted((c, totals[c], ranks[c]) for c in totals)


def test_list_page_shows_overdue_in_red(client, built):
    client.force_login(make_user("village_team", built[1]))
    text = client.get(f"/duties/?area={built[1]}&year=2017").content.decode()
    assert text.count('data-overdue="1"') == 1
    assert "table-danger" in text
    overdue = client.get(f"/duties/overdue/?area={built[1]}").content.decode()
    assert "任务" + built[1][-3:] in overdue


def test_api_numbers(client, built):
    client.force_login(make_user("township_officer", YINDEER))
    response = client.get(f"/api/areas/{YINDEER}/duty-ranking/?level=village&year=2017")
    assert response.status_code == 200
    data = response.json()
    assert data["level"] == "village" and data["year"] == 2017
    totals, ranks = _independent(built)
    got = {u["code"]: (D(str(u["score"])), u["rank"]) for u in data["units"] if u["rank"]}
    assert got == {c: (totals[c], ranks[c]) for c in totals}
    unit = next(u for u in data["units"] if u["code"] == built[2])
    counted = Task.objects.filter(area_id=built[2], year=2017)
    assert unit["tasks"] == counted.count() == 2
    assert unit["overdue"] == 1 and unit["done"] == 0 and unit["assessed"] == 1
    bad = client.get(f"/api/areas/{YINDEER}/duty-ranking/?level=league")
    assert bad.status_code == 400 and "level" in bad.json()
    assert client.get(f"/api/areas/{HADANALA}/duty-ranking/").status_code == 404


def test_pages_make_a_bounded_number_of_queries(client, built):
    """The same number of queries with 11 tasks as with 35 (no query per unit or task)."""
    client.force_login(make_user("county_office", ZHALAITE))
    urls = [
        f"/duties/ranking/?area={ZHALAITE}&level=village&year=2017",
        f"/duties/ranking/xlsx/?area={ZHALAITE}&level=village&year=2017",
        f"/api/areas/{ZHALAITE}/duty-ranking/?level=village&year=2017",
        f"/duties/?area={built[1]}&year=2017",
        f"/duties/overdue/?area={ZHALAITE}",
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    duty = Duty.objects.get()
    for code in _villages(12):
        for n in range(2):
            _task(duty, code, weight="4", progress=10 * n, deadline=(2017, 5, 1 + n))
    assert counts() == before
