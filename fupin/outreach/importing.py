"""The outreach ledgers from and to spreadsheets (.xlsx or .csv), all or nothing.

Each ledger has its columns (``COLUMNS``; the name columns are ignored on import). Every row
is checked first — cells by the sheet kit's parsers (:mod:`fupin.core.cells`), the area in
the importer's area and scope with the right to write there, the cadre found, the ledger's
own checks (:func:`fupin.outreach.services.problems`), no record twice — and one bad row
refuses the whole file: :func:`fupin.core.sheets.write_error_workbook` returns the rows with
错误原因 (row, column, reason). A good file is written by
:func:`fupin.outreach.services.ledger_import`, which updates the records the rows name, so the
same file imported twice changes nothing. The export writes the import format.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area, Level
from fupin.assistance.models import Cadre, MeasureType
from fupin.core import cells
from fupin.core.cells import Cells
from fupin.core.clock import as_of
from fupin.core.sheets import ImportResult, sheet_rows, write_workbook
from fupin.safetynet.models import Policy

from . import services
from .permissions import can_edit

COL_AREA = "区划代码"
COL_AREA_NAME = "区划名称"
COL_CADRE_ID = "干部编号"
COL_ID_NUMBER = "证件号码"
COL_NOTE = "备注"
SEPARATOR = "、"

COLUMNS = {
    "lectures": [
        COL_AREA,
        COL_AREA_NAME,
        "宣讲日期",
        "宣讲地点",
        "宣讲人",
        "宣讲主题",
        "听众人数",
        COL_NOTE,
    ],
    "trips": [
        COL_AREA,
        COL_AREA_NAME,
        "出发日期",
        "返回日期",
        "学习地点",
        "学习内容",
        "人数",
        COL_NOTE,
        "带队干部编号",
    ],
    "visits": [
        COL_AREA,
        COL_AREA_NAME,
        COL_CADRE_ID,
        "领导姓名",
        COL_ID_NUMBER,
        "调研日期",
        "发现问题（项）",
        "解决问题（项）",
        "问题及解决情况",
    ],
    "subsidies": [
        COL_CADRE_ID,
        "姓名",
        COL_ID_NUMBER,
        COL_AREA,
        COL_AREA_NAME,
        "年度",
        "补贴金额（元）",
        COL_NOTE,
    ],
    "documents": [
        "发文区划代码",
        "发文机关",
        "文号",
        "发文日期",
        "标题",
        "摘要",
        "帮扶措施类型",
        "保障政策",
        "全文",
    ],
}
REQUIRED = {
    "lectures": [COL_AREA, "宣讲日期", "宣讲地点", "宣讲人", "宣讲主题", "听众人数"],
    "trips": [COL_AREA, "出发日期", "返回日期", "学习地点", "学习内容", "人数"],
    "visits": [COL_AREA, "领导姓名", "调研日期", "发现问题（项）", "解决问题（项）"],
    "subsidies": ["姓名", "年度", "补贴金额（元）"],
    "documents": ["发文区划代码", "发文机关", "标题"],
}
SHEETS = {
    "lectures": "政策宣讲",
    "trips": "外出学习",
    "visits": "联系点调研指导",
    "subsidies": "乡镇工作补贴",
    "documents": "政策文件",
}
# The column of each field, to name it in a message.
COLUMN_OF = {
    "lectures": {"area_id": COL_AREA, "date": "宣讲日期", "topic": "宣讲主题"},
    "trips": {
        "area_id": COL_AREA,
        "start_date": "出发日期",
        "end_date": "返回日期",
        "cadre_ids": "带队干部编号",
    },
    "visits": {
        "area_id": COL_AREA,
        "cadre_id": "领导姓名",
        "date": "调研日期",
        "problems_solved": "解决问题（项）",
    },
    "subsidies": {"cadre_id": "姓名", "year": "年度", "area_id": COL_AREA},
    "documents": {
        "area_id": "发文区划代码",
        "date": "发文日期",
        "title": "标题",
        "measure_types": "帮扶措施类型",
        "safetynet_policies": "保障政策",
    },
}

MSG_NOT_ALLOWED = _("您没有导入此台账的权限")
MSG_NEGATIVE = _("“%(value)s”不能为负数")
MSG_DUPLICATE = _("与第%(first)s行重复（%(key)s）")

MAX_COUNT = 1_000_000


def _count(cell: Cells, column: str, *, required=True, minimum=0) -> int | None:
    value = cell(column, cells.integer, required=required, blank=0)
    if value is not None and not minimum <= value <= MAX_COUNT:
        cell.add(column, MSG_NEGATIVE % {"value": value})
        return None
    return value


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", SEPARATOR).split(SEPARATOR) if p.strip()]


def _labels(cell: Cells, column: str, choices) -> list[str]:
    """The values of a cell listing labels separated by 、 (the file's labels are Chinese)."""
    with translation.override("zh-hans"):
        by_label = {str(label): value for value, label in choices}
    out = []
    for part in filter(None, (p.strip() for p in cell.row[column].split(SEPARATOR))):
        if part not in by_label:
            cell.add(
                column, cells.MSG_CHOICE % {"value": part, "allowed": SEPARATOR.join(by_label)}
            )
            return []
        out.append(by_label[part])
    return out


class _Context:
    """What the rows of one file are checked against, read in one query each."""

    def __init__(self, actor, kind: str, area_code: str, rows: list[tuple[int, dict]]):
        self.actor, self.kind, self.area_code = actor, kind, area_code
        codes = {r.get(COL_AREA) or r.get("发文区划代码") or "" for _n, r in rows}
        self.areas = dict(
            Area.objects.filter(code__in=codes)
            .within(area_code)
            .accessible_to(actor)
            .values_list("code", "level")
        )
        self.may: dict[str, bool] = {}
        cadres = Cadre.objects.accessible_to(actor)
        ids = {r.get(COL_CADRE_ID) for _n, r in rows if (r.get(COL_CADRE_ID) or "").isdigit()}
        ids |= {i for _n, r in rows for i in _split(r.get("带队干部编号") or "") if i.isdigit()}
        numbers = {r.get(COL_ID_NUMBER) for _n, r in rows if r.get(COL_ID_NUMBER)}
        names = {r.get("领导姓名") or r.get("姓名") for _n, r in rows}
        self.by_id = {c.pk: c for c in cadres.filter(pk__in=[int(i) for i in ids])}
        self.by_number = {c.id_number: c for c in cadres.filter(id_number__in=numbers)}
        self.by_name: dict[str, list[Cadre]] = {}
        for c in cadres.filter(name__in=names).only("pk", "name", "area_id", "id_number"):
            self.by_name.setdefault(c.name, []).append(c)

    def area(self, cell: Cells, column: str) -> str | None:
        code = cell(column, cells.required)
        if code is None:
            return None
        if code not in self.areas:
            cell.add(column, services.MSG_AREA % {"value": code})
            return None
        if code not in self.may:
            self.may[code] = can_edit(self.actor, self.kind, code)
        if not self.may[code]:
            cell.add(column, services.MSG_NOT_ALLOWED)
            return None
        return code

    def cadre_ids(self, cell: Cells, column: str) -> list[int]:
        """The cadres a cell lists by 干部编号 (separated by 、)."""
        out = []
        for part in _split(cell.row.get(column) or ""):
            if not part.isdigit() or int(part) not in self.by_id:
                cell.add(column, services.MSG_CADRE)
                return []
            out.append(int(part))
        return out

    def cadre(self, cell: Cells, name_column: str, near: str | None) -> Cadre | None:
        """The cadre of the row: by 干部编号, else 证件号码, else the one of that name (in
        the row's county when the row names an area)."""
        name = cell(name_column, cells.required)
        given = cell.row.get(COL_CADRE_ID) or ""
        number = cell.row.get(COL_ID_NUMBER) or ""
        if given:
            found = self.by_id.get(int(given)) if given.isdigit() else None
            if found is None:
                cell.add(COL_CADRE_ID, services.MSG_CADRE)
            elif name and found.name != name:
                cell.add(COL_CADRE_ID, services.MSG_CADRE_NAME)
                return None
            return found
        if number:
            found = self.by_number.get(number)
            if found is None:
                cell.add(COL_ID_NUMBER, services.MSG_CADRE)
            return found
        if name is None:
            return None
        same = self.by_name.get(name, [])
        if near:
            same = [c for c in same if c.area_id[:6] == near[:6]] or same
        if not same:
            cell.add(name_column, services.MSG_CADRE)
            return None
        if len(same) > 1:
            cell.add(name_column, services.MSG_CADRE_AMBIGUOUS)
            return None
        return same[0]


def _parse(ctx: _Context, kind: str, cell: Cells) -> dict | None:
    today = as_of()
    if kind == "lectures":
        values = {
            "area_id": ctx.area(cell, COL_AREA),
            "date": cell("宣讲日期", cells.date),
            "place": cell("宣讲地点", cells.text, max_length=100, required=True),
            "speaker": cell("宣讲人", cells.text, max_length=50, required=True),
            "topic": cell("宣讲主题", cells.text, max_length=100, required=True),
            "audience": _count(cell, "听众人数"),
            "note": cell(COL_NOTE, cells.text, max_length=200),
        }
    elif kind == "trips":
        values = {
            "area_id": ctx.area(cell, COL_AREA),
            "start_date": cell("出发日期", cells.date),
            "end_date": cell("返回日期", cells.date),
            "destination": cell("学习地点", cells.text, max_length=100, required=True),
            "topic": cell("学习内容", cells.text, max_length=100, required=True),
            "persons": _count(cell, "人数", minimum=1),
            "note": cell(COL_NOTE, cells.text, max_length=200),
            "cadre_ids": ctx.cadre_ids(cell, "带队干部编号"),
        }
    elif kind == "visits":
        area = ctx.area(cell, COL_AREA)
        if area is not None and ctx.areas[area] not in (Level.TOWNSHIP, Level.VILLAGE):
            cell.add(COL_AREA, services.MSG_AREA_LEVEL)
            area = None
        cadre = ctx.cadre(cell, "领导姓名", area)
        values = {
            "area_id": area,
            "cadre_id": cadre.pk if cadre else None,
            "date": cell("调研日期", cells.date),
            "problems_raised": _count(cell, "发现问题（项）"),
            "problems_solved": _count(cell, "解决问题（项）"),
            "note": cell("问题及解决情况", cells.text, max_length=300),
        }
    elif kind == "subsidies":
        cadre = ctx.cadre(cell, "姓名", None)
        if cadre is not None and not cadre.area_id.startswith(ctx.area_code):
            cell.add("姓名", services.MSG_CADRE_OUTSIDE)
            cadre = None
        elif cadre is not None and not can_edit(ctx.actor, kind, cadre.area_id):
            cell.add("姓名", services.MSG_NOT_ALLOWED)
            cadre = None
        values = {
            "cadre_id": cadre.pk if cadre else None,
            "area_id": cadre.area_id if cadre else None,
            "year": cell("年度", cells.year, first=2014, last=today.year),
            "amount": cell("补贴金额（元）", cells.amount),
            "note": cell(COL_NOTE, cells.text, max_length=200),
        }
    else:
        values = {
            "area_id": ctx.area(cell, "发文区划代码"),
            "issuer": cell("发文机关", cells.text, max_length=100, required=True),
            "doc_number": cell("文号", cells.text, max_length=50),
            "date": cell("发文日期", cells.date, required=False),
            "title": cell("标题", cells.text, max_length=200, required=True),
            "summary": cell.row["摘要"],
            "full_text": cell.row["全文"],
            "measure_types": _labels(cell, "帮扶措施类型", MeasureType.choices),
            "safetynet_policies": _labels(cell, "保障政策", Policy.choices),
        }
    if cell.problems:
        return None
    for field, message in services.problems(kind, values):
        cell.add(COLUMN_OF[kind].get(field, COL_AREA), message)
    return None if cell.problems else values


def import_ledger(path, *, actor, area_code: str, kind: str) -> ImportResult:
    """Check and (if every row is good) write the ledger ``kind`` of ``path``."""
    if not can_edit(actor, kind, area_code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    result = ImportResult(filename=Path(path).name, year=as_of().year, kind=kind)
    columns, required = COLUMNS[kind], REQUIRED[kind]
    rows = sheet_rows(path, result, key=required[0], columns=columns, required=required)
    if rows is None:
        return result
    ctx = _Context(actor, kind, area_code, rows)
    key_fields = services.KEYS[kind]
    seen: dict[tuple, int] = {}
    parsed = []
    for number, row in rows:
        cell = Cells(row)
        values = _parse(ctx, kind, cell)
        if values is not None:
            key = tuple(values[f] for f in key_fields)
            first = seen.setdefault(key, number)
            if first != number:
                column = COLUMN_OF[kind].get(key_fields[-1], columns[0])
                cell.add(
                    column,
                    MSG_DUPLICATE % {"first": first, "key": "，".join(str(k) for k in key)},
                )
        if cell.problems:
            result.refuse(number, cell.messages(number))
            continue
        parsed.append(values)
    if result.errors:
        return result
    result.counts = services.ledger_import(
        actor=actor, kind=kind, area_code=area_code, rows=parsed, filename=result.filename
    )
    result.ok = True
    return result


def _labels_text(values, choices) -> str:
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in choices}
    return SEPARATOR.join(str(labels.get(v, v)) for v in values)


def export_rows(kind: str, records):
    """Yield ``records`` (with their area and cadre selected) as rows of the import format."""
    for r in records.iterator(chunk_size=2000):
        if kind == "lectures":
            yield [r.area_id, r.area.name, r.date, r.place, r.speaker, r.topic, r.audience, r.note]
        elif kind == "trips":
            yield [
                r.area_id,
                r.area.name,
                r.start_date,
                r.end_date,
                r.destination,
                r.topic,
                r.persons,
                r.note,
                SEPARATOR.join(str(c.pk) for c in r.cadres.all()),
            ]
        elif kind == "visits":
            yield [
                r.area_id,
                r.area.name,
                r.cadre_id,
                r.cadre.name,
                r.cadre.id_number,
                r.date,
                r.problems_raised,
                r.problems_solved,
                r.note,
            ]
        elif kind == "subsidies":
            yield [
                r.cadre_id,
                r.cadre.name,
                r.cadre.id_number,
                r.area_id,
                r.area.name,
                r.year,
                f"{r.amount:.2f}",
                r.note,
            ]
        else:
            yield [
                r.area_id,
                r.issuer,
                r.doc_number,
                r.date,
                r.title,
                r.summary,
                _labels_text(r.measure_types, MeasureType.choices),
                _labels_text(r.safetynet_policies, Policy.choices),
                r.full_text,
            ]


def export_workbook(kind: str, records) -> bytes:
    """``records`` as an .xlsx in the import format (re-imports unchanged)."""
    return write_workbook(
        [COLUMNS[kind], *export_rows(kind, records)], title=SHEETS[kind], bold_header=True
    )
