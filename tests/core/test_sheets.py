"""Every .xlsx download goes through :func:`fupin.core.sheets.xlsx_response`: one content type,
one attachment header, whose Chinese filename is encoded per RFC 6266 (``filename*=UTF-8''…``)
so that every browser saves it under its Chinese name."""

import io
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from fupin.core.sheets import XLSX_TYPE, ErrorWorkbooks, xlsx_response

ROOT = Path(__file__).resolve().parents[2]
FILENAME = "干部名册-长发村-2020-06-30.xlsx"
# The xlsx media type, unless it is one of the part types inside the package (``…+xml``), which
# the registry's own xlsx writer names.
XLSX_MEDIA_TYPE = re.compile(r"spreadsheetml\.sheet(?![\w.]*\+xml)")


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _assert_attachment(response, filename: str) -> None:
    assert response["Content-Type"] == XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=([^;]+)", disposition)
    assert encoded, disposition
    charset, _language, name = encoded.group(1).split("'", 2)
    assert charset.upper() == "UTF-8"
    assert name == quote(filename)


@pytest.mark.parametrize("streamed", [False, True])
def test_xlsx_response_is_an_attachment_with_its_chinese_filename(streamed):
    content = b"PK\x03\x04 workbook bytes"
    response = xlsx_response(io.BytesIO(content) if streamed else content, FILENAME)
    _assert_attachment(response, FILENAME)
    assert _content(response) == content


def test_a_downloaded_error_workbook_keeps_its_chinese_name(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    workbooks = ErrorWorkbooks("errors", "last_errors", "集体经济收入.errors.xlsx")
    (tmp_path / "errors").mkdir()
    (tmp_path / "errors" / "a.xlsx").write_bytes(b"PK workbook")
    request = SimpleNamespace(session={"last_errors": "a.xlsx"})
    response = workbooks.response(request)
    try:
        _assert_attachment(response, "集体经济收入.errors.xlsx")
        assert _content(response) == b"PK workbook"
    finally:
        response.file_to_stream.close()  # not response.close(): that signals a request's end


def test_no_other_module_builds_an_xlsx_response():
    """The xlsx content type is named once, in fupin/core/sheets.py."""
    offenders = []
    for path in sorted((ROOT / "fupin").rglob("*.py")):
        if path == ROOT / "fupin" / "core" / "sheets.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if XLSX_MEDIA_TYPE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, "use fupin.core.sheets.xlsx_response: " + ", ".join(offenders)
