"""Every write of funds, projects, allocations, beneficiaries and dividends.

Keyword-only arguments, one transaction each, the actor's right (``EDIT_FUNDS``) checked at
the area of the row, and the parent row locked (``select_for_update``) before its remainder is
computed, so two clerks allocating the same fund at once cannot both take its last yuan.
Refusals are ``ValidationError``s in Chinese that name the fund or project, the amount asked
and the remainder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fupin.accounts.models import User
from fupin.areas.models import Area, Level
from fupin.areas.scope import user_can_see_code
from fupin.core.audit import (
    ALLOCATION_CREATED,
    ALLOCATIONS_IMPORTED,
    BENEFICIARIES_IMPORTED,
    DIVIDENDS_PAID,
    FUND_RECORDED,
    FUND_TRANSFERRED,
    FUNDS_IMPORTED,
    HOUSEHOLD_SHARES_CREATED,
    PROJECT_CREATED,
    PROJECT_PROGRESS_REPORTED,
    VILLAGE_SHARE_ADDED,
    audit,
    fen,
    save_with_reason,
)
from fupin.registry.models import Household, IncomeRecord

from .models import (
    ZERO,
    Allocation,
    BenefitModel,
    Dividend,
    Fund,
    HouseholdShare,
    Project,
    ProjectProgress,
    VillageShare,
)
from .permissions import can_edit

if TYPE_CHECKING:  # the import's plans (the import calls these services)
    from .importing import AllocationPlan, BeneficiaryPlan, FundPlan

FEN = Decimal("0.01")
T = TypeVar("T")
MAX_AMOUNT = Decimal("1e12")
# An amount as a form, a sheet or a caller gives it, in yuan; parse_money checks it.
Money = Decimal | int | str

MSG_NO_RIGHT = _("您没有在“%(area)s”管理资金项目的权限")
MSG_IMPORT_NOT_ALLOWED = _("您没有导入资金项目的权限")
MSG_AMOUNT = _("金额“%(value)s”无效：应为大于 0 的数字，最多两位小数（精确到分）")
MSG_FUND_OVER = _("资金“%(name)s”余额不足：申请 %(asked)s 元，可用余额 %(left)s 元")
MSG_PROJECT_OVER = _("项目“%(name)s”已下达资金不足：申请 %(asked)s 元，未分到村的余额 %(left)s 元")
MSG_VILLAGE_OVER = _(
    "项目“%(name)s”在%(village)s的村级份额不足：申请 %(asked)s 元，未分到户的余额 %(left)s 元"
)
MSG_DIVIDEND_OVER = _("项目“%(name)s”分红超过其持有资金：本次 %(asked)s 元，可发放余额 %(left)s 元")
MSG_TRANSFER_AREA = _("只能下拨给“%(area)s”的下级区划")
MSG_ALLOCATE_AREA = _("项目“%(project)s”不在资金“%(fund)s”持有区划“%(area)s”范围内")
MSG_VILLAGE_AREA = _("嘎查村“%(village)s”不在项目“%(project)s”的区划范围内")
MSG_NOT_VILLAGE = _("“%(code)s”不是嘎查村")
MSG_HOUSEHOLD_VILLAGE = _("户“%(number)s”不属于%(village)s")
MSG_ALREADY_SHARE = _("户“%(number)s”已是项目“%(project)s”的受益户")
MSG_DIVIDEND_PAID = _("项目“%(project)s”%(year)s年分红已发放（%(count)s户）")
MSG_NO_ASSET_HOUSEHOLDS = _("项目“%(project)s”没有资产收益式受益户")
MSG_DIVIDEND_HOW = _("请填写每户金额或按份额的分红比例（二选一）")
MSG_DATE_FUTURE = _("日期不能晚于 %(today)s")
REASON_DIVIDEND = "项目分红：{project}（{year}年）"


def parse_money(value: object, *, field: str = "amount") -> Decimal:
    """Parse yuan as Decimal; refuse floats' noise, negatives and more than two decimals."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: MSG_AMOUNT % {"value": value}}) from None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount >= MAX_AMOUNT
        or amount != amount.quantize(FEN)
    ):
        raise ValidationError({field: MSG_AMOUNT % {"value": value}})
    return amount.quantize(FEN)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _check_right(actor: User, code: str) -> None:
    if not can_edit(actor, code):
        name = Area.objects.filter(pk=code).values_list("name", flat=True).first() or code
        raise PermissionDenied(MSG_NO_RIGHT % {"area": name})


def _within(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def _sum(qs: QuerySet[Any]) -> Decimal:
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


# --- remainders (also shown on the pages) ------------------------------------------------------
def fund_remainder(fund: Fund) -> Decimal:
    """What is left of a fund after its transfers down and its allocations to projects."""
    return fund.amount - _sum(Fund.objects.filter(parent=fund)) - _sum(fund.allocations.all())


def project_held(project: Project) -> Decimal:
    """What a project holds: the sum of its allocations."""
    return _sum(project.allocations.all())


def project_remainder(project: Project) -> Decimal:
    """Allocated to the project but not yet shared out to villages."""
    return project_held(project) - _sum(project.village_shares.all())


def village_share_remainder(share: VillageShare) -> Decimal:
    return share.amount - _sum(share.household_shares.all())


def dividend_remainder(project: Project) -> Decimal:
    """What the project may still pay out in dividends over all years."""
    return project_held(project) - _sum(project.dividends.all())


# --- funds -------------------------------------------------------------------------------------
@transaction.atomic
def fund_record(
    *,
    actor: User,
    name: str,
    source: str,
    level: str,
    area: str,
    amount: Money,
    received_on: datetime.date,
    department: str = "",
    purpose: str = "",
    conditions: str = "",
    reason: str = "",
) -> Fund:
    """Record a fund as it arrives at an area (league or county)."""
    _check_right(actor, area)
    fund = Fund(
        name=name,
        source=source,
        level=level,
        area_id=area,
        amount=parse_money(amount),
        received_on=received_on,
        department=department,
        purpose=purpose,
        conditions=conditions,
    )
    fund.full_clean()
    save_with_reason(fund, actor=actor, reason=reason or "资金到位")
    audit(actor, FUND_RECORDED, fund.pk, area=area, amount_fen=fen(fund.amount))
    return fund


@transaction.atomic
def fund_transfer(
    *, actor: User, parent: Fund, area: str, amount: Money, date: datetime.date, reason: str = ""
) -> Fund:
    """Transfer part of a fund down to a lower area: a child fund held there."""
    parent = Fund.objects.select_for_update().get(pk=parent.pk)
    _check_right(actor, parent.area_id)
    amount = parse_money(amount)
    if area == parent.area_id or not _within(area, parent.area_id):
        raise ValidationError({"area": MSG_TRANSFER_AREA % {"area": parent.area.name}})
    target = Area.objects.filter(pk=area).first()
    if target is None:
        raise ValidationError({"area": MSG_TRANSFER_AREA % {"area": parent.area.name}})
    left = fund_remainder(parent)
    if amount > left:
        raise ValidationError(
            {
                "amount": MSG_FUND_OVER
                % {"name": parent.name, "asked": _yuan(amount), "left": _yuan(left)}
            }
        )
    child = Fund(
        name=parent.name,
        source=parent.source,
        level=parent.level,
        department=parent.department,
        area=target,
        amount=amount,
        received_on=date,
        purpose=parent.purpose,
        conditions=parent.conditions,
        parent=parent,
    )
    save_with_reason(child, actor=actor, reason=reason or f"由{parent.area.name}下拨")
    audit(
        actor,
        FUND_TRANSFERRED,
        child.pk,
        parent=parent.pk,
        area=area,
        amount_fen=fen(amount),
        remainder_fen=[fen(left), fen(left - amount)],
    )
    return child


# --- projects ----------------------------------------------------------------------------------
@transaction.atomic
def project_create(*, actor: User, area: str, reason: str = "", **fields: Any) -> Project:
    _check_right(actor, area)
    if "budget" in fields and fields["budget"] not in (None, ""):
        fields["budget"] = parse_money(fields["budget"], field="budget")
    else:
        fields["budget"] = ZERO
    project = Project(area_id=area, **fields)
    project.full_clean()
    save_with_reason(project, actor=actor, reason=reason or "新建项目")
    audit(actor, PROJECT_CREATED, project.pk, area=area, budget_fen=fen(project.budget))
    return project


@transaction.atomic
def project_progress_report(
    *, actor: User, project: Project, reported_on: datetime.date, percent: int, note: str = ""
) -> ProjectProgress:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_right(actor, project.area_id)
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("完成进度应在 0 至 100 之间")})
    row = ProjectProgress(
        project=project,
        area_id=project.area_id,
        reported_on=reported_on,
        percent=percent,
        note=note,
    )
    save_with_reason(row, actor=actor)
    status = Project.Status.COMPLETED if int(percent) == 100 else Project.Status.IN_PROGRESS
    before = project.status
    if project.status != status and project.status != Project.Status.SUSPENDED:
        project.status = status
        save_with_reason(project, actor=actor, reason="进度报告", update_fields=["status"])
    audit(
        actor,
        PROJECT_PROGRESS_REPORTED,
        project.pk,
        percent=int(percent),
        status=[before, project.status],
    )
    return row


@transaction.atomic
def allocation_create(
    *,
    actor: User,
    fund: Fund,
    project: Project,
    amount: Money,
    date: datetime.date,
    reason: str = "",
) -> Allocation:
    """Put part of a fund into a project in the fund holder's area."""
    fund = Fund.objects.select_for_update().select_related("area").get(pk=fund.pk)
    project = Project.objects.get(pk=project.pk)
    _check_right(actor, fund.area_id)
    _check_right(actor, project.area_id)
    amount = parse_money(amount)
    if not _within(project.area_id, fund.area_id):
        raise ValidationError(
            {
                "project": MSG_ALLOCATE_AREA
                % {"project": project.name, "fund": fund.name, "area": fund.area.name}
            }
        )
    left = fund_remainder(fund)
    if amount > left:
        raise ValidationError(
            {
                "amount": MSG_FUND_OVER
                % {"name": fund.name, "asked": _yuan(amount), "left": _yuan(left)}
            }
        )
    row = Allocation(
        fund=fund, project=project, area_id=project.area_id, amount=amount, allocated_on=date
    )
    save_with_reason(row, actor=actor, reason=reason or "资金下达项目")
    audit(
        actor,
        ALLOCATION_CREATED,
        row.pk,
        fund=fund.pk,
        project=project.pk,
        amount_fen=fen(amount),
        remainder_fen=[fen(left), fen(left - amount)],
    )
    return row


@transaction.atomic
def village_share_add(
    *, actor: User, project: Project, village: str, amount: Money, reason: str = ""
) -> VillageShare:
    """Share part of a project's allocations out to a village (added to its share if any)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_right(actor, project.area_id)
    amount = parse_money(amount)
    area = Area.objects.filter(pk=village).first()
    if area is None or area.level != Level.VILLAGE:
        raise ValidationError({"village": MSG_NOT_VILLAGE % {"code": village}})
    if not _within(village, project.area_id):
        raise ValidationError(
            {"village": MSG_VILLAGE_AREA % {"village": area.name, "project": project.name}}
        )
    left = project_remainder(project)
    if amount > left:
        raise ValidationError(
            {
                "amount": MSG_PROJECT_OVER
                % {"name": project.name, "asked": _yuan(amount), "left": _yuan(left)}
            }
        )
    share = VillageShare.objects.filter(project=project, village=area).first()
    before = share.amount if share is not None else ZERO
    if share is None:
        share = VillageShare(project=project, village=area, amount=amount)
    else:
        share.amount += amount
    save_with_reason(share, actor=actor, reason=reason or "项目资金分配到村")
    audit(
        actor,
        VILLAGE_SHARE_ADDED,
        share.pk,
        project=project.pk,
        village=village,
        amount_fen=fen(amount),
        share_fen=[fen(before), fen(share.amount)],
    )
    return share


@transaction.atomic
def household_shares_create(
    *,
    actor: User,
    village_share: VillageShare,
    households: Iterable[Household],
    benefit_model: str,
    amount_each: Money,
    since: datetime.date,
    reason: str = "",
) -> list[HouseholdShare]:
    """Make households of the village beneficiaries of the project, each with ``amount_each``
    of the village's share (one insert for all of them)."""
    share = (
        VillageShare.objects.select_for_update()
        .select_related("project", "village")
        .get(pk=village_share.pk)
    )
    project = share.project
    _check_right(actor, share.village_id)
    amount = parse_money(amount_each, field="amount_each")
    if benefit_model not in BenefitModel.values:
        raise ValidationError({"benefit_model": _("请选择带贫模式")})
    households = list(households)
    if not households:
        raise ValidationError({"households": _("请至少选择一户")})
    for household in households:
        if household.village_id != share.village_id:
            raise ValidationError(
                {
                    "households": MSG_HOUSEHOLD_VILLAGE
                    % {"number": household.number, "village": share.village.name}
                }
            )
    existing = set(
        HouseholdShare.objects.filter(
            project=project, household_id__in=[h.pk for h in households]
        ).values_list("household__number", flat=True)
    )
    if existing:
        number = sorted(existing)[0]
        raise ValidationError(
            {"households": MSG_ALREADY_SHARE % {"number": number, "project": project.name}}
        )
    asked = amount * len(households)
    left = village_share_remainder(share)
    if asked > left:
        raise ValidationError(
            {
                "amount_each": MSG_VILLAGE_OVER
                % {
                    "name": project.name,
                    "village": share.village.name,
                    "asked": _yuan(asked),
                    "left": _yuan(left),
                }
            }
        )
    rows = [
        HouseholdShare(
            project=project,
            village_share=share,
            household=h,
            village_id=h.village_id,
            benefit_model=benefit_model,
            amount=amount,
            since=since,
        )
        for h in households
    ]
    rows = bulk_create_with_history(
        rows,
        HouseholdShare,
        default_user=actor,
        default_change_reason=reason or "确定受益户",
    )
    audit(
        actor,
        HOUSEHOLD_SHARES_CREATED,
        share.pk,
        project=project.pk,
        households=[h.pk for h in households],
        amount_each_fen=fen(amount),
        total_fen=fen(asked),
    )
    return rows


@transaction.atomic
def dividends_pay(
    *,
    actor: User,
    project: Project,
    year: int,
    paid_on: datetime.date,
    amount_each: Money | None = None,
    rate_percent: Money | None = None,
    kind: str = Dividend.Kind.PROPERTY,
) -> list[Dividend]:
    """Pay one year's dividends to all of a project's asset-income households at once and add
    each to the household's income row of that year (created if missing), with history.

    The amount is either the same for every household (``amount_each``) or a percentage of
    each household's share (``rate_percent``, rounded to the fen).
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_right(actor, project.area_id)
    if (amount_each in (None, "")) == (rate_percent in (None, "")):
        raise ValidationError({"amount_each": MSG_DIVIDEND_HOW})
    shares = list(
        HouseholdShare.objects.filter(
            project=project, benefit_model=BenefitModel.ASSET_INCOME
        ).select_related("household")
    )
    if not shares:
        raise ValidationError({"year": MSG_NO_ASSET_HOUSEHOLDS % {"project": project.name}})
    paid = Dividend.objects.filter(project=project, year=year).count()
    if paid:
        raise ValidationError(
            {"year": MSG_DIVIDEND_PAID % {"project": project.name, "year": year, "count": paid}}
        )
    if amount_each not in (None, ""):
        each = parse_money(amount_each, field="amount_each")
        amounts = {s.pk: each for s in shares}
    else:
        rate = parse_money(rate_percent, field="rate_percent")
        amounts = {
            s.pk: (s.amount * rate / 100).quantize(FEN, rounding=ROUND_HALF_UP) for s in shares
        }
    total = sum(amounts.values(), ZERO)
    left = dividend_remainder(project)
    if total > left:
        raise ValidationError(
            {
                "amount_each": MSG_DIVIDEND_OVER
                % {"name": project.name, "asked": _yuan(total), "left": _yuan(left)}
            }
        )
    dividends = [
        Dividend(
            share=s,
            project=project,
            household_id=s.household_id,
            village_id=s.village_id,
            year=year,
            amount=amounts[s.pk],
            paid_on=paid_on,
            kind=kind,
            posted_in_income=True,
        )
        for s in shares
        if amounts[s.pk] > 0
    ]
    reason = REASON_DIVIDEND.format(project=project.name, year=year)
    dividends = bulk_create_with_history(
        dividends, Dividend, default_user=actor, default_change_reason=reason
    )
    post_dividends_to_income(dividends, actor=actor, reason=reason)
    audit(
        actor,
        DIVIDENDS_PAID,
        project.pk,
        year=year,
        households=len(dividends),
        total_fen=fen(sum((d.amount for d in dividends), ZERO)),
    )
    return dividends


def post_dividends_to_income(dividends: list[Dividend], *, actor: User, reason: str) -> None:
    """Add dividends to their households' income rows (property or transfer income), set-based:
    one read, one bulk update and one bulk insert, each with its history rows."""
    if not dividends:
        return
    years = {d.year for d in dividends}
    household_ids = {d.household_id for d in dividends}
    records = {
        (r.household_id, r.year): r
        for r in IncomeRecord.objects.select_for_update().filter(
            household_id__in=household_ids, year__in=years
        )
    }
    members = dict(
        Household.objects.filter(pk__in=household_ids).values_list("pk", "members_count")
    )
    fresh: dict[tuple, IncomeRecord] = {}
    touched: dict[tuple, IncomeRecord] = {}
    for d in dividends:
        key = (d.household_id, d.year)
        record = records.get(key)
        if record is None:
            record = fresh.get(key)
            if record is None:
                record = fresh[key] = IncomeRecord(
                    household_id=d.household_id,
                    village_id=d.village_id,
                    year=d.year,
                    members_count=members.get(d.household_id) or 0,
                )
        else:
            touched[key] = record
        field = "property_income" if d.kind == Dividend.Kind.PROPERTY else "transfer_income"
        setattr(record, field, getattr(record, field) + d.amount)
    if touched:
        bulk_update_with_history(
            list(touched.values()),
            IncomeRecord,
            ["property_income", "transfer_income"],
            default_user=actor,
            default_change_reason=reason,
        )
    if fresh:
        bulk_create_with_history(
            list(fresh.values()), IncomeRecord, default_user=actor, default_change_reason=reason
        )


# -- The write phase of the spreadsheet import (fupin.funds.importing) -----------------------
# Each writes a checked plan set-based, in the import's transaction: refused
# (PermissionDenied, nothing written) unless the actor may manage the money records of the
# import's area and of every area written, all inside it; one audit event for the file.
REASON_FUNDS_IMPORT = "资金导入"
REASON_ALLOCATIONS_IMPORT = "资金分配导入"
REASON_BENEFICIARIES_IMPORT = "受益对象导入"


def _checked(value: T | None) -> T:
    """A value the import's check phase has made sure of: a row with a problem is never
    in a plan, so a missing value here is a bug, not bad input."""
    if value is None:
        raise ValueError("an import plan holds an unchecked row")
    return value


def _check_import(actor: User, area_code: str, codes: Iterable[str]) -> None:
    if not (user_can_see_code(actor, area_code) and can_edit(actor, area_code)) or not all(
        code.startswith(area_code) and can_edit(actor, code) for code in set(codes)
    ):
        raise PermissionDenied(MSG_IMPORT_NOT_ALLOWED)


@transaction.atomic
def funds_import(*, actor: User, area_code: str, plan: FundPlan, filename: str) -> dict[str, int]:
    """Create the new funds of a checked funds file (transfers among them)."""
    _check_import(actor, area_code, (holder for _row, holder, _parent in plan.new))
    new = [
        Fund(
            name=row.name,
            source=_checked(row.source),
            level=_checked(row.level),
            department=row.department,
            area_id=holder,
            amount=_checked(row.amount),
            received_on=_checked(row.received_on),
            purpose=row.purpose,
            conditions=row.conditions,
            parent=parent,
        )
        for row, holder, parent in plan.new
    ]
    bulk_create_with_history(
        new, Fund, default_user=actor, default_change_reason=REASON_FUNDS_IMPORT
    )
    counts = {"funds_created": len(new), "funds_unchanged": plan.unchanged}
    audit(actor, FUNDS_IMPORTED, area_code, file=filename, **counts)
    return counts


@transaction.atomic
def allocations_import(
    *, actor: User, area_code: str, plan: AllocationPlan, filename: str
) -> dict[str, int]:
    """Create the new projects and allocations of a checked allocations file."""
    _check_import(
        actor,
        area_code,
        [
            *(code for code, _name in plan.new_projects),
            *(key[0] for _fund, key, _row in plan.new),
            *(fund.area_id for fund, _key, _row in plan.new),
        ],
    )
    created = bulk_create_with_history(
        [
            Project(name=name, type=_checked(row.type), area_id=code, status=Project.Status.PLANNED)
            for (code, name), row in plan.new_projects.items()
        ],
        Project,
        default_user=actor,
        default_change_reason=REASON_ALLOCATIONS_IMPORT,
    )
    projects = {**plan.projects, **{(p.area_id, p.name): p for p in created}}
    allocations = [
        Allocation(
            fund=fund,
            project=projects[key],
            area_id=key[0],
            amount=_checked(row.amount),
            allocated_on=_checked(row.allocated_on),
        )
        for fund, key, row in plan.new
    ]
    bulk_create_with_history(
        allocations,
        Allocation,
        default_user=actor,
        default_change_reason=REASON_ALLOCATIONS_IMPORT,
    )
    counts = {
        "projects_created": len(created),
        "allocations_created": len(allocations),
        "allocations_unchanged": plan.unchanged,
    }
    audit(actor, ALLOCATIONS_IMPORTED, area_code, file=filename, **counts)
    return counts


@transaction.atomic
def beneficiaries_import(
    *, actor: User, area_code: str, plan: BeneficiaryPlan, filename: str
) -> dict[str, int]:
    """Create the new village shares and household shares of a checked beneficiaries file."""
    _check_import(
        actor,
        area_code,
        [
            *(village.code for _project, village, _row in plan.new_villages.values()),
            *(household.village_id for _key, _project, household, _row in plan.new_households),
        ],
    )
    created = bulk_create_with_history(
        [
            VillageShare(project=project, village=village, amount=_checked(row.amount))
            for project, village, row in plan.new_villages.values()
        ],
        VillageShare,
        default_user=actor,
        default_change_reason=REASON_BENEFICIARIES_IMPORT,
    )
    shares = {**plan.shares, **{(s.project_id, s.village_id): s for s in created}}
    household_shares = [
        HouseholdShare(
            project=project,
            household=household,
            village_id=share_key[1],
            village_share=shares[share_key],
            benefit_model=_checked(row.model),
            amount=_checked(row.amount),
            since=_checked(row.since),
        )
        for share_key, project, household, row in plan.new_households
    ]
    bulk_create_with_history(
        household_shares,
        HouseholdShare,
        default_user=actor,
        default_change_reason=REASON_BENEFICIARIES_IMPORT,
    )
    counts = {
        "village_shares_created": len(created),
        "household_shares_created": len(household_shares),
        "rows_unchanged": plan.unchanged,
    }
    audit(actor, BENEFICIARIES_IMPORTED, area_code, file=filename, **counts)
    return counts
