"""The sheet kit's cell parsers: each value it accepts, each it refuses and why."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from fupin.core import cells, idnumber
from fupin.core.cells import CellError, Cells, Problem, row_message

TODAY = datetime.date(2017, 6, 30)


def reason(parser, text, *args, **kwargs) -> str:
    with pytest.raises(CellError) as error:
        parser(text, *args, **kwargs)
    return str(error.value)


def test_required_and_blank():
    assert cells.required("x") == "x"
    assert reason(cells.required, "") == "不能为空"
    for parser in (cells.integer, cells.date, cells.amount, cells.yes_no, cells.year):
        assert reason(parser, "") == "不能为空"
    assert cells.integer("", required=False, blank=0) == 0
    assert cells.amount("", required=False) is None


def test_choice():
    labels = {"资源发包": "lease", "入股分红": "dividend"}
    assert cells.choice("入股分红", labels) == "dividend"
    assert reason(cells.choice, "卖地", labels) == "“卖地”不是有效选项（可选：资源发包、入股分红）"
    assert (
        reason(cells.choice, "卖地", labels, allowed="见代码表")
        == "“卖地”不是有效选项（可选：见代码表）"
    )
    assert cells.choice("", labels, required=False, blank="other") == "other"


def test_yes_no():
    assert cells.yes_no("是") is True and cells.yes_no("否") is False
    assert reason(cells.yes_no, "对") == "“对”不是有效选项（可选：是、否）"


def test_integer():
    assert cells.integer("12") == 12 and cells.integer("3.0") == 3
    assert reason(cells.integer, "3.5") == "“3.5”应为整数"
    assert reason(cells.integer, "abc") == "“abc”应为整数"


def test_text():
    assert cells.text("abc", max_length=3) == "abc"
    assert reason(cells.text, "abcd", max_length=3) == "最长3个字符（现为4个）"


def test_date():
    assert cells.date("2017-06-01") == datetime.date(2017, 6, 1)
    assert cells.date("2017/06/01") == cells.date("2017.06.01") == datetime.date(2017, 6, 1)
    assert reason(cells.date, "2017-02-30") == "“2017-02-30”不是有效日期（应为 YYYY-MM-DD）"
    assert reason(cells.date, "2017-07-01", latest=TODAY) == "日期不能晚于 2017-06-30"


def test_year():
    assert cells.year("2016", first=2014, last=2017) == 2016
    assert cells.year("2016.0") == 2016
    assert reason(cells.year, "二〇一六") == "“二〇一六”不是有效年度（应为四位数字）"
    assert reason(cells.year, "2018", first=2014, last=2017) == "年度不能晚于2017年"
    assert reason(cells.year, "2013", first=2014, last=2017) == "年度不能早于2014年"


def test_amount_is_a_decimal_to_the_fen():
    assert cells.amount("1,234.5") == Decimal("1234.50")
    assert cells.amount("0") == Decimal("0.00")
    assert reason(cells.amount, "-3") == "“-3”不是有效金额（应为不小于 0、最多两位小数的数字）"
    assert (
        reason(cells.amount, "1.234") == "“1.234”不是有效金额（应为不小于 0、最多两位小数的数字）"
    )
    assert reason(cells.amount, "NaN") == "“NaN”不是有效金额（应为不小于 0、最多两位小数的数字）"
    assert (
        reason(cells.amount, "0", positive=True)
        == "“0”不是有效金额（应为大于 0 的数字，最多两位小数）"
    )
    assert reason(cells.amount, "100", maximum=Decimal("100")).startswith("“100”不是有效金额")


@given(st.integers(min_value=0, max_value=10**13))
def test_amount_reads_every_amount_of_fen_exactly(fen):
    text = f"{fen // 100}.{fen % 100:02d}"
    if fen >= 10**14:
        return
    if Decimal(text) >= cells.MAX_AMOUNT:
        with pytest.raises(CellError):
            cells.amount(text)
    else:
        assert cells.amount(text) * 100 == fen


def test_id_number():
    number = idnumber.make_id_number("152223", datetime.date(1980, 5, 1), 7, "M")
    assert cells.id_number(number, today=TODAY).birth_date == datetime.date(1980, 5, 1)
    wrong = number[:17] + ("3" if number[-1] != "3" else "5")
    assert reason(cells.id_number, wrong, today=TODAY).startswith("证件号码校验位错误")
    assert cells.id_number("", today=TODAY, required=False) is None


def test_cells_collects_problems_and_names_row_column_reason():
    cell = Cells({"年度": "2018", "金额（元）": "5"})
    assert cell("年度", cells.year, last=2017) is None
    assert cell("金额（元）", cells.amount) == Decimal("5.00")
    assert cell.problems == [Problem("年度", cells.MSG_YEAR_FUTURE % {"year": 2017})]
    assert cell.messages(6) == ["第6行“年度”：年度不能晚于2017年"]


def test_messages_in_english():
    with translation.override("en"):
        assert reason(cells.amount, "-3").startswith("“-3” is not a valid amount")
        assert row_message(6, Problem("年度", cells.MSG_REQUIRED)) == (
            "Row 6, column “年度”: must not be empty"
        )
