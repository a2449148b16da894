"""The households sharing collective income, from and to spreadsheets, all or nothing.

Columns (header row, order free): 户编号, 年度, 分配金额（元）, optionally 户主 and 嘎查村代码
(ignored on import: the household decides its village). One row = one household's share of its
village's collective income in a year; it sets the household's distribution of that year.
Every row is checked first — the household exists in the importer's area and scope, the
importer may record collective income in its village, the year is not in the future, the
amount is a number ≥ 0 with at most two decimals, no household twice in a year — and then each
village's year: what its households receive (the file's rows plus the distributions already
recorded for households not in the file) may not exceed the village's collective income that
year. One bad row refuses the whole file, with the row, the column and the reason; a good file
is written in one transaction, set-based, with history; re-importing it changes nothing.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fupin.accounts.actions import EDIT_COLLECTIVE
from fupin.areas.scope import user_can_see_code
from fupin.core import cells
from fupin.core.audit import audit
from fupin.core.cells import Cells, row_message
from fupin.core.clock import as_of
from fupin.core.sheets import ImportResult, safe_row, sheet_rows
from fupin.registry.models import Household

from .importing import FIRST_YEAR, MAX_AMOUNT, MSG_NOT_ALLOWED, MSG_VILLAGE_RIGHT
from .models import CollectiveDistribution, CollectiveIncome

COL_NUMBER = "户编号"
COL_HEAD = "户主"
COL_VILLAGE = "嘎查村代码"
COL_YEAR = "年度"
COL_AMOUNT = "分配金额（元）"
COLUMNS = [COL_NUMBER, COL_HEAD, COL_VILLAGE, COL_YEAR, COL_AMOUNT]
REQUIRED = [COL_NUMBER, COL_YEAR, COL_AMOUNT]
SHEET = "集体收益分配"
IMPORTED = "collective.distributions_imported"

MSG_HOUSEHOLD = _("户编号“%(value)s”不存在或不在导入范围内")
MSG_DUPLICATE = _("与第%(first)s行重复（同一户、同一年度）")
MSG_OVER_INCOME = _("%(village)s%(year)s年分配合计 %(paid)s 元，超过当年集体经济收入 %(income)s 元")


def import_distributions(path, *, actor, area_code: str) -> ImportResult:
    """Check and (if every row is good) write the distributions of ``path``."""
    if not user_can_see_code(actor, area_code) or not actor.has_role_at(EDIT_COLLECTIVE, area_code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    this_year = as_of().year
    result = ImportResult(filename=Path(path).name, year=this_year, kind="distributions")
    rows = sheet_rows(path, result, key=COL_NUMBER, columns=COLUMNS, required=REQUIRED)
    if rows is None:
        return result
    households = {
        h["number"]: h
        for h in Household.objects.accessible_to(actor)
        .within(area_code)
        .filter(number__in={r[COL_NUMBER] for _n, r in rows})
        .values("pk", "number", "village_id", "village__name")
    }
    may_edit: dict[str, bool] = {}
    parsed = []  # (row, household, year, amount)
    seen: dict[tuple[int, int], int] = {}

    for number, r in rows:
        cell = Cells(r)
        cell(COL_NUMBER, cells.required)
        year = cell(COL_YEAR, cells.year, first=FIRST_YEAR, last=this_year)
        amount = cell(COL_AMOUNT, cells.amount, maximum=MAX_AMOUNT)
        household = households.get(r[COL_NUMBER])
        if r[COL_NUMBER] and household is None:
            cell.add(COL_NUMBER, MSG_HOUSEHOLD % {"value": r[COL_NUMBER]})
        elif household is not None:
            village = household["village_id"]
            if village not in may_edit:
                may_edit[village] = actor.has_role_at(EDIT_COLLECTIVE, village)
            if not may_edit[village]:
                cell.add(COL_NUMBER, MSG_VILLAGE_RIGHT)
        if not cell.problems:
            first = seen.setdefault((household["pk"], year), number)
            if first != number:
                cell.add(COL_NUMBER, MSG_DUPLICATE % {"first": first})
        if cell.problems:
            result.refuse(number, cell.messages(number))
            continue
        parsed.append((number, household, year, amount))
    if result.errors:
        return result

    # Each village's year: the file's shares plus the others already recorded ≤ its income.
    keys = {(h["village_id"], year) for _n, h, year, _a in parsed}
    villages = {v for v, _y in keys}
    years = {y for _v, y in keys}
    in_file = {(h["pk"], year) for _n, h, year, _a in parsed}
    income = {
        (r["village_id"], r["year"]): r["t"]
        for r in CollectiveIncome.objects.filter(village_id__in=villages, year__in=years)
        .values("village_id", "year")
        .annotate(t=Sum("amount"))
        .order_by()
    }
    paid = defaultdict(Decimal)
    for d in CollectiveDistribution.objects.filter(
        village_id__in=villages, year__in=years
    ).values_list("household_id", "village_id", "year", "amount"):
        if (d[0], d[2]) not in in_file:
            paid[(d[1], d[2])] += d[3]
    first_row, names = {}, {}
    for number, h, year, amount in parsed:
        key = (h["village_id"], year)
        paid[key] += amount
        first_row.setdefault(key, number)
        names[key] = h["village__name"]
    for key in sorted(keys, key=lambda k: first_row[k]):
        available = income.get(key, Decimal("0"))
        if paid[key] > available:
            reason = MSG_OVER_INCOME % {
                "village": names[key],
                "year": key[1],
                "paid": f"{paid[key]:.2f}",
                "income": f"{available:.2f}",
            }
            row = first_row[key]
            result.refuse(row, [row_message(row, cells.Problem(COL_AMOUNT, reason))])
    if result.errors:
        result.errors.sort()
        return result

    with transaction.atomic():
        existing = {
            (d.household_id, d.year): d
            for d in CollectiveDistribution.objects.select_for_update().filter(
                household_id__in={h["pk"] for _n, h, _y, _a in parsed}, year__in=years
            )
        }
        created, changed = [], []
        for _number, h, year, amount in parsed:
            row = existing.get((h["pk"], year))
            if row is None:
                created.append(
                    CollectiveDistribution(
                        household_id=h["pk"], village_id=h["village_id"], year=year, amount=amount
                    )
                )
            elif row.amount != amount:
                row.amount = amount
                changed.append(row)
        reason = f"导入 {result.filename}"
        if created:
            bulk_create_with_history(
                created,
                CollectiveDistribution,
                batch_size=2000,
                default_user=actor,
                default_change_reason=reason,
            )
        if changed:
            bulk_update_with_history(
                changed,
                CollectiveDistribution,
                ["amount"],
                batch_size=2000,
                default_user=actor,
                default_change_reason=reason,
            )
        result.counts = {
            "created": len(created),
            "changed": len(changed),
            "unchanged": len(parsed) - len(created) - len(changed),
        }
        result.villages = sorted(villages)
        result.ok = True
        audit(actor, IMPORTED, area_code, file=result.filename, **result.counts)
    return result


def export_workbook(user, code: str, year: int | None = None) -> bytes:
    """The area's distributions as an .xlsx in the import format (re-imports unchanged)."""
    import openpyxl
    from openpyxl.styles import Font

    rows = (
        CollectiveDistribution.objects.accessible_to(user)
        .within(code)
        .select_related("household")
        .order_by("village_id", "year", "household__number")
    )
    if year is not None:
        rows = rows.filter(year=year)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    header = []
    for title in COLUMNS:
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for d in rows.iterator(chunk_size=2000):
        sheet.append(
            safe_row(
                [d.household.number, d.household.head_name, d.village_id, d.year, f"{d.amount:.2f}"]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
