"""Exporting the registry in exactly the import format, and the import templates.

An export re-imports unchanged: the member sheet has the columns and labels the import reads
(:data:`fupin.registry.rules.MEMBER_COLUMNS`), the income sheet those of the income import.
The caller passes a queryset already limited to the user's scope (``accessible_to``).

Reads are set-based and streamed: the households come from one query's cursor
(``.iterator()``), a chunk at a time, and the members and incomes of each chunk with one
``IN`` query each, so a whole league's export holds one chunk in memory. The .xlsx is written by a small streaming
writer (inline strings, one bold header row) because openpyxl takes ~30 s for the 180k
member rows of 70k households; this writer takes a few seconds.
"""

from __future__ import annotations

import datetime
import functools
import io
import itertools
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.utils import translation

from fupin.core import clock
from fupin.core.idnumber import make_id_number
from fupin.core.sheets import XLSX_TYPE, safe_cell
from fupin.core.sheets import csv_bytes as write_csv
from fupin.core.sheets import template_workbook as sheet_template

from . import codes
from .models import IncomeRecord, Member
from .rules import (
    CODED_COLUMNS,
    COL_ATTRIBUTE,
    COL_OTHER_CAUSES,
    INCOME_AMOUNT_COLUMNS,
    INCOME_COLUMNS,
    MEMBER_COLUMNS,
    household_number,
)

CSV_TYPE = "text/csv; charset=utf-8"
MEMBERS_SHEET = "成员"
INCOME_SHEET = "收入"
CODES_SHEET = "代码表"
CHUNK = 2000
KINDS = ("members", "income")
FORMATS = ("xlsx", "csv")

HOUSEHOLD_VALUES = (
    "id",
    "number",
    "village_id",
    "attribute",
    "main_cause",
    "other_causes",
    "dangerous_housing",
    "safe_water",
    "identified_year",
    "status",
    "exit_year",
    "phone",
)
MEMBER_VALUES = (
    "id",
    "household_id",
    "name",
    "id_number",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "migrant_months",
    "medical_insurance",
)


def _yes_no(value) -> str:
    return "是" if value else "否"


def _amount(value) -> str:
    return f"{value:.2f}"


def _chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """``items`` a chunk at a time, never all at once (a queryset's ``.iterator()`` streams)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _households(households_queryset, *values: str) -> Iterator[dict]:
    """The households' ``values`` in export order, streamed from the database cursor: a
    whole league's export holds one chunk of households at a time."""
    return (
        households_queryset.order_by("village_id", "number")
        .values(*values)
        .iterator(chunk_size=CHUNK)
    )


def member_rows(households_queryset) -> Iterator[list[str]]:
    """Yield one row (a list of texts in MEMBER_COLUMNS order) per member, head first."""
    labels = {column: codes.value_to_label(choices) for column, choices in CODED_COLUMNS.items()}
    relation, ethnicity = labels["与户主关系"], labels["民族"]
    education, school, health = labels["文化程度"], labels["在校生状况"], labels["健康状况"]
    labour, cause, status_label = labels["劳动技能"], labels["主要致贫原因"], labels["脱贫状态"]
    attribute_labels: dict[tuple[str, str], str] = {}
    for chunk in _chunks(_households(households_queryset, *HOUSEHOLD_VALUES)):
        members = defaultdict(list)
        # The household as it is now: members who died, married out or moved away stay in the
        # registry with their history, not in the sheet a re-import would read back.
        current = Member.objects.filter(left_on__isnull=True)
        for member in current.filter(household_id__in=[h["id"] for h in chunk]).values(
            *MEMBER_VALUES
        ):
            members[member["household_id"]].append(member)
        for h in chunk:
            key = (h["attribute"], h["status"])
            if key not in attribute_labels:
                attribute_labels[key] = str(codes.attribute_label(*key))
            household_cells = [
                attribute_labels[key],
                cause.get(h["main_cause"], ""),
                "、".join(cause.get(c, c) for c in h["other_causes"] or ()),
                _yes_no(h["dangerous_housing"]),
                _yes_no(h["safe_water"]),
                str(h["identified_year"]),
                status_label.get(h["status"], ""),
                "" if h["exit_year"] is None else str(h["exit_year"]),
                h["phone"],
            ]
            people = sorted(
                members[h["id"]], key=lambda m: (m["relation"] != codes.Relation.HEAD, m["id"])
            )
            for m in people:
                yield [
                    h["village_id"],
                    h["number"],
                    m["name"],
                    m["id_number"],
                    relation.get(m["relation"], ""),
                    ethnicity.get(m["ethnicity"], ""),
                    education.get(m["education"], ""),
                    school.get(m["school_status"], ""),
                    health.get(m["health"], ""),
                    labour.get(m["labour"], ""),
                    str(m["migrant_months"]),
                    _yes_no(m["medical_insurance"]),
                    *household_cells,
                ]


def income_rows(households_queryset) -> Iterator[list[str]]:
    """Yield one row (INCOME_COLUMNS order) per household and year of income."""
    for chunk in _chunks(_households(households_queryset, "id", "number")):
        numbers = {h["id"]: h["number"] for h in chunk}
        incomes = IncomeRecord.objects.filter(household_id__in=list(numbers)).values(
            "household_id", "year", *INCOME_AMOUNT_COLUMNS.values()
        )
        for income in sorted(incomes, key=lambda i: (numbers[i["household_id"]], i["year"])):
            yield [
                numbers[income["household_id"]],
                str(income["year"]),
                *(_amount(income[f]) for f in INCOME_AMOUNT_COLUMNS.values()),
            ]


def export_members(households_queryset, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """Export the households' members (and, in .xlsx, their income) in the import format.

    Return ``(content, content_type, filename)``. A .csv holds the member rows only (UTF-8
    with BOM, so Excel reads the Chinese).
    """
    stamp = clock.as_of().strftime("%Y%m%d")
    if fmt == "csv":
        return (
            csv_bytes(MEMBER_COLUMNS, member_rows(households_queryset)),
            CSV_TYPE,
            f"fupin-members-{stamp}.csv",
        )
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    content = xlsx_bytes(
        [
            (MEMBERS_SHEET, MEMBER_COLUMNS, member_rows(households_queryset)),
            (INCOME_SHEET, INCOME_COLUMNS, income_rows(households_queryset)),
        ]
    )
    return content, XLSX_TYPE, f"fupin-members-{stamp}.xlsx"


# -- The readable export -------------------------------------------------------------------
# Beside the import layout, for reading and printing: one sheet of households, one of members,
# area names instead of codes, labels instead of codes, numbers and years as numbers. Apps
# above the registry add columns by registering a provider (the assistance app adds the
# 帮扶责任人): ``provider(household_ids) -> (headers, {household_id: cells})``.

READABLE_HOUSEHOLDS_SHEET = "贫困户"
READABLE_MEMBERS_SHEET = "家庭成员"
READABLE_HOUSEHOLD_COLUMNS = [
    "旗县市",
    "苏木乡镇",
    "嘎查村",
    "户编号",
    "户主姓名",
    "家庭人口",
    "贫困户属性",
    "主要致贫原因",
    "其他致贫原因",
    "是否危房户",
    "是否饮水安全",
    "识别年度",
    "脱贫状态",
    "脱贫年度",
    "联系电话",
]
READABLE_MEMBER_COLUMNS = [
    "嘎查村",
    "户编号",
    "户主姓名",
    "姓名",
    "证件号码",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工时间（月）",
    "是否参加基本医疗保险",
]
_READABLE_PROVIDERS: list = []


def register_readable_columns(provider) -> None:
    """Add a provider of extra household columns to the readable export (at start-up)."""
    if provider not in _READABLE_PROVIDERS:
        _READABLE_PROVIDERS.append(provider)


def _area_names(village_codes: set[str]) -> dict[str, str]:
    from fupin.areas.models import Area

    wanted = set(village_codes) | {c[:9] for c in village_codes} | {c[:6] for c in village_codes}
    names: dict[str, str] = {}
    for chunk in _chunks(sorted(wanted)):
        names.update(Area.objects.filter(code__in=chunk).values_list("code", "name"))
    return names


def export_readable(households_queryset) -> tuple[bytes, str, str]:
    """Export the households and their members to read: see "The readable export" above.

    Return ``(content, content_type, filename)``. The same households as
    :func:`export_members`, read set-based in chunks."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from fupin.core.sheets import safe_row

    labels = {column: codes.value_to_label(choices) for column, choices in CODED_COLUMNS.items()}
    cause, status_label = labels["主要致贫原因"], labels["脱贫状态"]

    @functools.cache
    def attribute(value: str, status: str) -> str:
        with translation.override("zh-hans"):
            return str(codes.attribute_label(value, status))

    households = _households(households_queryset, *HOUSEHOLD_VALUES, "head_name", "members_count")
    names = _area_names(
        set(households_queryset.order_by().values_list("village_id", flat=True).distinct())
    )
    workbook = openpyxl.Workbook(write_only=True)
    house_sheet = workbook.create_sheet(READABLE_HOUSEHOLDS_SHEET)
    member_sheet = workbook.create_sheet(READABLE_MEMBERS_SHEET)
    bold = Font(bold=True)
    extra_headers: list[str] = []
    for provider in _READABLE_PROVIDERS:
        headers, _cells = provider([])
        extra_headers += headers
    for sheet, header in (
        (house_sheet, READABLE_HOUSEHOLD_COLUMNS + extra_headers),
        (member_sheet, READABLE_MEMBER_COLUMNS),
    ):
        cells = []
        for value in header:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        sheet.freeze_panes = "A2"
    for chunk in _chunks(households):
        ids = [h["id"] for h in chunk]
        extras = []
        for provider in _READABLE_PROVIDERS:
            headers, by_household = provider(ids)
            extras.append((len(headers), by_household))
        members = defaultdict(list)
        current = Member.objects.filter(left_on__isnull=True, household_id__in=ids)
        for member in current.values(*MEMBER_VALUES):
            members[member["household_id"]].append(member)
        for h in chunk:
            village = h["village_id"]
            row = [
                names.get(village[:6], village[:6]),
                names.get(village[:9], village[:9]),
                names.get(village, village),
                h["number"],
                h["head_name"],
                h["members_count"],
                attribute(h["attribute"], h["status"]),
                cause.get(h["main_cause"], ""),
                "、".join(cause.get(c, c) for c in h["other_causes"] or ()),
                _yes_no(h["dangerous_housing"]),
                _yes_no(h["safe_water"]),
                h["identified_year"],
                status_label.get(h["status"], ""),
                h["exit_year"],
                h["phone"],
            ]
            for width, by_household in extras:
                row += list(by_household.get(h["id"]) or [""] * width)
            house_sheet.append(safe_row(row))
            people = sorted(
                members[h["id"]], key=lambda m: (m["relation"] != codes.Relation.HEAD, m["id"])
            )
            for m in people:
                member_sheet.append(
                    safe_row(
                        [
                            names.get(village, village),
                            h["number"],
                            h["head_name"],
                            m["name"],
                            m["id_number"],
                            labels["与户主关系"].get(m["relation"], ""),
                            labels["民族"].get(m["ethnicity"], ""),
                            labels["文化程度"].get(m["education"], ""),
                            labels["在校生状况"].get(m["school_status"], ""),
                            labels["健康状况"].get(m["health"], ""),
                            labels["劳动技能"].get(m["labour"], ""),
                            m["migrant_months"],
                            _yes_no(m["medical_insurance"]),
                        ]
                    )
                )
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = clock.as_of().strftime("%Y%m%d")
    return buffer.getvalue(), XLSX_TYPE, f"fupin-households-{stamp}.xlsx"


# -- Templates ----------------------------------------------------------------------------


def example_member_row() -> list[str]:
    """One valid member row (a one-person household of 长发村) for the template."""
    values = {
        "行政区划代码": "152223100234",
        "户编号": household_number("152223100234", 1),
        "姓名": "乌力吉·巴特尔",
        "证件号码": make_id_number("152223", datetime.date(1968, 4, 12), 17, "M"),
        "与户主关系": "户主",
        "民族": "蒙古族",
        "文化程度": "小学",
        "在校生状况": "非在校生",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "务工时间（月）": "4",
        "是否参加基本医疗保险": "是",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "缺资金",
        "其他致贫原因": "缺技术、缺劳力",
        "是否危房户": "否",
        "是否饮水安全": "是",
        "识别年度": "2014",
        "脱贫状态": "未脱贫",
        "脱贫年度": "",
        "联系电话": "13904820000",
    }
    return [values[c] for c in MEMBER_COLUMNS]


def example_income_row() -> list[str]:
    return [
        household_number("152223100234", 1),
        "2016",
        "6000.00",
        "2500.00",
        "0.00",
        "1800.00",
        "1200.00",
    ]


def code_list_columns() -> list[tuple[str, list[str]]]:
    """Return each coded column with its accepted labels (the template's 代码表)."""
    out = []
    for column, choices in CODED_COLUMNS.items():
        labels = list(codes.label_to_value(choices))
        if column == COL_ATTRIBUTE:
            labels += [str(label) for label in codes.EXITED_ATTRIBUTE_LABELS.values()]
        if column == COL_OTHER_CAUSES:
            labels = [*labels, "（可填多项，用“、”“,”或“；”分隔）"]
        out.append((column, labels))
    for column in ("是否参加基本医疗保险", "是否危房户", "是否饮水安全"):
        out.append((column, list(codes.YES_NO)))
    return out


def template_workbook(kind: str) -> bytes:
    """Return the .xlsx template of ``kind`` (members|income): header, one example row, and
    (members) an Excel drop-down on every coded column, its labels listed in a 代码表 sheet."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if kind == "income":
        return sheet_template(
            title=INCOME_SHEET, columns=INCOME_COLUMNS, examples=[example_income_row()]
        )
    lists = {
        column: [label for label in labels if not label.startswith("（")]
        for column, labels in code_list_columns()
    }
    return sheet_template(
        title=MEMBERS_SHEET,
        columns=MEMBER_COLUMNS,
        examples=[example_member_row()],
        dropdowns=lists,
        free_columns=[COL_OTHER_CAUSES],
        prompts={COL_OTHER_CAUSES: "可填多项，用“、”“,”或“；”分隔"},
    )


def template_file(kind: str, fmt: str) -> tuple[bytes, str, str]:
    """Return ``(content, content_type, filename)`` of the template of ``kind`` in ``fmt``."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown template {kind}.{fmt}")
    if fmt == "xlsx":
        return template_workbook(kind), XLSX_TYPE, f"{kind}-template.xlsx"
    if kind == "members":
        content = csv_bytes(MEMBER_COLUMNS, [example_member_row()])
    else:
        content = csv_bytes(INCOME_COLUMNS, [example_income_row()])
    return content, CSV_TYPE, f"{kind}-template.csv"


# -- Writers ------------------------------------------------------------------------------


def csv_bytes(columns: Iterable[str], rows: Iterable[list[str]]) -> bytes:
    return write_csv(itertools.chain([columns], rows))


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="{width}" width="16" '
    'customWidth="1"/></cols><sheetData>'
)


def _cells(values: Iterable[str], style: int) -> str:
    # Every cell is text (style 2 is the "@" text format, so IDs never turn into numbers);
    # an inline string is never run, but a user who edits the cell would make it a formula.
    return "".join(
        f'<c t="inlineStr" s="{style}"><is><t>{escape(safe_cell(v))}</t></is></c>' if v else "<c/>"
        for v in values
    )


def xlsx_bytes(sheets: list[tuple[str, Iterable[str], Iterable[list[str]]]]) -> bytes:
    """Write ``[(sheet name, header, rows)]`` as an .xlsx workbook of text cells, streaming."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        names = [escape(name, {'"': "&quot;"}) for name, _h, _r in sheets]
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(
                sheets="".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(sheets)))
            ),
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                    for i, name in enumerate(names)
                )
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(
                sheets="".join(
                    f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                    for i in range(len(sheets))
                )
            ),
        )
        archive.writestr("xl/styles.xml", _STYLES)
        for i, (_name, header, rows) in enumerate(sheets):
            header = list(header)
            with archive.open(f"xl/worksheets/sheet{i + 1}.xml", "w") as part:
                part.write(_SHEET_HEAD.format(width=len(header)).encode())
                part.write(f"<row>{_cells(header, 1)}</row>".encode())
                batch = []
                for row in rows:
                    batch.append(f"<row>{_cells(row, 2)}</row>")
                    if len(batch) >= 2000:
                        part.write("".join(batch).encode())
                        batch = []
                part.write("".join(batch).encode())
                part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
