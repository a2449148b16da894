"""The funds importers' phases: parsing turns cells into typed rows without the database,
checking names every problem on its row, and a cell is only refused where it matters."""

import datetime
from decimal import Decimal

from fupin.funds.importing import (
    ALLOCATIONS,
    BENEFICIARIES,
    COLUMNS,
    FUNDS,
    import_workbook,
    parse_allocations,
    parse_beneficiaries,
    parse_funds,
)
from fupin.funds.models import FundLevel, Project, ProjectType, Source
from tests.factories import CHANGFA, ZHALAITE
from tests.funds.test_import import FUND, _xlsx

TODAY = datetime.date(2017, 6, 30)


def _data(kind, *rows):
    return [(n, {c: row.get(c, "") for c in COLUMNS[kind]}) for n, row in enumerate(rows, 2)]


def test_parsing_needs_no_database():
    # No ``db`` fixture: a query here would fail the test.
    fund, bad = parse_funds(
        _data(FUNDS, FUND, {**FUND, "资金来源": "", "到位日期": "2017-07-01"}), today=TODAY
    )
    assert not fund.problems
    assert (fund.source, fund.level, fund.holder) == (Source.THREE_TO, FundLevel.REGION, ZHALAITE)
    assert (fund.amount, fund.received_on) == (Decimal("100000.00"), datetime.date(2017, 3, 1))
    # A blank required choice is reported once, with its column.
    assert [(p.field, str(p.reason)) for p in bad.problems] == [
        ("资金来源", "不能为空"),
        ("到位日期", "日期不能晚于 2017-06-30"),
    ]
    (share,) = parse_beneficiaries(
        _data(
            BENEFICIARIES,
            {"项目名称": "甲", "项目区划代码": CHANGFA, "嘎查村代码": CHANGFA, "金额（元）": "10"},
        ),
        today=TODAY,
    )
    # A village's share needs no 带贫模式; a blank 受益起始日期 is the day of the import.
    assert not share.problems and share.model is None and share.since == TODAY
    (allocation,) = parse_allocations(_data(ALLOCATIONS, {"项目类型": "牛"}), today=TODAY)
    # 项目类型 is kept aside: it matters only when the row creates its project.
    assert allocation.type is None and allocation.type_problem.field == "项目类型"
    assert "项目类型" not in {p.field for p in allocation.problems}


def test_project_type_is_checked_only_for_a_new_project(office, tmp_path):
    import_workbook(_xlsx(tmp_path, FUNDS, [FUND]), actor=office, area_code=ZHALAITE)
    row = {
        "资金名称": FUND["资金名称"],
        "资金持有区划代码": ZHALAITE,
        "项目名称": "长发肉牛托管",
        "项目区划代码": CHANGFA,
        "金额（元）": "600",
        "下达日期": "2017-04-01",
    }
    blank = import_workbook(_xlsx(tmp_path, ALLOCATIONS, [row]), actor=office, area_code=ZHALAITE)
    assert not blank.ok and blank.messages() == ["第2行“项目类型”：不能为空"]
    Project.objects.create(name="长发肉牛托管", type=ProjectType.INDUSTRY_BASE, area_id=CHANGFA)
    path = _xlsx(tmp_path, ALLOCATIONS, [{**row, "项目类型": "牛"}])
    result = import_workbook(path, actor=office, area_code=ZHALAITE)
    assert result.ok and result.counts["allocations_created"] == 1


def test_checking_names_every_bad_row(office, tmp_path, households):
    base = {"项目名称": "无此项目", "项目区划代码": CHANGFA, "嘎查村代码": CHANGFA}
    rows = [
        {**base, "金额（元）": "10"},
        {**base, "户编号": "不存在", "带贫模式": "托管式", "金额（元）": "0"},
    ]
    path = _xlsx(tmp_path, BENEFICIARIES, rows)
    result = import_workbook(path, actor=office, area_code=ZHALAITE)
    assert not result.ok and [row for row, _m in result.errors] == [2, 3]
    assert result.errors[1][1][0].startswith("第3行“金额（元）”")
    assert any("户编号“不存在”" in m for m in result.errors[1][1])
    assert result.counts == {}
