"""Collective income from and to spreadsheets (.xlsx or .csv), all or nothing like the registry.

Columns (the header row, order free): 嘎查村代码, 年度, 收入来源, 金额（元）, and optionally
嘎查村 (the name, ignored on import) and 备注. Each row is the amount of one source in one
village and year; a row sets that line (creates it, or changes its amount and note), other
lines of the village are left alone. Every row is checked first — the village is a
participating village in the importer's area where the importer may record collective income,
the year is not in the future, the source is one of the labels, the amount is a number ≥ 0
with at most two decimals, no (village, year, source) twice — and one bad row refuses the
whole file: :func:`fupin.core.sheets.write_error_workbook` returns the rows with
错误原因 (row, column, reason). A good file is written in one transaction with set-based
inserts and updates and their history rows; lines that already hold the same amount and note
are not touched, so importing the same file twice changes nothing.

:func:`export_rows` writes the import format, so an export re-imports unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area, Level
from fupin.core import cells
from fupin.core.cells import Cells
from fupin.core.clock import as_of
from fupin.core.sheets import ImportResult, sheet_rows, write_workbook

from .models import CollectiveIncome, Source
from .permissions import can_edit
from .services import FIRST_YEAR, IncomeLine, income_import

COL_VILLAGE = "嘎查村代码"
COL_NAME = "嘎查村"
COL_YEAR = "年度"
COL_SOURCE = "收入来源"
COL_AMOUNT = "金额（元）"
COL_NOTE = "备注"
COLUMNS = [COL_VILLAGE, COL_NAME, COL_YEAR, COL_SOURCE, COL_AMOUNT, COL_NOTE]
REQUIRED = [COL_VILLAGE, COL_YEAR, COL_SOURCE, COL_AMOUNT]
SHEET = "集体经济收入"
EXPORTED = "collective.income_exported"

MSG_VILLAGE = _("嘎查村代码“%(value)s”不存在、不是参与扶贫的嘎查村或不在导入范围内")
MSG_VILLAGE_RIGHT = _("您没有填报该嘎查村集体经济收入的权限")
MSG_DUPLICATE = _("与第%(first)s行重复（同一嘎查村、年度和收入来源）")
MSG_NOT_ALLOWED = _("您没有导入集体经济收入的权限")

SOURCE_BY_LABEL = {str(label): value for value, label in Source.choices}
MAX_AMOUNT = Decimal("1e12")
MAX_NOTE = 200


def year_cell(row: dict, column: str, this_year: int, problems: list) -> int | None:
    """The row's year in ``column`` (from 2014 to this year), or ``None`` with the problem
    added to ``problems``."""
    cell = Cells(row)
    year = cell(column, cells.year, first=FIRST_YEAR, last=this_year)
    problems += cell.problems
    return year


def amount_cell(row: dict, column: str, problems: list):
    """The row's amount in ``column`` (yuan, Decimal to the fen), or ``None`` with the
    problem added."""
    cell = Cells(row)
    amount = cell(column, cells.amount, maximum=MAX_AMOUNT)
    problems += cell.problems
    return amount


def import_income(path, *, actor, area_code: str) -> ImportResult:
    """Check and (if every row is good) write the income lines of ``path``; see the module doc."""
    if not can_edit(actor, area_code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    this_year = as_of().year
    result = ImportResult(filename=Path(path).name, year=this_year, kind="collective")
    rows = sheet_rows(path, result, key=COL_VILLAGE, columns=COLUMNS, required=REQUIRED)
    if rows is None:
        return result
    # One query: the participating villages the file names, inside the area and the scope.
    named = {r[COL_VILLAGE] for _n, r in rows}
    villages = set(
        Area.objects.filter(code__in=named, level=Level.VILLAGE, participates=True)
        .within(area_code)
        .accessible_to(actor)
        .values_list("code", flat=True)
    )
    may_edit: dict[str, bool] = {}
    parsed: list[IncomeLine] = []
    seen: dict[tuple[str, int, str], int] = {}
    for number, r in rows:
        cell = Cells(r)
        # Parse.
        village = cell(COL_VILLAGE, cells.required)
        year = cell(COL_YEAR, cells.year, first=FIRST_YEAR, last=this_year)
        source = cell(COL_SOURCE, cells.choice, SOURCE_BY_LABEL)
        amount = cell(COL_AMOUNT, cells.amount, maximum=MAX_AMOUNT)
        cell(COL_NOTE, cells.text, max_length=MAX_NOTE)
        # Check.
        if village and village not in villages:
            cell.add(COL_VILLAGE, MSG_VILLAGE % {"value": village})
        elif village:
            if village not in may_edit:
                may_edit[village] = can_edit(actor, village)
            if not may_edit[village]:
                cell.add(COL_VILLAGE, MSG_VILLAGE_RIGHT)
        if not cell.problems:
            first = seen.setdefault((village, year, source), number)
            if first != number:
                cell.add(COL_SOURCE, MSG_DUPLICATE % {"first": first})
        if cell.problems:
            result.refuse(number, cell.messages(number))
            continue
        parsed.append((village, year, source, amount, r[COL_NOTE]))
    if result.errors:
        return result

    # Write.
    result.counts = income_import(
        actor=actor, area_code=area_code, lines=parsed, filename=result.filename
    )
    result.villages = sorted({p[0] for p in parsed})
    result.ok = True
    return result


def export_rows(user, code: str, year: int | None = None):
    """Yield the income lines of the area (one year, or all) as rows of the import format."""
    lines = (
        CollectiveIncome.objects.accessible_to(user)
        .within(code)
        .select_related("village")
        .order_by("village_id", "year", "source")
    )
    if year is not None:
        lines = lines.filter(year=year)
    labels = dict(Source.choices)
    for line in lines.iterator(chunk_size=2000):
        yield [
            line.village_id,
            line.village.name,
            line.year,
            str(labels[line.source]),
            f"{line.amount:.2f}",
            line.note,
        ]


def export_workbook(user, code: str, year: int | None = None) -> bytes:
    """The area's income lines as an .xlsx in the import format (re-imports unchanged)."""
    return write_workbook([COLUMNS, *export_rows(user, code, year)], title=SHEET, bold_header=True)
