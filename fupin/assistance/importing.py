"""Bulk pairing by spreadsheet (结对帮扶批量导入): all or nothing, like the registry import.

Columns (the header row; order free): 户编号, 帮扶责任人姓名, 帮扶责任人证件号码, 联系电话,
工作单位, 职务类别, 开始日期 (and optionally 是否党员). A cadre is matched by ID number when
the row has one, else by name and phone, among the cadres in the importer's scope; an
unmatched cadre is created in the import's area. Every row is checked first; one bad row
refuses the whole file and :func:`fupin.core.sheets.write_error_workbook` returns the
rows with 错误原因 (row, column and reason). A good file is written in one transaction with
set-based inserts; pairings that already exist are left as they are. Each cadre of the file
then gets its login (:mod:`fupin.assistance.accounts`); a cadre whose phone is not a mobile
number gets none and is listed among the warnings, without refusing the file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from fupin.areas.scope import user_can_see_code
from fupin.core import cells, idnumber
from fupin.core.cells import Cells, row_message
from fupin.core.clock import as_of
from fupin.core.sheets import ImportResult, sheet_rows
from fupin.registry.models import Household

from .accounts import cadre_accounts_create
from .models import Cadre, Pairing
from .permissions import can_import
from .selectors import active_q, cap_expression, cap_for
from .services import PairingRow, pairings_import

COL_NUMBER = "户编号"
COL_NAME = "帮扶责任人姓名"
COL_ID = "帮扶责任人证件号码"
COL_PHONE = "联系电话"
COL_UNIT = "工作单位"
COL_POST = "职务类别"
COL_START = "开始日期"
COL_PARTY = "是否党员"
COLUMNS = [COL_NUMBER, COL_NAME, COL_ID, COL_PHONE, COL_UNIT, COL_POST, COL_START, COL_PARTY]
REQUIRED = [COL_NUMBER, COL_NAME]

MSG_NO_HOUSEHOLD = _("户编号“%(value)s”不存在或不在您的权限范围内")
MSG_ID_OR_PHONE = _("证件号码和联系电话至少填写一项")
MSG_UNIT_NEW = _("新建帮扶干部时工作单位不能为空")
MSG_CADRE_SCOPE = _("证件号码为该号码的干部不在您的权限范围内")
MSG_DUPLICATE = _("与第%(first)s行重复（同一户、同一帮扶责任人）")
MSG_OVER_CAP = _("%(name)s结对户数将达 %(count)s 户，超过上限 %(cap)s 户")
MSG_NOT_ALLOWED = _("您没有导入结对帮扶的权限")

POST_LABELS = {str(label): value for value, label in Cadre.Post.choices}


def import_pairings(path, *, actor, area_code: str) -> ImportResult:
    """Check and (if every row is good) write the pairings of ``path``; see the module doc."""
    if not can_import(actor, area_code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    today = as_of()
    result = ImportResult(filename=Path(path).name, year=today.year, kind="pairings")
    rows = sheet_rows(
        path, result, key=COL_NUMBER, columns=COLUMNS, required=REQUIRED, any_of=(COL_ID, COL_PHONE)
    )
    if rows is None:
        return result
    # One query each: households and cadres in scope that the file names.
    households = {
        h["number"]: h
        for h in Household.objects.accessible_to(actor)
        .within(area_code)
        .filter(number__in={r[COL_NUMBER] for _n, r in rows})
        .values("pk", "number", "village_id")
    }
    ids = {idnumber.normalize(r[COL_ID]) for _n, r in rows if r[COL_ID]}
    by_id, out_of_scope = {}, set()
    for cadre in Cadre.objects.filter(id_number__in=ids).values("pk", "id_number", "area_id"):
        if user_can_see_code(actor, cadre["area_id"]):
            by_id[cadre["id_number"]] = cadre["pk"]
        else:
            out_of_scope.add(cadre["id_number"])
    by_phone = {
        (c["name"], c["phone"]): c["pk"]
        for c in Cadre.objects.accessible_to(actor)
        .filter(phone__in={r[COL_PHONE] for _n, r in rows if r[COL_PHONE]})
        .values("pk", "name", "phone")
    }

    parsed = []  # (row, household, cadre key, cadre pk or None, cadre fields, start)
    seen: dict[tuple, int] = {}
    for number, r in rows:
        cell = Cells(r)
        # Parse: each cell on its own.
        cell(COL_NUMBER, cells.required)
        cell(COL_NAME, cells.required)
        info = cell(COL_ID, cells.id_number, today=today, required=False)
        id_number = info.number if info else ""
        post = cell(COL_POST, cells.choice, POST_LABELS, required=False, blank=Cadre.Post.OTHER)
        start = cell(COL_START, cells.date, latest=today, required=False, blank=today)
        party = cell(COL_PARTY, cells.yes_no, required=False, blank=False)
        # Check: against the database and the rest of the file.
        household = households.get(r[COL_NUMBER])
        if r[COL_NUMBER] and household is None:
            cell.add(COL_NUMBER, MSG_NO_HOUSEHOLD % {"value": r[COL_NUMBER]})
        if id_number in out_of_scope:
            cell.add(COL_ID, MSG_CADRE_SCOPE)
        if not r[COL_ID] and not r[COL_PHONE]:
            cell.add(COL_ID, MSG_ID_OR_PHONE)
        cadre_pk = by_id.get(id_number) if id_number else by_phone.get((r[COL_NAME], r[COL_PHONE]))
        if cadre_pk is None and not r[COL_UNIT]:
            cell.add(COL_UNIT, MSG_UNIT_NEW)
        key = ("id", id_number) if id_number else ("phone", r[COL_NAME], r[COL_PHONE])
        if household is not None and not cell.problems:
            first = seen.setdefault((household["pk"], key), number)
            if first != number:
                cell.add(COL_NUMBER, MSG_DUPLICATE % {"first": first})
        if cell.problems or household is None:
            result.refuse(number, cell.messages(number))
            continue
        fields = {
            "name": r[COL_NAME],
            "id_number": id_number,
            "phone": r[COL_PHONE],
            "unit": r[COL_UNIT],
            "post": post,
            "party_member": party,
        }
        parsed.append((number, household, key, cadre_pk, fields, start))
    if result.errors:
        return result

    # Skip pairings already active; check the caps of existing and new cadres.
    existing_pks = {p[3] for p in parsed if p[3] is not None}
    active_pairs = set(
        Pairing.objects.filter(active_q(today), cadre_id__in=existing_pks).values_list(
            "cadre_id", "household_id"
        )
    )
    loads = dict(
        Cadre.objects.filter(pk__in=existing_pks)
        .annotate(n=Count("pairings", filter=active_q(today, "pairings__")))
        .values_list("pk", "n")
    )
    caps = dict(
        Cadre.objects.filter(pk__in=existing_pks)
        .annotate(cap=cap_expression())
        .values_list("pk", "cap")
    )
    new_load: Counter = Counter()
    todo = []
    for number, household, key, cadre_pk, fields, start in parsed:
        if cadre_pk is not None and (cadre_pk, household["pk"]) in active_pairs:
            continue
        new_load[key] += 1
        todo.append((number, household, key, cadre_pk, fields, start))
    reported = set()
    for number, _household, key, cadre_pk, fields, _start in todo:
        load = (loads.get(cadre_pk, 0) if cadre_pk is not None else 0) + new_load[key]
        cap = caps[cadre_pk] if cadre_pk is not None else cap_for(fields["post"])
        if load > cap and key not in reported:
            reported.add(key)
            reason = MSG_OVER_CAP % {"name": fields["name"], "count": load, "cap": cap}
            result.refuse(number, [row_message(number, cells.Problem(COL_NAME, reason))])
    if result.errors:
        result.errors.sort()
        return result

    # Write.
    written = [
        PairingRow(
            cadre_key=key,
            cadre=cadre_pk,
            cadre_fields=fields,
            household=household["pk"],
            village=household["village_id"],
            start_date=start,
        )
        for _n, household, key, cadre_pk, fields, start in todo
    ]
    result.counts = pairings_import(
        actor=actor,
        area_code=area_code,
        rows=written,
        unchanged=len(parsed) - len(todo),
        filename=result.filename,
    )
    result.ok = True
    _cadre_logins(result, actor, parsed, written)
    return result


def _cadre_logins(result: ImportResult, actor, parsed: list, written: list[PairingRow]) -> None:
    """Give each cadre of the file its login (docs/cadres.md, "Accounts"); a cadre without a
    valid mobile number is reported by its first row, and the file stays imported."""
    pk_of = {row.cadre_key: row.cadre for row in written}
    first_row: dict[int, int] = {}
    for number, _household, key, cadre_pk, _fields, _start in parsed:
        pk = cadre_pk if cadre_pk is not None else pk_of.get(key)
        if pk is not None:
            first_row.setdefault(pk, number)
    accounts = cadre_accounts_create(actor=actor, cadres=list(first_row))
    result.counts["accounts_created"] = accounts.created
    result.counts["accounts_linked"] = accounts.linked
    for refusal in accounts.refused:
        problem = cells.Problem(COL_PHONE, refusal.reason)
        result.warnings.append(row_message(first_row[cast(int, refusal.key)], problem))
