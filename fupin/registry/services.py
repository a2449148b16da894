"""Writes to the registry: one record at a time, and an import's set-based write.

Every write: keyword-only arguments, one transaction, the actor's right checked against the
record's village, validation with the same rules as the import, and a history row with the
actor and the reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import EDIT_REGISTRY, Action, allowed
from fupin.accounts.models import User
from fupin.areas.scope import user_can_see_code
from fupin.core.audit import (
    HOUSEHOLD_CREATED,
    HOUSEHOLD_UPDATED,
    HOUSEHOLDS_IMPORTED,
    MEMBER_CREATED,
    MEMBER_UPDATED,
    STATUS_RECORDED,
    audit,
    changes,
    save_with_reason,
)
from fupin.core.clock import as_of

from . import bulk, codes, rollups, rules
from .models import Household, IncomeRecord, Member, StatusRecord
from .permissions import can_import

MSG_NO_RIGHT = _("您没有修改该户数据的权限")
MSG_HISTORICAL = _("只有盟扶贫办可以将导入标记为历史数据导入")
MSG_IMPORT_SCOPE = _("导入的数据含有不在导入范围“%(scope)s”内或您无权导入的嘎查村")

MEMBER_FIELDS = (
    "name",
    "name_mn",
    "id_number",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "health",
    "labour",
    "migrant_months",
    "medical_insurance",
    "pension",
    "phone",
)


# The rules speak in the import format's column headers; the form speaks in field names.
COLUMN_FIELDS = {
    rules.COL_NAME: "name",
    rules.COL_ID: "id_number",
    rules.COL_RELATION: "relation",
    rules.COL_SCHOOL: "school_status",
    rules.COL_LABOUR: "labour",
    rules.COL_MIGRANT: "migrant_months",
    rules.COL_HEALTH: "health",
    rules.COL_MAIN_CAUSE: "health",
    rules.COL_OTHER_CAUSES: "health",
}
MEMBER_RULE_FIELDS = ("relation", "school_status", "health", "labour", "birth_date")


def _check_member(actor: User, member: Member, household: Household) -> dict[str, list[str]]:
    """Return the problems of a member as {field name: [reasons]} (empty when valid).

    The same rules as the import (fupin.registry.rules): the member's own fields, then the
    household's rules with this member's new values among the others.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, reason: str) -> None:
        problems.setdefault(field, []).append(reason)

    today = as_of()
    info, id_problems = rules.check_id_number(member.id_number, today=today)
    for problem in id_problems:
        add("id_number", problem.reason)
    if info is None:
        return problems
    member.id_number, member.birth_date, member.sex = info.number, info.birth_date, info.sex
    other = (
        Member.objects.filter(id_number=info.number)
        .exclude(pk=member.pk)
        .select_related("household")
        .first()
    )
    if other is not None:
        visible = user_can_see_code(actor, other.village_id)
        county = (
            "" if visible else rules.county_names([other.village_id]).get(other.village_id[:6], "")
        )
        for problem in rules.check_person_in_one_household(
            info.number, household.number, other.household.number, visible=visible, county=county
        ):
            add("id_number", problem.reason)
    values = {field: getattr(member, field) for field in MEMBER_RULE_FIELDS}
    values["migrant_months"] = member.migrant_months
    for problem in rules.check_member(values, as_of=today):
        add(COLUMN_FIELDS.get(problem.field, "name"), problem.reason)
    # Members who died, married out or moved away (fupin.registry.changes) no longer count.
    others = (
        household.members.filter(left_on__isnull=True)
        .exclude(pk=member.pk)
        .values(*MEMBER_RULE_FIELDS)
    )
    household_values = {
        "main_cause": household.main_cause,
        "other_causes": household.other_causes,
        "status": household.status,
        "identified_year": household.identified_year,
        "exit_year": household.exit_year,
    }
    for problem in rules.check_household(
        household_values, [values, *others], data_year=today.year, as_of=today
    ):
        if problem.field in (rules.COL_RELATION, rules.COL_MAIN_CAUSE, rules.COL_OTHER_CAUSES):
            add(COLUMN_FIELDS[problem.field], problem.reason)
    return problems


@transaction.atomic
def member_update(*, actor: User, member: Member, data: dict, reason: str = "") -> Member:
    """Change a member's data; raise ValidationError naming each bad field in Chinese."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    household = Household.objects.select_for_update().get(pk=member.household_id)
    if not actor.has_role_at(EDIT_REGISTRY, member.village_id):
        raise PermissionDenied(MSG_NO_RIGHT)
    before = {field: getattr(member, field) for field in MEMBER_FIELDS}
    for field in MEMBER_FIELDS:
        if field in data:
            setattr(member, field, data[field])
    problems = _check_member(actor, member, household)
    if problems:
        raise ValidationError(problems)
    save_with_reason(member, actor=actor, reason=reason)
    if member.relation == codes.Relation.HEAD and household.head_name != member.name:
        household.head_name = member.name
        save_with_reason(
            household, actor=actor, reason=reason, update_fields=["head_name", "updated_at"]
        )
    after = {field: getattr(member, field) for field in MEMBER_FIELDS}
    audit(
        actor,
        MEMBER_UPDATED,
        member.pk,
        household=household.pk,
        changes=changes(before, after),
        reason=reason,
    )
    return member


# -- Writes of the case workflow (fupin.identification.services decides; these write) -----
# The case checks the actor's right to its step; these write the registry rows, with the
# case as the history reason, and leave one audit event each.


@transaction.atomic
def household_create(
    *, actor: User, village: str, number: str, fields: dict, reason: str = ""
) -> Household:
    """Register a household in ``village`` (validated; history with ``reason``; audited)."""
    household = Household(number=number, village_id=village, **fields)
    household.full_clean(exclude=["village"])
    save_with_reason(household, actor=actor, reason=reason)
    audit(actor, HOUSEHOLD_CREATED, household.pk, number=number, village=village, reason=reason)
    return household


@transaction.atomic
def member_create(*, actor: User, household: Household, fields: dict, reason: str = "") -> Member:
    """Add a member to ``household`` (validated; history with ``reason``; audited)."""
    member = Member(household=household, village_id=household.village_id, **fields)
    member.full_clean(exclude=["household", "village"])
    save_with_reason(member, actor=actor, reason=reason)
    audit(actor, MEMBER_CREATED, member.pk, household=household.pk, reason=reason)
    return member


@transaction.atomic
def household_update(
    *, actor: User, household: Household, data: dict, reason: str = ""
) -> Household:
    """Change a household's fields in ``data`` (history with ``reason``; audited)."""
    before = {field: getattr(household, field) for field in data}
    for field, value in data.items():
        setattr(household, field, value)
    save_with_reason(household, actor=actor, reason=reason, update_fields=[*data, "updated_at"])
    audit(
        actor,
        HOUSEHOLD_UPDATED,
        household.pk,
        changes=changes(before, data),
        reason=reason,
    )
    return household


@transaction.atomic
def status_record_set(
    *, actor: User, household: Household, year: int, status: str, reason: str = ""
) -> StatusRecord:
    """Write the household's yearly status row (created if missing) from its current data."""
    record = StatusRecord.objects.filter(household=household, year=year).first()
    before = record.status if record is not None else None
    if record is None:
        record = StatusRecord(household=household, village_id=household.village_id)
        record.year = year
    record.status = status
    record.attribute = household.attribute
    record.members_count = household.members.count()
    save_with_reason(record, actor=actor, reason=reason)
    audit(
        actor,
        STATUS_RECORDED,
        household.pk,
        year=year,
        status=[before, status],
        reason=reason,
    )
    return record


# -- The write phase of the registry import (fupin.registry.importing checks the file) ------
# The tables in the order they are written; members removed from their household go first.
IMPORT_TABLES: tuple[
    type[Household] | type[Member] | type[StatusRecord] | type[IncomeRecord], ...
] = (
    Household,
    Member,
    StatusRecord,
    IncomeRecord,
)


@transaction.atomic
def households_import(
    *,
    actor: User | None,
    scope_code: str,
    filename: str,
    year: int,
    tables: dict[type, bulk.TableWrite],
    removed_members: list[int],
    counts: dict[str, int],
    written: Callable[[type], None] | None = None,
    historical: str | None = None,
) -> tuple[dict[str, int], set[str]]:
    """Write a checked registry file set-based, with history rows, refresh the rollups of
    the villages touched and leave one audit event; return the counts and those villages.

    ``tables`` maps each model of :data:`IMPORT_TABLES` to its :class:`~.bulk.TableWrite`;
    rows of members, status and income rows referring to a new household hold a
    :class:`~.bulk.Pending` (its index among the created households). ``removed_members``
    are the ids of members no longer in their household. ``counts`` are the check phase's
    (unchanged rows); the service adds what it wrote. Refused (``PermissionDenied``, nothing
    written) when a village written, or the old village of a row changed or removed, is
    outside ``scope_code`` or where the actor may not import (``None``: the system).
    ``written(model)`` is called after each table (progress). ``historical`` is the reason
    of a historical load (the rows identified or exited without a case carry ``historical_load``):
    only league HQ (or the system) may give it, with a reason.
    """
    counts, villages = households_import_chunk(
        actor=actor,
        scope_code=scope_code,
        history=import_history(actor, filename),
        tables=tables,
        removed_members=removed_members,
        counts=counts,
        written=written,
        historical=historical,
    )
    households_import_done(
        actor=actor,
        scope_code=scope_code,
        filename=filename,
        year=year,
        counts=counts,
        villages=villages,
        historical=historical,
    )
    return counts, villages


def import_history(actor: User | None, filename: str) -> bulk.History:
    """Who writes an import's history rows, when, and why (``导入 <file name>``)."""
    return bulk.History(
        user_id=actor.pk if actor is not None else None,
        reason=f"导入 {filename}",  # history reason: stored data, not interface text
        now=timezone.now(),
    )


def households_import_chunk(
    *,
    actor: User | None,
    scope_code: str,
    history: bulk.History,
    tables: dict[type, bulk.TableWrite],
    removed_members: list[int],
    counts: dict[str, int],
    written: Callable[[type], None] | None = None,
    historical: str | None = None,
) -> tuple[dict[str, int], set[str]]:
    """Write one chunk of a checked file (see :func:`households_import`; a streamed import
    calls this once per chunk inside its own transaction, then :func:`households_import_done`
    once); return the chunk's counts and the villages it touched."""
    villages: set[str] = set()
    for table in tables.values():
        villages.update(row["village_id"] for row in table.rows())
    for model, table in tables.items():
        villages |= bulk.distinct_values(model, [row["id"] for row in table.updated], "village_id")
    villages |= bulk.distinct_values(Member, removed_members, "village_id")
    if not all(code.startswith(scope_code) and can_import(actor, code) for code in villages):
        raise PermissionDenied(MSG_IMPORT_SCOPE % {"scope": scope_code or "—"})
    if historical is not None and (
        not historical.strip()
        or (actor is not None and not allowed(actor, Action.IMPORT_HISTORICAL, scope_code or None))
    ):
        raise PermissionDenied(MSG_HISTORICAL)

    counts = dict(counts)
    empty = bulk.TableWrite()
    households = tables.get(Household, empty)
    household_ids = bulk.assign_ids(Household, households.created)
    for model in IMPORT_TABLES[1:]:
        bulk.resolve(tables.get(model, empty).rows(), "household_id", household_ids)
    if Member in tables:
        counts["members_removed"] = _members_remove(removed_members, actor, history.reason)
    names = {
        Household: "households",
        Member: "members",
        StatusRecord: "statuses",
        IncomeRecord: "incomes",
    }
    for model in IMPORT_TABLES:
        if model not in tables:
            continue
        table = tables[model]
        if model is not Household:
            bulk.assign_ids(model, table.created)
        bulk.write(model, table, history)
        counts[f"{names[model]}_created"] = len(table.created)
        counts[f"{names[model]}_updated"] = len(table.updated)
        if written is not None:
            written(model)
    return counts, villages


def households_import_done(
    *,
    actor: User | None,
    scope_code: str,
    filename: str,
    year: int,
    counts: dict[str, int],
    villages: set[str],
    historical: str | None = None,
) -> None:
    """After an import's last chunk: refresh the villages' rollups, leave one audit event."""
    rollups.refresh(villages)
    extra = {"historical": historical} if historical else {}
    audit(actor, HOUSEHOLDS_IMPORTED, scope_code, file=filename, year=year, **counts, **extra)


def _members_remove(ids: list[int], actor: User | None, reason: str) -> int:
    """Delete the members ``ids`` through Django's deletion collector (other records may
    depend on a member), each with its history row."""
    removed = 0
    size = bulk.in_chunk()
    for start in range(0, len(ids), size):
        members = list(Member.objects.filter(pk__in=ids[start : start + size]))
        for member in members:
            tracked: Any = member
            tracked._change_reason = reason
            tracked._history_user = actor
        collector = Collector(using=connection.alias)
        collector.collect(members)
        collector.delete()
        removed += len(members)
    return removed


# -- A member leaves the registry (a death, found by comparison or reported) ---------------
MSG_MEMBER_CLOSE_DEPENDS = _("该成员还有其他记录引用（%(records)s），不能注销")
MEMBER_CLOSED = "registry.member_closed"


@transaction.atomic
def member_close(
    *, actor: User, member: Member, reason: str, on: datetime.date | None = None
) -> Household:
    """Close a member (a death): the member row is deleted with a history row naming the
    actor and ``reason``, the household's head count and the current year's status row follow,
    and one audit event is left. Refused without the right to edit the member's village."""
    from django.db.models import ProtectedError

    member = Member.objects.select_for_update().get(pk=member.pk)
    household = Household.objects.select_for_update().get(pk=member.household_id)
    if not actor.has_role_at(EDIT_REGISTRY, member.village_id):
        raise PermissionDenied(MSG_NO_RIGHT)
    snapshot = {"name": member.name, "id_number": member.id_number}
    try:
        tracked: Any = member
        tracked._change_reason = reason
        tracked._history_user = actor
        collector = Collector(using=connection.alias)
        collector.collect([member])
        collector.delete()
    except ProtectedError as error:
        records = "、".join(sorted({str(o._meta.verbose_name) for o in error.protected_objects}))
        raise ValidationError(MSG_MEMBER_CLOSE_DEPENDS % {"records": records}) from None
    household.members_count = household.members.count()
    save_with_reason(
        household, actor=actor, reason=reason, update_fields=["members_count", "updated_at"]
    )
    year = (on or as_of()).year
    record = StatusRecord.objects.filter(household=household, year=year).first()
    if record is not None:
        record.members_count = household.members_count
        save_with_reason(record, actor=actor, reason=reason, update_fields=["members_count"])
    audit(actor, MEMBER_CLOSED, household.pk, **snapshot, reason=reason)
    return household
