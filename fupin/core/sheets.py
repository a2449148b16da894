"""Spreadsheets in and out: reading a file's sheets as text, the outcome of an import, the
error workbook a refused import returns, and the one xlsx download response.

Every importer (registry, pairings, funds, collective income and shares) reads its file with
:func:`read_sheets` or :func:`sheet_rows`, reports into an :class:`ImportResult`, and a refused
file comes back through :func:`write_error_workbook` — the rows as uploaded plus 错误原因.
What each format holds is documented in ``docs/import-format.md`` and the importers' modules.

Every file written goes through :func:`safe_cell`: a text that a spreadsheet would run as a
formula is written with a leading apostrophe (see docs/security.md, "Exports and public
masking"). :func:`write_workbook` and :func:`csv_bytes` apply it to every cell; an exporter
that builds its own workbook passes its rows through :func:`safe_row`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from fupin.core.uploads import check_upload_size

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The error workbook's columns and sheets are part of the file a user corrects and re-imports.
ERROR_COLUMN = "错误原因"
SUMMARY_SHEET = "错误汇总"
ROW_COLUMN = "行号"
WARNINGS_SHEET = "警告"
FIRST_ERRORS = 50
ERROR_FOLDER_SUFFIX = "-errors"  # the folders under MEDIA_ROOT of ErrorWorkbooks

MSG_FILE_TYPE = _("不支持的文件类型“%(suffix)s”（应为 .xlsx 或 .csv）")
MSG_FILE_UNREADABLE = _("无法读取文件（%(error)s）")
MSG_ENCODING = _("CSV 文件应为 UTF-8 编码（可带 BOM）")
MSG_HEADER = _("第1行（表头）：%(reason)s")
MSG_MISSING_COLUMNS = _("缺少列：%(columns)s")
MSG_NO_ROWS = _("没有数据行")
MSG_NO_REPORT = _("没有错误报告")
MSG_TOO_MANY_ROWS = _("工作表“%(sheet)s”的数据行超过 %(limit)s 行的上限：请分成几个文件导入")
MSG_TOO_MANY_COLUMNS = _("工作表“%(sheet)s”第%(row)s行超过 %(limit)s 列的上限")
MSG_ZIP_TOO_LARGE = _("文件解压后超过 %(limit)s MB 的上限")
MSG_ZIP_RATIO = _("文件的压缩比超过 %(limit)s 倍的上限，不像正常的表格文件")
# Parts smaller than this unpack to too little to matter, whatever their ratio.
RATIO_FLOOR = 1024 * 1024


# What a spreadsheet reads as the start of a formula (or of a DDE payload after a tab or a
# carriage return), per the OWASP CSV injection guidance.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A text that is only a number ("-12.50", "+3") is read as that number, never run: amounts
# written as text keep their sign so that an export re-imports unchanged.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def safe_cell(value):
    """``value`` as it may be written to an xlsx or csv cell: a text starting with a formula
    character gets a leading ``'`` so that it stays text; numbers, dates and other texts are
    returned unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value != "-"
        and not PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """Every cell of a row through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Write ``rows`` (the first one the header) as UTF-8 CSV with a BOM (so that Excel reads
    the Chinese), every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8")


def xlsx_response(content, filename: str) -> HttpResponse:
    """The download of an .xlsx: ``content`` is the file's bytes or an open binary file."""
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    return FileResponse(content, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def write_workbook(rows: Iterable, path=None, *, title: str, bold_header: bool = False):
    """Write ``rows`` (the first one the header) as a one-sheet .xlsx to ``path`` (a path or
    a binary file); without ``path`` return the bytes. Decimals are written as text so that
    the exact amount, to the fen, comes back on import; every cell goes through
    :func:`safe_cell`."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        values = [str(v) if isinstance(v, Decimal) else safe_cell(v) for v in row]
        if bold_header and number == 0:
            values = [_bold(WriteOnlyCell(sheet, value=v), bold) for v in values]
        sheet.append(values)
    if path is not None:
        workbook.save(path)
        return None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_bytes(workbook) -> bytes:
    """Save an openpyxl workbook built by an exporter and return its bytes, with every cell
    of every sheet through :func:`safe_cell` first (a write-only workbook cannot be read
    back: its exporter appends :func:`safe_row` rows instead)."""
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        safe = safe_cell(cell.value)
                        if safe is not cell.value:
                            cell.value = safe
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold(cell, font):
    cell.font = font
    return cell


class ImportFileError(ValueError):
    """The file cannot be read as an import file at all."""


@dataclasses.dataclass
class Sheet:
    """One table of the file: its header and its data rows (numbered as Excel shows them)."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    kind: str = ""
    label: str = ""  # prefixes messages when a workbook holds several data sheets
    errors: dict[int, list[str]] = dataclasses.field(default_factory=dict)

    def add(self, row: int, message) -> None:
        self.errors.setdefault(row, []).append(f"{self.label}{message}")


@dataclasses.dataclass
class ImportResult:
    filename: str
    year: int
    kind: str = ""
    ok: bool = False
    rows: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    errors: list[tuple[int, list[str]]] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    # Village codes whose households, status or income rows were written (for rollups).
    villages: list[str] = dataclasses.field(default_factory=list)
    sheets: list[Sheet] = dataclasses.field(default_factory=list, repr=False)

    def refuse(self, row: int, messages) -> None:
        """Record the messages of a bad row (in the result and in the error workbook)."""
        messages = [str(m) for m in messages]
        if self.sheets:
            for message in messages:
                self.sheets[0].add(row, message)
        self.errors.append((row, messages))

    def messages(self, limit: int | None = None) -> list[str]:
        """Return the error messages in file order (the first ``limit`` of them)."""
        out: list[str] = []
        for _row, messages in self.errors:
            for message in messages:
                if limit is not None and len(out) >= limit:
                    return out
                out.append(str(message))
        return out

    def summary(self, first_errors: int = 20) -> dict:
        """Return a JSON-able summary (what an import job keeps)."""
        return {
            "ok": self.ok,
            "kind": self.kind,
            "year": self.year,
            "rows": self.rows,
            "counts": self.counts,
            "error_rows": len(self.errors),
            "errors": self.messages(first_errors),
            "warnings": [str(w) for w in self.warnings],
        }


# -- Reading ------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"  # the sheets' yes/no labels
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _limits() -> tuple[int, int]:
    return settings.FUPIN_IMPORT_MAX_ROWS, settings.FUPIN_IMPORT_MAX_COLS


def _too_wide(name: str, number: int) -> ImportFileError:
    return ImportFileError(
        MSG_TOO_MANY_COLUMNS % {"sheet": name, "row": number, "limit": _limits()[1]}
    )


def _sheet(name: str, numbered: Iterable[tuple[int, Sequence]]) -> Sheet:
    """The sheet of ``(row number, values)`` pairs: row 1 is the header, empty rows and
    trailing empty cells are dropped, and a sheet past the row or column limit is refused
    as soon as the limit is passed (before the rest is read)."""
    max_rows, max_cols = _limits()
    headers: list[str] = []
    rows = []
    for number, values in numbered:
        cells = [_text(c) for c in values]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > max_cols:
            raise _too_wide(name, number)
        if number == 1:
            headers = cells
        elif cells:
            if len(rows) >= max_rows:
                raise ImportFileError(MSG_TOO_MANY_ROWS % {"sheet": name, "limit": max_rows})
            rows.append((number, cells))
    return Sheet(name=name, headers=headers, rows=rows)


def _check_zip(path: Path) -> None:
    """Refuse an .xlsx whose parts would unpack past the size limit or at a ratio no
    spreadsheet has (a zip bomb), from the zip directory alone, before anything is unpacked.
    (Python's zipfile never unpacks a part past the size its directory entry declares.)"""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(MSG_FILE_UNREADABLE % {"error": error}) from None
    limit_mb = settings.FUPIN_IMPORT_MAX_UNZIPPED_MB
    ratio = settings.FUPIN_IMPORT_MAX_RATIO
    if sum(part.file_size for part in parts) > limit_mb * 1024 * 1024:
        raise ImportFileError(MSG_ZIP_TOO_LARGE % {"limit": limit_mb})
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > ratio * max(part.compress_size, 1):
            raise ImportFileError(MSG_ZIP_RATIO % {"limit": ratio})


def _worksheet_rows(worksheet, max_cols: int) -> Iterator[tuple[int, list]]:
    """The rows a read-only worksheet really holds, as ``(row number, values)``.

    The used range comes from the cells, not from the sheet's ``<dimension>``: openpyxl pads
    every row to the dimension's width and fills the rows up to its height, so a tiny file
    declaring ``A1:XFD1048576`` would read as a million rows of 16,384 cells. The rows are
    parsed as the file lists them; empty cells are skipped and a row is only as wide as its
    last filled cell."""
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            filled = [(c["column"], c["value"]) for c in cells if c["value"] not in (None, "")]
            if not filled:
                continue
            width = max(column for column, _value in filled)
            if width > max_cols:
                raise _too_wide(worksheet.title, number)
            values: list = [None] * width
            for column, value in filled:
                values[column - 1] = value
            yield number, values


def read_sheets(path) -> list[Sheet]:
    """Read every table of a .csv (UTF-8, with or without BOM) or .xlsx file as text.

    A file past the limits of ``docs/security.md`` ("Uploads and background jobs") is refused
    with :class:`ImportFileError` naming the limit: rows and columns
    (``FUPIN_IMPORT_MAX_ROWS``/``_COLS``), and for an .xlsx the unpacked size and the
    compression ratio (``FUPIN_IMPORT_MAX_UNZIPPED_MB``/``_RATIO``), checked first."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                return [_sheet(path.stem, enumerate(csv.reader(handle), start=1))]
        except UnicodeDecodeError:
            raise ImportFileError(MSG_ENCODING) from None
        except csv.Error as error:
            raise ImportFileError(MSG_FILE_UNREADABLE % {"error": error}) from None
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        _check_zip(path)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # zip, XML and openpyxl errors alike
            raise ImportFileError(MSG_FILE_UNREADABLE % {"error": error}) from None
        try:
            max_cols = _limits()[1]
            return [_sheet(ws.title, _worksheet_rows(ws, max_cols)) for ws in workbook.worksheets]
        except ImportFileError:
            raise
        except Exception as error:  # a broken sheet XML
            raise ImportFileError(MSG_FILE_UNREADABLE % {"error": error}) from None
        finally:
            workbook.close()
    raise ImportFileError(MSG_FILE_TYPE % {"suffix": suffix or path.name})


def missing_columns_message(missing: Iterable[str]) -> str:
    return MSG_HEADER % {"reason": MSG_MISSING_COLUMNS % {"columns": "、".join(missing)}}


def sheet_rows(path, result: ImportResult, *, key: str, columns, required, any_of=()):
    """The rows of the file's sheet that has the ``key`` column (else its first sheet), as
    ``(row number, {column: stripped text})``; ``None`` when the sheet is empty or lacks a
    required column, or all of ``any_of`` (one of them is enough) — the reason is in
    ``result``. For the small formats imported within the request (pairings, collective
    income, shares)."""
    sheets = [s for s in read_sheets(Path(path)) if s.headers]
    sheet = next((s for s in sheets if key in s.headers), sheets[0] if sheets else None)
    if sheet is None or not sheet.rows:
        result.errors.append((1, [str(MSG_NO_ROWS)]))
        return None
    result.sheets = [sheet]
    result.rows = len(sheet.rows)
    missing = [c for c in required if c not in sheet.headers]
    if any_of and not any(c in sheet.headers for c in any_of):
        missing.append("/".join(any_of))
    if missing:
        result.refuse(1, [missing_columns_message(missing)])
        return None
    return rows_by_column(sheet, columns)


def rows_by_column(sheet: Sheet, columns) -> list[tuple[int, dict[str, str]]]:
    """The sheet's rows as ``(row number, {column: text})`` ("" for a column it lacks)."""
    index = {h: i for i, h in enumerate(sheet.headers) if h in columns}

    def cell(cells, column):
        i = index.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    return [(n, {c: cell(cells, c) for c in columns}) for n, cells in sheet.rows]


# -- The error workbook -------------------------------------------------------------------


def write_error_workbook(result: ImportResult, path) -> None:
    """Write the refused file back: its rows plus 错误原因 (bad rows highlighted), a sheet
    of every error and a sheet of the warnings."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    bad_fill = PatternFill("solid", fgColor="FFC7CE")
    bold = Font(bold=True)
    workbook = openpyxl.Workbook(write_only=True)
    for sheet in result.sheets:
        ws = workbook.create_sheet(sheet.name[:31] or "Sheet1")
        width = len(sheet.headers)
        header = safe_row([*sheet.headers, ERROR_COLUMN])
        ws.append([_bold(WriteOnlyCell(ws, value=t), bold) for t in header])
        for number, cells in sheet.rows:
            cells = safe_row((cells + [""] * width)[:width])
            messages = sheet.errors.get(number)
            if not messages:
                ws.append([*cells, ""])
                continue
            row = []
            for value in [*cells, safe_cell("；".join(messages))]:
                cell = WriteOnlyCell(ws, value=value)
                cell.fill = bad_fill
                row.append(cell)
            ws.append(row)
    summary = workbook.create_sheet(SUMMARY_SHEET)
    summary.append([ROW_COLUMN, ERROR_COLUMN])
    for number, messages in result.errors:
        for message in messages:
            summary.append([number, safe_cell(str(message))])
    warnings = workbook.create_sheet(WARNINGS_SHEET)
    warnings.append([WARNINGS_SHEET])
    for warning in result.warnings:
        warnings.append([safe_cell(str(warning))])
    workbook.save(path)


def error_workbook_path(path) -> Path:
    """Return where the command line writes the error workbook: ``a.csv`` → ``a.errors.xlsx``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.errors.xlsx")


# -- Imports within the request -----------------------------------------------------------


def import_upload(
    request, upload, run: Callable, context: dict, *, area_code: str
) -> ImportResult | None:
    """Import ``upload`` by ``run(path, actor=, area_code=)`` from a temporary copy.

    A file that cannot be read at all sets ``context["file_error"]`` and returns ``None``;
    otherwise the result and its first errors go into ``context`` and it is returned.
    (The registry's own import runs as a background job: see
    :mod:`fupin.registry.import_views`.)
    """
    try:
        check_upload_size(upload)
    except ValidationError as error:
        context["file_error"] = error.messages[0]
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{Path(upload.name).suffix.lower()}"
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            result = run(path, actor=request.user, area_code=area_code)
        except ImportFileError as error:
            context["file_error"] = str(error)
            return None
    result.filename = upload.name
    context["result"] = result
    context["errors"] = result.messages(FIRST_ERRORS)
    return result


@dataclasses.dataclass(frozen=True)
class ErrorWorkbooks:
    """Where a format's refused imports leave their error workbook: a folder under
    ``MEDIA_ROOT`` (its name ends in ``-errors``, which is how :func:`purge_error_workbooks`
    finds it), the session key naming this session's last one, the download's name."""

    folder: str
    session_key: str
    download_name: str

    def keep(self, request, result: ImportResult) -> bool:
        """Write the error workbook of a refused ``result`` for this session; whether one was
        written (an accepted import, or one refused before reading any row, leaves none)."""
        if result.ok or not result.sheets:
            return False
        directory = Path(settings.MEDIA_ROOT) / self.folder
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.xlsx"
        write_error_workbook(result, directory / name)
        request.session[self.session_key] = name
        return True

    def response(self, request) -> HttpResponse:
        """This session's last error workbook of the format (only its own), else 404."""
        name = request.session.get(self.session_key)
        path = Path(settings.MEDIA_ROOT) / self.folder / (name or "-")
        if not name or not path.is_file():
            raise Http404(str(MSG_NO_REPORT))
        return xlsx_response(open(path, "rb"), self.download_name)


def purge_error_workbooks(before: datetime.datetime) -> int:
    """Delete the in-request imports' error workbooks written before ``before`` (they hold
    the refused rows, ID numbers among them); return how many."""
    deleted = 0
    cutoff = before.timestamp()
    for path in Path(settings.MEDIA_ROOT).glob(f"*{ERROR_FOLDER_SUFFIX}/*.xlsx"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


# -- Import templates ---------------------------------------------------------------------

LISTS_SHEET = "代码表"
TEMPLATE_ROWS = 2000  # the rows of a template that carry its drop-downs


def template_workbook(
    *,
    title: str,
    columns: Sequence[str],
    examples: Iterable[Sequence] = (),
    dropdowns: dict[str, Sequence[str]] | None = None,
    free_columns: Iterable[str] = (),
    prompts: dict[str, str] | None = None,
) -> bytes:
    """Return an import template: the header in bold, example rows, every cell formatted as
    text (ID and household numbers stay digits), and an Excel drop-down on each column of
    ``dropdowns`` listing its accepted labels, read from a 代码表 sheet (a list longer than
    255 characters cannot be written inline). A column of ``free_columns`` (several labels
    in one cell) offers its list but accepts other text; ``prompts`` replace the input
    message of a column."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    dropdowns = {c: list(v) for c, v in (dropdowns or {}).items() if c in columns}
    free = set(free_columns)
    prompts = prompts or {}
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in examples:
        sheet.append([safe_cell(v) for v in row])
    for i, _column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = 16
        sheet.column_dimensions[letter].number_format = "@"
        for row in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
            for cell in row:
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    if dropdowns:
        lists = workbook.create_sheet(LISTS_SHEET)
        for j, (column, labels) in enumerate(dropdowns.items(), start=1):
            lists.cell(row=1, column=j, value=column).font = Font(bold=True)
            for k, label in enumerate(labels, start=2):
                lists.cell(row=k, column=j, value=safe_cell(label))
            lists.column_dimensions[get_column_letter(j)].width = 18
            letter = get_column_letter(j)
            source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
            target = get_column_letter(list(columns).index(column) + 1)
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=column not in free,
                errorTitle=column,
                error=str(_("请从下拉列表中选择")),
                promptTitle=column,
                prompt=str(prompts.get(column) or _("请从下拉列表中选择")),
                showInputMessage=True,
            )
            validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    return workbook_bytes(workbook)
