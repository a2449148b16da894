"""The readable export beside the import layout: area names, the 帮扶责任人, labels instead of
codes, numbers as numbers; offered on the household list."""

import datetime
import io

import openpyxl
import pytest

from fupin.accounts.models import Role
from fupin.assistance.models import Pairing
from fupin.registry import codes, exporting
from fupin.registry.models import Household
from tests.assistance.helpers import make_cadre
from tests.factories import (
    CHANGFA,
    HADANALA,
    SHUANGYUSHU,
    ZHALAITE,
    make_household,
    make_user,
)

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> dict[str, list[dict]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    out = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        out[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return out


def test_the_readable_export_reads_back_with_names_labels_and_numbers(client):
    household = make_household(
        CHANGFA, members=3, head_name="乌力吉", main_cause=codes.Cause.ILLNESS
    )
    other = make_household(SHUANGYUSHU, members=2, head_name="别村户主")
    elsewhere = make_household(HADANALA, members=2, head_name="别县户主")
    cadre = make_cadre(ZHALAITE, name="王帮扶", phone="13900001111", unit="扎赉特旗农牧局")
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=datetime.date(2016, 1, 1)
    )
    client.force_login(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    page = client.get("/households/").content.decode()
    assert 'id="export-readable"' in page
    response = client.get("/households/export/?format=readable")
    assert response.status_code == 200
    sheets = _rows(response.content)
    houses = {row["户编号"]: row for row in sheets[exporting.READABLE_HOUSEHOLDS_SHEET]}
    row = houses[household.number]
    assert (row["旗县市"], row["苏木乡镇"], row["嘎查村"]) == ("扎赉特旗", "音德尔镇", "长发村委会")
    assert row["户主姓名"] == "乌力吉"
    assert row["家庭人口"] == 3 and isinstance(row["家庭人口"], int)
    assert row["识别年度"] == 2014 and isinstance(row["识别年度"], int)
    assert row["主要致贫原因"] == "因病" and row["脱贫状态"] == "未脱贫"
    assert row["贫困户属性"] == "一般贫困户"
    assert row["帮扶责任人"] == "王帮扶" and row["帮扶责任人联系电话"] == "13900001111"
    assert houses[other.number]["帮扶责任人"] in (None, "")
    assert elsewhere.number not in houses  # the user's scope, as the list
    members = [
        m for m in sheets[exporting.READABLE_MEMBERS_SHEET] if m["户编号"] == household.number
    ]
    assert len(members) == 3
    assert members[0]["与户主关系"] == "户主" and members[0]["户主姓名"] == "乌力吉"
    assert isinstance(members[0]["务工时间（月）"], int)
    assert members[0]["是否参加基本医疗保险"] in ("是", "否")
    # No code leaks into the readable sheets.
    for sheet in sheets.values():
        for line in sheet:
            assert "illness" not in line.values() and "head" not in line.values()


def test_the_readable_export_is_set_based(django_assert_max_num_queries):
    for _ in range(30):
        make_household(CHANGFA)
    with django_assert_max_num_queries(8):
        content, _type, name = exporting.export_readable(Household.objects.all())
    assert content.startswith(b"PK") and name.endswith(".xlsx")
