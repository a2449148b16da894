"""Households sharing collective income, by spreadsheet: all or nothing, never more than the
village's income, idempotent, and an export that re-imports unchanged."""

import io
from decimal import Decimal

import openpyxl
import pytest

from fupin.collective.models import CollectiveDistribution, CollectiveIncome
from fupin.collective.sharing import export_workbook, import_distributions
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
HEADER = ["户编号", "户主", "嘎查村代码", "年度", "分配金额（元）"]


def _xlsx(tmp_path, rows, name="shares.xlsx"):
    path = tmp_path / name
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def setup():
    CollectiveIncome.objects.create(
        village_id=CHANGFA, year=2016, source="resource", amount=Decimal("1000")
    )
    a = make_household(CHANGFA)
    b = make_household(CHANGFA)
    other = make_household(HADANALA)
    return a, b, other


def test_a_good_file_is_written_once(tmp_path, setup):
    a, b, _other = setup
    user = make_user("township_officer", YINDEER)
    rows = [[a.number, "", "", 2016, "400"], [b.number, "", "", "2016", "600.00"]]
    result = import_distributions(_xlsx(tmp_path, rows), actor=user, area_code=YINDEER)
    assert result.ok, result.messages()
    assert result.counts == {"created": 2, "changed": 0, "unchanged": 0}
    again = import_distributions(_xlsx(tmp_path, rows), actor=user, area_code=YINDEER)
    assert again.counts == {"created": 0, "changed": 0, "unchanged": 2}
    assert CollectiveDistribution.objects.count() == CollectiveDistribution.history.count() == 2
    assert CollectiveDistribution.objects.get(household=a).village_id == CHANGFA


def test_bad_rows_and_more_than_the_income_refuse_the_file(tmp_path, setup):
    a, b, other = setup
    user = make_user("township_officer", YINDEER)
    CollectiveDistribution.objects.create(
        village_id=CHANGFA, year=2016, household=b, amount=Decimal("700")
    )
    bad = [
        [other.number, "", "", 2016, "1"],  # 2: out of the area
        [a.number, "", "", 2018, "1"],  # 3: future year
        [a.number, "", "", 2016, "-1"],  # 4: negative
    ]
    result = import_distributions(_xlsx(tmp_path, bad), actor=user, area_code=YINDEER)
    assert result.messages() == [
        f"第2行“户编号”：户编号“{other.number}”不存在或不在导入范围内",
        "第3行“年度”：年度不能晚于2017年",
        "第4行“分配金额（元）”：“-1”不是有效金额（应为不小于 0、最多两位小数的数字）",
    ]
    # 400 + the 700 already recorded for another household > the 1,000 of income.
    over = [[a.number, "", "", 2016, "400"]]
    result = import_distributions(_xlsx(tmp_path, over), actor=user, area_code=YINDEER)
    assert result.messages() == [
        "第2行“分配金额（元）”：长发村委会2016年分配合计 1100.00 元，超过当年集体经济收入 1000.00 元"
    ]
    # Changing the other household's share in the same file makes it fit.
    fits = [[a.number, "", "", 2016, "400"], [b.number, "", "", 2016, "600"]]
    result = import_distributions(_xlsx(tmp_path, fits), actor=user, area_code=YINDEER)
    assert result.ok and result.counts == {"created": 1, "changed": 1, "unchanged": 0}
    no_income = [[a.number, "", "", 2015, "1"]]
    result = import_distributions(_xlsx(tmp_path, no_income), actor=user, area_code=YINDEER)
    assert not result.ok and "超过当年集体经济收入 0.00 元" in result.messages()[0]


def test_export_reimports_and_the_page_imports(tmp_path, setup, client):
    a, b, _other = setup
    user = make_user("county_office", ZHALAITE)
    rows = [[a.number, "", "", 2016, "400"], [b.number, "", "", 2016, "600"]]
    assert import_distributions(_xlsx(tmp_path, rows), actor=user, area_code=ZHALAITE).ok
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_workbook(user, ZHALAITE, 2016))
    again = import_distributions(path, actor=user, area_code=ZHALAITE)
    assert again.ok and again.counts["unchanged"] == 2
    client.force_login(user)
    response = client.get(f"/collective/export/?area={ZHALAITE}&year=2016&kind=shares")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER and sheet.max_row == 3
    bad = _xlsx(tmp_path, [[a.number, "", "", 2016, "5000"]], name="bad.xlsx")
    with open(bad, "rb") as handle:
        response = client.post(
            "/collective/import/", {"area": ZHALAITE, "kind": "shares", "file": handle}
        )
    assert response.status_code == 400
    assert "超过当年集体经济收入" in response.content.decode()
    assert CollectiveDistribution.objects.get(household=a).amount == Decimal("400")


def test_exporting_shares_needs_the_registry_export_right(client, setup):
    client.force_login(make_user("pairing_cadre", ZHALAITE))
    assert client.get(f"/collective/export/?area={ZHALAITE}&kind=shares").status_code == 403
    assert client.get(f"/collective/export/?area={ZHALAITE}").status_code == 200
