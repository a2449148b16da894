"""Builders of registry import files for tests: valid rows by default, overridden per test."""

from __future__ import annotations

import csv
import datetime
import itertools
from pathlib import Path

import openpyxl

from fupin.core.idnumber import make_id_number
from fupin.registry.rules import INCOME_COLUMNS, MEMBER_COLUMNS
from tests.factories import CHANGFA

_seq = itertools.count(1)

# (relation, birth date, sex, school status, labour, health)
DEFAULT_PEOPLE = (
    ("户主", datetime.date(1970, 3, 1), "M", "非在校生", "普通劳动力", "健康"),
    ("配偶", datetime.date(1972, 5, 2), "F", "非在校生", "普通劳动力", "长期慢性病"),
    ("之子", datetime.date(2005, 9, 3), "M", "小学", "", "健康"),
)


REGIONS = ("152223", "152201", "152202", "152221", "152222", "152224")


def unique_id_number(birth: datetime.date, sex: str) -> str:
    """A valid ID number born within 100 days after ``birth``, unique for 300,000 calls."""
    n = next(_seq)
    born = birth + datetime.timedelta(days=(n // len(REGIONS)) % 100)
    return make_id_number(REGIONS[n % len(REGIONS)], born, n // 600, sex)


def new_number(village: str = CHANGFA) -> str:
    """A household number of the one format (village code + 4-digit serial)."""
    return f"{village}{next(_seq) % 10000:04d}"


def household_rows(
    number: str | None = None,
    village: str = CHANGFA,
    *,
    people=DEFAULT_PEOPLE,
    names=None,
    **household,
) -> list[dict[str, str]]:
    """Return the member rows of one valid household; ``household`` overrides its columns."""
    number = number or new_number(village)
    rows = []
    for i, (relation, birth, sex, school, labour, health) in enumerate(people):
        rows.append(
            {
                "行政区划代码": village,
                "户编号": number,
                "姓名": names[i] if names else f"成员{number[-4:]}{i}",
                "证件号码": unique_id_number(birth, sex),
                "与户主关系": relation,
                "民族": "蒙古族" if i % 2 else "汉族",
                "文化程度": "初中" if i < 2 else "小学",
                "在校生状况": school,
                "健康状况": health,
                "劳动技能": labour,
                "务工时间（月）": "3" if i == 0 else "0",
                "是否参加基本医疗保险": "是",
                "贫困户属性": "一般贫困户",
                "主要致贫原因": "因病",
                "其他致贫原因": "缺资金、缺技术",
                "是否危房户": "否",
                "是否饮水安全": "是",
                "识别年度": "2014",
                "脱贫状态": "未脱贫",
                "脱贫年度": "",
                "联系电话": "13900000000",
            }
        )
    for row in rows:
        row.update(household)
    return rows


def income_row(number: str, year: int = 2016, **overrides) -> dict[str, str]:
    row = {
        "户编号": number,
        "年度": str(year),
        "工资性收入": "6000",
        "生产经营性收入": "3000.50",
        "财产性收入": "0",
        "转移性收入": "1200",
        "生产经营性支出": "1500",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows, columns=MEMBER_COLUMNS, *, bom: bool = False) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple]) -> Path:
    """Write ``{sheet name: (columns, rows)}`` as an .xlsx workbook, every cell as text."""
    path = Path(path)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, (columns, rows) in sheets.items():
        ws = workbook.create_sheet(name)
        ws.append(list(columns))
        for row in rows:
            ws.append([row.get(c, "") for c in columns])
    workbook.save(path)
    return path


def members_xlsx(path: Path, rows, income=None) -> Path:
    sheets = {"成员": (MEMBER_COLUMNS, rows)}
    if income is not None:
        sheets["收入"] = (INCOME_COLUMNS, income)
    return write_xlsx(path, sheets)


def read_xlsx(path: Path) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()
