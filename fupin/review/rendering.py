"""The published round's xlsx (A4, its columns fitted to the page's width) and PDF, both made
from the frozen content (:func:`fupin.review.figures.content`) and nothing else."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from fupin.core.sheets import safe_cell, workbook_bytes

from .figures import KEYS


def headings() -> list[str]:
    return [
        _("级别"),
        _("区划代码"),
        _("名称"),
        _("核查对象"),
        _("已核查"),
        _("剔除"),
        _("新识别补录"),
        _("信息更正"),
        _("核实无误"),
        _("核查率(%)"),
    ]


def _values(level: str, row: dict) -> list:
    share = row.get("visited_share")
    return [
        level,
        row.get("code", ""),
        row.get("name", ""),
        *(row[k] for k in KEYS),
        float(Decimal(str(share))) if share is not None else None,
    ]


def table_rows(content: dict) -> list[list]:
    """The figures as the xlsx lists them: each township, its villages under it, the county
    last."""
    rows = []
    for township in content["townships"]:
        rows.append(_values(_("苏木乡镇"), township))
        for village in township["villages"]:
            rows.append(_values(_("嘎查村"), village))
    county = {"code": content["round"]["county"], "name": content["round"]["county_name"]}
    rows.append(_values(_("旗县合计"), {**county, **content["total"]}))
    return rows


def title(content: dict) -> str:
    r = content["round"]
    return _("%(county)s %(year)d年回头看结果：%(name)s") % {
        "county": r["county_name"],
        "year": r["year"],
        "name": r["name"],
    }


def render_xlsx(content: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    sheet = book.active
    sheet.title = _("回头看结果")
    sheet.append([title(content)])
    sheet["A1"].font = Font(bold=True, size=13)
    r = content["round"]
    sheet.append(
        [
            _("期间 %(first)s 至 %(last)s；抽查比例 %(rate)s%%；第%(v)d版 %(at)s")
            % {
                "first": r["starts_on"],
                "last": r["ends_on"],
                "rate": r["sample_rate"],
                "v": content.get("version", 0),
                "at": content.get("published_at", ""),
            }
        ]
    )
    sheet.append(headings())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table_rows(content):
        sheet.append([safe_cell(v) for v in row])
    for column, width in zip("ABCDEFGHIJ", (9, 14, 18, 8, 8, 7, 9, 8, 8, 9), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.print_title_rows = "3:3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return workbook_bytes(book)


def render_pdf(content: dict) -> bytes:
    from fupin.core.pdf import render_pdf as html_to_pdf

    html = render_to_string(
        "review/print.html", {"c": content, "title": title(content), "rows": table_rows(content)}
    )
    return html_to_pdf(html)
