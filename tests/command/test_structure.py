"""The command structure: the selector and the page show the units in scope only, count them
per county, and carry the chart's data as JSON for ECharts."""

from __future__ import annotations

import json
import re

import pytest

from fupin.assistance.models import Cadre
from fupin.command.models import CommandMember, CommandUnit, Kind
from fupin.command.selectors import command_structure
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    group = CommandUnit.objects.create(
        kind=Kind.LEADING_GROUP, name="兴安盟脱贫攻坚领导小组", area_id="1522", leader_name="盟组长"
    )
    hq = CommandUnit.objects.create(
        kind=Kind.HEADQUARTERS, name="兴安盟脱贫攻坚指挥部", area_id="1522", parent=group
    )
    CommandMember.objects.create(unit=hq, area_id="1522", name="总指挥甲", role="总指挥")
    made = {"group": group, "hq": hq}
    for county, label in ((ZHALAITE, "扎赉特旗"), (HADANALA[:6], "乌兰浩特市")):
        made[county] = CommandUnit.objects.create(
            kind=Kind.HORIZONTAL_PARTY_COMMITTEE,
            name=f"中共{label}委员会",
            area_id=county,
            parent=hq,
        )
        CommandUnit.objects.create(
            kind=Kind.HORIZONTAL_SUPERVISION, name=f"{label}督查组", area_id=county, parent=hq
        )
        CommandUnit.objects.create(
            kind=Kind.VERTICAL_DEPARTMENT, name=f"{label}发改委", area_id=county, parent=hq
        )
    CommandUnit.objects.create(
        kind=Kind.HORIZONTAL_PARTY_COMMITTEE,
        name="中共音德尔镇委员会",
        area_id=YINDEER,
        parent=made[ZHALAITE],
    )
    secretary = Cadre.objects.create(
        name="长发第一书记", area_id=CHANGFA, unit="旗县发改委", post=Cadre.Post.FIRST_SECRETARY
    )
    team = CommandUnit.objects.create(
        kind=Kind.VERTICAL_WORK_TEAM, name="长发村驻村工作队", area_id=CHANGFA, leader=secretary
    )
    CommandMember.objects.create(unit=team, area_id=CHANGFA, cadre=secretary, role="队长")
    CommandUnit.objects.create(
        kind=Kind.VERTICAL_WORK_TEAM, name="哈达那拉驻村工作队", area_id=HADANALA
    )
    return made


def test_the_league_sees_all_with_counts_per_county(structure):
    data = command_structure(make_user("organization", "1522"), "1522")
    counts = data["counts"]
    assert counts == {
        Kind.LEADING_GROUP: 1,
        Kind.HEADQUARTERS: 1,
        Kind.VERTICAL_DEPARTMENT: 2,
        Kind.VERTICAL_WORK_TEAM: 2,
        Kind.HORIZONTAL_PARTY_COMMITTEE: 3,
        Kind.HORIZONTAL_SUPERVISION: 2,
    }
    per_county = {c["code"]: c["counts"] for c in data["counties"]}
    # departments, work teams, committees, supervision groups
    assert per_county == {ZHALAITE: [1, 1, 2, 1], HADANALA[:6]: [1, 1, 1, 1]}
    expected = {
        county: [
            CommandUnit.objects.filter(area__code__startswith=county, kind=kind).count()
            for kind in (
                Kind.VERTICAL_DEPARTMENT,
                Kind.VERTICAL_WORK_TEAM,
                Kind.HORIZONTAL_PARTY_COMMITTEE,
                Kind.HORIZONTAL_SUPERVISION,
            )
        ]
        for county in per_county
    }
    assert per_county == expected
    assert [t["name"] for t in data["chart"]["top"]] == [
        "兴安盟脱贫攻坚领导小组",
        "兴安盟脱贫攻坚指挥部",
    ]


def test_a_county_user_sees_only_the_county(structure):
    data = command_structure(make_user("county_office", ZHALAITE), ZHALAITE)
    names = {u.name for u in data["units"]}
    assert names == {
        "中共扎赉特旗委员会",
        "扎赉特旗督查组",
        "扎赉特旗发改委",
        "中共音德尔镇委员会",
        "长发村驻村工作队",
    }
    assert data["chart"]["top"] == []


def test_the_page_draws_the_chart_from_json(client, structure):
    client.force_login(make_user("township_officer", YINDEER))
    response = client.get(f"/command/?area={YINDEER}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in text
    payload = re.search(
        r'<script id="command-chart-data" type="application/json">(.*?)</script>', text, re.S
    )
    chart = json.loads(payload.group(1))
    lines = {line["kind"]: line for line in chart["verticals"] + chart["horizontals"]}
    assert lines[Kind.VERTICAL_WORK_TEAM]["names"] == ["长发村驻村工作队"]
    assert lines[Kind.HORIZONTAL_PARTY_COMMITTEE]["count"] == 1
    assert chart["texts"]["verticals"] == "两纵"
    # The table carries the same rows for print and screen readers; nothing of other areas.
    assert "长发第一书记" in text and "哈达那拉" not in text and "扎赉特旗督查组" not in text
    assert client.get(f"/command/?area={HADANALA}").status_code == 404


def test_members_take_the_units_area_in_the_admin(client, structure):
    user = make_user("organization", "1522", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.set(Permission.objects.filter(content_type__app_label="command"))
    client.force_login(user)
    response = client.get("/admin/command/commandunit/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == CommandUnit.objects.count()
    outsider = make_user("organization", HADANALA[:6], is_staff=True)
    outsider.user_permissions.set(Permission.objects.filter(content_type__app_label="command"))
    client.force_login(outsider)
    response = client.get("/admin/command/commandunit/")
    assert response.context["cl"].result_count == 4


def test_the_page_makes_a_bounded_number_of_queries(client, structure):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user("organization", "1522"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/command/?area=1522").status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        team = CommandUnit.objects.create(
            kind=Kind.VERTICAL_WORK_TEAM, name=f"工作队{n}", area_id=CHANGFA, parent=structure["hq"]
        )
        CommandMember.objects.create(unit=team, area_id=CHANGFA, name=f"队员{n}", role="队员")
    assert count() == before
