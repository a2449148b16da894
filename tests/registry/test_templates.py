"""Import templates carry an Excel drop-down on every coded column, and the household number
has one format that the template, the import and a registered case share."""

import io

import openpyxl
import pytest

from fupin.accounts.models import Role
from fupin.core.sheets import LISTS_SHEET
from fupin.registry import codes, exporting, importing, rules
from fupin.registry.models import Household
from tests.factories import CHANGFA, ZHALAITE, make_user
from tests.registry.helpers import household_rows, write_csv

pytestmark = pytest.mark.django_db


def validations(content: bytes) -> tuple[openpyxl.Workbook, dict[str, list[str]]]:
    """Read a template back: {column header: the labels its drop-down offers}."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        ref = str(validation.sqref).split(":")[0]
        column = headers[openpyxl.utils.column_index_from_string(ref.rstrip("0123456789")) - 1]
        sheet_name, cells = validation.formula1.split("!")
        lists = book[sheet_name.strip("'")]
        first, last = cells.replace("$", "").split(":")
        found[column] = [
            row[0]
            for row in lists.iter_rows(min_row=int(first[1:]), max_row=int(last[1:]),
                                       min_col=openpyxl.utils.column_index_from_string(first[0]),
                                       max_col=openpyxl.utils.column_index_from_string(first[0]),
                                       values_only=True)
        ]  # fmt: skip
    return book, found


def test_member_template_has_a_drop_down_on_every_coded_column():
    book, found = validations(exporting.template_workbook("members"))
    coded = set(rules.CODED_COLUMNS) | set(rules.YES_NO_COLUMNS)
    assert set(found) == coded
    for column, choices in rules.CODED_COLUMNS.items():
        assert set(codes.label_to_value(choices)) <= set(found[column]), column
    assert "一般脱贫户" in found[rules.COL_ATTRIBUTE]
    for column in rules.YES_NO_COLUMNS:
        assert found[column] == ["是", "否"]
    assert LISTS_SHEET in book.sheetnames
    # Every cell of the data sheet is text, so ID numbers keep their digits.
    assert book.worksheets[0]["D2"].number_format == "@"


def test_the_member_template_still_imports(tmp_path):
    officer = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    path = tmp_path / "members.xlsx"
    path.write_bytes(exporting.template_workbook("members"))
    result = importing.import_file(actor=officer, path=path)
    assert result.ok, result.errors
    assert Household.objects.get().number == "1522231002340001"


@pytest.mark.parametrize("kind", ["funds", "allocations", "beneficiaries"])
def test_funds_templates_have_a_drop_down_on_every_coded_column(client, kind):
    from fupin.funds import importing as funds

    client.force_login(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    response = client.get(f"/funds/import/template/{kind}.xlsx")
    assert response.status_code == 200
    _book, found = validations(response.content)
    coded = {c: labels for c, labels in funds.coded_columns().items() if c in funds.COLUMNS[kind]}
    assert coded and found == coded


# -- 户编号 ------------------------------------------------------------------------------------


def test_one_household_number_format():
    assert rules.household_number(CHANGFA, 7) == "1522231002340007"
    assert len(rules.household_number(CHANGFA, 7)) == rules.NUMBER_LENGTH == 16
    assert rules.check_household_number("1522231002340007", CHANGFA) == []
    example = exporting.example_member_row()[rules.MEMBER_COLUMNS.index(rules.COL_NUMBER)]
    assert rules.check_household_number(example, CHANGFA) == []


@pytest.mark.parametrize(
    "number, message",
    [
        ("152223100234001", rules.MSG_NUMBER_FORMAT),  # 15 digits
        ("15222310023400001", rules.MSG_NUMBER_FORMAT),  # 17 digits
        ("152223100234000A", rules.MSG_NUMBER_FORMAT),
        ("1522231042030001", rules.MSG_NUMBER_VILLAGE),  # another village's code
    ],
)
def test_the_import_refuses_a_new_household_number_of_another_format(tmp_path, number, message):
    officer = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    path = write_csv(tmp_path / "a.csv", household_rows(number=number))
    result = importing.import_file(actor=officer, path=path, year=2017)
    assert not result.ok
    expected = message % {"number": number, "example": "1522231002340001", "village": CHANGFA}
    text = "\n".join(result.messages())
    assert f"户编号：{expected}" in text, text
    assert "第2行" in text


def test_a_registered_household_keeps_its_old_number(tmp_path):
    from tests.factories import make_household

    officer = make_user(Role.COUNTY_OFFICE, ZHALAITE)
    old = make_household(CHANGFA, number="152223100234OLD")
    content, _type, _name = exporting.export_members(Household.objects.filter(pk=old.pk), "csv")
    path = tmp_path / "old.csv"
    path.write_bytes(content)
    assert importing.import_file(actor=officer, path=path, year=2016).ok


def test_collective_and_pairing_templates_have_their_drop_downs(client):
    from fupin.assistance.importing import COL_PARTY, COL_POST
    from fupin.collective.importing import COL_SOURCE

    client.force_login(make_user(Role.COUNTY_OFFICE, ZHALAITE))
    response = client.get("/collective/import/template/income.xlsx")
    assert response.status_code == 200
    _book, found = validations(response.content)
    assert set(found) == {COL_SOURCE} and "资产租赁" in found[COL_SOURCE]
    response = client.get("/collective/import/template/shares.xlsx")
    assert response.status_code == 200 and validations(response.content)[1] == {}
    assert client.get("/collective/import/template/nope.xlsx").status_code == 404
    response = client.get("/pairings/import/template.xlsx")
    assert response.status_code == 200
    _book, found = validations(response.content)
    assert set(found) == {COL_POST, COL_PARTY} and found[COL_PARTY] == ["是", "否"]
