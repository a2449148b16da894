"""Bulk pairing by spreadsheet: all or nothing, an error workbook with 错误原因."""

import csv
import datetime

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from fupin.assistance.importing import COL_ID, COL_PHONE, import_pairings
from fupin.assistance.models import Cadre, Pairing
from fupin.core.idnumber import make_id_number
from fupin.core.sheets import write_error_workbook
from tests.assistance.helpers import START, make_cadre
from tests.factories import CHANGFA, HADANALA, ZHALAITE, make_household, make_user

pytestmark = pytest.mark.django_db
HEADER = [
    "户编号",
    "帮扶责任人姓名",
    "帮扶责任人证件号码",
    "联系电话",
    "工作单位",
    "职务类别",
    "开始日期",
]


def _csv(tmp_path, rows, name="pairings.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _xlsx(tmp_path, rows):
    path = tmp_path / "pairings.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def county():
    return make_user("county_office", ZHALAITE)


def test_a_good_file_matches_and_creates_cadres_and_pairs(tmp_path, county):
    a, b, c = (make_household(CHANGFA) for _ in range(3))
    known = make_cadre(
        ZHALAITE, id_number=make_id_number("152223", datetime.date(1980, 1, 1), 7, "M")
    )
    Pairing.objects.create(cadre=known, household=a, village_id=CHANGFA, start_date=START)
    new_id = make_id_number("152223", datetime.date(1985, 2, 2), 8, "F")
    rows = [
        [a.number, known.name, known.id_number, "", "", "", "2017-01-01"],  # exists: unchanged
        [b.number, known.name, known.id_number, "", "", "部门干部", "2017-02-01"],
        [c.number, "新干部", new_id, "13900001111", "扎赉特旗教育局", "第一书记", ""],
        [a.number, "电话干部", "", "13900002222", "扎赉特旗卫健委", "", "2017-03-01"],
    ]
    result = import_pairings(_xlsx(tmp_path, rows), actor=county, area_code=ZHALAITE)
    assert result.ok, result.messages()
    assert result.counts == {
        "cadres_created": 2,
        "pairings_created": 3,
        "pairings_unchanged": 1,
        # Each cadre of the file gets its login (tests/cadres/test_accounts_import.py).
        "accounts_created": 3,
        "accounts_linked": 0,
    }
    created = Cadre.objects.get(id_number=new_id)
    assert created.area_id == ZHALAITE and created.post == Cadre.Post.FIRST_SECRETARY
    assert Pairing.objects.get(cadre=created).household == c
    assert Pairing.objects.filter(cadre=known).count() == 2
    phone = Cadre.objects.get(phone="13900002222")
    assert phone.post == Cadre.Post.OTHER
    assert Pairing.objects.get(cadre=phone).start_date == datetime.date(2017, 3, 1)
    # The same file again changes nothing.
    again = import_pairings(_xlsx(tmp_path, rows[:3]), actor=county, area_code=ZHALAITE)
    assert again.ok and again.counts["pairings_created"] == 0


def test_one_bad_row_refuses_the_whole_file(tmp_path, county):
    good = make_household(CHANGFA)
    outside = make_household(HADANALA)
    rows = [
        [good.number, "甲", "", "13900003333", "农牧局", "", ""],
        [outside.number, "乙", "", "13900004444", "农牧局", "", ""],
        [good.number, "丙", "123", "", "农牧局", "处长", "2017-13-01"],
        [good.number, "丁", "", "", "", "", ""],
        [good.number, "甲", "", "13900003333", "农牧局", "", ""],
    ]
    result = import_pairings(_csv(tmp_path, rows), actor=county, area_code=ZHALAITE)
    assert not result.ok
    assert Pairing.objects.count() == 0 and Cadre.objects.count() == 0
    messages = result.messages()
    assert f"第3行“户编号”：户编号“{outside.number}”不存在或不在您的权限范围内" in messages
    assert any(m.startswith("第4行“帮扶责任人证件号码”：证件号码应为18位") for m in messages)
    assert any(m.startswith("第4行“职务类别”：“处长”不是有效选项") for m in messages)
    assert any(m.startswith("第4行“开始日期”") for m in messages)
    assert "第5行“帮扶责任人证件号码”：证件号码和联系电话至少填写一项" in messages
    assert "第5行“工作单位”：新建帮扶干部时工作单位不能为空" in messages
    assert "第6行“户编号”：与第2行重复（同一户、同一帮扶责任人）" in messages
    assert [row for row, _m in result.errors] == [3, 4, 5, 6]
    errors = tmp_path / "errors.xlsx"
    write_error_workbook(result, errors)
    sheet = openpyxl.load_workbook(errors).worksheets[0]
    values = list(sheet.values)
    assert values[0][-1] == "错误原因"
    assert values[1][-1] in (None, "")
    assert "不存在或不在您的权限范围内" in values[2][-1]


def test_the_cap_counts_existing_and_new_pairings(tmp_path, county):
    cadre = make_cadre(
        ZHALAITE, id_number=make_id_number("152223", datetime.date(1981, 1, 1), 9, "M")
    )
    households = [make_household(CHANGFA) for _ in range(6)]
    for household in households[:4]:
        Pairing.objects.create(
            cadre=cadre, household=household, village_id=CHANGFA, start_date=START
        )
    rows = [[h.number, cadre.name, cadre.id_number, "", "", "", ""] for h in households[4:]]
    result = import_pairings(_csv(tmp_path, rows), actor=county, area_code=ZHALAITE)
    assert not result.ok
    assert "超过上限 5 户" in result.messages()[0]
    assert Pairing.objects.count() == 4


def test_missing_columns_and_permission(tmp_path, county):
    path = tmp_path / "bad.csv"
    path.write_text("户编号,姓名\n1,2\n", encoding="utf-8")
    result = import_pairings(path, actor=county, area_code=ZHALAITE)
    assert not result.ok and "缺少列" in result.messages()[0]
    assert f"{COL_ID}/{COL_PHONE}" in result.messages()[0]  # one of the two is enough
    with pytest.raises(PermissionDenied):
        import_pairings(path, actor=make_user("village_team", CHANGFA), area_code=CHANGFA)
    with pytest.raises(PermissionDenied):
        import_pairings(path, actor=county, area_code=HADANALA)


def test_the_upload_page(client, tmp_path, county, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    household = make_household(CHANGFA)
    client.force_login(county)
    assert client.get(f"/pairings/import/?area={ZHALAITE}").status_code == 200
    bad = _csv(tmp_path, [[household.number, "甲", "", "", "局", "", ""]], "bad.csv")
    with open(bad, "rb") as handle:
        page = client.post("/pairings/import/", {"area": ZHALAITE, "file": handle})
    assert page.status_code == 400
    assert "证件号码和联系电话至少填写一项" in page.content.decode()
    download = client.get("/pairings/import/errors/")
    assert download.status_code == 200
    good = _csv(tmp_path, [[household.number, "甲", "", "13900005555", "局", "", ""]], "ok.csv")
    with open(good, "rb") as handle:
        page = client.post("/pairings/import/", {"area": ZHALAITE, "file": handle})
    assert page.status_code == 200
    assert Pairing.objects.filter(household=household).count() == 1


# -- The write service: one audit event per file; a refused actor writes nothing -------------


def test_an_import_writes_one_audit_event_with_the_counts(tmp_path, county):
    from fupin.core.audit import PAIRINGS_IMPORTED
    from fupin.core.models import AuditEvent

    household = make_household(CHANGFA)
    rows = [[household.number, "新干部", "", "13900001111", "扎赉特旗教育局", "", ""]]
    result = import_pairings(_csv(tmp_path, rows), actor=county, area_code=ZHALAITE)
    assert result.ok, result.messages()
    event = AuditEvent.objects.get(action=PAIRINGS_IMPORTED)
    assert (event.user_id, event.target) == (county.pk, ZHALAITE)
    assert event.detail == {
        "file": "pairings.csv",
        "cadres_created": 1,
        "pairings_created": 1,
        "pairings_unchanged": 0,
    }


@pytest.mark.parametrize(
    ("role", "code", "village"),
    [
        ("village_team", CHANGFA, CHANGFA),  # a role that may not import
        ("county_office", ZHALAITE, HADANALA),  # a household outside the import's area
    ],
)
def test_the_service_refuses_and_writes_nothing(role, code, village):
    from fupin.assistance.services import PairingRow, pairings_import
    from fupin.core.models import AuditEvent

    household = make_household(village)
    row = PairingRow(
        cadre_key=("phone", "新干部", "13900001111"),
        cadre=None,
        cadre_fields={"name": "新干部", "phone": "13900001111", "unit": "教育局"},
        household=household.pk,
        village=village,
        start_date=START,
    )
    with pytest.raises(PermissionDenied):
        pairings_import(
            actor=make_user(role, code), area_code=code, rows=[row], unchanged=0, filename="x.csv"
        )
    assert Cadre.objects.count() == 0 and Pairing.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="assistance.").exists()
