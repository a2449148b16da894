"""The weekly report's xlsx and PDF hold every row the page counts, typed: numbers as
numbers, percentages as numbers in a % format, dates and times as dates."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest

from fupin.assistance.models import Cadre, Pairing
from fupin.reports.models import Report
from tests.factories import YINDEER, ZHALAITE, make_household, make_user

from .conftest import C

D = datetime.date
MANY = 230  # more than the 200 rows a page shows


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def many_behind(township):
    cadre = Cadre.objects.create(
        name="干部多", area_id=C, unit="单位", post=Cadre.Post.DEPARTMENT_CADRE
    )
    for i in range(MANY):
        household = make_household(C, year=2017, members=1, head_name=f"未访户{i:03d}")
        Pairing.objects.create(
            cadre=cadre, household=household, village_id=C, start_date=D(2017, 1, 1)
        )
    return township


def _publish(client, kind="weekly"):
    client.force_login(make_user("county_office", ZHALAITE))
    client.post("/reports/new/", {"kind": kind, "area": YINDEER, "period": "2017-06-30"})
    return Report.objects.get()


@pytest.mark.django_db
def test_weekly_files_list_every_pairing_behind(client, many_behind, tmp_path):
    report = _publish(client)
    total = report.content["pairings_behind"]["total"]
    assert total >= MANY and len(report.content["pairings_behind"]["rows"]) == total
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert f"（{total}）" in page
    assert 'id="pairings-behind-rest"' in page  # the page shows 200 and points to the files
    # The page's first 200 rows, the township's own three among them.
    assert page.count("未访户") == 200 - (total - MANY)
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(f"/reports/{report.pk}/report.xlsx")))
    )
    rows = list(book["未走访结对"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == total
    assert {f"未访户{i:03d}" for i in range(MANY)} <= {r[2] for r in rows}
    path = tmp_path / "r.pdf"
    path.write_bytes(b"".join(client.get(f"/reports/{report.pk}/report.pdf")))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert all(f"未访户{i:03d}" in flat for i in range(MANY))


@pytest.mark.django_db
def test_xlsx_cells_are_typed(client, township):
    report = _publish(client)
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(f"/reports/{report.pk}/report.xlsx")))
    )
    sheet = book["排名"]
    heading = [c.value for c in sheet[3]]
    share = heading.index("本期逐周走访覆盖率(%)") + 1
    visits = heading.index("本期走访人次") + 1
    for row in sheet.iter_rows(min_row=4, max_row=3 + len(report.content["units"])):
        by_code = {u["code"]: u for u in report.content["units"]}
        unit = by_code[row[1].value]
        expected = unit["values"]["visited_share"]
        cell = row[share - 1]
        if expected is None:
            assert cell.value is None
        else:
            assert isinstance(cell.value, int | float) and cell.number_format == "0.00%"
            assert cell.value == pytest.approx(float(expected) / 100)
        assert isinstance(row[visits - 1].value, int)
        assert isinstance(row[0].value, int | None)
    info = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert isinstance(info["生成时间"], datetime.datetime)
    assert info["生成时间"].date() == D(2017, 6, 30)
    assert info["系统日期"] == datetime.datetime(2017, 6, 30)
    assert info["期间起"] == datetime.datetime(2017, 6, 26)
    concerns = list(book["超期诉求"].iter_rows(min_row=2, values_only=True))
    assert concerns and all(isinstance(r[4], datetime.datetime) for r in concerns)
