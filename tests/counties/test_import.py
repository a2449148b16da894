"""The answers' import: the exported sample list filled in imports back; one bad row refuses
the whole file, and the error workbook names each row, column and reason."""

import io

import openpyxl
import pytest

from fupin.core.sheets import ERROR_COLUMN, SUMMARY_SHEET
from fupin.counties import importing, services
from fupin.counties.models import SampledHousehold
from tests.counties.conftest import DESIGN, YEAR

pytestmark = pytest.mark.django_db
Stratum = SampledHousehold.Stratum
COLUMNS = importing.COLUMNS


@pytest.fixture
def round_(arxan, people):
    return services.round_create(
        actor=people["league"], county=arxan, year=YEAR, seed=21, design=DESIGN
    )


def _sheet(round_):
    book = openpyxl.load_workbook(io.BytesIO(importing.export_workbook(round_)))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS
    return rows


def _fill(rows):
    i = {c: n for n, c in enumerate(COLUMNS)}
    stratum = {str(label): value for value, label in Stratum.choices}
    for row in rows[1:]:
        kind = stratum[row[i["抽样类别"]]]
        row[i["满意"]] = "是"
        if kind == Stratum.EXITED:
            row[i["真实脱贫"]] = "是"
        if kind == Stratum.NON_REGISTERED:
            row[i["户主姓名"]] = f"走访户{row[0]}"
            row[i["应纳入建档立卡"]] = "否"
    return rows


def _write(tmp_path, rows, name="answers.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(["" if v is None else v for v in row])
    path = tmp_path / name
    book.save(path)
    return path


def test_a_filled_sample_list_imports(tmp_path, round_, people):
    path = _write(tmp_path, _fill(_sheet(round_)))
    result = importing.import_answers(path, actor=people["league"], round_=round_)
    assert result.ok, result.messages()
    assert result.counts == {"answered": round_.samples.count()}
    assert not round_.samples.filter(answered_on__isnull=True).exists()
    other = round_.samples.filter(stratum=Stratum.NON_REGISTERED).first()
    assert other.name == f"走访户{other.position}" and other.should_register is False
    # Twice: nothing changes.
    again = importing.import_answers(path, actor=people["league"], round_=round_)
    assert again.ok and again.counts == {"answered": 0}


def test_one_bad_row_refuses_the_file(tmp_path, round_, people):
    rows = _fill(_sheet(round_))
    i = {c: n for n, c in enumerate(COLUMNS)}
    poor = next(r for r in rows[1:] if r[i["抽样类别"]] == str(Stratum.POOR.label))
    poor[i["真实脱贫"]] = "是"
    rows[1][i["满意"]] = "也许"
    rows.append([9999, "", "", "", "", "", "", "", "是", ""])
    path = _write(tmp_path, rows)
    result = importing.import_answers(path, actor=people["league"], round_=round_)
    assert not result.ok
    assert not round_.samples.filter(answered_on__isnull=False).exists()
    messages = result.messages()
    assert any(m.startswith("第2行“满意”：“也许”不是有效选项") for m in messages), messages
    number = rows.index(poor) + 1
    assert f"第{number}行“真实脱贫”：只有已脱贫户填写此项" in messages
    assert f"第{len(rows)}行“序号”：序号“9999”不在本次评估的样本中" in messages
    errors = tmp_path / "errors.xlsx"
    from fupin.core.sheets import write_error_workbook

    write_error_workbook(result, errors)
    book = openpyxl.load_workbook(errors)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-1] == ERROR_COLUMN
    assert "也许" in sheet.cell(row=2, column=len(header)).value
    summary = [r for r in book[SUMMARY_SHEET].iter_rows(values_only=True)][1:]
    assert {r[0] for r in summary} == {2, number, len(rows)}


def test_the_import_page_returns_the_error_workbook(client, tmp_path, round_, people):
    rows = _fill(_sheet(round_))
    rows[1][COLUMNS.index("满意")] = "也许"
    path = _write(tmp_path, rows)
    client.force_login(people["league"])
    with open(path, "rb") as handle:
        response = client.post(f"/counties/rounds/{round_.pk}/import/", {"file": handle})
    assert response.status_code == 400
    assert "第2行“满意”" in response.content.decode()
    report = client.get("/counties/import-errors/")
    assert report.status_code == 200
    client.force_login(people["county"])
    assert client.get(f"/counties/rounds/{round_.pk}/import/").status_code == 403
    assert client.get(f"/counties/rounds/{round_.pk}/export/").status_code == 403
