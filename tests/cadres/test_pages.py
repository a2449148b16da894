"""The roster (filters by post kind, area and date; where, since when, how long), the cadre
page, the structure page and API (defaults, parameters, scope), bounded queries."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_user

from .helpers import born, make_cadre, make_post

pytestmark = pytest.mark.django_db

START = datetime.date(2015, 3, 1)


@pytest.fixture
def roster():
    first = make_cadre(CHANGFA, post="first_secretary", name="第一书记甲")
    make_post(first, "first_secretary", CHANGFA, START, title="第一书记")
    reserve = make_cadre(
        "152223",
        post="department_cadre",
        name="后备乙",
        birth=born(31, datetime.date(2017, 6, 1)),
        before=1,
    )
    make_post(reserve, "reserve_cadre", CHANGFA, datetime.date(2016, 5, 1))
    left = make_cadre(YINDEER, name="离任丙")
    make_post(
        left, "township_leader", YINDEER, START, datetime.date(2016, 9, 30), end_reason="term_end"
    )
    far = make_cadre(HADANALA, post="first_secretary", name="外旗丁")
    make_post(far, "first_secretary", HADANALA, START)
    return first, reserve, left, far


def _names(response):
    return [row.post.cadre.name for row in response.context["rows"]]


def test_roster_filters(client, roster):
    client.force_login(make_user("organization", ZHALAITE))
    response = client.get(f"/cadres/?area={ZHALAITE}")
    assert sorted(_names(response)) == ["后备乙", "第一书记甲"]  # serving today, in scope
    body = response.content.decode()
    assert "2年3个月" in body  # 2015-03-01 … 2017-06-30
    reserve = client.get(f"/cadres/?area={ZHALAITE}&kind=reserve_cadre")
    assert _names(reserve) == ["后备乙"]
    (row,) = reserve.context["rows"]
    assert (row.age, row.grassroots, row.length) == (31, Decimal("2.2"), "1年1个月")
    on = client.get(f"/cadres/?area={ZHALAITE}&on=2016-01-01")
    assert sorted(_names(on)) == sorted(["第一书记甲", "离任丙"])
    everyone = client.get(f"/cadres/?area={ZHALAITE}&on=all")
    assert len(_names(everyone)) == 3
    assert _names(client.get(f"/cadres/?area={ZHALAITE}&q=后备")) == ["后备乙"]


def test_roster_out_of_scope_is_404(client, roster):
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/cadres/?area={ZHALAITE}").status_code == 404
    assert _names(client.get("/cadres/")) == ["外旗丁"]


def test_roster_queries_are_bounded(client, roster):
    for i in range(20):
        c = make_cadre(CHANGFA, name=f"多{i}")
        make_post(c, "work_team", CHANGFA, START)
    client.force_login(make_user("organization", ZHALAITE))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cadres/?area={ZHALAITE}")
    assert len(_names(response)) == 22
    assert len(queries) < 15


def test_cadre_page(client, roster):
    first = roster[0]
    first.birth_date = born(33, datetime.date(2017, 6, 30))
    first.grassroots_years_before = 1
    first.save()
    client.force_login(make_user("organization", ZHALAITE))
    response = client.get(f"/cadres/{first.pk}/")
    body = response.content.decode()
    assert "33 周岁" in body
    assert response.context["grassroots"] == Decimal("3.3")  # 1 + 853 days
    assert "第一书记" in body


def test_structure_page_and_api(client):
    for age in (30, 45):
        c = make_cadre(YINDEER, birth=born(age, datetime.date(2015, 6, 30)))
        make_post(
            c, "township_leader", YINDEER, datetime.date(2011, 10, 1), datetime.date(2016, 9, 30)
        )
    for age in (30, 31):
        c = make_cadre(YINDEER, birth=born(age, datetime.date(2017, 6, 30)))
        make_post(c, "township_leader", YINDEER, datetime.date(2016, 10, 1))
    client.force_login(make_user("organization", ZHALAITE))
    page = client.get(f"/cadres/structure/?area={ZHALAITE}")
    assert page.context["day_from"] == datetime.date(2015, 6, 30)
    assert page.context["day_to"] == datetime.date(2017, 6, 30)
    body = page.content.decode()
    assert "35周岁以下" in body and "2年以上基层工作经历" in body
    assert "100.00%" in body  # change of under 35: 50% → 100%
    api = client.get(f"/api/areas/{ZHALAITE}/team-structure/?level=township").json()
    assert api["people"] == {"from": 2, "to": 2}
    assert api["under_35"] == {
        "from": "50.00",
        "to": "100.00",
        "change_pp": "50.00",
        "change_relative": "100.00",
        "count_from": 1,
        "count_to": 2,
    }
    custom = client.get(
        f"/api/areas/{ZHALAITE}/team-structure/?level=township&from=2016-01-01&to=2016-01-02"
    ).json()
    assert custom["people"] == {"from": 2, "to": 2}
    assert custom["under_35"]["change_pp"] == "0.00"
    bad = client.get(f"/api/areas/{ZHALAITE}/team-structure/?level=village")
    assert bad.status_code == 400 and "level" in bad.json()
    assert client.get(f"/api/areas/{ZHALAITE}/team-structure/?from=2016-13-01").status_code == 400
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/api/areas/{ZHALAITE}/team-structure/").status_code == 404
    assert client.get(f"/cadres/structure/?area={ZHALAITE}").status_code == 404


def test_roster_export_has_the_page_rows(client, roster):
    from openpyxl import load_workbook

    client.force_login(make_user("organization", ZHALAITE))
    response = client.get(f"/cadres/export/?area={ZHALAITE}&on=all")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "性别", "出生日期")
    assert sorted(r[0] for r in rows[1:]) == sorted(["第一书记甲", "后备乙", "离任丙"])
    left = next(r for r in rows[1:] if r[0] == "离任丙")
    assert left[13] == "任期届满"
    client.force_login(make_user("village_team", HADANALA))
    assert client.get(f"/cadres/export/?area={ZHALAITE}").status_code == 404
