"""The xlsx and the A4 PDF of a report, both made from its content (the JSON of
:func:`fupin.reports.content.build`) and nothing else, so a published report's files show
exactly its frozen snapshot."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from fupin.core.sheets import workbook_bytes


def flag_label(flag: str) -> str:
    return {"red": _("红旗"), "yellow": _("黄旗"), "green": _("绿旗")}.get(flag, "")


def _value(value):
    return "—" if value is None else value


def render_xlsx(content: dict) -> bytes:
    """Sheets 排名 (the ranking with flags, reasons and owners), then the kind's lists
    (未走访结对, 超期诉求, 调度清单, 较上季度变化) and 说明 (period and rule)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    fills = {
        "red": PatternFill("solid", fgColor="F8D7DA"),
        "yellow": PatternFill("solid", fgColor="FFF3CD"),
        "green": PatternFill("solid", fgColor="D1E7DD"),
    }
    book = Workbook()
    sheet = book.active
    sheet.title = _("排名")
    sheet.append([content["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    period = content["period"]
    note = _("期间 %(first)s 至 %(last)s") % {"first": period["first"], "last": period["last"]}
    if period["to_date"]:
        note += _("（截至 %(day)s，本期尚未结束）") % {"day": period["reference_day"]}
    sheet.append([note])
    indicators = content["indicators"]
    heading = [_("名次"), _("区划代码"), content["unit_level_label"]]
    heading += [i["label"] for i in indicators]
    heading += [_("综合分"), _("旗帜"), _("原因"), _("联系领导/包联单位"), _("第一书记")]
    sheet.append(heading)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for unit in content["units"]:
        row = [_value(unit["rank"]), unit["code"], unit["name"]]
        row += [_value(unit["values"].get(i["key"])) for i in indicators]
        row += [
            _value(unit["composite"]),
            flag_label(unit["flag"]),
            _("；").join(unit["reasons"]),
            unit["owners"]["leader"],
            unit["owners"]["first_secretary"],
        ]
        sheet.append(row)
        if unit["flag"]:
            sheet.cell(row=sheet.max_row, column=len(heading) - 3).fill = fills[unit["flag"]]
    total = [_("合计"), content["area"]["code"], content["area"]["name"]]
    total += [_value(content["totals"].get(i["key"])) for i in indicators]
    sheet.append(total)

    def list_sheet(title, columns, rows, more):
        ws = book.create_sheet(title)
        ws.append([label for label, _key in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([_value(r.get(key)) for _label, key in columns])
        if more:
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
            p["more"],
        )
    if "concerns" in content:
        c = content["concerns"]
        list_sheet(_("超期诉求"), item_columns, c["rows"], c["more"])
    if "dispatch" in content:
        d = content["dispatch"]
        rows, more = [], 0
        for key in ("tasks", "concerns", "meetings", "residents"):
            rows += d[key]["rows"]
            more += d[key]["more"]
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
    info.append([_("报告"), content["title"]])
    info.append([_("生成时间"), content["generated_at"]])
    info.append([_("系统日期"), content["as_of"]])
    info.append([_("排名规则"), content["rule"]])
    return workbook_bytes(book)


def render_pdf_bytes(content: dict, *, status_note: str = "") -> bytes:
    from fupin.core.pdf import render_pdf

    html = render_to_string(
        "reports/print.html", {"c": content, "status_note": status_note, "print": True}
    )
    return render_pdf(html)
