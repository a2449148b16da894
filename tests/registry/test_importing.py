"""The registry import: all or nothing, set-based, idempotent, with history (docs/architecture.md rules 3, 6)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from fupin.accounts.models import Role
from fupin.core import idnumber, sheets
from fupin.registry import codes, exporting, importing, rules
from fupin.registry.models import Household, IncomeRecord, Member, StatusRecord
from fupin.registry.rules import INCOME_COLUMNS, MEMBER_COLUMNS
from tests.factories import CHANGFA, HADANALA, SHUANGYUSHU, ZHALAITE, make_household, make_user
from tests.registry.helpers import (
    household_rows,
    income_row,
    members_xlsx,
    read_xlsx,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

MODELS = (Household, Member, StatusRecord, IncomeRecord)


def _counts():
    counts = {}
    for model in MODELS:
        counts[model.__name__] = model.objects.count()
        counts["H" + model.__name__] = model.history.model.objects.count()
    return counts


@pytest.fixture
def officer():
    return make_user(Role.COUNTY_OFFICE, ZHALAITE)


def _import(user, path, **kwargs):
    return importing.import_file(actor=user, path=path, **kwargs)


def _all_messages(result):
    return "\n".join(result.messages())


# -- A good file ------------------------------------------------------------------------------


def test_good_file_imports_households_members_status_and_history(officer, tmp_path):
    first = household_rows(names=["张三", "李四", "张小三"])
    second = household_rows(
        village=SHUANGYUSHU,
        **{"脱贫状态": "已脱贫", "贫困户属性": "低保脱贫户", "脱贫年度": "2016"},
    )
    path = write_csv(tmp_path / "good.csv", first + second)

    result = _import(officer, path, year=2017)

    assert result.ok, result.messages()
    assert result.kind == "members"
    assert result.counts["households_created"] == 2
    assert result.counts["members_created"] == 6
    assert result.counts["statuses_created"] == 2
    assert result.villages == sorted([CHANGFA, SHUANGYUSHU])
    household = Household.objects.get(number=first[0]["户编号"])
    assert household.village_id == CHANGFA
    assert household.head_name == "张三"
    assert household.members_count == 3
    assert household.main_cause == codes.Cause.ILLNESS
    assert household.other_causes == [codes.Cause.CAPITAL, codes.Cause.SKILLS]
    assert household.phone == "13900000000"
    assert household.status == codes.Status.POOR
    head = household.members.get(relation=codes.Relation.HEAD)
    assert head.sex == "M"
    assert head.birth_date == idnumber.parse_id_number(first[0]["证件号码"]).birth_date
    assert head.migrant_months == 3 and head.labour == codes.Labour.ORDINARY
    exited = Household.objects.get(number=second[0]["户编号"])
    assert exited.attribute == codes.Attribute.LOW_INCOME
    assert exited.status == codes.Status.EXITED and exited.exit_year == 2016
    status = StatusRecord.objects.get(household=household, year=2017)
    assert (status.status, status.attribute, status.members_count) == ("poor", "general", 3)
    history = household.history.get()
    assert history.history_type == "+"
    assert history.history_change_reason == "导入 good.csv"
    assert history.history_user == officer
    assert Member.history.filter(history_change_reason="导入 good.csv").count() == 6
    assert StatusRecord.history.count() == 2


def test_same_file_twice_changes_nothing(officer, tmp_path):
    path = write_csv(tmp_path / "a.csv", household_rows() + household_rows())
    assert _import(officer, path).ok
    before = _counts()

    result = _import(officer, path)

    assert result.ok
    assert _counts() == before
    assert result.counts["households_unchanged"] == 2
    assert result.counts["members_unchanged"] == 6
    assert result.counts["households_updated"] == result.counts["members_updated"] == 0
    assert result.villages == []


def test_corrected_file_updates_in_place(officer, tmp_path):
    rows = household_rows()
    assert _import(officer, write_csv(tmp_path / "a.csv", rows)).ok
    number = rows[0]["户编号"]
    rows[1]["姓名"] = "改名"
    for row in rows:
        row["是否危房户"] = "是"
    removed = rows.pop(2)
    before = _counts()

    result = _import(officer, write_csv(tmp_path / "b.csv", rows))

    assert result.ok, result.messages()
    assert result.counts["households_updated"] == 1
    assert result.counts["members_updated"] == 1
    assert result.counts["members_unchanged"] == 1
    assert result.counts["members_removed"] == 1
    assert result.counts["statuses_updated"] == 1
    household = Household.objects.get(number=number)
    assert household.dangerous_housing is True and household.members_count == 2
    assert Household.objects.count() == before["Household"]
    assert set(household.members.values_list("name", flat=True)) == {rows[0]["姓名"], "改名"}
    assert not Member.objects.filter(id_number=removed["证件号码"]).exists()
    assert household.history.latest().history_type == "~"
    assert household.history.latest().history_change_reason == "导入 b.csv"
    assert Member.history.filter(history_type="-", id_number=removed["证件号码"]).exists()
    assert StatusRecord.objects.get(household=household, year=2017).members_count == 2


def test_old_year_file_keeps_the_current_status(officer, tmp_path):
    rows = household_rows()
    assert _import(officer, write_csv(tmp_path / "a.csv", rows), year=2017).ok
    for row in rows:
        row["脱贫状态"] = "返贫"
    result = _import(officer, write_csv(tmp_path / "b.csv", rows), year=2016)
    assert result.ok
    household = Household.objects.get(number=rows[0]["户编号"])
    assert household.status == codes.Status.POOR
    assert StatusRecord.objects.get(household=household, year=2016).status == "relapsed"


def test_csv_with_bom_and_xlsx(officer, tmp_path):
    bom = write_csv(tmp_path / "bom.csv", household_rows(), bom=True)
    assert (tmp_path / "bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert _import(officer, bom).ok
    xlsx = members_xlsx(tmp_path / "m.xlsx", household_rows())
    result = _import(officer, xlsx)
    assert result.ok
    assert result.counts["members_created"] == 3


def test_extra_column_is_ignored_with_a_warning(officer, tmp_path):
    rows = household_rows()
    for row in rows:
        row["备注"] = "x"
    path = write_csv(tmp_path / "a.csv", rows, columns=(*MEMBER_COLUMNS, "备注"))
    result = _import(officer, path)
    assert result.ok
    assert result.warnings == [importing.MSG_EXTRA_COLUMN % {"sheet": "", "column": "备注"}]


def test_missing_column_refuses_the_file(officer, tmp_path):
    columns = [c for c in MEMBER_COLUMNS if c != "民族"]
    result = _import(officer, write_csv(tmp_path / "a.csv", household_rows(), columns=columns))
    assert not result.ok
    assert sheets.MSG_MISSING_COLUMNS % {"columns": "民族"} in _all_messages(result)
    assert Household.objects.count() == 0


def test_unknown_kind_and_type(officer, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert str(importing.MSG_UNKNOWN_KIND) in _all_messages(_import(officer, path))
    other = tmp_path / "x.txt"
    other.write_text("x")
    assert _import(officer, other).messages() == [sheets.MSG_FILE_TYPE % {"suffix": ".txt"}]


# -- All or nothing ---------------------------------------------------------------------------


def test_bad_last_row_of_many_stores_nothing(officer, tmp_path):
    rows = []
    for _ in range(40):
        rows += household_rows()
    rows[-1]["民族"] = "火星族"
    before = _counts()

    result = _import(officer, write_csv(tmp_path / "many.csv", rows))

    assert not result.ok
    assert _counts() == before
    assert [row for row, _messages in result.errors] == [len(rows) + 1]
    out = tmp_path / "many.errors.xlsx"
    sheets.write_error_workbook(result, out)
    book = read_xlsx(out)
    sheet = book["many"]
    assert sheet[0] == [*MEMBER_COLUMNS, sheets.ERROR_COLUMN]
    assert len(sheet) == len(rows) + 1
    assert sheet[1][-1] in (None, "")
    assert "火星族" in sheet[-1][-1]
    assert sheet[-1][:-1][3] == rows[-1]["证件号码"]
    assert "错误汇总" in book and "警告" in book


def test_error_workbook_joins_reasons_and_highlights(officer, tmp_path):
    rows = household_rows()
    rows[0]["民族"] = "火星族"
    rows[0]["务工时间（月）"] = "13"
    rows.append({"备注": "x", **household_rows()[0]})
    path = write_csv(tmp_path / "a.csv", rows, columns=(*MEMBER_COLUMNS, "备注"))
    result = _import(officer, path)
    out = tmp_path / "a.errors.xlsx"
    sheets.write_error_workbook(result, out)
    import openpyxl

    ws = openpyxl.load_workbook(out)["a"]
    reason = ws.cell(row=2, column=len(MEMBER_COLUMNS) + 2).value
    assert "；" in reason and "火星族" in reason and "务工时间" in reason
    assert ws.cell(row=2, column=1).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=3, column=1).fill.fgColor.rgb in (None, "00000000")
    warnings = openpyxl.load_workbook(out)["警告"]
    assert "备注" in warnings.cell(row=2, column=1).value


def test_message_names_row_household_name_field_and_reason(officer, tmp_path):
    rows = household_rows(names=["张三", "李四", "张小三"])
    good = rows[0]["证件号码"]
    wrong = "3" if good[-1] != "3" else "5"
    rows[0]["证件号码"] = good[:17] + wrong
    result = _import(officer, write_csv(tmp_path / "a.csv", rows))
    number = rows[0]["户编号"]
    reason = idnumber.MSG_CHECK % {"expected": good[-1], "actual": wrong}
    assert f"第2行（户编号 {number}，姓名 张三）：证件号码：{reason}" in result.messages()


def _refused(officer, tmp_path, rows, *, income=None, **kwargs):
    path = members_xlsx(tmp_path / "f.xlsx", rows, income) if income else None
    path = path or write_csv(tmp_path / "f.csv", rows)
    before = _counts()
    result = _import(officer, path, **kwargs)
    assert not result.ok
    assert _counts() == before
    return _all_messages(result)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda r: r[0].update({"民族": "火星族"}), "“火星族”不是有效选项"),
        (
            lambda r: r[2].update({"劳动技能": ""}) or r[0].update({"劳动技能": ""}),
            rules.MSG_LABOUR_REQUIRED % {"age": 47},
        ),
        (lambda r: r[2].update({"在校生状况": ""}), rules.MSG_SCHOOL_REQUIRED % {"age": 11}),
        (lambda r: r[0].update({"务工时间（月）": "13"}), rules.MSG_MIGRANT_RANGE % {"value": 13}),
        (lambda r: r[0].update({"务工时间（月）": "2.5"}), rules.MSG_INTEGER % {"value": "2.5"}),
        (lambda r: r[1].update({"与户主关系": "户主"}), rules.MSG_MANY_HEADS % {"count": 2}),
        (lambda r: r[0].update({"与户主关系": "之父"}), rules.MSG_NO_HEAD),
        (lambda r: r[1].update({"健康状况": "健康"}), rules.MSG_CAUSE_ILL),
        (lambda r: [x.update({"其他致贫原因": "因残"}) for x in r], rules.MSG_CAUSE_DISABLED),
        (
            lambda r: (
                [x.update({"主要致贫原因": "因学", "其他致贫原因": ""}) for x in r]
                and r[2].update({"在校生状况": "非在校生"})
            ),
            rules.MSG_CAUSE_STUDENT,
        ),
        (
            lambda r: [x.update({"识别年度": "2012"}) for x in r],
            rules.MSG_IDENTIFIED_YEAR % {"max_year": 2017, "value": 2012},
        ),
        (
            lambda r: [x.update({"脱贫状态": "已脱贫"}) for x in r],
            rules.MSG_EXIT_YEAR_REQUIRED % {"status": "已脱贫"},
        ),
        (
            lambda r: [x.update({"脱贫状态": "已脱贫", "脱贫年度": "2013"}) for x in r],
            rules.MSG_EXIT_YEAR_BEFORE % {"exit_year": 2013, "identified_year": 2014},
        ),
        (
            lambda r: [x.update({"脱贫状态": "已脱贫", "脱贫年度": "2017"}) for x in r],
            rules.MSG_EXIT_YEAR_AFTER % {"exit_year": 2017, "year": 2016},
        ),
        (
            lambda r: [x.update({"贫困户属性": "一般脱贫户"}) for x in r],
            rules.MSG_ATTRIBUTE_STATUS % {"label": "一般脱贫户", "status": "未脱贫"},
        ),
        (
            lambda r: r[1].update({"贫困户属性": "低保贫困户"}),
            "贫困户属性："
            + rules.MSG_HOUSEHOLD_DISAGREES
            % {"first_row": 2, "value": "低保贫困户", "expected": "一般贫困户"},
        ),
        (lambda r: r[2].update({"证件号码": r[1]["证件号码"]}), "在文件中重复（第3、4行）"),
        (
            lambda r: [x.update({"行政区划代码": HADANALA}) for x in r],
            rules.MSG_VILLAGE_OUT_OF_SCOPE % {"code": HADANALA, "scope": ZHALAITE},
        ),
        (
            lambda r: [x.update({"行政区划代码": "152223100"}) for x in r],
            rules.MSG_VILLAGE_UNKNOWN % {"code": "152223100"},
        ),
        (lambda r: r[0].update({"姓名": ""}), "姓名：" + rules.MSG_REQUIRED),
        (lambda r: r[0].update({"是否参加基本医疗保险": "有"}), "“有”不是有效选项（可选：是、否）"),
        (lambda r: [x.update({"其他致贫原因": "缺资金；缺钱"}) for x in r], "“缺钱”不是有效选项"),
    ],
)
def test_each_rule_refuses_the_file(officer, tmp_path, mutate, expected):
    rows = household_rows()
    mutate(rows)
    assert str(expected) in _refused(officer, tmp_path, rows, year=2016)


def test_duplicate_id_is_reported_on_both_rows(officer, tmp_path):
    rows = household_rows()
    other = household_rows()
    other[1]["证件号码"] = rows[1]["证件号码"]
    result = _import(officer, write_csv(tmp_path / "a.csv", rows + other))
    problem = rules.duplicate_id_problem(rows[1]["证件号码"], [3, 6])
    assert [row for row, _m in result.errors] == [3, 6]
    assert all(str(problem) in messages[0] for _row, messages in result.errors)


def test_person_already_in_another_household(officer, tmp_path):
    existing = make_household(CHANGFA, number="152223100234999")
    taken = existing.members.first().id_number
    rows = household_rows()
    rows[1]["证件号码"] = taken
    messages = _refused(officer, tmp_path, rows)
    assert (
        rules.MSG_ID_OTHER_HOUSEHOLD % {"id_number": taken, "other": "152223100234999"} in messages
    )


def test_a_person_registered_outside_the_scope_is_refused_naming_only_the_county(officer, tmp_path):
    existing = make_household("152201101200", number="152201101200999")  # 乌兰浩特市
    taken = existing.members.first().id_number
    rows = household_rows()
    rows[1]["证件号码"] = taken
    messages = _refused(officer, tmp_path, rows)
    assert rules.MSG_ID_OTHER_AREA % {"id_number": taken, "county": "乌兰浩特市"} in messages
    assert not any("152201101200999" in message for message in messages)


def test_household_registered_out_of_scope_is_refused(tmp_path):
    township = make_user(Role.TOWNSHIP_OFFICER, "152223100")
    elsewhere = make_household(SHUANGYUSHU, number="H-ELSEWHERE")
    rows = household_rows(number="H-ELSEWHERE")
    messages = _refused(township, tmp_path, rows)
    assert rules.MSG_HOUSEHOLD_OUT_OF_SCOPE % {"number": elsewhere.number} in messages


def test_scope_code_limits_the_rows(officer, tmp_path):
    rows = household_rows(village=SHUANGYUSHU)
    messages = _refused(officer, tmp_path, rows, scope_code="152223100")
    assert rules.MSG_VILLAGE_OUT_OF_SCOPE % {"code": SHUANGYUSHU, "scope": "152223100"} in messages


def test_roles_that_may_not_import(tmp_path):
    path = write_csv(tmp_path / "a.csv", household_rows())
    with pytest.raises(PermissionDenied):
        _import(make_user(Role.VILLAGE_TEAM, CHANGFA), path)
    with pytest.raises(PermissionDenied):
        _import(make_user(Role.COUNTY_OFFICE, ZHALAITE), path, scope_code="152201")
    assert Household.objects.count() == 0


# -- Income -----------------------------------------------------------------------------------


def test_income_file_upserts_by_household_and_year(officer, tmp_path):
    household = make_household(CHANGFA, members=4)
    path = write_csv(tmp_path / "inc.csv", [income_row(household.number)], INCOME_COLUMNS)
    result = _import(officer, path)
    assert result.ok and result.kind == "income"
    income = IncomeRecord.objects.get(household=household, year=2016)
    assert income.business_income == Decimal("3000.50") and income.members_count == 4
    assert income.history.get().history_change_reason == "导入 inc.csv"
    before = _counts()
    assert _import(officer, path).counts["incomes_unchanged"] == 1
    assert _counts() == before
    path = write_csv(
        tmp_path / "inc2.csv", [income_row(household.number, 工资性收入="7000")], INCOME_COLUMNS
    )
    assert _import(officer, path).counts["incomes_updated"] == 1
    assert IncomeRecord.objects.get(household=household).wage_income == Decimal("7000")


def test_workbook_with_members_and_income(officer, tmp_path):
    rows = household_rows()
    path = members_xlsx(tmp_path / "both.xlsx", rows, [income_row(rows[0]["户编号"])])
    result = _import(officer, path)
    assert result.ok and result.kind == "members+income"
    income = IncomeRecord.objects.get()
    assert income.household.number == rows[0]["户编号"] and income.members_count == 3


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"工资性收入": "0", "生产经营性收入": "0", "转移性收入": "0"}, "人均纯收入-500.00元"),
        ({"工资性收入": "400000"}, "人均纯收入"),
        ({"工资性收入": "-1"}, rules.MSG_AMOUNT % {"value": "-1"}),
        ({"年度": "2012"}, rules.MSG_INCOME_YEAR % {"max_year": 2017, "value": 2012}),
        ({"户编号": "NOPE"}, rules.MSG_INCOME_HOUSEHOLD_UNKNOWN % {"number": "NOPE"}),
    ],
)
def test_income_rules(officer, tmp_path, overrides, expected):
    rows = household_rows()
    messages = _refused(
        officer, tmp_path, rows, income=[income_row(rows[0]["户编号"], **overrides)]
    )
    assert expected in messages
    if "人均纯收入" in expected:
        assert "不在0（不含）至100000元之间" in messages


def test_income_of_a_household_out_of_scope_is_unknown(officer, tmp_path):
    household = make_household(HADANALA)
    path = write_csv(tmp_path / "inc.csv", [income_row(household.number)], INCOME_COLUMNS)
    result = _import(officer, path)
    assert rules.MSG_INCOME_HOUSEHOLD_UNKNOWN % {"number": household.number} in _all_messages(
        result
    )


# -- Export round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_reimports_unchanged(officer, tmp_path, fmt):
    rows = household_rows() + household_rows(
        village=SHUANGYUSHU, **{"脱贫状态": "已脱贫", "脱贫年度": "2016", "其他致贫原因": ""}
    )
    path = members_xlsx(tmp_path / "a.xlsx", rows, [income_row(rows[0]["户编号"])])
    assert _import(officer, path).ok
    before = _counts()

    content, content_type, filename = exporting.export_members(Household.objects.all(), fmt)
    out = tmp_path / filename
    out.write_bytes(content)
    result = _import(officer, out)

    assert filename.endswith(fmt)
    assert result.ok, result.messages()
    assert _counts() == before
    assert result.counts["members_unchanged"] == 6
    if fmt == "xlsx":
        assert result.counts["incomes_unchanged"] == 1
        assert content_type == exporting.XLSX_TYPE


@pytest.mark.parametrize("kind", ["members", "income"])
def test_template_lists_headers_example_and_codes(officer, tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(exporting.template_workbook(kind))
    book = read_xlsx(path)
    columns = MEMBER_COLUMNS if kind == "members" else INCOME_COLUMNS
    first = next(iter(book.values()))
    assert first[0] == list(columns) and len(first) == 2
    if kind == "members":
        codes_sheet = book[exporting.CODES_SHEET]
        assert "与户主关系" in codes_sheet[0]
        assert "之外孙女" in [r[codes_sheet[0].index("与户主关系")] for r in codes_sheet]
        assert _import(officer, path).ok  # the example row is a valid household


def test_export_is_set_based(django_assert_max_num_queries):
    for _ in range(30):
        make_household(CHANGFA, income={"year": 2016, "wage_income": Decimal(5000)})
    with django_assert_max_num_queries(6):
        content, _type, _name = exporting.export_members(Household.objects.all(), "xlsx")
    assert content.startswith(b"PK")


# -- Queries ----------------------------------------------------------------------------------


def test_validation_does_not_query_per_row(officer, tmp_path, django_assert_max_num_queries):
    rows = []
    while len(rows) < 500:
        rows += household_rows()
    rows[-1]["民族"] = "火星族"  # refused: only the validation runs
    path = write_csv(tmp_path / "big.csv", rows)
    with django_assert_max_num_queries(12):
        result = _import(officer, path)
    assert not result.ok and len(result.errors) == 1


def test_write_does_not_query_per_row(officer, tmp_path, django_assert_max_num_queries):
    rows = []
    while len(rows) < 500:
        rows += household_rows()
    path = write_csv(tmp_path / "big.csv", rows)
    with django_assert_max_num_queries(40):
        assert _import(officer, path).ok
    with django_assert_max_num_queries(40):
        assert _import(officer, path).counts["members_unchanged"] == len(rows)


# -- The command line -------------------------------------------------------------------------


def test_command_imports_and_prints_counts(tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", household_rows())
    call_command("import_registry", str(path), "--year", "2017")
    out = capsys.readouterr().out
    assert "members_created" in out or "新增成员" in out
    assert Household.objects.get().history.get().history_user is None


def test_command_writes_errors_beside_the_input_and_fails(tmp_path, officer):
    rows = household_rows()
    rows[0]["民族"] = "火星族"
    path = write_csv(tmp_path / "a.csv", rows)
    with pytest.raises(CommandError):
        call_command("import_registry", str(path), "--user", officer.username)
    errors = tmp_path / "a.errors.xlsx"
    assert errors.exists()
    assert "火星族" in read_xlsx(errors)["a"][1][-1]
    assert Household.objects.count() == 0


def test_command_writes_the_template(tmp_path):
    out = tmp_path / "members.xlsx"
    call_command("import_registry", "--template", str(out))
    assert read_xlsx(out)["成员"][0] == list(MEMBER_COLUMNS)


def test_xlsx_both_sheets_written_by_helpers(officer, tmp_path):
    rows = household_rows()
    path = write_xlsx(
        tmp_path / "w.xlsx",
        {"说明": (["说明"], [{"说明": "x"}]), "成员": (MEMBER_COLUMNS, rows)},
    )
    result = _import(officer, path)
    assert result.ok
    assert result.warnings == [importing.MSG_IGNORED_SHEET % {"sheet": "说明"}]


def test_a_refused_file_in_english_names_row_field_and_reason(officer, tmp_path):
    from django.utils import translation

    rows = household_rows(names=["张三", "李四", "张小三"])
    rows[1]["民族"] = ""
    with translation.override("en"):
        result = _import(officer, write_csv(tmp_path / "a.csv", rows))
    assert not result.ok
    number = rows[1]["户编号"]
    assert result.messages() == [f"Row 3 (household {number}, name 李四): 民族: must not be empty"]


# -- The write service: one audit event per file; a refused actor writes nothing -------------


def test_an_import_writes_one_audit_event_with_the_counts(officer, tmp_path):
    from fupin.core.audit import HOUSEHOLDS_IMPORTED
    from fupin.core.models import AuditEvent

    path = write_csv(tmp_path / "good.csv", household_rows(names=["张三", "李四", "张小三"]))
    result = _import(officer, path, year=2017)
    assert result.ok, _all_messages(result)
    event = AuditEvent.objects.get(action=HOUSEHOLDS_IMPORTED)
    assert (event.user_id, event.target) == (officer.pk, "")
    assert event.detail == {"file": "good.csv", "year": 2017, **result.counts}
    assert result.counts["households_created"] == 1
    assert result.counts["members_created"] == 3
    assert result.counts["statuses_created"] == 1


@pytest.mark.parametrize(
    ("role", "code", "move_to"),
    [
        (Role.SUPERVISOR, ZHALAITE, None),  # a role that may not import
        (Role.COUNTY_OFFICE, ZHALAITE, None),  # a household outside the importer's scope
        (Role.COUNTY_OFFICE, ZHALAITE, CHANGFA),  # moved into scope from outside it
    ],
)
def test_the_service_refuses_and_writes_nothing(role, code, move_to):
    from fupin.core.models import AuditEvent
    from fupin.registry import bulk, services

    village = CHANGFA if role == Role.SUPERVISOR else HADANALA
    household = make_household(village)
    row = Household.objects.filter(pk=household.pk).values(*bulk.attnames(Household)).get()
    row["head_name"] = "改名"
    if move_to:
        row["village_id"] = move_to
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.households_import(
            actor=make_user(role, code),
            scope_code="",
            filename="x.csv",
            year=2017,
            tables={Household: bulk.TableWrite(updated=[row], fields=("head_name", "village_id"))},
            removed_members=[],
            counts={},
        )
    assert _counts() == before
    assert Household.objects.get(pk=household.pk).head_name == household.head_name
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()
