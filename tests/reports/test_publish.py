"""Publishing freezes a report; the pages, the files, the command line and the scope."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from fupin.fieldwork.models import Concern, Visit
from fupin.reports.models import Report
from tests.factories import YINDEER, ZHALAITE, make_user

from .conftest import A, C

D = datetime.date
NEW = f"/reports/new/?kind=dekad&area={YINDEER}&period=2017-06-30"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


def _report_html(response) -> str:
    text = response.content.decode()
    start = text.index('<div class="report" id="report">')
    return text[start : text.index('id="rule"', start)]


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _catch_up(township):
    """Later edits that would change the ranking: 东方红村 visits everyone (in both weeks of
    the dekad), answers its concern."""
    for p in township["villages"][C]["pairings"]:
        for day in (D(2017, 6, 22), D(2017, 6, 29)):
            Visit.objects.create(cadre=p.cadre, household=p.household, village_id=C, visited_on=day)
    Concern.objects.filter(pk=township["concern"].pk).update(state="closed")


@pytest.mark.django_db
def test_published_report_is_frozen_and_a_new_draft_shows_the_change(client, township, tmp_path):
    client.force_login(make_user("league_hq", "1522"))
    draft = client.get(NEW)
    assert draft.status_code == 200
    assert "东方红村委会" in draft.content.decode()
    response = client.post(
        "/reports/new/", {"kind": "dekad", "area": YINDEER, "period": "2017-06-30"}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == "published" and report.version == 1
    page = client.get(f"/reports/{report.pk}/")
    xlsx = b"".join(client.get(f"/reports/{report.pk}/report.xlsx"))
    pdf = b"".join(client.get(f"/reports/{report.pk}/report.pdf"))
    before = {u["code"]: u for u in report.content["units"]}
    assert before[C]["flag"] == "red"

    _catch_up(township)

    page_after = client.get(f"/reports/{report.pk}/")
    assert _report_html(page_after) == _report_html(page)
    assert b"".join(client.get(f"/reports/{report.pk}/report.xlsx")) == xlsx
    assert b"".join(client.get(f"/reports/{report.pk}/report.pdf")) == pdf
    report.refresh_from_db()
    assert {u["code"]: u for u in report.content["units"]} == before
    # A new draft shows the change.
    fresh = client.get(NEW).context["c"]
    after = {u["code"]: u for u in fresh["units"]}
    assert after[C]["values"]["concerns_overdue"] == 0
    assert after[C]["values"]["visited_share"] == "100.00"
    assert float(after[C]["composite"]) < float(before[C]["composite"])
    # Republishing makes version 2; version 1 stays, archived as superseded.
    client.post("/reports/new/", {"kind": "dekad", "area": YINDEER, "period": "2017-06-21"})
    versions = list(Report.objects.order_by("version").values_list("version", "status"))
    assert versions == [(1, "superseded"), (2, "published")]
    assert _report_html(client.get(f"/reports/{report.pk}/")) == _report_html(page)
    archive = client.get("/reports/?kind=dekad&year=2017").content.decode()
    assert archive.count("音德尔镇2017年6月下旬旬通报") == 2


@pytest.mark.django_db
def test_pdf_and_xlsx_carry_the_title_units_and_reasons(client, township, tmp_path):
    client.force_login(make_user("county_office", ZHALAITE))
    client.post("/reports/new/", {"kind": "monthly", "area": YINDEER, "period": "2017-06-05"})
    report = Report.objects.get()
    from fupin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="reports.published", target=str(report.pk)).exists()
    text = _pdf_text(b"".join(client.get(f"/reports/{report.pk}/report.pdf")), tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "音德尔镇2017年6月月调度" in flat
    assert "东方红村委会" in flat
    assert "处于后三分之一" in flat
    assert "超期未办诉求1" in flat
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(f"/reports/{report.pk}/report.xlsx")))
    )
    sheet = book["排名"]
    assert sheet["A1"].value == "音德尔镇2017年6月月调度"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    by_code = {r[1]: r for r in rows}
    heading = [c.value for c in sheet[3]]
    assert by_code[C][heading.index("旗帜")] == "红旗"
    assert "超期未办诉求 1" in by_code[C][heading.index("原因")]
    assert by_code[A][heading.index("名次")] == 1
    assert "调度清单" in book.sheetnames
    assert AuditEvent.objects.filter(action="reports.exported", target=YINDEER).count() == 2
    items = [r for r in book["调度清单"].iter_rows(min_row=2, values_only=True)]
    assert any(r[3] == "书记C" and r[4] == datetime.datetime(2017, 6, 15) for r in items)


@pytest.mark.django_db
def test_only_offices_publish(client, township):
    client.force_login(make_user("township_officer", YINDEER))
    assert client.get(NEW).status_code == 200
    assert client.post("/reports/new/", {"kind": "dekad", "area": YINDEER}).status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_scope_of_published_reports(client, township):
    client.force_login(make_user("league_hq", "1522"))
    client.post("/reports/new/", {"kind": "dekad", "area": "1522", "period": "2017-06-30"})
    client.post("/reports/new/", {"kind": "dekad", "area": YINDEER, "period": "2017-06-30"})
    league, town = Report.objects.get(area="1522"), Report.objects.get(area=YINDEER)
    # A township officer of 音德尔镇 sees its own report, not the league's.
    client.force_login(make_user("township_officer", YINDEER))
    assert client.get(f"/reports/{town.pk}/").status_code == 200
    for url in ("/", "/report.xlsx", "/report.pdf"):
        assert client.get(f"/reports/{league.pk}{url}").status_code == 404
    archive = client.get("/reports/").content.decode()
    assert f"/reports/{town.pk}/" in archive and f"/reports/{league.pk}/" not in archive
    assert client.get("/reports/new/?kind=dekad&area=1522").status_code == 404
    # Another township's officer sees neither.
    client.force_login(make_user("township_officer", "152223101"))
    assert client.get(f"/reports/{town.pk}/").status_code == 404
    assert client.get(f"/reports/{town.pk}/report.pdf").status_code == 404
    assert f"/reports/{town.pk}/" not in client.get("/reports/").content.decode()


@pytest.mark.django_db
def test_command_writes_xlsx_and_pdf(township, settings, capsys):
    call_command("report", "dekad", "--period", "2017-06-30", "--area", YINDEER)
    paths = capsys.readouterr().out.split()
    out = settings.VAR_DIR / "reports"
    assert paths == [
        str(out / f"dekad-{YINDEER}-2017-06-3.xlsx"),
        str(out / f"dekad-{YINDEER}-2017-06-3.pdf"),
    ]
    book = openpyxl.load_workbook(paths[0])
    names = {r[2] for r in book["排名"].iter_rows(min_row=4, values_only=True)}
    assert "东方红村委会" in names
    with open(paths[1], "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert not Report.objects.exists()
    call_command("report", "weekly", "--period", "2017-06-30", "--publish")
    report = Report.objects.get()
    assert (report.area_id, report.key, report.published_by) == ("1522", "2017-W26", None)
    assert capsys.readouterr().out.split()[0].endswith("weekly-1522-2017-W26.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["yearly", "--period", "2017-06-30"], "报告类型"),
        (["dekad", "--period", "2017-13-01"], "不是有效日期"),
        (["dekad", "--period", "2017-06-30", "--area", "9999"], "不是已知的区划代码"),
        (["dekad", "--period", "2017-07-01"], "尚未开始"),
    ],
)
def test_command_refuses_bad_input_in_chinese(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args)


@pytest.mark.django_db
def test_draft_page_explains_bad_input(client, township):
    client.force_login(make_user("league_hq", "1522"))
    bad_date = client.get(f"/reports/new/?kind=weekly&area={YINDEER}&period=2017-02-30")
    assert bad_date.status_code == 200 and "期别日期“2017-02-30”无效" in bad_date.content.decode()
    future = client.get(f"/reports/new/?kind=weekly&area={YINDEER}&period=2017-07-05")
    assert future.status_code == 400 and "尚未开始" in future.content.decode()
    assert client.get(f"/reports/new/?kind=yearly&area={YINDEER}").status_code == 404


@pytest.mark.django_db
def test_draft_figures_link_to_their_records(client, township):
    client.force_login(make_user("league_hq", "1522"))
    text = client.get(NEW).content.decode()
    assert f'href="/compliance/?area={C}&amp;month=2017-06" data-figure="concerns_overdue"' in text
    assert f'href="/duties/overdue/?area={C}&amp;year=2017" data-figure="tasks_overdue"' in text
    assert f'href="/households/?area={C}&amp;year=2017&amp;status=in_poverty"' in text
    xlsx = client.get(NEW + "&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_api_draft_and_published_content(client, township):
    client.force_login(make_user("league_hq", "1522"))
    draft = client.get(f"/api/areas/{YINDEER}/report/?kind=weekly&period=2017-06-30").json()
    assert [u["code"] for u in draft["units"]] == [A, "152223100200", C]
    assert draft["units"][2]["flag"] == "red"
    bad = client.get(f"/api/areas/{YINDEER}/report/?kind=weekly&period=2017-07-09")
    assert bad.status_code == 400 and "尚未开始" in bad.json()["period"][0]
    assert client.get(f"/api/areas/{YINDEER}/report/?kind=x").status_code == 400
    client.post("/reports/new/", {"kind": "weekly", "area": YINDEER, "period": "2017-06-30"})
    report = Report.objects.get()
    _catch_up(township)
    stored = client.get(f"/api/reports/{report.pk}/").json()
    assert stored["version"] == 1
    assert stored["content"]["units"] == report.content["units"]
    assert stored["content"]["units"][2]["values"]["concerns_overdue"] == 1
    client.force_login(make_user("township_officer", "152223101"))
    assert client.get(f"/api/reports/{report.pk}/").status_code == 404
    assert client.get(f"/api/areas/{YINDEER}/report/").status_code == 404
