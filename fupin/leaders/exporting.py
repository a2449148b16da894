"""The leaders list as an .xlsx: one row per leader with the year's households and income."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from fupin.core.sheets import workbook_bytes


def leaders_xlsx(rows, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("致富带头人")
    sheet.append(
        [
            _("区划代码"),
            _("所在区划"),
            _("姓名"),
            _("经营主体名称"),
            _("经营主体类别"),
            _("主导产业"),
            _("带头创业时间"),
            _("%(year)s年带动户数") % {"year": year},
            _("%(year)s年带动增收（元）") % {"year": year},
        ]
    )
    for leader in rows.iterator(chunk_size=2000):
        sheet.append(
            [
                leader.area_id,
                leader.area.name,
                leader.party_member.name,
                leader.business_name,
                leader.get_kind_display(),
                leader.industry,
                leader.since,
                leader.n_households,
                leader.income,
            ]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in (("B", 24), ("D", 32), ("H", 16), ("I", 20)):
        sheet.column_dimensions[column].width = width
    for (cell,) in sheet.iter_rows(min_row=2, min_col=9, max_col=9):
        cell.number_format = "#,##0.00"
    return workbook_bytes(book)
