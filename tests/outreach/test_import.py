"""Each outreach ledger by spreadsheet: written whole, refused whole with every bad row named
in the error workbook, and the same file twice changes nothing."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from fupin.core.sheets import write_error_workbook
from fupin.outreach import importing, services
from fupin.outreach.importing import export_workbook, import_ledger
from fupin.outreach.models import (
    LiaisonVisit,
    PolicyDocument,
    PolicyLecture,
    StudyTrip,
    TownshipSubsidy,
)
from fupin.outreach.selectors import records
from tests.factories import CHANGFA, HADANALA, LEAGUE, YINDEER, ZHALAITE, make_user
from tests.outreach.helpers import cadre, leader_link, xlsx

pytestmark = pytest.mark.django_db

OTHER = "152223100200"  # another village of 音德尔镇


def _good(kind, leader=None, frontline=None):
    nobody = SimpleNamespace(pk=0, name="", id_number="")
    leader, frontline = leader or nobody, frontline or [nobody, nobody]
    return {
        "lectures": [
            [CHANGFA, "长发村", "2016-05-04", "村委会", "张三", "产业扶贫政策解读", 60, ""],
            [OTHER, "", datetime.date(2016, 6, 1), "活动室", "李四", "健康扶贫政策", "45", "雨天"],
        ],
        "trips": [
            [YINDEER, "", "2016-04-01", "2016-04-03", "赤峰市", "设施农业", 32, ""],
            [CHANGFA, "", "2017-03-10", "2017-03-10", "扎赉特旗", "肉牛养殖", 12, ""],
        ],
        "visits": [
            [YINDEER, "", leader.pk, leader.name, "", "2016-03-02", 3, 2, "道路"],
            [CHANGFA, "", "", leader.name, "", "2016-08-15", 1, 1, ""],
        ],
        "subsidies": [
            [frontline[0].pk, frontline[0].name, "", "", "", 2016, "4800", ""],
            ["", frontline[1].name, frontline[1].id_number, "", "", 2016, 3600, ""],
        ],
        "documents": [
            [
                ZHALAITE,
                "扎赉特旗人民政府",
                "扎政发〔2016〕1号",
                "2016-02-01",
                "教育扶贫办法",
                "",
                "教育",
                "教育资助",
                "",
            ],
            [
                ZHALAITE,
                "扎赉特旗人民政府",
                "",
                "",
                "生活救助办法",
                "摘要",
                "",
                "低保兜底、特困供养",
                "",
            ],
        ],
    }[kind]


MODELS = {
    "lectures": PolicyLecture,
    "trips": StudyTrip,
    "visits": LiaisonVisit,
    "subsidies": TownshipSubsidy,
    "documents": PolicyDocument,
}
ROLES = {
    "lectures": ("township_officer", YINDEER),
    "trips": ("township_officer", YINDEER),
    "visits": ("township_officer", YINDEER),
    "subsidies": ("county_office", ZHALAITE),
    "documents": ("county_office", ZHALAITE),
}


@pytest.fixture
def people():
    leader = cadre()
    leader_link(leader)
    frontline = [
        cadre("赵干部", YINDEER, "township_cadre"),
        cadre("钱干部", CHANGFA, "township_cadre", id_number="152223199001011234"),
    ]
    return leader, frontline


@pytest.mark.parametrize("kind", list(MODELS))
def test_a_good_file_is_written_and_reimporting_changes_nothing(tmp_path, people, kind):
    role, code = ROLES[kind]
    user = make_user(role, code)
    rows = _good(kind, *people)
    result = import_ledger(xlsx(tmp_path, kind, rows), actor=user, area_code=code, kind=kind)
    assert result.ok, result.messages()
    assert result.counts == {"created": 2, "changed": 0, "unchanged": 0}
    model = MODELS[kind]
    assert model.objects.count() == 2
    assert model.history.count() == 2
    assert model.history.first().history_user == user
    again = import_ledger(xlsx(tmp_path, kind, rows), actor=user, area_code=code, kind=kind)
    assert again.ok and again.counts == {"created": 0, "changed": 0, "unchanged": 2}
    assert model.objects.count() == 2 and model.history.count() == 2
    # The export is the import format: it re-imports unchanged.
    content = export_workbook(kind, records(user, kind, code, None))
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    third = import_ledger(path, actor=user, area_code=code, kind=kind)
    assert third.ok and third.counts == {"created": 0, "changed": 0, "unchanged": 2}, (
        third.messages()
    )


def test_the_values_read_and_a_change_updates_the_named_record(tmp_path, people):
    leader, frontline = people
    user = make_user("township_officer", YINDEER)
    rows = _good("visits", leader)
    assert import_ledger(
        xlsx(tmp_path, "visits", rows), actor=user, area_code=YINDEER, kind="visits"
    ).ok
    first = LiaisonVisit.objects.get(area_id=YINDEER)
    assert (first.problems_raised, first.problems_solved, first.note) == (3, 2, "道路")
    assert first.link is not None  # the leader's link at 音德尔镇 (open since 2016-01-01)
    # 长发村 is inside the linked township: the visit serves the same link.
    assert LiaisonVisit.objects.get(area_id=CHANGFA).link_id == first.link_id
    rows[0][7] = 3
    result = import_ledger(
        xlsx(tmp_path, "visits", rows), actor=user, area_code=YINDEER, kind="visits"
    )
    assert result.counts == {"created": 0, "changed": 1, "unchanged": 1}
    assert LiaisonVisit.objects.get(area_id=YINDEER).problems_solved == 3
    boss = make_user("county_office", ZHALAITE)
    subsidy_rows = _good("subsidies", None, frontline)
    assert import_ledger(
        xlsx(tmp_path, "subsidies", subsidy_rows), actor=boss, area_code=ZHALAITE, kind="subsidies"
    ).ok
    paid = TownshipSubsidy.objects.get(cadre=frontline[1])
    assert paid.amount == Decimal("3600.00") and paid.area_id == CHANGFA
    documents = xlsx(tmp_path, "documents", _good("documents"))
    assert import_ledger(documents, actor=boss, area_code=ZHALAITE, kind="documents").ok
    document = PolicyDocument.objects.get(title="生活救助办法")
    assert document.safetynet_policies == ["living", "destitute"]
    assert document.doc_number == "" and document.date is None


def _errors(result):
    return {row: " ".join(messages) for row, messages in result.errors}


def test_bad_rows_refuse_the_file_and_the_error_workbook_names_them(tmp_path, people):
    user = make_user("township_officer", YINDEER)
    rows = [
        *_good("lectures"),
        [HADANALA, "", "2016-05-04", "村委会", "张三", "主题", 60, ""],  # 4: outside
        [CHANGFA, "", "2018-01-01", "村委会", "张三", "主题", 60, ""],  # 5: future
        [CHANGFA, "", "2016-05-04", "村委会", "张三", "产业扶贫政策解读", 5, ""],  # 6: dup of 2
        [CHANGFA, "", "2016-05-05", "", "张三", "主题", -3, ""],  # 7: no place, negative
        [CHANGFA, "", "五月", "村委会", "张三", "主题", 1, ""],  # 8: not a date
    ]
    result = import_ledger(
        xlsx(tmp_path, "lectures", rows), actor=user, area_code=YINDEER, kind="lectures"
    )
    assert not result.ok
    assert PolicyLecture.objects.count() == 0
    errors = _errors(result)
    assert set(errors) == {4, 5, 6, 7, 8}
    assert "第4行“区划代码”" in errors[4]
    assert "日期不能晚于 2017-06-30" in errors[5]
    assert "与第2行重复" in errors[6]
    assert "“宣讲地点”：不能为空" in errors[7] and "“听众人数”" in errors[7]
    assert "不是有效日期" in errors[8]
    path = tmp_path / "errors.xlsx"
    write_error_workbook(result, path)
    sheet = (
        openpyxl.load_workbook(path)["政策宣讲"]
        if "政策宣讲" in openpyxl.load_workbook(path).sheetnames
        else openpyxl.load_workbook(path).worksheets[0]
    )
    header = [c.value for c in sheet[1]]
    assert header[-1] == "错误原因"
    reasons = {r[0].row: r[-1].value for r in sheet.iter_rows(min_row=2)}
    assert reasons[2] in ("", None) and "区划代码" in reasons[4]


def test_visit_and_trip_rules_name_their_column(tmp_path, people):
    leader, _frontline = people
    user = make_user("township_officer", YINDEER)
    visits = [
        [YINDEER, "", "", leader.name, "", "2016-03-02", 1, 2, ""],  # 2: solved > raised
        [YINDEER, "", "", "无此人", "", "2016-03-02", 1, 0, ""],  # 3: unknown cadre
        [CHANGFA + "", "", 999999, leader.name, "", "2016-03-03", 0, 0, ""],  # 4: bad 干部编号
    ]
    result = import_ledger(
        xlsx(tmp_path, "visits", visits), actor=user, area_code=YINDEER, kind="visits"
    )
    errors = _errors(result)
    assert str(services.MSG_SOLVED_OVER_RAISED) in errors[2] and "“解决问题（项）”" in errors[2]
    assert str(services.MSG_CADRE) in errors[3] and "“领导姓名”" in errors[3]
    assert "“干部编号”" in errors[4]
    trips = [[YINDEER, "", "2016-04-05", "2016-04-01", "赤峰市", "设施农业", 0, ""]]
    result = import_ledger(
        xlsx(tmp_path, "trips", trips), actor=user, area_code=YINDEER, kind="trips"
    )
    message = _errors(result)[2]
    assert str(services.MSG_END_BEFORE_START) in message or "“人数”" in message


def test_a_role_without_the_right_cannot_import(tmp_path):
    supervisor = make_user("supervisor", LEAGUE)
    with pytest.raises(PermissionDenied):
        import_ledger(
            xlsx(tmp_path, "lectures", []), actor=supervisor, area_code=LEAGUE, kind="lectures"
        )
    village = make_user("village_team", CHANGFA)
    with pytest.raises(PermissionDenied):
        import_ledger(
            xlsx(tmp_path, "subsidies", []), actor=village, area_code=CHANGFA, kind="subsidies"
        )


def test_the_columns_match_the_sheets():
    for kind, required in importing.REQUIRED.items():
        assert set(required) <= set(importing.COLUMNS[kind])


def test_a_trip_lists_its_cadres_and_reimporting_keeps_them(tmp_path, people):
    leader, frontline = people
    user = make_user("township_officer", YINDEER)
    ids = f"{leader.pk}、{frontline[0].pk}"
    rows = [[YINDEER, "", "2016-04-01", "2016-04-03", "赤峰市", "设施农业", 32, "", ids]]
    path = xlsx(tmp_path, "trips", rows)
    assert import_ledger(path, actor=user, area_code=YINDEER, kind="trips").ok
    trip = StudyTrip.objects.get()
    assert set(trip.cadres.values_list("pk", flat=True)) == {leader.pk, frontline[0].pk}
    again = import_ledger(path, actor=user, area_code=YINDEER, kind="trips")
    assert again.counts == {"created": 0, "changed": 0, "unchanged": 1}
    rows[0][8] = str(leader.pk)
    third = import_ledger(
        xlsx(tmp_path, "trips", rows), actor=user, area_code=YINDEER, kind="trips"
    )
    assert third.counts["changed"] == 1
    assert list(trip.cadres.values_list("pk", flat=True)) == [leader.pk]
    rows[0][6], rows[0][8] = 1, ids  # one person cannot be two cadres
    refused = import_ledger(
        xlsx(tmp_path, "trips", rows), actor=user, area_code=YINDEER, kind="trips"
    )
    assert "“带队干部编号”" in _errors(refused)[2]
