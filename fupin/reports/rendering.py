"""The xlsx and the A4 PDF of a report, both made from its content (the JSON of
:func:`fupin.reports.content.build`) and nothing else, so a published report's files show
exactly its frozen snapshot."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from fupin.core.sheets import safe_cell, workbook_bytes


def flag_label(flag: str) -> str:
    return {"red": _("红旗"), "yellow": _("黄旗"), "green": _("绿旗")}.get(flag, "")


def _value(value):
    return "—" if value is None else value


# Cell kinds of the xlsx: the content is JSON (decimals and dates as strings), the sheet
# gets them back as numbers and dates so that they sort, sum and chart in Excel.
PERCENT_FORMAT = "0.00%"
MONEY_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _number(value):
    """A JSON number or decimal string as a number (None and "" stay empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return (
        int(number)
        if number == number.to_integral_value() and "." not in str(value)
        else float(number)
    )


def _percent(value):
    number = _number(value)
    return number / 100 if isinstance(number, int | float) else number


def _date(value):
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return value


def _datetime(value):
    """An ISO timestamp as a naive local datetime (Excel has no time zones)."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        return value
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed).replace(tzinfo=None)
    return parsed


def _indicator_format(key: str, label: str) -> str | None:
    if "(%)" in label or key.endswith(("_share", "_progress", "_rate")):
        return PERCENT_FORMAT
    if "(元)" in label or key.startswith("funds_"):
        return MONEY_FORMAT
    return None


def render_xlsx(content: dict) -> bytes:
    """Sheets 排名 (the ranking with flags, reasons and owners), then the kind's lists
    (未走访结对, 超期诉求, 调度清单, 较上季度变化) and 说明 (period and rule).

    Every row of every list (the page shows the first rows only); written in write-only
    mode, so a league's list of thousands streams row by row. Numbers are numbers,
    percentages numbers in a % format, amounts in yuan with two decimals, dates dates.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font, PatternFill

    fills = {
        "red": PatternFill("solid", fgColor="F8D7DA"),
        "yellow": PatternFill("solid", fgColor="FFF3CD"),
        "green": PatternFill("solid", fgColor="D1E7DD"),
    }
    book = Workbook(write_only=True)

    def cell(ws, value, *, fmt=None, font=None, fill=None):
        c = WriteOnlyCell(ws, value=safe_cell(value))
        if fmt and isinstance(value, int | float | datetime.date):
            c.number_format = fmt
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        return c

    bold = Font(bold=True)
    sheet = book.create_sheet(_("排名"))
    sheet.append([cell(sheet, content["title"], font=Font(bold=True, size=14))])
    period = content["period"]
    note = _("期间 %(first)s 至 %(last)s") % {"first": period["first"], "last": period["last"]}
    if period["to_date"]:
        note += _("（截至 %(day)s，本期尚未结束）") % {"day": period["reference_day"]}
    sheet.append([note])
    indicators = content["indicators"]
    formats = [_indicator_format(i["key"], str(i["label"])) for i in indicators]
    heading = [_("名次"), _("区划代码"), content["unit_level_label"]]
    heading += [i["label"] for i in indicators]
    heading += [_("综合分"), _("旗帜"), _("原因"), _("联系领导/包联单位"), _("第一书记")]
    sheet.append([cell(sheet, h, font=bold) for h in heading])

    def values(source: dict) -> list:
        out = []
        for i, fmt in zip(indicators, formats, strict=True):
            v = source.get(i["key"])
            v = _percent(v) if fmt == PERCENT_FORMAT else _number(v)
            out.append(
                cell(sheet, v, fmt=fmt or (DECIMAL_FORMAT if isinstance(v, float) else None))
            )
        return out

    for unit in content["units"]:
        flag = unit["flag"]
        row = [cell(sheet, _number(unit["rank"])), unit["code"], unit["name"]]
        row += values(unit["values"])
        row += [
            cell(sheet, _number(unit["composite"]), fmt=DECIMAL_FORMAT),
            cell(sheet, flag_label(flag), fill=fills.get(flag)),
            _("；").join(unit["reasons"]),
            unit["owners"]["leader"],
            unit["owners"]["first_secretary"],
        ]
        sheet.append([c if isinstance(c, Cell) else cell(sheet, c) for c in row])
    total = [_("合计"), content["area"]["code"], content["area"]["name"]]
    sheet.append([cell(sheet, c) for c in total] + values(content["totals"]))

    def list_sheet(title, columns, rows, more):
        ws = book.create_sheet(title)
        ws.append([cell(ws, label, font=bold) for label, _key in columns])
        for r in rows:
            line = []
            for _label, key in columns:
                v = r.get(key)
                if key == "deadline":
                    line.append(cell(ws, _date(v), fmt=DATE_FORMAT))
                elif isinstance(v, int | float):
                    line.append(cell(ws, v))
                else:
                    line.append(cell(ws, "" if v is None else v))
            ws.append(line)
        if more:
            # A report published before the lists were complete says what it left out.
            ws.append([_("另有 %(n)d 条未列出") % {"n": more}])

    item_columns = [
        (_("单位"), "unit"),
        (_("区划代码"), "unit_code"),
        (_("事项"), "what"),
        (_("责任人"), "owner"),
        (_("完成时限"), "deadline"),
        (_("联系领导/包联单位"), "leader"),
        (_("第一书记"), "first_secretary"),
    ]
    if "pairings_behind" in content:
        p = content["pairings_behind"]
        list_sheet(
            _("未走访结对"),
            [(_("嘎查村"), "village"), (_("帮扶责任人"), "cadre"), (_("户主"), "household")],
            p["rows"],
            p.get("more", 0),
        )
    if "concerns" in content:
        c = content["concerns"]
        list_sheet(_("超期诉求"), item_columns, c["rows"], c.get("more", 0))
    if "dispatch" in content:
        d = content["dispatch"]
        rows, more = [], 0
        for key in ("tasks", "concerns", "meetings", "residents"):
            rows += d[key]["rows"]
            more += d[key].get("more", 0)
        list_sheet(_("调度清单"), item_columns, rows, more)
    if "changes" in content:
        ch = content["changes"]
        list_sheet(
            _("较上季度变化"),
            [
                (_("区划代码"), "code"),
                (_("单位"), "name"),
                (_("本季名次"), "rank"),
                (_("上季名次"), "previous_rank"),
                (_("名次变化"), "change"),
            ],
            ch["rows"],
            0,
        )
    info = book.create_sheet(_("说明"))
    info.append([cell(info, _("报告")), cell(info, content["title"])])
    info.append(
        [
            cell(info, _("生成时间")),
            cell(info, _datetime(content["generated_at"]), fmt=DATETIME_FORMAT),
        ]
    )
    info.append([cell(info, _("系统日期")), cell(info, _date(content["as_of"]), fmt=DATE_FORMAT)])
    info.append([cell(info, _("期间起")), cell(info, _date(period["first"]), fmt=DATE_FORMAT)])
    info.append([cell(info, _("期间止")), cell(info, _date(period["last"]), fmt=DATE_FORMAT)])
    info.append([cell(info, _("排名规则")), cell(info, content["rule"])])
    return workbook_bytes(book)


def render_pdf_bytes(content: dict, *, status_note: str = "") -> bytes:
    from fupin.core.pdf import render_pdf

    html = render_to_string(
        "reports/print.html", {"c": content, "status_note": status_note, "print": True}
    )
    return render_pdf(html)
