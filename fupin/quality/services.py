"""Writes of the quality app: importing a department's list, and the review of a flag.

Every write: keyword-only arguments, one transaction, the actor's role checked at the
record's area (fupin.accounts.actions), a history row where the record keeps history, and one
audit event.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action, allowed, require
from fupin.areas.models import Area, Level
from fupin.areas.scope import user_can_see_code
from fupin.core.audit import audit, save_with_reason
from fupin.core.clock import as_of
from fupin.core.sheets import ImportResult
from fupin.core.uploads import check_upload_size
from fupin.registry import codes
from fupin.registry import services as registry_services

from . import comparison
from .models import ComparisonRuleSet, DepartmentList, Flag, ListKind, ListRow

LIST_IMPORTED = "quality.list_imported"
FLAG_CONFIRMED = "quality.flag_confirmed"
FLAG_DISMISSED = "quality.flag_dismissed"

MSG_LIST_SCOPE = _("比对范围“%(scope)s”不在您的管辖范围内，或您无权导入部门名单")
MSG_LIST_SCOPE_REQUIRED = _("请选择比对范围（旗县或全盟）")
MSG_ALREADY = _("该文件已于 %(when)s 导入（%(list)s），未重复写入")
MSG_SOURCE = _("来源部门不能为空，最长50个字符")
MSG_NOT_OPEN = _("该疑点已核实，不能再次处理")
MSG_DISMISS_REASON = _("请填写核实不属实的理由")
MSG_DISMISS_EVIDENCE = _("请上传核实佐证（照片或证明材料）")
MSG_NO_MEMBER = _("该疑点没有对应的家庭成员（可能已注销）")
MSG_NOT_ALLOWED = _("您没有核实该疑点的权限")

BATCH = 5000


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _counties() -> set[str]:
    return set(Area.objects.filter(level=Level.COUNTY).values_list("code", flat=True))


def list_import(
    *,
    actor,
    path,
    kind: str,
    scope_code: str = "",
    source: str | None = None,
    list_date: datetime.date | None = None,
    file_name: str | None = None,
) -> tuple[ImportResult, DepartmentList | None]:
    """Import another department's list for the area ``scope_code`` and match it.

    ``actor`` is a league HQ or county office user (``None``: the system, at the console).
    All or nothing: any bad row refuses the file (``result.ok`` false, nothing written). The
    same file imported again for the same kind and area writes nothing (a warning says when
    it was imported). Return the result (counts: rows, matched, unmatched, flags_created) and
    the list written.
    """
    path = Path(path)
    if kind not in ListKind.values:
        raise ValueError(
            str(comparison.MSG_KIND % {"kind": kind, "kinds": "、".join(ListKind.values)})
        )
    scope_code = scope_code or ""
    if actor is not None:
        if not scope_code and not actor.is_superuser:
            raise PermissionDenied(MSG_LIST_SCOPE_REQUIRED)
        if not allowed(actor, Action.QUALITY_LIST_IMPORT, scope_code or None):
            raise PermissionDenied(MSG_LIST_SCOPE % {"scope": scope_code or "—"})
    source = (source or comparison.DEFAULT_SOURCES[kind]).strip()
    if not source or len(source) > 50:
        raise ValueError(str(MSG_SOURCE))
    today = as_of()
    list_date = list_date or today
    file_name = file_name or path.name
    digest = _hash(path)
    earlier = DepartmentList.objects.filter(kind=kind, scope_code=scope_code, file_hash=digest)
    found = earlier.first()
    if found is not None:
        result = ImportResult(filename=file_name, year=today.year, kind=kind, ok=True)
        result.counts = {"rows": 0, "matched": 0, "unmatched": 0, "flags_created": 0}
        when = timezone.localtime(found.imported_on).strftime("%Y-%m-%d %H:%M")
        result.warnings.append(MSG_ALREADY % {"when": when, "list": found.label})
        return result, found
    result, rows = comparison.parse_list(path, kind, today=today, counties=_counties())
    result.filename = file_name
    if result.errors:
        return result, None
    department_list, counts = write_list(
        actor=actor,
        kind=kind,
        scope_code=scope_code,
        source=source,
        list_date=list_date,
        file_name=file_name,
        digest=digest,
        rows=rows,
        today=today,
    )
    result.ok = True
    result.rows = len(rows)
    result.counts = counts
    result.sheets = []
    return result, department_list


@transaction.atomic
def write_list(
    *, actor, kind, scope_code, source, list_date, file_name, digest, rows, today
) -> tuple[DepartmentList, dict[str, int]]:
    rules = ComparisonRuleSet.current()
    department_list = DepartmentList.objects.create(
        kind=kind,
        source=source,
        list_date=list_date,
        scope_code=scope_code,
        file_name=file_name[:255],
        file_hash=digest,
        imported_by=actor,
        imported_on=timezone.now(),
        rule_version=rules.version,
        rows=len(rows),
    )
    ListRow.objects.bulk_create(
        (ListRow(department_list=department_list, **row) for row in rows), batch_size=BATCH
    )
    counts = comparison.match_list(department_list, rules, today=today)
    department_list.matched = counts["matched"]
    department_list.unmatched = counts["unmatched"]
    department_list.flags_created = counts["flags_created"]
    department_list.save(update_fields=["matched", "unmatched", "flags_created"])
    audit(
        actor,
        LIST_IMPORTED,
        department_list.pk,
        kind=kind,
        scope=scope_code,
        file=file_name,
        rule_version=rules.version,
        rows=len(rows),
        **counts,
    )
    return department_list, {"rows": len(rows), **counts}


# -- Review -------------------------------------------------------------------------------


def _check_review(actor, flag: Flag) -> Flag:
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if not user_can_see_code(actor, flag.village_id):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    require(actor, Action.QUALITY_FLAG_REVIEW, flag.village_id)
    if flag.status != Flag.Status.OPEN:
        raise ValidationError(MSG_NOT_OPEN)
    return flag


def _resolve(flag: Flag, *, actor, status: str, note: str, reason: str) -> None:
    flag.status = status
    flag.resolved_by = actor
    flag.resolved_on = as_of()
    flag.resolution_note = note
    save_with_reason(flag, actor=actor, reason=reason)


@transaction.atomic
def flag_confirm(*, actor, flag: Flag, note: str = "") -> Flag:
    """The village team found the flag true: open what follows from it.

    A death closes the member through the registry (history, head count, audit); any other
    comparison rule files an exit case for a household still poor (in the county's open
    adjustment round, if any), through the identification workflow. The case is kept on the
    flag; a household that already has an open exit case of the year keeps that one.
    """
    from fupin.identification import services as case_services
    from fupin.identification.models import Case

    flag = _check_review(actor, flag)
    reason = f"疑点核实属实：{flag.reason}"  # history reason: stored data
    if flag.rule_code == "death":
        if flag.member is None:
            raise ValidationError(MSG_NO_MEMBER)
        registry_services.member_close(actor=actor, member=flag.member, reason=reason)
        # The registry cleared the link in the database; this copy was read before.
        flag.member = None
    elif flag.household.status in codes.POOR_STATUSES:
        year = as_of().year
        case = Case.objects.filter(
            household_id=flag.household_id,
            kind=Case.Kind.EXIT,
            year=year,
            outcome=Case.Outcome.OPEN,
        ).first()
        if case is None:
            case = case_services.case_create(
                actor=actor,
                kind=Case.Kind.EXIT,
                village=flag.village_id,
                year=year,
                applicant_name=flag.household.head_name,
                household=flag.household,
                reason=reason,
            )
        flag.case = case
    _resolve(flag, actor=actor, status=Flag.Status.CONFIRMED, note=note, reason=reason)
    audit(
        actor,
        FLAG_CONFIRMED,
        flag.pk,
        rule=flag.rule_code,
        household=flag.household_id,
        case=flag.case_id,
        note=note,
    )
    return flag


@transaction.atomic
def flag_dismiss(*, actor, flag: Flag, reason: str, evidence) -> Flag:
    """The village team found the flag untrue: it is closed with the reason and the evidence
    (a photo or a certificate), and the same list row never raises it again."""
    flag = _check_review(actor, flag)
    reason = (reason or "").strip()
    problems: dict[str, list] = {}
    if not reason:
        problems["reason"] = [MSG_DISMISS_REASON]
    if not evidence:
        problems["evidence"] = [MSG_DISMISS_EVIDENCE]
    else:
        try:
            check_upload_size(evidence)
        except ValidationError as error:
            problems["evidence"] = error.messages
    if problems:
        raise ValidationError(problems)
    flag.evidence = evidence
    _resolve(
        flag,
        actor=actor,
        status=Flag.Status.DISMISSED,
        note=reason,
        reason=f"疑点核实不属实：{reason}",  # history reason: stored data
    )
    audit(actor, FLAG_DISMISSED, flag.pk, rule=flag.rule_code, household=flag.household_id)
    return flag
