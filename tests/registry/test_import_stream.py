"""The registry import streams: a few hundred rows span several chunks (a small
FUPIN_IMPORT_CHUNK_ROWS), and the checks across the whole file still see every row."""

import pytest

from fupin.accounts.models import Role
from fupin.core import sheets
from fupin.registry import importing, rules
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord
from fupin.registry.rules import MEMBER_COLUMNS
from tests.factories import ZHALAITE, make_household, make_user
from tests.registry.helpers import (
    household_rows,
    income_row,
    members_xlsx,
    read_xlsx,
    write_csv,
)

pytestmark = pytest.mark.django_db

CHUNK = 25
MODELS = (Household, Member, StatusRecord, IncomeRecord)


@pytest.fixture
def officer():
    return make_user(Role.COUNTY_OFFICE, ZHALAITE)


@pytest.fixture(autouse=True)
def small_chunks(settings):
    settings.FUPIN_IMPORT_CHUNK_ROWS = CHUNK


def _stored():
    return {
        name: count
        for model in MODELS
        for name, count in (
            (model.__name__, model.objects.count()),
            ("history " + model.__name__, model.history.model.objects.count()),
        )
    }


def _many(households=100):
    rows = []
    for _ in range(households):
        rows += household_rows()
    return rows


def _messages_of(result, row):
    return "\n".join(dict(result.errors).get(row, []))


def test_a_good_file_of_many_chunks_imports_and_again_changes_nothing(officer, tmp_path):
    rows = _many()
    path = write_csv(tmp_path / "many.csv", rows)

    result = importing.import_file(actor=officer, path=path)

    assert len(rows) > 10 * CHUNK
    assert result.ok, result.messages(5)
    assert result.counts["households_created"] == 100
    assert result.counts["members_created"] == len(rows) == Member.objects.count()
    assert result.counts["statuses_created"] == 100
    assert set(Household.objects.values_list("members_count", flat=True)) == {3}
    stored = _stored()
    again = importing.import_file(actor=officer, path=path)
    assert again.ok
    assert again.counts["members_unchanged"] == len(rows)
    assert again.counts["households_unchanged"] == 100
    assert _stored() == stored


def test_a_duplicate_id_number_in_rows_far_apart_is_refused_with_both_rows(officer, tmp_path):
    rows = _many()
    rows[-2]["证件号码"] = rows[3]["证件号码"]
    first, last = 3 + 2, len(rows) - 2 + 2  # file rows: the header is row 1
    before = _stored()

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "dup.csv", rows))

    assert not result.ok
    assert _stored() == before
    assert [row for row, _messages in result.errors] == [first, last]
    expected = str(
        rules.MSG_ID_DUPLICATE % {"id_number": rows[3]["证件号码"], "rows": f"{first}、{last}"}
    )
    assert expected in _messages_of(result, first)
    assert expected in _messages_of(result, last)


def test_a_households_rows_apart_form_one_household(officer, tmp_path):
    split = household_rows(names=["张三", "李四", "张小三"])
    rows = [split[0], *_many(30), *split[1:]]

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "apart.csv", rows))

    assert result.ok, result.messages(5)
    household = Household.objects.get(number=split[0]["户编号"])
    assert household.members_count == 3
    assert household.head_name == "张三"
    assert sorted(household.members.values_list("name", flat=True)) == ["张三", "张小三", "李四"]


def test_one_head_per_household_across_chunks(officer, tmp_path):
    split = household_rows(names=["张三", "李四", "张小三"])
    split[2]["与户主关系"] = "户主"
    rows = [split[0], *_many(30), *split[1:]]
    before = _stored()

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "heads.csv", rows))

    assert not result.ok
    assert _stored() == before
    assert [row for row, _messages in result.errors] == [2]
    assert str(rules.MSG_MANY_HEADS % {"count": 2}) in _messages_of(result, 2)
    assert "张三" in _messages_of(result, 2)


def test_a_household_disagreeing_with_its_first_row_in_another_chunk(officer, tmp_path):
    split = household_rows()
    split[2]["贫困户属性"] = "低保贫困户"
    rows = [split[0], *_many(30), *split[1:]]

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "agree.csv", rows))

    assert not result.ok
    assert [row for row, _messages in result.errors] == [len(rows) + 1]
    assert "第2行" in _messages_of(result, len(rows) + 1)


def test_an_error_found_in_the_last_chunk_rolls_back_the_chunks_written(officer, tmp_path):
    # A person registered in another household is found only against the registry, while
    # the chunks are written: the chunks before it are rolled back.
    registered = make_household(members=1)
    rows = _many()
    rows[-1]["证件号码"] = registered.members.get().id_number
    before = _stored()

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "late.csv", rows))

    assert not result.ok
    assert _stored() == before
    assert [row for row, _messages in result.errors] == [len(rows) + 1]
    assert registered.number in _messages_of(result, len(rows) + 1)


def test_a_bad_cell_in_the_last_chunk_stores_nothing(officer, tmp_path):
    rows = _many()
    rows[-1]["民族"] = "火星族"
    before = _stored()

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "last.csv", rows))

    assert not result.ok
    assert _stored() == before
    assert [row for row, _messages in result.errors] == [len(rows) + 1]


def test_the_error_workbook_is_the_same_whatever_the_chunk_size(officer, tmp_path, settings):
    rows = _many(40)
    rows[1]["民族"] = "火星族"
    rows[-2]["证件号码"] = rows[4]["证件号码"]
    rows[60]["务工时间（月）"] = "13"
    path = write_csv(tmp_path / "bad.csv", rows)
    books = []
    for size in (CHUNK, 7, 100_000):
        settings.FUPIN_IMPORT_CHUNK_ROWS = size
        result = importing.import_file(actor=officer, path=path)
        out = tmp_path / f"bad-{size}.errors.xlsx"
        sheets.write_error_workbook(result, out)
        books.append(read_xlsx(out))
    assert books[0] == books[1] == books[2]
    sheet = books[0]["bad"]
    assert sheet[0] == [*MEMBER_COLUMNS, sheets.ERROR_COLUMN]
    assert len(sheet) == len(rows) + 1
    assert "火星族" in sheet[2][-1]
    assert len(books[0][sheets.SUMMARY_SHEET]) == 1 + 4


def test_a_registered_member_far_below_is_kept_and_one_absent_is_removed(officer, tmp_path):
    kept, thinned = make_household(members=3), make_household(members=3)
    rows = []
    for household in (kept, thinned):
        people = list(household.members.order_by("id"))
        household_file = household_rows(
            number=household.number,
            names=[p.name for p in people],
            **{"识别年度": str(household.identified_year)},
        )
        for row, person in zip(household_file, people, strict=True):
            row.update(
                {"证件号码": person.id_number, "劳动技能": "普通劳动力", "在校生状况": "非在校生"}
            )
        rows.append(household_file)
    # The kept household's last person is far below its other rows (another chunk); the
    # thinned household's last person is not in the file at all.
    rows = [*rows[0][:2], *rows[1][:2], *_many(30), rows[0][2]]

    result = importing.import_file(actor=officer, path=write_csv(tmp_path / "far.csv", rows))

    assert result.ok, result.messages(5)
    assert result.counts["members_removed"] == 1
    assert kept.members.count() == 3
    assert thinned.members.count() == 2


def test_income_across_chunks_with_its_members_sheet(officer, tmp_path):
    rows = _many(40)
    numbers = sorted({row["户编号"] for row in rows})
    income = [income_row(number) for number in numbers]
    path = members_xlsx(tmp_path / "both.xlsx", rows, income)

    result = importing.import_file(actor=officer, path=path)

    assert result.ok, result.messages(5)
    assert result.counts["incomes_created"] == 40 == IncomeRecord.objects.count()
    assert set(IncomeRecord.objects.values_list("members_count", flat=True)) == {3}


def test_a_duplicate_income_year_far_apart_is_refused_with_both_rows(officer, tmp_path):
    rows = _many(40)
    numbers = sorted({row["户编号"] for row in rows})
    income = [income_row(number) for number in numbers] + [income_row(numbers[0])]
    path = members_xlsx(tmp_path / "both.xlsx", rows, income)
    before = _stored()

    result = importing.import_file(actor=officer, path=path)

    assert not result.ok
    assert _stored() == before
    expected = str(
        rules.MSG_INCOME_DUPLICATE
        % {"number": numbers[0], "year": 2016, "rows": f"2、{len(income) + 1}"}
    )
    messages = "\n".join(result.messages())
    assert messages.count(expected) == 2
