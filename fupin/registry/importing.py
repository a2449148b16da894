"""Importing registry spreadsheets (members and income), all or nothing (docs/architecture.md rules 3, 6).

What a file holds and every message it may earn is documented in ``docs/import-format.md``.

The import streams: it reads, checks and writes the file ``FUPIN_IMPORT_CHUNK_ROWS`` rows at a
time, so that its memory is bounded whatever the file's length, in four steps:

1. **Scan**: one quick pass reads each sheet's header and counts its rows (the limits of
   ``docs/security.md`` are checked before any row is).
2. **Check the rows**, a chunk at a time, with the pure rules of :mod:`fupin.registry.rules`;
   each chunk's rows, parsed, go to a stage (:class:`fupin.registry.bulk.Stage`: a scratch
   SQLite file with indexes), and the checks across the whole file — a duplicate ID number
   in rows far apart, a household's rows wherever they are, one head per household, a
   duplicate income year — run as set-based SQL over it. Whatever needs the registry
   (areas, the households and persons already registered, their status rows) is fetched
   set-based, one ``IN`` query per chunk of keys — never a query per row.
3. **Check against the registry, plan and write**, in one transaction, a chunk of households
   at a time: each row is compared with the registered one and only what changed is kept
   (importing the same file twice changes nothing and writes no history), then written
   through :func:`fupin.registry.services.households_import_chunk`, which checks the
   importer's right and scope at every village written and writes set-based
   (:mod:`fupin.registry.bulk`: prepared ``INSERT``/``UPDATE`` run over batches, history
   rows in bulk beside the rows with the importing user and the reason ``导入 <file name>``).
   :func:`~fupin.registry.services.households_import_done` then refreshes the villages'
   rollups and leaves one audit event for the file.
4. All or nothing: any bad row refuses the whole file — a chunk that finds an error stops
   the writing and the transaction is rolled back — and :func:`write_error_workbook`
   returns the input rows (read again from the file) with a 错误原因 column.

Households are keyed by 户编号, members by 证件号码 (unique across the database), status rows
by (household, data year) and income by (household, 年度). A household's members are the
rows of the file: a registered member of an imported household who is absent from the file
is removed (with a history row); that is the one path that works row by row, through
Django's deletion collector, because other records may depend on the member.

A household's current status, attribute and exit year follow the file unless the household
already has a status row of a later year than the file's data year (an old year's file does
not roll a household back).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime
import gc
import itertools
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import IMPORT_REGISTRY, Action, allowed
from fupin.areas.models import Area, Level
from fupin.areas.scope import user_can_see_code
from fupin.core import cells as kit
from fupin.core import clock, mongolian
from fupin.core import sheets as sheets_kit
from fupin.core.sheets import (
    MSG_HEADER,
    MSG_MISSING_COLUMNS,
    MSG_NO_ROWS,
    ImportFileError,
    ImportResult,
    Sheet,
)

from . import bulk, codes, rules, services
from .models import Household, IncomeRecord, Member, StatusRecord
from .permissions import can_import, can_import_anywhere
from .rules import (
    COL_ATTRIBUTE,
    COL_EDUCATION,
    COL_ETHNICITY,
    COL_EXIT_YEAR,
    COL_HEALTH,
    COL_HOUSING,
    COL_ID,
    COL_IDENTIFIED,
    COL_INSURANCE,
    COL_LABOUR,
    COL_MAIN_CAUSE,
    COL_MIGRANT,
    COL_NAME,
    COL_NAME_MN,
    COL_NUMBER,
    COL_OTHER_CAUSES,
    COL_PHONE,
    COL_RELATION,
    COL_SCHOOL,
    COL_STATUS,
    COL_VILLAGE,
    COL_WAGE,
    COL_WATER,
    COL_YEAR,
    HOUSEHOLD_COLUMNS,
    INCOME_AMOUNT_COLUMNS,
    INCOME_COLUMNS,
    MEMBER_COLUMNS,
    Problem,
)

MEMBERS = "members"
INCOME = "income"
CODES_SHEET = "代码表"
PROGRESS_STEP = 1000

MSG_UNKNOWN_KIND = _("无法识别文件类型：表头应含成员表的“证件号码”或收入表的“工资性收入”")
MSG_DUPLICATE_COLUMN = _("列“%(column)s”重复")
MSG_TWO_SHEETS = _("工作簿中有多个%(kind)s（“%(first)s”和“%(second)s”）")
MSG_YEAR_RANGE = _("数据年度应在2013至%(max_year)s之间（实为%(year)s）")
MSG_EXTRA_COLUMN = _("%(sheet)s列“%(column)s”不是导入格式中的列，已忽略")
MSG_IGNORED_SHEET = _("工作表“%(sheet)s”不是成员表或收入表，已忽略")
MSG_NOT_ALLOWED = _("您没有导入贫困户数据的权限")
MSG_SCOPE_NOT_ALLOWED = _("导入范围“%(scope)s”不在您的管辖范围内")
# New identifications and exits go through a case (docs/domain.md): an import adds them only
# as a historical load, which league HQ marks with a reason.
MSG_PROCEDURE = _("新识别/脱贫须经申请、评议、公示程序（识别流程）；历史数据导入请由盟扶贫办标记")
MSG_HISTORICAL_NOT_ALLOWED = _("只有盟扶贫办可以将导入标记为历史数据导入")
MSG_HISTORICAL_REASON = _("标记为历史数据导入时须填写原因")
MAX_HISTORICAL_REASON = 200
KIND_LABELS = {MEMBERS: _("成员表"), INCOME: _("收入表")}
# What each count of ImportResult.counts means (the command and the status page show it).
COUNT_LABELS = {
    "households_created": _("新增户"),
    "households_updated": _("更新户"),
    "households_unchanged": _("未变户"),
    "members_created": _("新增成员"),
    "members_updated": _("更新成员"),
    "members_unchanged": _("未变成员"),
    "members_removed": _("移除成员"),
    "statuses_created": _("新增年度状态"),
    "statuses_updated": _("更新年度状态"),
    "incomes_created": _("新增收入"),
    "incomes_updated": _("更新收入"),
    "incomes_unchanged": _("未变收入"),
}

CAUSE_SPLIT = re.compile("[" + re.escape(rules.CAUSE_SEPARATORS) + "]")
MAX_NUMBER, MAX_NAME, MAX_PHONE = 32, 50, 20
MAX_NAME_MN = 100
MAX_INCOME = Decimal("1e10")

# The fields an import writes (the rest of a row keeps its value or its default).
HOUSEHOLD_FIELDS = (
    "village_id",
    "head_name",
    "members_count",
    "attribute",
    "main_cause",
    "other_causes",
    "dangerous_housing",
    "safe_water",
    "phone",
    "identified_year",
    "status",
    "exit_year",
)
CURRENT_FIELDS = ("status", "attribute", "exit_year")
# What a historical load marks on the households it identifies or exits.
HISTORICAL_FIELDS = ("historical_load", "historical_reason", "historical_job_id")
MEMBER_FIELDS = (
    "household_id",
    "village_id",
    "name",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "migrant_months",
    "medical_insurance",
    "name_mn",
)
STATUS_FIELDS = ("village_id", "status", "attribute", "members_count")
INCOME_FIELDS = (
    "village_id",
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_costs",
    "members_count",
)


def _sheet_kind(headers: Iterable[str]) -> str:
    names = set(headers)
    if COL_ID in names or COL_RELATION in names:
        return MEMBERS
    if COL_WAGE in names or rules.COL_COSTS in names:
        return INCOME
    return ""


def read_sheets(path: Path) -> list[Sheet]:
    """Read every table of a .csv or .xlsx file as text, each with its kind (members,
    income, or "" for another table: the template's 代码表 among them)."""
    sheets = sheets_kit.read_sheets(path)
    for sheet in sheets:
        sheet.kind = "" if sheet.name == CODES_SHEET else _sheet_kind(sheet.headers)
    return sheets


# -- Reading the file a chunk at a time ----------------------------------------------------


def chunk_rows() -> int:
    """How many rows the import reads, checks and writes at a time (FUPIN_IMPORT_CHUNK_ROWS)."""
    return max(1, int(settings.FUPIN_IMPORT_CHUNK_ROWS))


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _raw_rows(path: Path, position: int) -> Iterator[tuple[int, Sequence]]:
    """``(row number, values)`` of the file's ``position``-th sheet as the file lists them
    (an .xlsx through openpyxl's read-only parser), read errors as :class:`ImportFileError`."""
    if path.suffix.lower() == ".csv":
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                yield from enumerate(csv.reader(handle), start=1)
        except UnicodeDecodeError:
            raise ImportFileError(sheets_kit.MSG_ENCODING) from None
        except csv.Error as error:
            raise ImportFileError(sheets_kit.MSG_FILE_UNREADABLE % {"error": error}) from None
        return
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML and openpyxl errors alike
        raise ImportFileError(sheets_kit.MSG_FILE_UNREADABLE % {"error": error}) from None
    try:
        worksheet = workbook.worksheets[position]
        yield from sheets_kit._worksheet_rows(worksheet, sheets_kit._limits()[1])
    except ImportFileError:
        raise
    except Exception as error:  # a broken sheet XML
        raise ImportFileError(sheets_kit.MSG_FILE_UNREADABLE % {"error": error}) from None
    finally:
        workbook.close()


class _Rows:
    """A sheet's data rows, read from the file again at each pass — the file is never held
    in memory: ``(row number, cells as text)``, as :func:`fupin.core.sheets.read_sheets`
    gives them (empty rows and trailing empty cells dropped). The error workbook reads them
    the same way, so the file must stay until it is written."""

    def __init__(self, path: Path, position: int, count: int) -> None:
        self.path = path
        self.position = position
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        text = sheets_kit._text
        for number, values in _raw_rows(self.path, self.position):
            if number == 1:
                continue
            cells = [c.strip() if type(c) is str else text(c) for c in values]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield number, cells


def _scan_sheets(path: Path) -> list[Sheet]:
    """Every table of the file with its header, kind and row count, its rows left in the
    file (:class:`_Rows`). The limits of :func:`fupin.core.sheets.read_sheets` are checked
    here, before any row is checked: one quick pass that keeps nothing but the counts."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        names = [path.stem]
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl

        sheets_kit._check_zip(path)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # zip, XML and openpyxl errors alike
            raise ImportFileError(sheets_kit.MSG_FILE_UNREADABLE % {"error": error}) from None
        names = list(workbook.sheetnames)
        workbook.close()
    else:
        raise ImportFileError(sheets_kit.MSG_FILE_TYPE % {"suffix": suffix or path.name})
    max_rows, max_cols = sheets_kit._limits()
    text = sheets_kit._text
    out: list[Sheet] = []
    for position, name in enumerate(names):
        headers: list[str] = []
        count = 0
        for number, values in _raw_rows(path, position):
            width = len(values)
            while width and not text(values[width - 1]):
                width -= 1
            if width > max_cols:
                raise ImportFileError(
                    sheets_kit.MSG_TOO_MANY_COLUMNS
                    % {"sheet": name, "row": number, "limit": max_cols}
                )
            if number == 1:
                headers = [text(c) for c in values[:width]]
            elif width:
                count += 1
                if count > max_rows:
                    raise ImportFileError(
                        sheets_kit.MSG_TOO_MANY_ROWS % {"sheet": name, "limit": max_rows}
                    )
        rows: Any = _Rows(path, position, count)
        sheet = Sheet(name=name, headers=headers, rows=rows)
        sheet.kind = "" if name == CODES_SHEET else _sheet_kind(headers)
        out.append(sheet)
    return out


# -- Parsing cells ------------------------------------------------------------------------


def _cell(problems: list, column: str, parser, value: str, *args, failed=None, **kwargs):
    """Parse ``value`` with one of :mod:`fupin.core.cells`' parsers; on failure add the
    problem and return ``failed``."""
    try:
        return parser(value, *args, **kwargs)
    except kit.CellError as error:
        problems.append(Problem(column, error.reason))
        return failed


# The accepted labels of each coded column, as a message lists them: built only when a cell
# is refused, in the language of the moment (not once per cell of a million-row file).
_ALLOWED = {
    column: lazy(rules.allowed_labels, str)(choices)
    for column, choices in rules.CODED_COLUMNS.items()
}


def _label(value: str, column: str, problems: list, *, required: bool) -> str:
    choices = rules.CODED_COLUMNS[column]
    # A known label is the common case of every coded cell: look it up before the parser.
    found = codes.label_to_value(choices).get(value)
    if found is not None:
        return found
    return _cell(
        problems,
        column,
        kit.choice,
        value,
        codes.label_to_value(choices),
        allowed=_ALLOWED[column],
        required=required,
        blank="",
        failed="",
    )


def _yes_no(value: str, column: str, problems: list) -> bool | None:
    return _cell(problems, column, kit.yes_no, value)


def _int(value: str, column: str, problems: list, *, required: bool, blank=None) -> int | None:
    return _cell(problems, column, kit.integer, value, required=required, blank=blank)


def _amount(value: str, column: str, problems: list) -> Decimal | None:
    return _cell(
        problems,
        column,
        kit.amount,
        value,
        maximum=MAX_INCOME,
        required=False,
        blank=Decimal("0.00"),
    )


def _text_field(value: str, column: str, problems: list, *, max_length: int, required: bool) -> str:
    # The text is kept even when too long: messages name the household by it.
    _cell(problems, column, kit.text, value, max_length=max_length, required=required)
    return value


def _name_mn(value: str, problems: list) -> str:
    name_mn, reason = mongolian.check(value, max_length=MAX_NAME_MN)
    if reason:
        problems.append(Problem(COL_NAME_MN, reason))
    return name_mn


def _causes(value: str, problems: list) -> list[str]:
    causes: list[str] = []
    lookup = codes.label_to_value(codes.Cause)
    allowed = rules.allowed_labels(codes.Cause)
    for part in CAUSE_SPLIT.split(value):
        label = part.strip()
        if not label:
            continue
        stored = _cell(problems, COL_OTHER_CAUSES, kit.choice, label, lookup, allowed=allowed)
        if stored is not None and stored not in causes:
            causes.append(stored)
    return causes


# -- The import ---------------------------------------------------------------------------


class _Context:
    """What every phase needs: who imports, into which scope and year, and the progress."""

    def __init__(
        self, *, actor, year, scope_code, filename, progress, total, historical=None, job=None
    ):
        self.actor = actor
        self.filename = filename
        # The reason of a historical load (None: an ordinary import) and its job, if any.
        self.historical: str | None = historical
        self.job = job
        self.year = year
        self.as_of = clock.as_of()
        self.scope_code = scope_code or ""
        self.now = timezone.now()
        self.progress = progress
        self.total = total
        self.done = 0
        self._reported = 0
        self._may: dict[str, bool] = {}
        if scope_code:
            self.scope_label = scope_code
        elif actor is None or actor.is_superuser:
            self.scope_label = gettext("全部")
        else:
            self.scope_label = "、".join(
                sorted({area for role, area in actor.assignments() if role in IMPORT_REGISTRY})
            )

    def may_see(self, code: str) -> bool:
        return self.actor is None or user_can_see_code(self.actor, code)

    def may_import(self, code: str) -> bool:
        allowed = self._may.get(code)
        if allowed is None:
            allowed = code.startswith(self.scope_code) and (can_import(self.actor, code))
            self._may[code] = allowed
        return allowed

    def tick(self, rows: int = 1) -> None:
        self.done += rows
        if self.progress and (
            self.done - self._reported >= PROGRESS_STEP or self.done >= self.total
        ):
            self._reported = self.done
            self.progress(self.done, self.total)


def check_actor(actor, scope_code: str | None = None) -> None:
    """Raise PermissionDenied unless ``actor`` may import (into ``scope_code``)."""
    if actor is None:
        return
    if not can_import_anywhere(actor):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if scope_code and not can_import(actor, scope_code):
        raise PermissionDenied(MSG_SCOPE_NOT_ALLOWED % {"scope": scope_code})


def check_historical(actor, historical: str | None, scope_code: str | None = None) -> None:
    """Raise PermissionDenied unless ``actor`` may mark a historical load (league HQ; the
    system at the console may), ValueError when the mark has no reason."""
    if historical is None:
        return
    if actor is not None and not allowed(actor, Action.IMPORT_HISTORICAL, scope_code or None):
        raise PermissionDenied(MSG_HISTORICAL_NOT_ALLOWED)
    if not historical.strip():
        raise ValueError(str(MSG_HISTORICAL_REASON))


def import_file(
    *,
    actor,
    path,
    year: int | None = None,
    scope_code: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    historical: str | None = None,
    job: int | None = None,
) -> ImportResult:
    """Validate a registry file and, if every row is good, store it in one transaction.

    ``actor`` is the importing :class:`~fupin.accounts.models.User` (one of the roles in
    ``IMPORT_REGISTRY``, or a superuser); ``None`` is the system (the command line without
    ``--user``): unrestricted, history rows without a user. ``year`` is the data year of a
    member file (default: the as-of year). ``scope_code`` limits the rows to an area inside
    the actor's scope. ``progress(done, total)`` is called as rows are validated and written
    (``total`` is twice the number of rows: every row is validated, then written).
    A row adding a new identification or an exit (:meth:`_MemberImport.procedure`) is refused
    unless ``historical`` is given: the reason of a historical load, which only league HQ
    may mark (``job``: its :class:`ImportJob`); those households are marked with it.
    Raise :class:`PermissionDenied` if the actor may not import (or mark); return an
    :class:`ImportResult` whose ``ok`` tells whether the file was stored.
    """
    path = Path(path)
    check_actor(actor, scope_code)
    check_historical(actor, historical, scope_code)
    if historical is not None:
        historical = historical.strip()[:MAX_HISTORICAL_REASON]
    as_of = clock.as_of()
    year = int(year or as_of.year)
    result = ImportResult(filename=path.name, year=year)
    if not rules.FIRST_IDENTIFIED_YEAR <= year <= as_of.year:
        result.errors.append((0, [MSG_YEAR_RANGE % {"max_year": as_of.year, "year": year}]))
        return result
    try:
        sheets = _scan_sheets(path)
    except ImportFileError as error:
        result.errors.append((0, [str(error)]))
        return result

    data_sheets = [s for s in sheets if s.kind]
    for sheet in sheets:
        if not sheet.kind and sheet.name != CODES_SHEET and (sheet.rows or sheet.headers):
            result.warnings.append(MSG_IGNORED_SHEET % {"sheet": sheet.name})
    if not data_sheets:
        result.errors.append((1, [MSG_HEADER % {"reason": MSG_UNKNOWN_KIND}]))
        result.sheets = sheets[:1]
        return result
    if len(data_sheets) > 1:
        for sheet in data_sheets:
            sheet.label = gettext("工作表“%(name)s”") % {"name": sheet.name}
    result.sheets = data_sheets
    by_kind: dict[str, Sheet] = {}
    for sheet in data_sheets:
        if sheet.kind in by_kind:
            first = by_kind[sheet.kind]
            sheet.add(
                1,
                MSG_HEADER
                % {
                    "reason": MSG_TWO_SHEETS
                    % {"kind": KIND_LABELS[sheet.kind], "first": first.name, "second": sheet.name}
                },
            )
        else:
            by_kind[sheet.kind] = sheet
    result.kind = "+".join(k for k in (MEMBERS, INCOME) if k in by_kind)
    result.rows = sum(len(s.rows) for s in data_sheets)

    ctx = _Context(
        actor=actor,
        year=year,
        scope_code=scope_code,
        filename=path.name,
        progress=progress,
        total=2 * result.rows,
        historical=historical,
        job=job,
    )
    with bulk.Stage() as stage, _few_collections():
        try:
            _check_and_write(result, ctx, by_kind, data_sheets, stage)
        except ImportFileError as error:  # a sheet that broke past its scan
            return ImportResult(filename=path.name, year=year, errors=[(0, [str(error)])])
    if result.errors:
        return result
    result.ok = True
    result.sheets = []
    if progress:
        progress(ctx.total, ctx.total)
    return result


_collections_lock = threading.Lock()
_collections_held = 0
_collections_threshold: tuple[int, ...] = ()


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Run the import with fewer passes of the cyclic garbage collector.

    The import allocates a few dicts per cell (its rows are garbage by reference counting
    alone), and every ~700 allocations started a collection, which each time walked the chunk
    in memory and, every few dozen times, the whole process (Django, the app): a fifth of the
    import's CPU at 100,000 rows. The objects alive before the import are set aside (frozen)
    and collections start every 100,000 allocations; both are put back when it ends. The
    collector is the process's: with two imports at once on a server's threads, the first
    one in sets it and the last one out puts it back."""
    global _collections_held, _collections_threshold
    with _collections_lock:
        if _collections_held == 0:
            _collections_threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(max(_collections_threshold[0], 100_000), *_collections_threshold[1:])
        _collections_held += 1
    try:
        yield
    finally:
        with _collections_lock:
            _collections_held -= 1
            if _collections_held == 0:
                gc.set_threshold(*_collections_threshold)
                gc.unfreeze()


class _Refused(Exception):
    """Raised inside the write's transaction when a chunk's checks found an error: the
    chunks written before it are rolled back (all or nothing)."""


def _check_and_write(
    result: ImportResult,
    ctx: _Context,
    by_kind: dict[str, Sheet],
    data_sheets: list[Sheet],
    stage: bulk.Stage,
) -> None:
    """Check the file chunk by chunk, then, in one transaction, check each chunk against the
    registry and write it while the file is still good; fill ``result`` with the errors or
    the counts and villages written."""
    member_plan = income_plan = None
    if MEMBERS in by_kind:
        member_plan = _MemberImport(by_kind[MEMBERS], ctx, result, stage)
        member_plan.validate()
    if INCOME in by_kind:
        income_plan = _IncomeImport(by_kind[INCOME], ctx, result, stage, member_plan)
        income_plan.validate()

    def refused() -> bool:
        return any(sheet.errors for sheet in data_sheets)

    history = services.import_history(ctx.actor, ctx.filename)
    counts: dict[str, int] = {}
    villages: set[str] = set()

    def write(tables: dict[type, bulk.TableWrite], removed: list[int], chunk: dict) -> None:
        chunk, touched = services.households_import_chunk(
            actor=ctx.actor,
            scope_code=ctx.scope_code,
            history=history,
            tables=tables,
            removed_members=removed,
            counts=chunk,
            historical=ctx.historical,
        )
        for key, value in chunk.items():
            counts[key] = counts.get(key, 0) + value
        villages.update(touched)

    try:
        with bulk.page_cache(settings.FUPIN_IMPORT_CACHE_MB), transaction.atomic():
            if member_plan is not None and member_plan.ready:
                member_plan.check_and_write(write, refused)
            if income_plan is not None and income_plan.ready and not refused():
                income_plan.write(write)
            if refused():
                raise _Refused
            services.households_import_done(
                actor=ctx.actor,
                scope_code=ctx.scope_code,
                filename=ctx.filename,
                year=ctx.year,
                counts=counts,
                villages=villages,
                historical=ctx.historical,
            )
    except _Refused:
        pass
    for sheet in data_sheets:
        result.errors += sorted(sheet.errors.items())
    if not result.errors:
        result.counts = counts
        result.villages = sorted(villages)


def _header_check(
    sheet: Sheet, columns: Iterable[str], result: ImportResult, optional: Iterable[str] = ()
) -> dict[str, int]:
    """Map each known column to its index; report missing/duplicate ones, warn of extras."""
    index: dict[str, int] = {}
    known = set(columns) | set(optional)
    prefix = sheet.label
    for i, header in enumerate(sheet.headers):
        if header in known:
            if header in index:
                sheet.add(1, MSG_HEADER % {"reason": MSG_DUPLICATE_COLUMN % {"column": header}})
            else:
                index[header] = i
        elif header:
            result.warnings.append(MSG_EXTRA_COLUMN % {"sheet": prefix, "column": header})
    missing = [c for c in columns if c not in index]
    if missing:
        sheet.add(1, MSG_HEADER % {"reason": MSG_MISSING_COLUMNS % {"columns": "、".join(missing)}})
    if not sheet.rows:
        sheet.add(1, MSG_HEADER % {"reason": MSG_NO_ROWS})
    return index


def _values(cells: list[str], index: dict[str, int]) -> dict[str, str]:
    width = len(cells)
    return {col: cells[i] if i < width else "" for col, i in index.items()}


# -- Members ------------------------------------------------------------------------------


@dataclasses.dataclass
class _Household:
    number: str
    first_row: int
    raw: dict[str, str]
    values: dict  # target values of HOUSEHOLD_FIELDS (as far as they parsed)
    check: dict  # what rules.check_household needs
    rows: list[int] = dataclasses.field(default_factory=list)
    members: list[dict] = dataclasses.field(default_factory=list)
    existing: dict | None = None
    pk: int | bulk.Pending | None = None  # Pending: created by this import


# What the stage keeps of each member row, in its column order.
STAGE_MEMBER = (
    "row",
    "number",
    "name",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "migrant_months",
    "medical_insurance",
    "name_mn",
)
_BIRTH = STAGE_MEMBER.index("birth_date")
_INSURANCE = STAGE_MEMBER.index("medical_insurance")


def _member_to_stage(member: dict) -> tuple:
    values = [member[f] for f in STAGE_MEMBER]
    if values[_BIRTH] is not None:
        values[_BIRTH] = values[_BIRTH].isoformat()
    return tuple(values)


def _member_from_stage(values: tuple) -> dict:
    member = dict(zip(STAGE_MEMBER, values, strict=True))
    if member["birth_date"] is not None:
        member["birth_date"] = datetime.date.fromisoformat(member["birth_date"])
    if member["medical_insurance"] is not None:
        member["medical_insurance"] = bool(member["medical_insurance"])
    return member


# What the stage keeps of each household, as columns (decoding JSON cost more than the rest
# of the reading back): its key, the file's cells of HOUSEHOLD_COLUMNS as written (r0, r1…),
# the values parsed from them, and whether the attribute's label was a 脱贫 variant.
STAGE_RAW = tuple(f"r{i}" for i in range(len(HOUSEHOLD_COLUMNS)))
STAGE_VALUES = tuple(f for f in HOUSEHOLD_FIELDS if f != "members_count")
STAGE_HOUSEHOLD = ("number", "first_row", *STAGE_RAW, *STAGE_VALUES, "exited")
_STAGE_BOOLEANS = tuple(
    i for i, f in enumerate(STAGE_VALUES) if f in ("dangerous_housing", "safe_water")
)
_STAGE_CAUSES = STAGE_VALUES.index("other_causes")
_CAUSE_SEPARATOR = ","  # between cause codes (codes.Cause values hold none)
# The parsed values rules.check_household reads, beside the attribute's label and variant.
CHECK_FIELDS = ("main_cause", "other_causes", "status", "identified_year", "exit_year")


def _household_to_stage(household: _Household) -> tuple:
    values = [household.values[f] for f in STAGE_VALUES]
    values[_STAGE_CAUSES] = _CAUSE_SEPARATOR.join(values[_STAGE_CAUSES])
    raw = household.raw
    return (
        household.number,
        household.first_row,
        *(raw[c] for c in HOUSEHOLD_COLUMNS),
        *values,
        household.check["attribute_exited"],
    )


def _household_from_stage(found: Sequence) -> _Household:
    raws = len(HOUSEHOLD_COLUMNS)
    raw = dict(zip(HOUSEHOLD_COLUMNS, found[2 : 2 + raws], strict=True))
    parsed = list(found[2 + raws : -1])
    for i in _STAGE_BOOLEANS:
        if parsed[i] is not None:
            parsed[i] = bool(parsed[i])
    causes = parsed[_STAGE_CAUSES]
    parsed[_STAGE_CAUSES] = causes.split(_CAUSE_SEPARATOR) if causes else []
    values = dict(zip(STAGE_VALUES, parsed, strict=True))
    values["members_count"] = 0
    check = {f: values[f] for f in CHECK_FIELDS}
    check["attribute_label"] = raw[COL_ATTRIBUTE]
    check["attribute_exited"] = bool(found[-1])
    return _Household(number=found[0], first_row=found[1], raw=raw, values=values, check=check)


class _MemberImport:
    """The member sheet, a chunk at a time: each chunk's rows are parsed and checked and go to
    the stage (:class:`~fupin.registry.bulk.Stage`) with their households; the checks across
    the file (a duplicate ID number, a household's rows wherever they are, its head) run as
    SQL over the stage; then each chunk of households is checked against the registry and
    written. ``households``, ``members`` and ``names`` hold the current chunk only."""

    def __init__(self, sheet: Sheet, ctx: _Context, result: ImportResult, stage: bulk.Stage):
        self.sheet = sheet
        self.ctx = ctx
        self.result = result
        self.stage = stage
        self.ready = False  # the header is good: the rows were staged
        self.households: dict[str, _Household] = {}
        self.staged: dict[str, _Household] = {}
        self.members: list[dict] = []
        self.names: dict[int, tuple[str, str]] = {}  # row → (户编号, 姓名) for messages
        self.existing_members: dict[str, dict] = {}
        self.removed: list[int] = []
        self.status_rows: dict[int, dict] = {}
        self.later_status: set[int] = set()
        self.villages: set[str] = set()
        self.looked_up: set[str] = set()  # village codes already looked up
        self.village_problems: dict[str, list[Problem]] = {}

    def error(self, row: int, problem: Problem | str) -> None:
        number, name = self.names[row]
        self.sheet.add(row, rules.record_message(row, number, name, problem))

    def validate(self) -> None:
        sheet, ctx, stage = self.sheet, self.ctx, self.stage
        index = _header_check(sheet, MEMBER_COLUMNS, self.result, optional=(COL_NAME_MN,))
        if len(set(index) & set(MEMBER_COLUMNS)) < len(MEMBER_COLUMNS) or sheet.errors:
            ctx.tick(len(sheet.rows))
            return
        self.ready = True
        stage.execute(f"CREATE TABLE m ({', '.join(STAGE_MEMBER)}, PRIMARY KEY (row))")
        stage.execute(f"CREATE TABLE h ({', '.join(STAGE_HOUSEHOLD)}, PRIMARY KEY (number))")
        for chunk in _batches(sheet.rows, chunk_rows()):
            self._stage_chunk(chunk, index)
            ctx.tick(len(chunk))
        self.households, self.staged, self.members, self.names = {}, {}, [], {}
        stage.execute("CREATE INDEX m_id ON m (id_number)")
        stage.execute("CREATE INDEX m_number ON m (number, row)")
        stage.execute("CREATE INDEX h_first ON h (first_row)")
        self._check_duplicates()
        self._check_households()

    def _stage_chunk(self, chunk: list[tuple[int, list[str]]], index: dict[str, int]) -> None:
        rows = [(row, _values(cells, index)) for row, cells in chunk]
        wanted = {v[COL_VILLAGE] for _row, v in rows if v[COL_VILLAGE]} - self.looked_up
        if wanted:
            self.looked_up |= wanted
            self.villages.update(
                bulk.fetch_flat(Area.objects.filter(level=Level.VILLAGE), "code", list(wanted))
            )
        numbers = {v[COL_NUMBER] for _row, v in rows if v[COL_NUMBER]}
        self.households, self.members, self.names = {}, [], {}
        self.staged = {
            found[0]: _household_from_stage(found)
            for found in self.stage.select_in(
                f"SELECT {', '.join(STAGE_HOUSEHOLD)} FROM h WHERE number IN ({{}})", numbers
            )
        }
        for row, values in rows:
            self._row(row, values)
        self.stage.executemany(
            f"INSERT OR REPLACE INTO h VALUES ({', '.join('?' * len(STAGE_HOUSEHOLD))})",
            (_household_to_stage(h) for h in self.households.values()),
        )
        self.stage.executemany(
            f"INSERT INTO m VALUES ({', '.join('?' * len(STAGE_MEMBER))})",
            (_member_to_stage(m) for m in self.members),
        )

    def _check_duplicates(self) -> None:
        """An ID number on several rows of the file, wherever they are: each row names all."""
        query = (
            "SELECT id_number, row, number, name FROM m WHERE id_number IN (SELECT id_number"
            " FROM m WHERE id_number != '' GROUP BY id_number HAVING COUNT(*) > 1)"
            " ORDER BY id_number, row"
        )
        for id_number, group in itertools.groupby(self.stage.execute(query), itemgetter(0)):
            found = list(group)
            problem = rules.duplicate_id_problem(id_number, [row for _i, row, _n, _m in found])
            for _id, row, number, name in found:
                self.sheet.add(row, rules.record_message(row, number, name, problem))

    def _check_households(self) -> None:
        """Each household against all its members (one head, the causes' members…)."""
        ctx = self.ctx
        household_columns = ", ".join(f"h.{c}" for c in STAGE_HOUSEHOLD)
        query = (
            f"SELECT {household_columns}, m.name, m.relation, m.school_status, m.health"
            " FROM h JOIN m ON m.number = h.number ORDER BY h.number, m.row"
        )
        width = len(STAGE_HOUSEHOLD)
        for number, group in itertools.groupby(self.stage.execute(query), itemgetter(0)):
            found = list(group)
            household = _household_from_stage(found[0][:width])
            first_row, name = household.first_row, found[0][width]
            members = [
                {"relation": r[width + 1], "school_status": r[width + 2], "health": r[width + 3]}
                for r in found
            ]
            for problem in rules.check_household(
                household.check, members, data_year=ctx.year, as_of=ctx.as_of
            ):
                self.sheet.add(first_row, rules.record_message(first_row, number, name, problem))

    def check_and_write(self, write: Callable, refused: Callable[[], bool]) -> None:
        """Check each chunk of households (in file order) against the registry and, while
        the file has no error, write it (``write(tables, removed members, counts)``)."""
        size = max(1, chunk_rows() // 2)
        last = 0
        while True:
            found = self.stage.execute(
                f"SELECT {', '.join(STAGE_HOUSEHOLD)} FROM h WHERE first_row > ?"
                " ORDER BY first_row LIMIT ?",
                (last, size),
            ).fetchall()
            if not found:
                break
            last = found[-1][1]
            self._load(found)
            ids: dict[str, list[int]] = defaultdict(list)
            for member in self.members:
                if member["id_number"]:
                    ids[member["id_number"]].append(member["row"])
            self.existing_members, self.removed = {}, []
            self.status_rows, self.later_status = {}, set()
            self._check_database(ids)
            self._check_procedure()
            if not refused():
                tables: dict[type, bulk.TableWrite] = {}
                counts: dict[str, int] = {}
                self.plan(tables, counts)
                write(tables, self.removed, counts)
            self.ctx.tick(len(self.members))
        self.households, self.members, self.names = {}, [], {}

    def _load(self, found: list[tuple]) -> None:
        """Make the households ``found`` on the stage, with all their members, the chunk."""
        self.households = {values[0]: _household_from_stage(values) for values in found}
        members = [
            _member_from_stage(values)
            for values in self.stage.select_in(
                f"SELECT {', '.join(STAGE_MEMBER)} FROM m WHERE number IN ({{}})",
                list(self.households),
            )
        ]
        members.sort(key=itemgetter("row"))
        self.members, self.names = members, {}
        for member in members:
            household = self.households[member["number"]]
            household.rows.append(member["row"])
            household.members.append(member)
            self.names[member["row"]] = (member["number"], member["name"])

    def _row(self, row: int, v: dict[str, str]) -> None:
        ctx = self.ctx
        problems: list[Problem] = []
        number = _text_field(
            v[COL_NUMBER], COL_NUMBER, problems, max_length=MAX_NUMBER, required=True
        )
        name = _text_field(v[COL_NAME], COL_NAME, problems, max_length=MAX_NAME, required=True)
        self.names[row] = (number, name)
        info, id_problems = rules.check_id_number(v[COL_ID], today=ctx.as_of)
        problems += id_problems
        member = {
            "row": row,
            "number": number,
            "name": name,
            "id_number": info.number if info else "",
            "sex": info.sex if info else "",
            "birth_date": info.birth_date if info else None,
            "relation": _label(v[COL_RELATION], COL_RELATION, problems, required=True),
            "ethnicity": _label(v[COL_ETHNICITY], COL_ETHNICITY, problems, required=True),
            "education": _label(v[COL_EDUCATION], COL_EDUCATION, problems, required=False),
            "school_status": _label(v[COL_SCHOOL], COL_SCHOOL, problems, required=False),
            "health": _label(v[COL_HEALTH], COL_HEALTH, problems, required=True),
            "labour": _label(v[COL_LABOUR], COL_LABOUR, problems, required=False),
            "migrant_months": _int(v[COL_MIGRANT], COL_MIGRANT, problems, required=False, blank=0),
            "medical_insurance": _yes_no(v[COL_INSURANCE], COL_INSURANCE, problems),
            # None when the file has no 蒙古文姓名 column: the stored name is kept.
            "name_mn": _name_mn(v[COL_NAME_MN], problems) if COL_NAME_MN in v else None,
        }
        problems += rules.check_member(member, as_of=ctx.as_of)

        if number:
            household = self.households.get(number)
            if household is None:
                # The household's earlier rows, in an earlier chunk, are on the stage.
                household = self.staged.pop(number, None)
                if household is None:
                    household = self._household(row, number, v, problems)
                else:
                    self._agree(household, v, problems)
                self.households[number] = household
            else:
                self._agree(household, v, problems)
            household.rows.append(row)
            household.members.append(member)
            if member["relation"] == codes.Relation.HEAD:
                household.values["head_name"] = name
        self.members.append(member)
        for problem in problems:
            self.error(row, problem)

    def _household(self, row: int, number: str, v: dict[str, str], problems: list) -> _Household:
        ctx = self.ctx
        code = v[COL_VILLAGE]
        if not code:
            problems.append(Problem(COL_VILLAGE, rules.MSG_REQUIRED))
        else:
            village_problems = self.village_problems.get(code)
            if village_problems is None:
                village_problems = rules.check_village(
                    code,
                    is_village=code in self.villages,
                    may_import=ctx.may_import,
                    scope=ctx.scope_label,
                )
                self.village_problems[code] = village_problems
            problems += village_problems
        attribute, exited = "", False
        label = v[COL_ATTRIBUTE]
        if not label:
            problems.append(Problem(COL_ATTRIBUTE, rules.MSG_REQUIRED))
        else:
            parsed = codes.attribute_from_label(label)
            if parsed is None:
                problems.append(
                    Problem(
                        COL_ATTRIBUTE,
                        rules.MSG_LABEL
                        % {"value": label, "allowed": rules.allowed_labels(codes.Attribute)},
                    )
                )
            else:
                attribute, exited = parsed
        main_cause = _label(v[COL_MAIN_CAUSE], COL_MAIN_CAUSE, problems, required=True)
        other_causes = _causes(v[COL_OTHER_CAUSES], problems)
        identified = _int(v[COL_IDENTIFIED], COL_IDENTIFIED, problems, required=True)
        status = _label(v[COL_STATUS], COL_STATUS, problems, required=True)
        exit_year = _int(v[COL_EXIT_YEAR], COL_EXIT_YEAR, problems, required=False)
        values = {
            "village_id": code,
            "head_name": "",
            "members_count": 0,
            "attribute": attribute,
            "main_cause": main_cause,
            "other_causes": other_causes,
            "dangerous_housing": _yes_no(v[COL_HOUSING], COL_HOUSING, problems),
            "safe_water": _yes_no(v[COL_WATER], COL_WATER, problems),
            "phone": _text_field(
                v[COL_PHONE], COL_PHONE, problems, max_length=MAX_PHONE, required=False
            ),
            "identified_year": identified,
            "status": status,
            "exit_year": exit_year,
        }
        check = {
            "main_cause": main_cause,
            "other_causes": other_causes,
            "status": status,
            "identified_year": identified,
            "exit_year": exit_year,
            "attribute_label": label,
            "attribute_exited": exited,
        }
        raw = {column: v[column] for column in HOUSEHOLD_COLUMNS}
        return _Household(number=number, first_row=row, raw=raw, values=values, check=check)

    def _agree(self, household: _Household, v: dict[str, str], problems: list) -> None:
        for column in HOUSEHOLD_COLUMNS:
            value, expected = v[column], household.raw[column]
            if value == expected:
                continue
            if column == COL_PHONE and not (value and expected):
                # A phone written on one row of the household only is the household's phone.
                if value and len(value) <= MAX_PHONE:
                    household.raw[column] = household.values["phone"] = value
                continue
            problems.append(
                Problem(
                    column,
                    rules.MSG_HOUSEHOLD_DISAGREES
                    % {"first_row": household.first_row, "value": value, "expected": expected},
                )
            )

    def _check_database(self, ids: dict[str, list[int]]) -> None:
        ctx = self.ctx
        for values in bulk.fetch(
            Household.objects, "number", self.households, *bulk.attnames(Household)
        ):
            household = self.households[values["number"]]
            household.existing = values
            household.pk = values["id"]
            if not ctx.may_import(values["village_id"]):
                self.error(
                    household.first_row,
                    Problem(
                        COL_NUMBER, rules.MSG_HOUSEHOLD_OUT_OF_SCOPE % {"number": household.number}
                    ),
                )
        for household in self.households.values():
            if household.existing is None:
                # A new household's number follows the one format (a registered one keeps its).
                for problem in rules.check_household_number(
                    household.number, household.values["village_id"]
                ):
                    self.error(household.first_row, problem)
        for values in bulk.fetch(
            Member.objects, "id_number", ids, *bulk.attnames(Member), "household__number"
        ):
            self.existing_members[values["id_number"]] = values
        counties = rules.county_names(
            {
                m["village_id"]
                for m in self.existing_members.values()
                if not ctx.may_see(m["village_id"])
            }
        )
        for member in self.members:
            existing = self.existing_members.get(member["id_number"])
            if existing is not None and member["number"]:
                village = existing["village_id"]
                for problem in rules.check_person_in_one_household(
                    member["id_number"],
                    member["number"],
                    existing["household__number"],
                    visible=ctx.may_see(village),
                    county=counties.get(village[:6], village[:6]),
                ):
                    self.error(member["row"], problem)
        known = [h.pk for h in self.households.values() if h.pk is not None]
        # A registered member absent from the chunk may be elsewhere in the file (moved).
        absent = [
            (values["id"], values["id_number"])
            for values in bulk.fetch(Member.objects, "household_id", known, "id", "id_number")
            if values["id_number"] not in ids
        ]
        in_file = {
            id_number
            for (id_number,) in self.stage.select_in(
                "SELECT id_number FROM m WHERE id_number IN ({})", [i for _pk, i in absent]
            )
        }
        self.removed = [pk for pk, id_number in absent if id_number not in in_file]
        for values in bulk.fetch(
            StatusRecord.objects.filter(year=ctx.year),
            "household_id",
            known,
            *bulk.attnames(StatusRecord),
        ):
            self.status_rows[values["household_id"]] = values
        self.later_status = set(
            bulk.fetch_flat(StatusRecord.objects.filter(year__gt=ctx.year), "household_id", known)
        )

    def _check_procedure(self) -> None:
        """Refuse, household by household, what only a case may do (docs/domain.md): a new
        identification — the household counts as newly identified in the data year, as the
        figures count it (fupin.registry.rollups: ``identified_year`` is the year of a status
        row), and did not before — or an exit — the data year's status becomes exited from a
        registered status that was not, or a new household exits in the data year. A historical load accepts them and marks the households."""
        ctx = self.ctx
        for household in self.households.values():
            identified = household.values["identified_year"]
            status = household.values["status"]
            existing = household.existing
            pk = household.pk
            before = self.status_rows.get(pk) if isinstance(pk, int) else None
            problems = []
            if identified == ctx.year and (
                before is None or existing is None or existing["identified_year"] != identified
            ):
                problems.append(Problem(COL_IDENTIFIED, MSG_PROCEDURE))
            previous = before["status"] if before else existing["status"] if existing else None
            # A new household's exit of an earlier year records a past exit, which no figure
            # of the data year counts; its exit in the data year is an exit now.
            exits = (
                previous not in codes.EXITED_STATUSES
                if previous is not None
                else household.values["exit_year"] == ctx.year
            )
            if status in codes.EXITED_STATUSES and exits:
                problems.append(Problem(COL_STATUS, MSG_PROCEDURE))
            if not problems:
                continue
            if ctx.historical is None:
                for problem in problems:
                    self.error(household.first_row, problem)
            else:
                household.values.update(
                    historical_load=True,
                    historical_reason=ctx.historical,
                    historical_job_id=ctx.job,
                )

    def plan(self, tables: dict[type, bulk.TableWrite], counts: dict[str, int]) -> None:
        """Compare the file with the rows fetched while checking: put the rows to create
        and to update in ``tables``, the unchanged counts in ``counts``. A new household's
        key is a :class:`~fupin.registry.bulk.Pending` until the service writes it."""
        ctx = self.ctx
        counts.update(
            dict.fromkeys(
                (
                    "households_created",
                    "households_updated",
                    "households_unchanged",
                    "members_created",
                    "members_updated",
                    "members_unchanged",
                    "members_removed",
                    "statuses_created",
                    "statuses_updated",
                ),
                0,
            )
        )
        # Households.
        table = tables[Household] = bulk.TableWrite(
            fields=(*HOUSEHOLD_FIELDS, *HISTORICAL_FIELDS, "updated_at")
        )
        defaults = bulk.defaults(Household, ctx.now)
        for household in self.households.values():
            household.values["members_count"] = len(household.rows)
            if household.existing is None:
                household.pk = bulk.Pending(len(table.created))
                table.created.append({**defaults, "number": household.number, **household.values})
                continue
            target = dict(household.values)
            if household.pk in self.later_status:
                for field in CURRENT_FIELDS:
                    target.pop(field)
            if bulk.differs(household.existing, target):
                table.updated.append({**household.existing, **target, "updated_at": ctx.now})
            else:
                counts["households_unchanged"] += 1

        # Members (those removed are the service's to delete).
        table = tables[Member] = bulk.TableWrite(fields=(*MEMBER_FIELDS, "updated_at"))
        defaults = bulk.defaults(Member, ctx.now)
        for member in self.members:
            household = self.households[member["number"]]
            target = {
                f: member[f] for f in MEMBER_FIELDS if f != "household_id" and f != "village_id"
            }
            target["household_id"] = household.pk
            target["village_id"] = household.values["village_id"]
            existing = self.existing_members.get(member["id_number"])
            if target["name_mn"] is None:
                target["name_mn"] = existing["name_mn"] if existing else ""
            if existing is None:
                table.created.append({**defaults, "id_number": member["id_number"], **target})
                continue
            existing = {k: v for k, v in existing.items() if k != "household__number"}
            if bulk.differs(existing, target):
                table.updated.append({**existing, **target, "updated_at": ctx.now})
            else:
                counts["members_unchanged"] += 1

        # The status row of the data year.
        table = tables[StatusRecord] = bulk.TableWrite(fields=STATUS_FIELDS)
        for household in self.households.values():
            target = {
                "village_id": household.values["village_id"],
                "status": household.values["status"],
                "attribute": household.values["attribute"],
                "members_count": len(household.rows),
            }
            pk = household.pk
            existing = self.status_rows.get(pk) if isinstance(pk, int) else None
            if existing is None:
                table.created.append({"household_id": household.pk, "year": ctx.year, **target})
            elif bulk.differs(existing, target):
                table.updated.append({**existing, **target})


# -- Income -------------------------------------------------------------------------------

# What the stage keeps of each income row: the row, its key as written and parsed, the amounts.
STAGE_INCOME = ("row", "number", "year_text", "year", *INCOME_AMOUNT_COLUMNS.values())


class _IncomeImport:
    """The income sheet, a chunk at a time through the stage, like :class:`_MemberImport`."""

    def __init__(
        self,
        sheet: Sheet,
        ctx: _Context,
        result: ImportResult,
        stage: bulk.Stage,
        members: _MemberImport | None = None,
    ):
        self.sheet = sheet
        self.ctx = ctx
        self.result = result
        self.stage = stage
        self.member_import = members
        self.ready = False

    def _chunks(self) -> Iterator[list[dict]]:
        """The staged records in file order, a chunk at a time (amounts as Decimals)."""
        size = chunk_rows()
        last = 0
        while True:
            found = self.stage.execute(
                f"SELECT {', '.join(STAGE_INCOME)} FROM i WHERE row > ? ORDER BY row LIMIT ?",
                (last, size),
            ).fetchall()
            if not found:
                return
            last = found[-1][0]
            records = []
            for values in found:
                record = dict(zip(STAGE_INCOME, values, strict=True))
                for field in INCOME_AMOUNT_COLUMNS.values():
                    if record[field] is not None:
                        record[field] = Decimal(record[field])
                records.append(record)
            yield records

    def validate(self) -> None:
        sheet, ctx, stage = self.sheet, self.ctx, self.stage
        index = _header_check(sheet, INCOME_COLUMNS, self.result)
        if len(index) < len(INCOME_COLUMNS) or sheet.errors:
            ctx.tick(len(sheet.rows))
            return
        self.ready = True
        stage.execute(f"CREATE TABLE i ({', '.join(STAGE_INCOME)}, PRIMARY KEY (row))")
        # A row's problems wait for the checks across the file, so that its messages keep
        # their order; only rows with a problem are kept.
        pending: dict[int, list[Problem]] = {}
        insert = f"INSERT INTO i VALUES ({', '.join('?' * len(STAGE_INCOME))})"
        for chunk in _batches(sheet.rows, chunk_rows()):
            staged = []
            for row, cells in chunk:
                v = _values(cells, index)
                problems: list[Problem] = []
                number = _text_field(
                    v[COL_NUMBER], COL_NUMBER, problems, max_length=MAX_NUMBER, required=True
                )
                year = _int(v[COL_YEAR], COL_YEAR, problems, required=True)
                amounts = [_amount(v[column], column, problems) for column in INCOME_AMOUNT_COLUMNS]
                staged.append(
                    (
                        row,
                        number,
                        v[COL_YEAR],
                        year,
                        *(None if a is None else str(a) for a in amounts),
                    )
                )
                if problems:
                    pending[row] = problems
            stage.executemany(insert, staged)
            ctx.tick(len(chunk))
        stage.execute("CREATE INDEX i_key ON i (number, year)")
        query = (
            "SELECT number, year, row FROM i WHERE (number, year) IN (SELECT number, year FROM i"
            " WHERE number != '' AND year IS NOT NULL GROUP BY number, year HAVING COUNT(*) > 1)"
            " ORDER BY number, year, row"
        )
        for (number, year), group in itertools.groupby(stage.execute(query), itemgetter(0, 1)):
            rows = [row for _n, _y, row in group]
            problem = Problem(
                COL_YEAR,
                rules.MSG_INCOME_DUPLICATE
                % {"number": number, "year": year, "rows": "、".join(map(str, rows))},
            )
            for row in rows:
                pending.setdefault(row, []).append(problem)
        # The households: this workbook's member sheet, else the database within scope.
        members = self.member_import if self.member_import and self.member_import.ready else None
        for records in self._chunks():
            numbers = {r["number"] for r in records if r["number"]}
            in_sheet: dict[str, int] = {}
            if members is not None:
                in_sheet = dict(
                    stage.select_in(
                        "SELECT number, COUNT(*) FROM m WHERE number IN ({}) GROUP BY number",
                        numbers,
                    )
                )
            households = {}
            for values in bulk.fetch(
                Household.objects,
                "number",
                numbers - set(in_sheet),
                "id",
                "number",
                "village_id",
                "members_count",
            ):
                if ctx.may_import(values["village_id"]):
                    households[values["number"]] = values
            for record in records:
                row, number = record["row"], record["number"]
                problems = pending.pop(row, [])
                if number in in_sheet:
                    members_count: int | None = in_sheet[number]
                elif number in households:
                    members_count = households[number]["members_count"]
                else:
                    if number:
                        problems.append(
                            Problem(
                                COL_NUMBER, rules.MSG_INCOME_HOUSEHOLD_UNKNOWN % {"number": number}
                            )
                        )
                    members_count = None
                problems += rules.check_income(record, members_count, as_of=ctx.as_of)
                for problem in problems:
                    sheet.add(
                        row, rules.income_record_message(row, number, record["year_text"], problem)
                    )

    def write(self, write: Callable) -> None:
        """Compare each chunk with the income rows registered and write what changed (the
        member sheet of the same workbook, if any, is written already: its households are
        in the registry with their file's size)."""
        for records in self._chunks():
            households = {
                values["number"]: values
                for values in bulk.fetch(
                    Household.objects,
                    "number",
                    {r["number"] for r in records},
                    "id",
                    "number",
                    "village_id",
                    "members_count",
                )
            }
            targets: dict[tuple[int, int], dict] = {}
            for record in records:
                household = households[record["number"]]
                targets[(household["id"], record["year"])] = {
                    "village_id": household["village_id"],
                    **{f: record[f] for f in INCOME_AMOUNT_COLUMNS.values()},
                    "members_count": household["members_count"],
                }
            existing: dict[tuple[int, int], dict] = {}
            years = sorted({year for _pk, year in targets})
            for values in bulk.fetch(
                IncomeRecord.objects.filter(year__in=years),
                "household_id",
                sorted({pk for pk, _year in targets}),
                *bulk.attnames(IncomeRecord),
            ):
                existing[(values["household_id"], values["year"])] = values
            table = bulk.TableWrite(fields=INCOME_FIELDS)
            unchanged = 0
            for (household_id, year), target in targets.items():
                old = existing.get((household_id, year))
                if old is None:
                    table.created.append({"household_id": household_id, "year": year, **target})
                elif bulk.differs(old, target):
                    table.updated.append({**old, **target})
                else:
                    unchanged += 1
            counts = {"incomes_created": 0, "incomes_updated": 0, "incomes_unchanged": unchanged}
            write({IncomeRecord: table}, [], counts)
            self.ctx.tick(len(records))
