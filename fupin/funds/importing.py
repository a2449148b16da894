"""Funds, allocations and beneficiary lists from and to xlsx, all or nothing like the registry.

Three formats, told apart by their header (order free; ``*`` required):

* 资金 (funds): 资金名称*, 资金来源*, 资金级次*, 帮扶部门, 持有区划代码*, 金额（元）*,
  到位日期*, 用途, 使用条件, 上级资金名称 — with 上级资金名称 the row is a transfer down from
  that fund, held by a higher area. A fund is known by (持有区划代码, 资金名称, 到位日期).
* 资金分配 (allocations): 资金名称*, 资金持有区划代码*, 项目名称*, 项目区划代码*, 项目类型,
  金额（元）*, 下达日期* — a missing project is created (项目类型 then required).
* 受益对象 (beneficiaries): 项目名称*, 项目区划代码*, 嘎查村代码*, 户编号, 带贫模式, 金额（元）*,
  受益起始日期 — a row without 户编号 is the village's share, a row with one a household's share.

Every row is checked first (scope, right, codes, amounts to the fen, dates, and the limits:
a fund's remainder, a project's and a village share's remainder, counting the file's own
rows); one bad row refuses the whole file, each bad row named with its column and reason
(:func:`fupin.core.sheets.write_error_workbook` returns them). A good file is written
in one transaction with bulk inserts and their history. A row already in the database with the
same values is left as it is, so importing the same file twice changes nothing; the same key
with different values is refused. The export writes the same formats.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from fupin.accounts.models import EDIT_FUNDS
from fupin.areas.models import Area, Level
from fupin.areas.scope import user_can_see_code
from fupin.core import cells
from fupin.core.audit import audit
from fupin.core.cells import Problem, row_message
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


class _Rows:
    """The file's rows as dicts by column, with the errors of each row."""

    def __init__(self, sheet, kind: str, result: ImportResult):
        self.sheet, self.result = sheet, result
        self.rows = rows_by_column(sheet, COLUMNS[kind])
        self.problems: dict[int, list[Problem]] = defaultdict(list)

    def add(self, row: int, column: str, reason: str) -> None:
        self.problems[row].append(Problem(column, reason))

    def cell(self, row: int, column: str, parser, text: str, *args, **kwargs):
        """Parse a cell with one of :mod:`fupin.core.cells`' parsers (``None`` if it fails)."""
        try:
            return parser(text, *args, **kwargs)
        except cells.CellError as error:
            self.add(row, column, error.reason)
            return None

    def close(self) -> bool:
        for row in sorted(self.problems):
            self.result.refuse(row, [row_message(row, p) for p in self.problems[row]])
        return not self.problems


def import_workbook(path, *, actor, area_code: str) -> ImportResult:
    """Check and (if every row is good) write the file; see the module doc."""
    if not user_can_see_code(actor, area_code) or not actor.has_role_at(EDIT_FUNDS, area_code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    result = ImportResult(filename=Path(path).name, year=as_of().year)
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
    rows = _Rows(sheet, kind, result)
    importer = {FUNDS: _funds, ALLOCATIONS: _allocations, BENEFICIARIES: _beneficiaries}[kind]
    with transaction.atomic():
        counts = importer(rows, actor=actor, area_code=area_code)
        if not rows.close():
            transaction.set_rollback(True)
            return result
        result.counts = counts
        result.ok = True
        audit(actor, "funds.imported", area_code, file=result.filename, kind=kind, **counts)
    return result


def _areas(actor, area_code: str, codes) -> dict[str, Area]:
    found = Area.objects.filter(pk__in=set(codes)).within(area_code)
    return {a.code: a for a in found if user_can_see_code(actor, a.code)}


def _check_area(rows, n, column, code, areas, actor) -> Area | None:
    area = areas.get(code)
    if area is None:
        rows.add(n, column, MSG_AREA % {"value": code})
    elif not actor.has_role_at(EDIT_FUNDS, code):
        rows.add(n, column, MSG_NO_RIGHT % {"value": area.name})
        return None
    return area


def _common(rows, n, r, *, amount_col=COL_AMOUNT, dates=()):
    """Parse the row's amount (> 0, to the fen) and dates (not after today); the blank ones
    are ``None`` (:func:`_required` reports those that may not be blank)."""
    amount = rows.cell(n, amount_col, cells.amount, r[amount_col], positive=True, required=False)
    parsed = {
        column: rows.cell(n, column, cells.date, r[column], latest=as_of(), required=False)
        for column in dates
    }
    return amount, parsed


def _required(rows, n, r, kind) -> None:
    for column in REQUIRED[kind]:
        rows.cell(n, column, cells.required, r[column])


def _choice(rows, n, r, column, labels, *, required: bool):
    return rows.cell(n, column, cells.choice, r[column], labels, required=required)


def _remainders_of_funds(fund_ids) -> dict[int, Decimal]:
    """Each fund's amount minus its transfers and allocations (three queries)."""
    amounts = dict(Fund.objects.filter(pk__in=fund_ids).values_list("pk", "amount"))
    used = defaultdict(lambda: ZERO)
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
def _funds(rows: _Rows, *, actor, area_code: str) -> dict:
    data = rows.rows
    areas = _areas(actor, area_code, [r[COL_HOLDER] for _n, r in data])
    existing = {
        (f.area_id, f.name, f.received_on): f
        for f in Fund.objects.filter(
            area_id__in=list(areas), name__in={r[COL_FUND] for _n, r in data}
        )
    }
    parents_by_name = defaultdict(list)
    for f in Fund.objects.filter(name__in={r[COL_PARENT] for _n, r in data if r[COL_PARENT]}):
        parents_by_name[f.name].append(f)
    remainders = _remainders_of_funds([f.pk for fs in parents_by_name.values() for f in fs])
    new, seen, unchanged = [], {}, 0
    for n, r in data:
        _required(rows, n, r, FUNDS)
        source = _choice(rows, n, r, COL_SOURCE, SOURCE_LABELS, required=True)
        level = _choice(rows, n, r, COL_LEVEL, LEVEL_LABELS, required=True)
        amount, dates = _common(rows, n, r, dates=(COL_RECEIVED,))
        holder = None
        if r[COL_HOLDER]:
            holder = _check_area(rows, n, COL_HOLDER, r[COL_HOLDER], areas, actor)
            if holder is not None and holder.level not in (Level.PREFECTURE, Level.COUNTY):
                rows.add(n, COL_HOLDER, MSG_HOLDER_LEVEL)
        parent = None
        if r[COL_PARENT] and holder is not None:
            above = [
                f
                for f in parents_by_name.get(r[COL_PARENT], [])
                if holder.code.startswith(f.area_id) and f.area_id != holder.code
            ]
            if len(above) != 1:
                rows.add(n, COL_PARENT, MSG_NO_PARENT % {"value": r[COL_PARENT]})
            else:
                parent = above[0]
        if rows.problems.get(n) or amount is None or holder is None:
            continue
        key = (holder.code, r[COL_FUND], dates[COL_RECEIVED])
        first = seen.setdefault(key, n)
        if first != n:
            rows.add(n, COL_FUND, MSG_DUPLICATE % {"first": first})
            continue
        old = existing.get(key)
        if old is not None:
            if (old.amount, old.source, old.parent_id) != (
                amount,
                source,
                parent.pk if parent else None,
            ):
                rows.add(n, COL_FUND, MSG_CHANGED % {"what": MSG_YUAN % {"amount": old.amount}})
            else:
                unchanged += 1
            continue
        if parent is not None:
            left = remainders[parent.pk]
            if amount > left:
                rows.add(
                    n,
                    COL_AMOUNT,
                    MSG_FUND_OVER
                    % {"name": parent.name, "asked": _yuan(amount), "left": _yuan(left)},
                )
                continue
            remainders[parent.pk] = left - amount
        new.append(
            Fund(
                name=r[COL_FUND],
                source=source,
                level=level,
                department=r[COL_DEPT],
                area_id=holder.code,
                amount=amount,
                received_on=dates[COL_RECEIVED],
                purpose=r[COL_PURPOSE],
                conditions=r[COL_CONDITIONS],
                parent=parent,
            )
        )
    if rows.problems:
        return {}
    bulk_create_with_history(new, Fund, default_user=actor, default_change_reason="资金导入")
    return {"funds_created": len(new), "funds_unchanged": unchanged}


# --- allocations -----------------------------------------------------------------------------
def _allocations(rows: _Rows, *, actor, area_code: str) -> dict:
    data = rows.rows
    areas = _areas(
        actor,
        area_code,
        [r[COL_FUND_AREA] for _n, r in data] + [r[COL_PROJECT_AREA] for _n, r in data],
    )
    funds = defaultdict(list)
    for f in Fund.objects.filter(area_id__in=list(areas), name__in={r[COL_FUND] for _n, r in data}):
        funds[(f.area_id, f.name)].append(f)
    remainders = _remainders_of_funds([f.pk for fs in funds.values() for f in fs])
    projects = {
        (p.area_id, p.name): p
        for p in Project.objects.filter(
            area_id__in=list(areas), name__in={r[COL_PROJECT] for _n, r in data}
        )
    }
    existing = set(
        Allocation.objects.filter(project__in=list(projects.values())).values_list(
            "fund_id", "project_id", "allocated_on", "amount"
        )
    )
    new_projects: dict[tuple, Project] = {}
    todo, seen, unchanged = [], {}, 0
    for n, r in data:
        _required(rows, n, r, ALLOCATIONS)
        amount, dates = _common(rows, n, r, dates=(COL_DATE,))
        holder = r[COL_FUND_AREA] and _check_area(
            rows, n, COL_FUND_AREA, r[COL_FUND_AREA], areas, actor
        )
        place = r[COL_PROJECT_AREA] and _check_area(
            rows, n, COL_PROJECT_AREA, r[COL_PROJECT_AREA], areas, actor
        )
        fund = None
        if holder:
            found = funds.get((holder.code, r[COL_FUND]), [])
            if not found:
                rows.add(n, COL_FUND, MSG_NO_FUND % {"value": r[COL_FUND]})
            elif len(found) > 1:
                rows.add(n, COL_FUND, MSG_FUND_AMBIGUOUS % {"value": r[COL_FUND]})
            else:
                fund = found[0]
        if holder and place and not place.code.startswith(holder.code):
            rows.add(n, COL_PROJECT_AREA, MSG_OUTSIDE % {"value": holder.name})
        project_key = (place.code, r[COL_PROJECT]) if place else None
        project = projects.get(project_key) if project_key else None
        if place and project is None:
            type_ = _choice(rows, n, r, COL_TYPE, TYPE_LABELS, required=True)
            if type_ and project_key not in new_projects:
                new_projects[project_key] = Project(
                    name=r[COL_PROJECT],
                    type=type_,
                    area_id=place.code,
                    status=Project.Status.PLANNED,
                )
        if rows.problems.get(n) or fund is None or amount is None:
            continue
        key = (fund.pk, project_key, dates[COL_DATE], amount)
        first = seen.setdefault(key, n)
        if first != n:
            rows.add(n, COL_FUND, MSG_DUPLICATE % {"first": first})
            continue
        if project is not None and (fund.pk, project.pk, dates[COL_DATE], amount) in existing:
            unchanged += 1
            continue
        left = remainders[fund.pk]
        if amount > left:
            rows.add(
                n,
                COL_AMOUNT,
                MSG_FUND_OVER % {"name": fund.name, "asked": _yuan(amount), "left": _yuan(left)},
            )
            continue
        remainders[fund.pk] = left - amount
        todo.append((fund, project_key, amount, dates[COL_DATE]))
    if rows.problems:
        return {}
    created = bulk_create_with_history(
        list(new_projects.values()),
        Project,
        default_user=actor,
        default_change_reason="资金分配导入",
    )
    projects.update({(p.area_id, p.name): p for p in created})
    allocations = [
        Allocation(
            fund=fund,
            project=projects[key],
            area_id=key[0],
            amount=amount,
            allocated_on=day,
        )
        for fund, key, amount, day in todo
    ]
    bulk_create_with_history(
        allocations, Allocation, default_user=actor, default_change_reason="资金分配导入"
    )
    return {
        "projects_created": len(created),
        "allocations_created": len(allocations),
        "allocations_unchanged": unchanged,
    }


# --- beneficiaries ---------------------------------------------------------------------------
def _beneficiaries(rows: _Rows, *, actor, area_code: str) -> dict:
    data = rows.rows
    areas = _areas(
        actor,
        area_code,
        [r[COL_PROJECT_AREA] for _n, r in data] + [r[COL_VILLAGE] for _n, r in data],
    )
    projects = {
        (p.area_id, p.name): p
        for p in Project.objects.filter(
            area_id__in=list(areas), name__in={r[COL_PROJECT] for _n, r in data}
        )
    }
    ids = [p.pk for p in projects.values()]
    project_left = {p: ZERO for p in ids}
    for pk, s in (
        Allocation.objects.filter(project_id__in=ids).values("project_id").annotate(s=Sum("amount"))
    ).values_list("project_id", "s"):
        project_left[pk] += s
    shares = {}
    for share in VillageShare.objects.filter(project_id__in=ids):
        shares[(share.project_id, share.village_id)] = share
        project_left[share.project_id] -= share.amount
    share_left = {key: s.amount for key, s in shares.items()}
    for project_id, village, s in (
        HouseholdShare.objects.filter(project_id__in=ids)
        .values("project_id", "village_id")
        .annotate(s=Sum("amount"))
        .values_list("project_id", "village_id", "s")
    ):
        share_left[(project_id, village)] -= s
    households = {
        h.number: h
        for h in Household.objects.accessible_to(actor)
        .within(area_code)
        .filter(number__in={r[COL_NUMBER] for _n, r in data if r[COL_NUMBER]})
    }
    existing_households = {
        (s.project_id, s.household_id): s for s in HouseholdShare.objects.filter(project_id__in=ids)
    }
    new_villages: dict[tuple, VillageShare] = {}
    new_households = []
    seen, unchanged = {}, 0
    # Village rows first: a household row may use a village share of the same file.
    ordered = sorted(data, key=lambda nr: (bool(nr[1][COL_NUMBER]), nr[0]))
    for n, r in ordered:
        _required(rows, n, r, BENEFICIARIES)
        amount, dates = _common(rows, n, r, dates=(COL_SINCE,))
        place = r[COL_PROJECT_AREA] and _check_area(
            rows, n, COL_PROJECT_AREA, r[COL_PROJECT_AREA], areas, actor
        )
        village = r[COL_VILLAGE] and _check_area(rows, n, COL_VILLAGE, r[COL_VILLAGE], areas, actor)
        project = projects.get((place.code, r[COL_PROJECT])) if place else None
        if place and project is None:
            rows.add(n, COL_PROJECT, MSG_NO_PROJECT % {"value": r[COL_PROJECT]})
        if village and (
            village.level != Level.VILLAGE or (place and not village.code.startswith(place.code))
        ):
            rows.add(n, COL_VILLAGE, MSG_VILLAGE_OUTSIDE)
        model = None
        household = None
        if r[COL_NUMBER]:
            model = _choice(rows, n, r, COL_MODEL, MODEL_LABELS, required=True)
            household = households.get(r[COL_NUMBER])
            if household is None or (village and household.village_id != village.code):
                rows.add(n, COL_NUMBER, MSG_NO_HOUSEHOLD % {"value": r[COL_NUMBER]})
                household = None
        if rows.problems.get(n) or project is None or amount is None or not village:
            continue
        key = (project.pk, village.code, r[COL_NUMBER])
        first = seen.setdefault(key, n)
        if first != n:
            rows.add(
                n, COL_NUMBER if r[COL_NUMBER] else COL_VILLAGE, MSG_DUPLICATE % {"first": first}
            )
            continue
        share_key = (project.pk, village.code)
        if household is None:
            old = shares.get(share_key)
            if old is not None:
                if old.amount != amount:
                    rows.add(
                        n, COL_AMOUNT, MSG_CHANGED % {"what": MSG_YUAN % {"amount": old.amount}}
                    )
                else:
                    unchanged += 1
                continue
            left = project_left[project.pk]
            if amount > left:
                rows.add(
                    n,
                    COL_AMOUNT,
                    MSG_PROJECT_OVER
                    % {"name": project.name, "asked": _yuan(amount), "left": _yuan(left)},
                )
                continue
            project_left[project.pk] = left - amount
            share_left[share_key] = amount
            new_villages[share_key] = VillageShare(project=project, village=village, amount=amount)
            continue
        old = existing_households.get((project.pk, household.pk))
        if old is not None:
            if (old.amount, old.benefit_model) != (amount, model):
                rows.add(
                    n,
                    COL_NUMBER,
                    MSG_CHANGED
                    % {
                        "what": f"{old.get_benefit_model_display()} {MSG_YUAN % {'amount': old.amount}}"
                    },
                )
            else:
                unchanged += 1
            continue
        if share_key not in share_left:
            rows.add(n, COL_VILLAGE, MSG_NO_VILLAGE_SHARE)
            continue
        left = share_left[share_key]
        if amount > left:
            rows.add(
                n,
                COL_AMOUNT,
                MSG_VILLAGE_OVER
                % {
                    "name": project.name,
                    "village": village.name,
                    "asked": _yuan(amount),
                    "left": _yuan(left),
                },
            )
            continue
        share_left[share_key] = left - amount
        new_households.append(
            (
                share_key,
                HouseholdShare(
                    project=project,
                    household=household,
                    village_id=village.code,
                    benefit_model=model,
                    amount=amount,
                    since=dates[COL_SINCE] or as_of(),
                ),
            )
        )
    if rows.problems:
        return {}
    created = bulk_create_with_history(
        list(new_villages.values()),
        VillageShare,
        default_user=actor,
        default_change_reason="受益对象导入",
    )
    for share in created:
        shares[(share.project_id, share.village_id)] = share
    rows_ = []
    for share_key, row in new_households:
        row.village_share = shares[share_key]
        rows_.append(row)
    bulk_create_with_history(
        rows_, HouseholdShare, default_user=actor, default_change_reason="受益对象导入"
    )
    return {
        "village_shares_created": len(created),
        "household_shares_created": len(rows_),
        "rows_unchanged": unchanged,
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
