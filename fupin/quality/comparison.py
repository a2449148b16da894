"""Comparing the registry with other departments' lists (大数据比对; docs/data-quality.md).

A list is read and checked whole, like a registry file (:mod:`fupin.core.sheets`,
:mod:`fupin.core.cells`): any bad row refuses the file, and the error workbook names each
row, column and reason. A good list is written by :func:`fupin.quality.services.list_import`
and matched here, set-based:

* the rows are inserted in bulk, each with its ID number normalised
  (:func:`fupin.core.idnumber.to_18_digits`) and its ``match_key``;
* **one** join of the rows to the members by the normalised ID number (the members' unique
  index) collects the matches, with one more for the rows without an ID number, joined on
  name, birth date and county (a weaker match, so marked on the flag);
* the list kind's rule is one ``INSERT … SELECT`` over the matches, ``ON CONFLICT (kind,
  rule_code, match_key) DO NOTHING``: a row already flagged — open, confirmed or dismissed —
  is never flagged again, whichever import brings it back (:func:`match_statements`).

The SQL is plain enough for SQLite and PostgreSQL alike; bench/bench_compare.py times it.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import prefix_upper_bound
from fupin.core import cells as kit
from fupin.core import idnumber
from fupin.core.sheets import ImportResult, sheet_rows

from .models import ComparisonRuleSet, DepartmentList, Flag, ListKind, ListRow

# The columns of every list, and each kind's own (the file format: stays Chinese).
COL_ID = "证件号码"
COL_NAME = "姓名"
COL_BIRTH = "出生日期"
COL_COUNTY = "旗县代码"
COL_DEATH = "死亡日期"
COL_VEHICLE = "车辆类型"
COL_PLATE = "号牌号码"
COL_AREA = "房屋面积"
COL_USE = "房屋用途"
COL_COMPANY = "企业名称"
COL_CAPITAL = "注册资本"
COL_EMPLOYER = "单位"
COL_WAGE = "月工资"

COMMON_COLUMNS = (COL_ID, COL_NAME, COL_BIRTH, COL_COUNTY)
# Each kind: (required columns, optional columns).
KIND_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ListKind.DEATHS: ((COL_DEATH,), ()),
    ListKind.VEHICLES: ((COL_VEHICLE,), (COL_PLATE,)),
    ListKind.PROPERTY: ((COL_AREA, COL_USE), ()),
    ListKind.BUSINESS: ((COL_COMPANY, COL_CAPITAL), ()),
    ListKind.PAYROLL: ((COL_EMPLOYER,), (COL_WAGE,)),
}
# The department a list comes from unless the import names it.
DEFAULT_SOURCES: dict[str, str] = {
    ListKind.DEATHS: "民政部门",
    ListKind.VEHICLES: "公安交管部门",
    ListKind.PROPERTY: "住建部门",
    ListKind.BUSINESS: "市场监管部门",
    ListKind.PAYROLL: "财政部门",
}
# The rule each kind's rows are judged by (Flag.rule_code).
RULE_CODES: dict[str, str] = {
    ListKind.DEATHS: "death",
    ListKind.VEHICLES: "vehicle",
    ListKind.PROPERTY: "property",
    ListKind.BUSINESS: "business",
    ListKind.PAYROLL: "payroll",
}
RULE_LABELS = {
    "death": _("成员已死亡"),
    "vehicle": _("拥有非农用车辆"),
    "property": _("拥有商业用房或大面积房产"),
    "business": _("注册资本超过限额的企业"),
    "payroll": _("财政供养人员"),
}

MAX_TEXT = 100
MAX_SHORT = 30
MAX_CAPITAL = Decimal("1e12")

MSG_NO_PERSON = _("证件号码为空时须填写出生日期和旗县代码（按姓名、出生日期和旗县比对）")
MSG_COUNTY = _("“%(value)s”不是旗县代码（应为6位数字的旗县区划代码）")
MSG_KIND = _("名单类型“%(kind)s”无效（可选：%(kinds)s）")

# Stored data (the reason a village team reads), not interface text: see the module doc.
WEAK_NOTE = "；无证件号码，按姓名、出生日期和旗县比中（弱匹配）"


def list_columns(kind: str) -> tuple[str, ...]:
    required, optional = KIND_COLUMNS[kind]
    return (*COMMON_COLUMNS, *required, *optional)


def match_key(*parts) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe(kind: str, v: dict) -> tuple[str, tuple]:
    """The row's facts in the words of a reason, and its identifying columns (for the key)."""
    if kind == ListKind.DEATHS:
        return f"{v['death_date']:%Y-%m-%d} 死亡", (v["death_date"],)
    if kind == ListKind.VEHICLES:
        plate = f" {v['plate']}" if v["plate"] else ""
        return f"名下车辆：{v['vehicle_type']}{plate}", (v["vehicle_type"], v["plate"])
    if kind == ListKind.PROPERTY:
        area = _num(v["floor_area"])
        return f"名下房产：{v['house_use']} {area} 平方米", (v["house_use"], area)
    if kind == ListKind.BUSINESS:
        capital = _num(v["capital"])
        return f"{v['company']}，注册资本 {capital} 万元", (v["company"],)
    wage = f"，月工资 {_num(v['monthly_wage'])} 元" if v["monthly_wage"] is not None else ""
    return f"在{v['employer']}领取财政工资{wage}", (v["employer"],)


def parse_list(
    path, kind: str, *, today: datetime.date, counties: set[str]
) -> tuple[ImportResult, list[dict]]:
    """Read and check a list file; return the result (errors, if any) and the rows' values
    (the fields of :class:`ListRow`). ``counties``: the county codes a row may name."""
    result = ImportResult(filename=str(path), year=today.year, kind=kind)
    required, optional = KIND_COLUMNS[kind]
    found = sheet_rows(
        path,
        result,
        key=COL_NAME,
        columns=list_columns(kind),
        required=(COL_ID, COL_NAME, *required),
    )
    if found is None:
        return result, []
    rows: list[dict] = []
    for number, cells_row in found:
        cell = kit.Cells(cells_row)
        raw_id = cells_row[COL_ID]
        normalized = ""
        name = cell(COL_NAME, kit.text, max_length=50, required=True) or ""
        birth = cell(COL_BIRTH, kit.date, latest=today, required=False)
        county = cells_row[COL_COUNTY]
        if raw_id:
            candidate = idnumber.to_18_digits(raw_id)
            try:
                info = idnumber.parse_id_number(candidate, today=today)
            except idnumber.IdNumberError as error:
                cell.add(COL_ID, error.args[0])
            else:
                normalized = info.number
                birth = birth or info.birth_date
        elif not birth or not county:
            cell.add(COL_ID, MSG_NO_PERSON)
        if county and county not in counties:
            cell.add(COL_COUNTY, MSG_COUNTY % {"value": county})
        v: dict = {
            "death_date": None,
            "vehicle_type": "",
            "plate": "",
            "floor_area": None,
            "house_use": "",
            "company": "",
            "capital": None,
            "employer": "",
            "monthly_wage": None,
        }
        if kind == ListKind.DEATHS:
            v["death_date"] = cell(COL_DEATH, kit.date, latest=today)
        elif kind == ListKind.VEHICLES:
            v["vehicle_type"] = cell(COL_VEHICLE, kit.text, max_length=MAX_SHORT, required=True)
            v["plate"] = cell(COL_PLATE, kit.text, max_length=20) or ""
        elif kind == ListKind.PROPERTY:
            v["floor_area"] = cell(COL_AREA, kit.amount, positive=True, maximum=Decimal("1e7"))
            v["house_use"] = cell(COL_USE, kit.text, max_length=MAX_SHORT, required=True)
        elif kind == ListKind.BUSINESS:
            v["company"] = cell(COL_COMPANY, kit.text, max_length=MAX_TEXT, required=True)
            v["capital"] = cell(COL_CAPITAL, kit.amount, maximum=MAX_CAPITAL)
        else:
            v["employer"] = cell(COL_EMPLOYER, kit.text, max_length=MAX_TEXT, required=True)
            v["monthly_wage"] = cell(COL_WAGE, kit.amount, required=False)
        if cell.problems:
            result.refuse(number, cell.messages(number))
            continue
        detail, identifying = describe(kind, v)
        person = normalized or (name, birth, county)
        rows.append(
            {
                "row": number,
                "id_number": raw_id[:40],
                "id_normalized": normalized,
                "name": name,
                "birth_date": birth,
                "county_code": county if not normalized else (county or normalized[:6]),
                **v,
                "detail": detail[:200],
                "match_key": match_key(kind, person, *identifying),
            }
        )
    return result, rows


# -- Matching -----------------------------------------------------------------------------


def rule_condition(kind: str, rules: ComparisonRuleSet) -> tuple[str, list]:
    """The SQL condition on a list row ``r`` that breaks the kind's rule, and its parameters."""
    if kind == ListKind.DEATHS:
        return "r.death_date IS NOT NULL", []
    if kind == ListKind.VEHICLES:
        farm = list(rules.farm_vehicle_types or [])
        if not farm:
            return "1 = 1", []
        return f"r.vehicle_type NOT IN ({', '.join(['%s'] * len(farm))})", farm
    if kind == ListKind.PROPERTY:
        uses = list(rules.commercial_uses or [])
        commercial = f"r.house_use IN ({', '.join(['%s'] * len(uses))}) OR " if uses else ""
        return f"({commercial}r.floor_area > %s)", [*uses, str(rules.floor_area_max)]
    if kind == ListKind.BUSINESS:
        return "r.capital > %s", [str(rules.capital_max)]
    return "1 = 1", []


def scope_condition(column: str, code: str) -> tuple[str, list]:
    """``column`` within area ``code`` as a code range (the index's way, see fupin.areas.scope)."""
    if not code:
        return "1 = 1", []
    return f"{column} >= %s AND {column} < %s", [code, prefix_upper_bound(code)]


FLAG_COLUMNS = (
    "kind, rule_code, rule_version, match_key, village_id, household_id, member_id, reason, "
    "year, raised_on, status, resolution_note, list_row_id, weak_match, evidence"
)
HITS = "quality_hits"  # a temporary table of one list's matches, dropped at the end


@dataclasses.dataclass(frozen=True)
class Statement:
    """One statement of the matching: ``role`` is ``hits`` (collect the matches), ``flags``
    (raise the flags), ``count`` (a number to read) or ``drop``."""

    role: str
    sql: str
    params: list


def match_statements(
    *,
    list_id: int,
    kind: str,
    rules: ComparisonRuleSet,
    scope_code: str,
    suffix: str,
    today: datetime.date,
    weak_rows: bool = True,
    flag_table: str | None = None,
    row_table: str | None = None,
    member_table: str | None = None,
) -> list[Statement]:
    """The statements that match one list, in order (docs/data-quality.md, "Matching"):

    1. **one join** of the list's rows to the members by the normalised ID number (the
       members' unique index) into a temporary table of matches, within the list's area;
    2. when the list has rows without an ID number: the members read once against those
       rows' (name, birth date) set (SQLite builds a transient index for the ``IN``; there is
       no index on the members' names and birth dates to probe row by row), paired with their
       rows on county too — a weaker match, marked on its flags. ``CROSS JOIN`` keeps SQLite's
       planner to that order; PostgreSQL plans it as any join;
    3. the kind's rule over the matches only: ``INSERT … SELECT`` of open flags, ``ON CONFLICT
       (kind, rule_code, match_key) DO NOTHING`` so a row flagged before (open, confirmed or
       dismissed) is skipped;
    4. the rows matched (for the import's summary), then the temporary table dropped.

    Plain SQL for SQLite and PostgreSQL alike; bench/bench_compare.py runs the same statements
    (the table names given) on SQLite and DuckDB."""
    flag_table = flag_table or Flag._meta.db_table
    row_table = row_table or ListRow._meta.db_table
    member_table = member_table or "registry_member"
    condition, condition_params = rule_condition(kind, rules)
    scope, scope_params = scope_condition("m.village_id", scope_code)
    statements = [
        Statement(
            "hits",
            f"CREATE TEMP TABLE {HITS} AS "
            f"SELECT r.id AS row_id, m.id AS member_id, m.household_id, m.village_id, 0 AS weak "
            f"FROM {row_table} r JOIN {member_table} m ON m.id_number = r.id_normalized "
            f"WHERE r.department_list_id = %s AND r.id_normalized <> '' AND {scope}",
            [list_id, *scope_params],
        )
    ]
    if weak_rows:
        statements.append(
            Statement(
                "hits",
                f"INSERT INTO {HITS} (row_id, member_id, household_id, village_id, weak) "
                f"WITH w AS MATERIALIZED (SELECT id, name, birth_date, county_code "
                f"FROM {row_table} WHERE department_list_id = %s AND id_normalized = '') "
                f"SELECT w.id, m.id, m.household_id, m.village_id, 1 "
                f"FROM {member_table} m CROSS JOIN w "
                f"WHERE (m.name, m.birth_date) IN (SELECT name, birth_date FROM w) "
                f"AND m.name = w.name AND m.birth_date = w.birth_date "
                f"AND substr(m.village_id, 1, 6) = w.county_code AND {scope}",
                [list_id, *scope_params],
            )
        )
    statements += [
        Statement(
            "flags",
            f"INSERT INTO {flag_table} ({FLAG_COLUMNS}) "
            f"SELECT %s, %s, %s, r.match_key, h.village_id, h.household_id, h.member_id, "
            f"r.detail || CASE WHEN h.weak = 1 THEN %s ELSE %s END, %s, %s, %s, '', r.id, "
            f"h.weak = 1, '' "
            f"FROM {HITS} h JOIN {row_table} r ON r.id = h.row_id WHERE {condition} "
            f"ON CONFLICT (kind, rule_code, match_key) DO NOTHING",
            [
                Flag.Kind.COMPARISON,
                RULE_CODES[kind],
                rules.version,
                suffix + WEAK_NOTE,
                suffix,
                today.year,
                today,
                Flag.Status.OPEN,
                *condition_params,
            ],
        ),
        Statement("count", f"SELECT COUNT(DISTINCT row_id) FROM {HITS}", []),
        Statement("drop", f"DROP TABLE {HITS}", []),
    ]
    return statements


def match_list(
    department_list: DepartmentList, rules: ComparisonRuleSet, *, today: datetime.date
) -> dict[str, int]:
    """Match a written list against the members in its scope and raise its flags; return
    ``matched`` (rows naming a registered person), ``unmatched`` and ``flags_created``."""
    weak_rows = ListRow.objects.filter(department_list=department_list, id_normalized="").exists()
    created = matched = 0
    with connection.cursor() as cursor:
        for statement in match_statements(
            list_id=department_list.pk,
            kind=department_list.kind,
            rules=rules,
            scope_code=department_list.scope_code,
            suffix=f"（{department_list.label}）",
            today=today,
            weak_rows=weak_rows,
        ):
            cursor.execute(statement.sql, statement.params)
            if statement.role == "flags":
                created = max(cursor.rowcount, 0)
            elif statement.role == "count":
                matched = cursor.fetchone()[0]
    return {
        "matched": matched,
        "unmatched": department_list.rows - matched,
        "flags_created": created,
    }
