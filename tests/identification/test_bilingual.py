"""Bilingual (Mongolian and Chinese) public notices: which areas, the names, the refusals."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.areas.selectors import is_bilingual
from fupin.core import mongolian
from fupin.identification.models import Case, Notice
from fupin.registry import importing
from fupin.registry.models import Household, Member
from fupin.registry.rules import COL_NAME_MN, MEMBER_COLUMNS
from tests.factories import CHANGFA, make_user
from tests.identification.test_notice_pdf import needs_pdf, needs_poppler, pdf_text
from tests.registry.helpers import household_rows, write_csv

pytestmark = pytest.mark.django_db

LIANFA = "152221101201"  # 联发嘎查, Horqin Right Front Banner (科尔沁右翼前旗)
BATU = "ᠪᠠᠲᠤ"  # Batu, a common Mongolian name (巴图)
BAYAR = "ᠪᠠᠶᠠᠷ"  # Bayar (巴雅尔)
GACHA_MN = "ᠭᠠᠴᠠᠭ\u180eᠠ"  # the catalog's 嘎查村
IN_PERIOD = (datetime.date(2017, 6, 26), datetime.date(2017, 7, 2))


def _import(village: str, tmp_path, names_mn: list[str]):
    county = village[:6]
    officer = make_user(Role.COUNTY_OFFICE, county)
    rows = household_rows(village=village, names=["巴图", "其木格", "巴雅尔"])
    for row, name_mn in zip(rows, names_mn, strict=True):
        row[COL_NAME_MN] = name_mn
    path = write_csv(tmp_path / "members.csv", rows, columns=(*MEMBER_COLUMNS, COL_NAME_MN))
    return importing.import_file(actor=officer, path=path, year=2017), rows


def _notice(village: str, household: Household) -> Notice:
    user = make_user(Role.VILLAGE_TEAM, village)
    case = Case.objects.create(
        kind=Case.Kind.IDENTIFICATION,
        village_id=village,
        year=2017,
        household=household,
        applicant_name=household.head_name,
        application={},
        state="notice",
        created_by=user,
        created_on=datetime.date(2017, 6, 1),
    )
    notice = Notice.objects.create(
        kind=Notice.Kind.NOTICE,
        level=Notice.Level.VILLAGE,
        case_kind=Case.Kind.IDENTIFICATION,
        area_id=village,
        title="贫困户识别公示",
        published_on=IN_PERIOD[0],
        ends_on=IN_PERIOD[1],
        created_by=user,
    )
    notice.cases.set([case])
    return notice


def test_the_league_default_is_bilingual_for_the_two_horqin_banners():
    assert is_bilingual(LIANFA)
    assert is_bilingual("152222")
    assert not is_bilingual(CHANGFA)  # 扎赉特旗
    assert not is_bilingual("1522")


def test_an_area_decides_for_itself_and_the_areas_under_it():
    Area.objects.filter(code="152223100").update(bilingual=True)  # 音德尔镇, 扎赉特旗
    assert is_bilingual(CHANGFA)
    Area.objects.filter(code=CHANGFA).update(bilingual=False)
    assert not is_bilingual(CHANGFA)
    Area.objects.filter(code="152221").update(bilingual=False)
    assert not is_bilingual(LIANFA)


def test_an_imported_mongolian_name_is_on_the_bilingual_notice_page_and_pdf(tmp_path):
    result, rows = _import(LIANFA, tmp_path, [BATU, "", BAYAR])
    assert result.ok, result.messages()
    household = Household.objects.get(number=rows[0]["户编号"])
    assert household.members.get(name="巴图").name_mn == BATU
    notice = _notice(LIANFA, household)

    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert 'id="notice-bilingual"' in page
    assert BATU in page and "巴图" in page
    assert GACHA_MN in page  # the table's heading, from the mn catalog
    assert "writing-mode: vertical-lr" in page
    assert "待审校" not in page  # the review mark is for league HQ only


@needs_pdf
@needs_poppler
def test_the_bilingual_pdf_gives_back_the_mongolian_name(tmp_path):
    _result, rows = _import(LIANFA, tmp_path, [BATU, "", ""])
    notice = _notice(LIANFA, Household.objects.get(number=rows[0]["户编号"]))
    text = pdf_text(Client().get(f"/notices/{notice.pk}/notice.pdf").content)
    assert BATU in mongolian.normalize(text)
    assert "巴图" in text


def test_a_jalaid_notice_is_chinese_only(tmp_path):
    _result, rows = _import(CHANGFA, tmp_path, [BATU, "", ""])
    notice = _notice(CHANGFA, Household.objects.get(number=rows[0]["户编号"]))
    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert 'id="notice-bilingual"' not in page
    assert BATU not in page and GACHA_MN not in page
    workbook = openpyxl.load_workbook(
        io.BytesIO(Client().get(f"/notices/{notice.pk}/notice.xlsx").content)
    )
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert not any(isinstance(c, str) and mongolian.is_mongolian_char(c[0]) for c in cells)


def test_the_bilingual_xlsx_carries_the_mongolian_name_and_headings(tmp_path):
    _result, rows = _import(LIANFA, tmp_path, [BATU, "", ""])
    notice = _notice(LIANFA, Household.objects.get(number=rows[0]["户编号"]))
    workbook = openpyxl.load_workbook(
        io.BytesIO(Client().get(f"/notices/{notice.pk}/notice.xlsx").content)
    )
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert BATU in cells and GACHA_MN in cells


def test_league_hq_sees_the_review_mark_of_unreviewed_strings(tmp_path, client):
    _result, rows = _import(LIANFA, tmp_path, [BATU, "", ""])
    notice = _notice(LIANFA, Household.objects.get(number=rows[0]["户编号"]))
    client.force_login(make_user(Role.LEAGUE_HQ, "1522"))
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "待审校" in page


@pytest.mark.parametrize(
    "name_mn,script",
    [("ᠪᠠᠲᠤ Бат", "Cyrillic"), ("ᠪᠠᠲᠤbatu", "Latin"), ("ᠪᠠᠲᠤ巴图", "CJK")],
)
def test_mixed_scripts_are_refused_with_nothing_stored(tmp_path, name_mn, script):
    before = (Household.objects.count(), Member.objects.count())
    result, _rows = _import(LIANFA, tmp_path, ["", name_mn, ""])
    assert not result.ok
    messages = "\n".join(result.messages())
    assert "第3行" in messages and COL_NAME_MN in messages and script in messages
    assert (Household.objects.count(), Member.objects.count()) == before


def test_the_name_is_normalised_and_kept_when_the_column_is_absent(tmp_path):
    result, rows = _import(LIANFA, tmp_path, [f"  {BATU}  ", "", ""])
    assert result.ok, result.messages()
    assert Member.objects.get(name="巴图").name_mn == BATU
    officer = make_user(Role.COUNTY_OFFICE, "152221", username="again")
    path = write_csv(tmp_path / "again.csv", rows)
    again = importing.import_file(actor=officer, path=path, year=2017)
    assert again.ok, again.messages()
    assert Member.objects.get(name="巴图").name_mn == BATU


def test_the_objection_form_of_an_open_bilingual_notice_has_mongolian_labels(tmp_path):
    _result, rows = _import(LIANFA, tmp_path, [BATU, "", ""])
    notice = _notice(LIANFA, Household.objects.get(number=rows[0]["户编号"]))
    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert 'id="objection-form"' in page
    assert mongolian.mn_text("您的姓名").text in page
    assert mongolian.mn_text("联系电话").text in page


def test_the_mongolian_half_is_the_same_on_an_english_page(tmp_path):
    _result, rows = _import(LIANFA, tmp_path, [BATU, "", ""])
    notice = _notice(LIANFA, Household.objects.get(number=rows[0]["户编号"]))
    client = Client(headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Your name" in page or "your name" in page.lower()
    assert mongolian.mn_text("您的姓名").text in page
    assert GACHA_MN in page
