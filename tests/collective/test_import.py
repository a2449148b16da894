"""Collective income by spreadsheet: all or nothing, every bad row named, idempotent, and an
export that re-imports unchanged."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from fupin.collective.importing import export_workbook, import_income
from fupin.collective.models import CollectiveIncome
from tests.factories import CHANGFA, HADANALA, YINDEER, ZHALAITE, make_user

pytestmark = pytest.mark.django_db
HEADER = ["嘎查村代码", "嘎查村", "年度", "收入来源", "金额（元）", "备注"]
OTHER = "152223100200"  # a village of 音德尔镇 (not 长发村)


def _xlsx(tmp_path, rows, header=HEADER, name="income.xlsx"):
    path = tmp_path / name
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


GOOD = [
    [CHANGFA, "长发村", 2016, "资源发包", "80000", "草场"],
    [CHANGFA, "长发村", 2016, "入股分红", 12000.5, ""],
    [OTHER, "", "2015", "上级补助", "3000.00", ""],
]


def test_a_good_file_is_written_and_reimporting_changes_nothing(tmp_path):
    user = make_user("township_officer", YINDEER)
    result = import_income(_xlsx(tmp_path, GOOD), actor=user, area_code=YINDEER)
    assert result.ok, result.messages()
    assert result.counts == {"created": 3, "changed": 0, "unchanged": 0}
    line = CollectiveIncome.objects.get(village_id=CHANGFA, source="dividend")
    assert line.amount == Decimal("12000.50")
    assert line.history.get().history_user == user
    again = import_income(_xlsx(tmp_path, GOOD), actor=user, area_code=YINDEER)
    assert again.ok and again.counts == {"created": 0, "changed": 0, "unchanged": 3}
    assert CollectiveIncome.objects.count() == 3
    assert CollectiveIncome.history.count() == 3
    changed = [*GOOD[:2], [OTHER, "", 2015, "上级补助", "3500", "追加"]]
    third = import_income(_xlsx(tmp_path, changed), actor=user, area_code=YINDEER)
    assert third.counts == {"created": 0, "changed": 1, "unchanged": 2}
    assert CollectiveIncome.objects.get(village_id=OTHER).amount == Decimal("3500.00")


def test_one_bad_row_refuses_the_file_and_every_bad_row_is_named(tmp_path):
    user = make_user("township_officer", YINDEER)
    rows = [
        *GOOD,
        [HADANALA, "", 2016, "资源发包", "1", ""],  # 5: out of the area
        [CHANGFA, "", 2018, "资源发包", "1", ""],  # 6: future year
        [CHANGFA, "", 2016, "卖地", "1", ""],  # 7: not a source
        [CHANGFA, "", 2016, "资产租赁", "-3", ""],  # 8: negative
        [CHANGFA, "", 2016, "资产租赁", "1.234", ""],  # 9: three decimals
        [CHANGFA, "", 2016, "资源发包", "5", ""],  # 10: duplicate of row 2
        ["", "", "", "", "", ""],  # empty row: skipped
        [CHANGFA, "", "二〇一六", "服务收入", "", ""],  # 12: bad year, no amount
    ]
    result = import_income(_xlsx(tmp_path, rows), actor=user, area_code=YINDEER)
    assert not result.ok
    assert CollectiveIncome.objects.count() == 0
    messages = result.messages()
    assert (
        f"第5行“嘎查村代码”：嘎查村代码“{HADANALA}”不存在、不是参与扶贫的嘎查村或不在导入范围内"
        in messages
    )
    assert "第6行“年度”：年度不能晚于2017年" in messages
    assert any(m.startswith("第7行“收入来源”：“卖地”不是有效选项") for m in messages)
    assert "第8行“金额（元）”：“-3”不是有效金额（应为不小于 0、最多两位小数的数字）" in messages
    assert any(m.startswith("第9行“金额（元）”") for m in messages)
    assert "第10行“收入来源”：与第2行重复（同一嘎查村、年度和收入来源）" in messages
    assert "第12行“年度”：“二〇一六”不是有效年度（应为四位数字）" in messages
    assert "第12行“金额（元）”：不能为空" in messages
    assert [row for row, _m in result.errors] == [5, 6, 7, 8, 9, 10, 12]


def test_missing_columns_and_rights(tmp_path):
    user = make_user("township_officer", YINDEER)
    path = _xlsx(tmp_path, [[CHANGFA, 2016]], header=["嘎查村代码", "年度"])
    result = import_income(path, actor=user, area_code=YINDEER)
    assert result.messages() == ["第1行（表头）：缺少列：收入来源、金额（元）"]
    with pytest.raises(PermissionDenied):
        import_income(
            _xlsx(tmp_path, GOOD), actor=make_user("supervisor", ZHALAITE), area_code=ZHALAITE
        )
    with pytest.raises(PermissionDenied):
        import_income(_xlsx(tmp_path, GOOD), actor=user, area_code=ZHALAITE)


def test_the_export_reimports_unchanged(tmp_path):
    user = make_user("county_office", ZHALAITE)
    assert import_income(_xlsx(tmp_path, GOOD), actor=user, area_code=ZHALAITE).ok
    content = export_workbook(user, ZHALAITE)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 4
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    result = import_income(path, actor=user, area_code=ZHALAITE)
    assert result.ok and result.counts == {"created": 0, "changed": 0, "unchanged": 3}


def test_import_page_and_error_workbook(client, tmp_path):
    client.force_login(make_user("township_officer", YINDEER))
    bad = _xlsx(tmp_path, [*GOOD, [CHANGFA, "", 2018, "资源发包", "1", ""]])
    with open(bad, "rb") as handle:
        response = client.post(
            f"/collective/import/?area={YINDEER}", {"area": YINDEER, "file": handle}
        )
    assert response.status_code == 400
    assert "第5行“年度”：年度不能晚于2017年" in response.content.decode()
    workbook = client.get("/collective/import/errors/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.cell(1, 7).value == "错误原因"
    assert "年度不能晚于2017年" in sheet.cell(5, 7).value
    with open(_xlsx(tmp_path, GOOD, name="good.xlsx"), "rb") as handle:
        response = client.post(
            f"/collective/import/?area={YINDEER}", {"area": YINDEER, "file": handle}
        )
    assert response.status_code == 200 and CollectiveIncome.objects.count() == 3
    export = client.get(f"/collective/export/?area={YINDEER}&year=2016")
    assert export.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(export.content)).active.max_row == 3


def test_a_refused_file_in_english_names_row_column_and_reason(tmp_path):
    from django.utils import translation

    user = make_user("township_officer", YINDEER)
    rows = [[CHANGFA, "", 2018, "资源发包", "-3", ""]]
    with translation.override("en"):
        result = import_income(_xlsx(tmp_path, rows), actor=user, area_code=YINDEER)
    assert not result.ok
    assert result.messages() == [
        "Row 2, column “年度”: the year may not be later than 2017",
        "Row 2, column “金额（元）”: “-3” is not a valid amount"
        " (should be a number ≥ 0 with at most two decimals)",
    ]


# -- The write service: one audit event per file; a refused actor writes nothing -------------


def test_an_import_writes_one_audit_event_with_the_counts(tmp_path):
    from fupin.core.audit import COLLECTIVE_INCOME_IMPORTED
    from fupin.core.models import AuditEvent

    user = make_user("township_officer", YINDEER)
    result = import_income(_xlsx(tmp_path, GOOD), actor=user, area_code=YINDEER)
    assert result.ok, result.messages()
    event = AuditEvent.objects.get(action=COLLECTIVE_INCOME_IMPORTED)
    assert (event.user_id, event.target) == (user.pk, YINDEER)
    assert event.detail == {"file": "income.xlsx", "created": 3, "changed": 0, "unchanged": 0}


@pytest.mark.parametrize(
    ("role", "code", "village"),
    [
        ("supervisor", YINDEER, CHANGFA),  # a role that may not record collective income
        ("township_officer", YINDEER, HADANALA),  # a village outside the import's area
    ],
)
def test_the_service_refuses_and_writes_nothing(role, code, village):
    from fupin.collective.services import income_import
    from fupin.core.models import AuditEvent

    actor = make_user(role, code)
    lines = [
        (CHANGFA, 2016, "resource", Decimal("1"), ""),
        (village, 2016, "other", Decimal("2"), ""),
    ]
    with pytest.raises(PermissionDenied):
        income_import(actor=actor, area_code=YINDEER, lines=lines, filename="x.xlsx")
    assert CollectiveIncome.objects.count() == 0
    assert CollectiveIncome.history.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="collective.").exists()
