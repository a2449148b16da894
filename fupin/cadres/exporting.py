"""The roster as an .xlsx (openpyxl, write-only): the rows of the roster page, all pages."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fupin.core.sheets import safe_row

from .selectors import roster_rows

CHUNK = 900  # posts per grassroots-years query (below SQLite's parameter limit)
COLUMNS = (
    "姓名",
    "性别",
    "出生日期",
    "年龄",
    "民族",
    "学历",
    "基层工作年限",
    "岗位类别",
    "职务",
    "任职地",
    "区划代码",
    "任职日期",
    "离任日期",
    "离任原因",
    "任职时长",
    "工作单位",
)


def roster_xlsx(posts, day: datetime.date) -> bytes:
    """Write the posts (a queryset already scoped and ordered) with their cadres."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("干部名册")
    bold = Font(bold=True)
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    chunk = []
    for post in posts.iterator(chunk_size=CHUNK):
        chunk.append(post)
        if len(chunk) == CHUNK:
            _write(sheet, chunk, day)
            chunk = []
    _write(sheet, chunk, day)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write(sheet, posts, day):
    for row in roster_rows(posts, day) if posts else ():
        p, c = row.post, row.post.cadre
        sheet.append(
            safe_row(
                [
                    c.name,
                    c.get_sex_display(),
                    c.birth_date,
                    row.age,
                    c.get_ethnicity_display(),
                    c.get_education_display(),
                    float(row.grassroots),
                    p.get_kind_display(),
                    p.title,
                    p.area.name,
                    p.area_id,
                    p.start_date,
                    p.end_date,
                    p.get_end_reason_display(),
                    row.length,
                    c.unit,
                ]
            )
        )
