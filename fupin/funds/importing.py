"""Funds, allocations and beneficiary lists from and to xlsx, all or nothing like the registry.

Three formats, told apart by their header (order free; ``*`` required):

* 资金 (funds): 资金名称*, 资金来源*, 资金级次*, 帮扶部门, 持有区划代码*, 金额（元）*,
  到位日期*, 用途, 使用条件, 上级资金名称 — with 上级资金名称 the row is a transfer down from
  that fund, held by a higher area. A fund is known by (持有区划代码, 资金名称, 到位日期).
* 资金分配 (allocations): 资金名称*, 资金持有区划代码*, 项目名称*, 项目区划代码*, 项目类型,
  金额（元）*, 下达日期* — a missing project is created (项目类型 then required).
* 受益对象 (beneficiaries): 项目名称*, 项目区划代码*, 嘎查村代码*, 户编号, 带贫模式, 金额（元）*,
  受益起始日期 — a row without 户编号 is the village's share, a row with one a household's share.

Each format is imported in three phases (:data:`PHASES`). Parsing turns each row's cells into
a typed row with :mod:`fupin.core.cells`' parsers (amounts to the fen, dates), without the
database. Checking looks the file's codes and names up set-wise (scope, right, existing
records) and applies the limits: a fund's remainder, a project's and a village share's
remainder, counting the file's own rows. One bad row refuses the whole file, each bad row
named with its column and reason (:func:`fupin.core.sheets.write_error_workbook` returns
them). Writing puts a good file in one transaction with bulk inserts and their history. A row already in the database with the
same values is left as it is, so importing the same file twice changes nothing; the same key
with different values is refused. The export writes the same formats.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area, Level
from fupin.areas.scope import user_can_see_code
from fupin.core import cells
from fupin.core.cells import Cells, Problem, row_message
from fupin.core.clock import as_of
from fupin.core.sheets import (
    MSG_NO_ROWS,
    ImportResult,
    missing_columns_message,
    read_sheets,
    rows_by_column,
)
from fupin.registry.models import Household

from .models import (
    ZERO,
    Allocation,
    BenefitModel,
    Fund,
    FundLevel,
    HouseholdShare,
    Project,
    ProjectType,
    Source,
    VillageShare,
)
from .permissions import can_edit
from .services import allocations_import, beneficiaries_import, funds_import

FUNDS, ALLOCATIONS, BENEFICIARIES = "funds", "allocations", "beneficiaries"
KIND_LABELS = {FUNDS: _("资金"), ALLOCATIONS: _("资金分配"), BENEFICIARIES: _("受益对象")}
COL_FUND, COL_SOURCE, COL_LEVEL, COL_DEPT = "资金名称", "资金来源", "资金级次", "帮扶部门"
COL_HOLDER, COL_AMOUNT, COL_RECEIVED = "持有区划代码", "金额（元）", "到位日期"
COL_PURPOSE, COL_CONDITIONS, COL_PARENT = "用途", "使用条件", "上级资金名称"
COL_FUND_AREA, COL_PROJECT, COL_PROJECT_AREA = "资金持有区划代码", "项目名称", "项目区划代码"
COL_TYPE, COL_DATE = "项目类型", "下达日期"
COL_VILLAGE, COL_NUMBER, COL_MODEL, COL_SINCE = "嘎查村代码", "户编号", "带贫模式", "受益起始日期"
COLUMNS = {
    FUNDS: [
        COL_FUND,
        COL_SOURCE,
        COL_LEVEL,
        COL_DEPT,
        COL_HOLDER,
        COL_AMOUNT,
        COL_RECEIVED,
        COL_PURPOSE,
        COL_CONDITIONS,
        COL_PARENT,
    ],
    ALLOCATIONS: [
        COL_FUND,
        COL_FUND_AREA,
        COL_PROJECT,
        COL_PROJECT_AREA,
        COL_TYPE,
        COL_AMOUNT,
        COL_DATE,
    ],
    BENEFICIARIES: [
        COL_PROJECT,
        COL_PROJECT_AREA,
        COL_VILLAGE,
        COL_NUMBER,
        COL_MODEL,
        COL_AMOUNT,
        COL_SINCE,
    ],
}
REQUIRED = {
    FUNDS: [COL_FUND, COL_SOURCE, COL_LEVEL, COL_HOLDER, COL_AMOUNT, COL_RECEIVED],
    ALLOCATIONS: [COL_FUND, COL_FUND_AREA, COL_PROJECT, COL_PROJECT_AREA, COL_AMOUNT, COL_DATE],
    BENEFICIARIES: [COL_PROJECT, COL_PROJECT_AREA, COL_VILLAGE, COL_AMOUNT],
}

MSG_AREA = _("区划代码“%(value)s”不存在或不在您的权限范围内")
MSG_NO_RIGHT = _("您没有在“%(value)s”管理资金项目的权限")
MSG_HOLDER_LEVEL = _("资金只能由盟市或旗县市持有")
MSG_NO_FUND = _("资金“%(value)s”不存在或不在您的权限范围内")
MSG_FUND_AMBIGUOUS = _("资金名称“%(value)s”在该区划不唯一")
MSG_NO_PARENT = _("上级资金“%(value)s”不存在于上级区划")
MSG_FUND_OVER = _("资金“%(name)s”余额不足：申请 %(asked)s 元，可用余额 %(left)s 元")
MSG_PROJECT_OVER = _("项目“%(name)s”未分到村的余额不足：申请 %(asked)s 元，余额 %(left)s 元")
MSG_VILLAGE_OVER = _("项目“%(name)s”在%(village)s的份额不足：申请 %(asked)s 元，余额 %(left)s 元")
MSG_NO_PROJECT = _("项目“%(value)s”不存在")
MSG_OUTSIDE = _("项目区划不在资金持有区划“%(value)s”范围内")
MSG_VILLAGE_OUTSIDE = _("嘎查村不在项目区划范围内")
MSG_NO_HOUSEHOLD = _("户编号“%(value)s”不存在、不在该嘎查村或不在您的权限范围内")
MSG_NO_VILLAGE_SHARE = _("该项目在该嘎查村没有村级份额（先导入不填户编号的村级行）")
MSG_CHANGED = _("已存在且内容不同（%(what)s）")
MSG_YUAN = _("%(amount)s 元")
MSG_DUPLICATE = _("与第%(first)s行重复")
MSG_NOT_ALLOWED = _("您没有导入资金项目的权限")
MSG_UNKNOWN = _("无法识别文件类型：表头应为资金、资金分配或受益对象的格式（可下载模板）")

SOURCE_LABELS = {str(label): value for value, label in Source.choices}
LEVEL_LABELS = {str(label): value for value, label in FundLevel.choices}
TYPE_LABELS = {str(label): value for value, label in ProjectType.choices}
MODEL_LABELS = {str(label): value for value, label in BenefitModel.choices}
FEN = Decimal("0.01")


def coded_columns() -> dict[str, list[str]]:
    """Each coded column with its accepted (Chinese) labels: the templates' drop-downs."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return {
            column: [str(label) for _value, label in choices.choices]
            for column, choices in (
                (COL_SOURCE, Source),
                (COL_LEVEL, FundLevel),
                (COL_TYPE, ProjectType),
                (COL_MODEL, BenefitModel),
            )
        }


def detect_kind(headers) -> str:
    names = set(headers)
    if COL_NUMBER in names or COL_VILLAGE in names:
        return BENEFICIARIES
    if COL_FUND_AREA in names or COL_DATE in names:
        return ALLOCATIONS
    if COL_HOLDER in names or COL_RECEIVED in names:
        return FUNDS
    return ""


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def import_workbook(path, *, actor, area_code: str) -> ImportResult:
    """Parse, check and (if every row is good) write the file; see the module doc."""
    if not user_can_see_code(actor, area_code) or not can_edit(actor, area_code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    today = as_of()
    result = ImportResult(filename=Path(path).name, year=today.year)
    sheets = [s for s in read_sheets(Path(path)) if s.headers and detect_kind(s.headers)]
    if not sheets:
        result.errors.append((1, [str(MSG_UNKNOWN)]))
        return result
    sheet = sheets[0]
    kind = detect_kind(sheet.headers)
    result.kind = kind
    result.sheets = [sheet]
    result.rows = len(sheet.rows)
    if not sheet.rows:
        result.errors.append((1, [str(MSG_NO_ROWS)]))
        return result
    missing = [c for c in REQUIRED[kind] if c not in sheet.headers]
    if missing:
        result.refuse(1, [missing_columns_message(missing)])
        return result
    parse, check, write = PHASES[kind]
    rows = parse(rows_by_column(sheet, COLUMNS[kind]), today=today)
    with transaction.atomic():
        plan = check(rows, actor=actor, area_code=area_code)
        bad = [row for row in rows if row.problems]
        if bad:
            for row in sorted(bad, key=lambda row: row.number):
                result.refuse(row.number, [row_message(row.number, p) for p in row.problems])
            return result
        result.counts = write(actor=actor, area_code=area_code, plan=plan, filename=result.filename)
        result.ok = True
    return result


# --- the typed rows and the phases' helpers -------------------------------------------------
@dataclasses.dataclass
class _Row:
    """One parsed row: its number as Excel shows it and what is wrong with it (the parse
    phase's problems, then the check phase's)."""

    number: int
    problems: list[Problem]

    def add(self, column: str, reason) -> None:
        self.problems.append(Problem(column, reason))


def _parse_required(cell: Cells, kind: str, parsed: tuple[str, ...]) -> None:
    """Refuse the blank required cells not parsed on their own (those in ``parsed`` are)."""
    for column in REQUIRED[kind]:
        if column not in parsed:
            cell(column, cells.required)


def _areas(actor, area_code: str, codes) -> dict[str, Area]:
    found = Area.objects.filter(pk__in=set(codes)).within(area_code)
    return {a.code: a for a in found if user_can_see_code(actor, a.code)}


def _check_area(row: _Row, column: str, code: str, areas, actor) -> Area | None:
    area = areas.get(code)
    if area is None:
        row.add(column, MSG_AREA % {"value": code})
    elif not can_edit(actor, code):
        row.add(column, MSG_NO_RIGHT % {"value": area.name})
        return None
    return area


def _remainders_of_funds(fund_ids) -> dict[int, Decimal]:
    """Each fund's amount minus its transfers and allocations (three queries)."""
    amounts = dict(Fund.objects.filter(pk__in=fund_ids).values_list("pk", "amount"))
    used: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    for pk, s in (
        Fund.objects.filter(parent_id__in=fund_ids)
        .values("parent_id")
        .annotate(s=Sum("amount"))
        .values_list("parent_id", "s")
    ):
        used[pk] += s
    for pk, s in (
        Allocation.objects.filter(fund_id__in=fund_ids)
        .values("fund_id")
        .annotate(s=Sum("amount"))
        .values_list("fund_id", "s")
    ):
        used[pk] += s
    return {pk: (amount - used[pk]).quantize(FEN) for pk, amount in amounts.items()}


# --- funds -----------------------------------------------------------------------------------
@dataclasses.dataclass
class FundRow(_Row):
    name: str
    source: str | None
    level: str | None
    department: str
    holder: str
    amount: Decimal | None
    received_on: datetime.date | None
    purpose: str
    conditions: str
    parent: str


@dataclasses.dataclass
class FundPlan:
    """What a good funds file writes: each new fund's row with its holder and parent."""

    new: list[tuple[FundRow, str, Fund | None]] = dataclasses.field(default_factory=list)
    unchanged: int = 0


def parse_funds(data, *, today: datetime.date) -> list[FundRow]:
    rows = []
    for number, r in data:
        cell = Cells(r)
        _parse_required(cell, FUNDS, (COL_SOURCE, COL_LEVEL, COL_AMOUNT, COL_RECEIVED))
        rows.append(
            FundRow(
                number=number,
                problems=cell.problems,
                name=r[COL_FUND],
                source=cell(COL_SOURCE, cells.choice, SOURCE_LABELS),
                level=cell(COL_LEVEL, cells.choice, LEVEL_LABELS),
                department=r[COL_DEPT],
                holder=r[COL_HOLDER],
                amount=cell(COL_AMOUNT, cells.amount, positive=True),
                received_on=cell(COL_RECEIVED, cells.date, latest=today),
                purpose=r[COL_PURPOSE],
                conditions=r[COL_CONDITIONS],
                parent=r[COL_PARENT],
            )
        )
    return rows


def check_funds(rows: list[FundRow], *, actor, area_code: str) -> FundPlan:
    areas = _areas(actor, area_code, [row.holder for row in rows])
    existing: dict[tuple[str, str, datetime.date | None], Fund] = {
        (f.area_id, f.name, f.received_on): f
        for f in Fund.objects.filter(area_id__in=list(areas), name__in={row.name for row in rows})
    }
    parents_by_name = defaultdict(list)
    for f in Fund.objects.filter(name__in={row.parent for row in rows if row.parent}):
        parents_by_name[f.name].append(f)
    remainders = _remainders_of_funds([f.pk for fs in parents_by_name.values() for f in fs])
    plan = FundPlan()
    seen: dict[tuple, int] = {}
    for row in rows:
        holder = None
        if row.holder:
            holder = _check_area(row, COL_HOLDER, row.holder, areas, actor)
            if holder is not None and holder.level not in (Level.PREFECTURE, Level.COUNTY):
                row.add(COL_HOLDER, MSG_HOLDER_LEVEL)
        parent = None
        if row.parent and holder is not None:
            above = [
                f
                for f in parents_by_name.get(row.parent, [])
                if holder.code.startswith(f.area_id) and f.area_id != holder.code
            ]
            if len(above) != 1:
                row.add(COL_PARENT, MSG_NO_PARENT % {"value": row.parent})
            else:
                parent = above[0]
        if row.problems or row.amount is None or holder is None:
            continue
        key = (holder.code, row.name, row.received_on)
        first = seen.setdefault(key, row.number)
        if first != row.number:
            row.add(COL_FUND, MSG_DUPLICATE % {"first": first})
            continue
        old = existing.get(key)
        if old is not None:
            if (old.amount, old.source, old.parent_id) != (
                row.amount,
                row.source,
                parent.pk if parent else None,
            ):
                row.add(COL_FUND, MSG_CHANGED % {"what": MSG_YUAN % {"amount": old.amount}})
            else:
                plan.unchanged += 1
            continue
        if parent is not None:
            left = remainders[parent.pk]
            if row.amount > left:
                row.add(
                    COL_AMOUNT,
                    MSG_FUND_OVER
                    % {"name": parent.name, "asked": _yuan(row.amount), "left": _yuan(left)},
                )
                continue
            remainders[parent.pk] = left - row.amount
        plan.new.append((row, holder.code, parent))
    return plan


# --- allocations -----------------------------------------------------------------------------
@dataclasses.dataclass
class AllocationRow(_Row):
    fund: str
    holder: str
    project: str
    place: str
    type: str | None
    # 项目类型 is needed (and its problem reported) only when the row creates its project.
    type_problem: Problem | None
    amount: Decimal | None
    allocated_on: datetime.date | None


@dataclasses.dataclass
class AllocationPlan:
    """What a good allocations file writes: the projects it creates (by area and name), the
    projects it uses, and each new allocation."""

    new_projects: dict[tuple[str, str], AllocationRow] = dataclasses.field(default_factory=dict)
    projects: dict[tuple[str, str], Project] = dataclasses.field(default_factory=dict)
    new: list[tuple[Fund, tuple[str, str], AllocationRow]] = dataclasses.field(default_factory=list)
    unchanged: int = 0


def parse_allocations(data, *, today: datetime.date) -> list[AllocationRow]:
    rows = []
    for number, r in data:
        cell = Cells(r)
        _parse_required(cell, ALLOCATIONS, (COL_AMOUNT, COL_DATE))
        type_, type_problem = None, None
        try:
            type_ = cells.choice(r[COL_TYPE], TYPE_LABELS)
        except cells.CellError as error:
            type_problem = Problem(COL_TYPE, error.reason)
        rows.append(
            AllocationRow(
                number=number,
                problems=cell.problems,
                fund=r[COL_FUND],
                holder=r[COL_FUND_AREA],
                project=r[COL_PROJECT],
                place=r[COL_PROJECT_AREA],
                type=type_,
                type_problem=type_problem,
                amount=cell(COL_AMOUNT, cells.amount, positive=True),
                allocated_on=cell(COL_DATE, cells.date, latest=today),
            )
        )
    return rows


def check_allocations(rows: list[AllocationRow], *, actor, area_code: str) -> AllocationPlan:
    areas = _areas(actor, area_code, [row.holder for row in rows] + [row.place for row in rows])
    funds = defaultdict(list)
    for f in Fund.objects.filter(area_id__in=list(areas), name__in={row.fund for row in rows}):
        funds[(f.area_id, f.name)].append(f)
    remainders = _remainders_of_funds([f.pk for fs in funds.values() for f in fs])
    plan = AllocationPlan()
    plan.projects = {
        (p.area_id, p.name): p
        for p in Project.objects.filter(
            area_id__in=list(areas), name__in={row.project for row in rows}
        )
    }
    existing = set(
        Allocation.objects.filter(project__in=list(plan.projects.values())).values_list(
            "fund_id", "project_id", "allocated_on", "amount"
        )
    )
    seen: dict[tuple, int] = {}
    for row in rows:
        holder = row.holder and _check_area(row, COL_FUND_AREA, row.holder, areas, actor)
        place = row.place and _check_area(row, COL_PROJECT_AREA, row.place, areas, actor)
        fund = None
        if holder:
            found = funds.get((holder.code, row.fund), [])
            if not found:
                row.add(COL_FUND, MSG_NO_FUND % {"value": row.fund})
            elif len(found) > 1:
                row.add(COL_FUND, MSG_FUND_AMBIGUOUS % {"value": row.fund})
            else:
                fund = found[0]
        if holder and place and not place.code.startswith(holder.code):
            row.add(COL_PROJECT_AREA, MSG_OUTSIDE % {"value": holder.name})
        project_key = (place.code, row.project) if place else None
        project = plan.projects.get(project_key) if project_key else None
        if project_key is not None and project is None:
            if row.type_problem is not None:
                row.problems.append(row.type_problem)
            else:
                plan.new_projects.setdefault(project_key, row)
        if row.problems or fund is None or row.amount is None or project_key is None:
            continue
        key = (fund.pk, project_key, row.allocated_on, row.amount)
        first = seen.setdefault(key, row.number)
        if first != row.number:
            row.add(COL_FUND, MSG_DUPLICATE % {"first": first})
            continue
        if project is not None and (fund.pk, project.pk, row.allocated_on, row.amount) in existing:
            plan.unchanged += 1
            continue
        left = remainders[fund.pk]
        if row.amount > left:
            row.add(
                COL_AMOUNT,
                MSG_FUND_OVER
                % {"name": fund.name, "asked": _yuan(row.amount), "left": _yuan(left)},
            )
            continue
        remainders[fund.pk] = left - row.amount
        plan.new.append((fund, project_key, row))
    return plan


# --- beneficiaries ---------------------------------------------------------------------------
@dataclasses.dataclass
class BeneficiaryRow(_Row):
    project: str
    place: str
    village: str
    household: str  # 户编号: blank for the village's share
    model: str | None
    amount: Decimal | None
    since: datetime.date | None  # blank: the day of the import


@dataclasses.dataclass
class BeneficiaryPlan:
    """What a good beneficiaries file writes: the new village shares' rows (by project and
    village, with the project and the village), the shares already there, and each new
    household share's row with its project, household and the key of its village's share."""

    new_villages: dict[tuple[int, str], tuple[Project, Area, BeneficiaryRow]] = dataclasses.field(
        default_factory=dict
    )
    shares: dict[tuple[int, str], VillageShare] = dataclasses.field(default_factory=dict)
    new_households: list[tuple[tuple[int, str], Project, Household, BeneficiaryRow]] = (
        dataclasses.field(default_factory=list)
    )
    unchanged: int = 0


def parse_beneficiaries(data, *, today: datetime.date) -> list[BeneficiaryRow]:
    rows = []
    for number, r in data:
        cell = Cells(r)
        _parse_required(cell, BENEFICIARIES, (COL_AMOUNT,))
        rows.append(
            BeneficiaryRow(
                number=number,
                problems=cell.problems,
                project=r[COL_PROJECT],
                place=r[COL_PROJECT_AREA],
                village=r[COL_VILLAGE],
                household=r[COL_NUMBER],
                model=cell(COL_MODEL, cells.choice, MODEL_LABELS) if r[COL_NUMBER] else None,
                amount=cell(COL_AMOUNT, cells.amount, positive=True),
                since=cell(COL_SINCE, cells.date, latest=today, required=False, blank=today),
            )
        )
    return rows


def check_beneficiaries(rows: list[BeneficiaryRow], *, actor, area_code: str) -> BeneficiaryPlan:
    areas = _areas(actor, area_code, [row.place for row in rows] + [row.village for row in rows])
    plan = BeneficiaryPlan()
    projects = {
        (p.area_id, p.name): p
        for p in Project.objects.filter(
            area_id__in=list(areas), name__in={row.project for row in rows}
        )
    }
    ids = [p.pk for p in projects.values()]
    project_left = {p: ZERO for p in ids}
    for pk, s in (
        Allocation.objects.filter(project_id__in=ids).values("project_id").annotate(s=Sum("amount"))
    ).values_list("project_id", "s"):
        project_left[pk] += s
    for share in VillageShare.objects.filter(project_id__in=ids):
        plan.shares[(share.project_id, share.village_id)] = share
        project_left[share.project_id] -= share.amount
    share_left = {key: s.amount for key, s in plan.shares.items()}
    for project_id, village_code, s in (
        HouseholdShare.objects.filter(project_id__in=ids)
        .values("project_id", "village_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "village_id", "s")
    ):
        share_left[(project_id, village_code)] -= s
    households = {
        h.number: h
        for h in Household.objects.accessible_to(actor)
        .within(area_code)
        .filter(number__in={row.household for row in rows if row.household})
    }
    existing_households = {
        (s.project_id, s.household_id): s for s in HouseholdShare.objects.filter(project_id__in=ids)
    }
    seen: dict[tuple, int] = {}
    # Village rows first: a household row may use a village share of the same file.
    for row in sorted(rows, key=lambda row: (bool(row.household), row.number)):
        place = row.place and _check_area(row, COL_PROJECT_AREA, row.place, areas, actor)
        village = row.village and _check_area(row, COL_VILLAGE, row.village, areas, actor)
        project = projects.get((place.code, row.project)) if place else None
        if place and project is None:
            row.add(COL_PROJECT, MSG_NO_PROJECT % {"value": row.project})
        if village and (
            village.level != Level.VILLAGE or (place and not village.code.startswith(place.code))
        ):
            row.add(COL_VILLAGE, MSG_VILLAGE_OUTSIDE)
        household = None
        if row.household:
            household = households.get(row.household)
            if household is None or (village and household.village_id != village.code):
                row.add(COL_NUMBER, MSG_NO_HOUSEHOLD % {"value": row.household})
                household = None
        if row.problems or project is None or row.amount is None or not village:
            continue
        key = (project.pk, village.code, row.household)
        first = seen.setdefault(key, row.number)
        if first != row.number:
            row.add(COL_NUMBER if row.household else COL_VILLAGE, MSG_DUPLICATE % {"first": first})
            continue
        share_key = (project.pk, village.code)
        if household is None:
            old = plan.shares.get(share_key)
            if old is not None:
                if old.amount != row.amount:
                    row.add(COL_AMOUNT, MSG_CHANGED % {"what": MSG_YUAN % {"amount": old.amount}})
                else:
                    plan.unchanged += 1
                continue
            left = project_left[project.pk]
            if row.amount > left:
                row.add(
                    COL_AMOUNT,
                    MSG_PROJECT_OVER
                    % {"name": project.name, "asked": _yuan(row.amount), "left": _yuan(left)},
                )
                continue
            project_left[project.pk] = left - row.amount
            share_left[share_key] = row.amount
            plan.new_villages[share_key] = (project, village, row)
            continue
        old_share = existing_households.get((project.pk, household.pk))
        if old_share is not None:
            if (old_share.amount, old_share.benefit_model) != (row.amount, row.model):
                yuan = MSG_YUAN % {"amount": old_share.amount}
                what = f"{old_share.get_benefit_model_display()} {yuan}"
                row.add(COL_NUMBER, MSG_CHANGED % {"what": what})
            else:
                plan.unchanged += 1
            continue
        if share_key not in share_left:
            row.add(COL_VILLAGE, MSG_NO_VILLAGE_SHARE)
            continue
        left = share_left[share_key]
        if row.amount > left:
            row.add(
                COL_AMOUNT,
                MSG_VILLAGE_OVER
                % {
                    "name": project.name,
                    "village": village.name,
                    "asked": _yuan(row.amount),
                    "left": _yuan(left),
                },
            )
            continue
        share_left[share_key] = left - row.amount
        plan.new_households.append((share_key, project, household, row))
    return plan


# Each format's phases: parse (cells → typed rows, no database), check (set-based lookups,
# every problem on its row), write (the funds service: right and scope checked, set-based,
# audited, in the import's transaction).
PHASES: dict[str, tuple[Any, Any, Any]] = {
    FUNDS: (parse_funds, check_funds, funds_import),
    ALLOCATIONS: (parse_allocations, check_allocations, allocations_import),
    BENEFICIARIES: (parse_beneficiaries, check_beneficiaries, beneficiaries_import),
}


# --- export and templates --------------------------------------------------------------------
def export_rows(user, kind: str, code: str):
    """Yield the header and the rows of ``kind`` within ``code``, in the import format."""
    yield COLUMNS[kind]
    if kind == FUNDS:
        funds = (
            Fund.objects.accessible_to(user)
            .within(code)
            .select_related("parent")
            .order_by("area_id", "received_on", "pk")
        )
        funds = sorted(funds, key=lambda f: (len(f.area_id), f.received_on, f.pk))
        for f in funds:
            yield [
                f.name,
                f.get_source_display(),
                f.get_level_display(),
                f.department,
                f.area_id,
                f.amount,
                f.received_on,
                f.purpose,
                f.conditions,
                f.parent.name if f.parent_id and f.parent.area_id.startswith(code) else "",
            ]
    elif kind == ALLOCATIONS:
        for a in (
            Allocation.objects.accessible_to(user)
            .within(code, field="fund__area_id")
            .select_related("fund", "project")
            .order_by("allocated_on", "pk")
        ):
            yield [
                a.fund.name,
                a.fund.area_id,
                a.project.name,
                a.project.area_id,
                a.project.get_type_display(),
                a.amount,
                a.allocated_on,
            ]
    else:
        for s in (
            VillageShare.objects.accessible_to(user)
            .within(code)
            .select_related("project")
            .order_by("project_id", "village_id")
        ):
            yield [s.project.name, s.project.area_id, s.village_id, "", "", s.amount, ""]
        for h in (
            HouseholdShare.objects.accessible_to(user)
            .within(code)
            .select_related("project", "household")
            .order_by("project_id", "village_id", "pk")
        ):
            yield [
                h.project.name,
                h.project.area_id,
                h.village_id,
                h.household.number,
                h.get_benefit_model_display(),
                h.amount,
                h.since,
            ]
