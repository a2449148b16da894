"""The audit log and the history reason: what every write service leaves behind.

Two records, each with its own purpose:

- django-simple-history keeps every version of a tracked row, with the user and a reason;
  :func:`save_with_reason` is the one way a service saves such a row with its reason.
- :class:`~fupin.core.models.AuditEvent` is an append-only log of who did what: the
  sensitive reads and exports, and every write of money, the registry, Party and cadre
  records, the Party members' business leaders and the case records. A service calls
  :func:`audit` inside its own transaction, so a refused (rolled back) write leaves no event.

An event's ``target`` is the primary key (or area code) of the row written; its ``detail`` is
JSON: amounts in fen (:func:`fen`), and ``before``/``after`` values where a change matters
(:func:`changes`). The actions are the constants below, ``<app>.<entity>_<action>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

from .models import AuditEvent

M = TypeVar("M", bound=Model)

# Reads and exports.
HOUSEHOLD_VIEWED = "household.viewed"
REGISTRY_EXPORTED = "registry.exported"

# Registry writes.
HOUSEHOLD_CREATED = "registry.household_created"
HOUSEHOLD_UPDATED = "registry.household_updated"
MEMBER_CREATED = "registry.member_created"
MEMBER_UPDATED = "registry.member_updated"
STATUS_RECORDED = "registry.status_recorded"

# Imports: one event per imported file, its detail the file name and the counts written.
HOUSEHOLDS_IMPORTED = "registry.households_imported"
PAIRINGS_IMPORTED = "assistance.pairings_imported"
FUNDS_IMPORTED = "funds.funds_imported"
ALLOCATIONS_IMPORTED = "funds.allocations_imported"
BENEFICIARIES_IMPORTED = "funds.beneficiaries_imported"
COLLECTIVE_INCOME_IMPORTED = "collective.income_imported"

# Money (funds).
FUND_RECORDED = "funds.fund_recorded"
FUND_TRANSFERRED = "funds.fund_transferred"
PROJECT_CREATED = "funds.project_created"
PROJECT_PROGRESS_REPORTED = "funds.project_progress_reported"
ALLOCATION_CREATED = "funds.allocation_created"
VILLAGE_SHARE_ADDED = "funds.village_share_added"
HOUSEHOLD_SHARES_CREATED = "funds.household_shares_created"
DIVIDENDS_PAID = "funds.dividends_paid"

# Party records.
MEETING_RECORDED = "party.meeting_recorded"
MEMBER_TRANSFERRED = "party.member_transferred"
ARCHIVE_ENTRY_CREATED = "party.archive_entry_created"

# Business leaders (致富带头人).
LEADER_CREATED = "leaders.leader_created"
LEADER_LINK_CREATED = "leaders.link_created"
LEADER_LINK_ENDED = "leaders.link_ended"
LEADER_INCOME_RECORDED = "leaders.income_recorded"

FEN_PER_YUAN = 100


def fen(amount) -> int:
    """Return an amount of yuan as whole fen (JSON keeps integers exact, not decimals)."""
    return int((Decimal(str(amount)) * FEN_PER_YUAN).to_integral_value())


def changes(before: dict, after: dict) -> dict:
    """Return ``{field: [before, after]}`` for the fields whose value changed (JSON-ready)."""
    return {
        field: [_json(before.get(field)), _json(value)]
        for field, value in after.items()
        if before.get(field) != value
    }


def _json(value):
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def audit(
    user: AbstractBaseUser | AnonymousUser | None, action: str, target: object = "", **detail: Any
) -> None:
    """Append one event; never updated or deleted by the application."""
    AuditEvent.objects.create(
        user_id=user.pk if user is not None and user.is_authenticated else None,
        action=action,
        target=str(target)[:100],
        detail=detail,
    )


def audit_many(
    user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    events: Iterable[tuple[object, dict[str, Any]]],
) -> None:
    """Append one event per ``(target, detail)`` in one statement: the same events as
    :func:`audit` called for each, for a service that writes a batch of rows.

    A plain ``executemany`` of values each column prepares itself: a batch's events cost
    less than building and compiling a model per event (``bulk_create``)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    now = timezone.now()
    rows = [(now, user_id, action, str(target)[:100], detail) for target, detail in events]
    if not rows:
        return
    fields = [AuditEvent._meta.get_field(name) for name in _AUDIT_COLUMNS]
    connection = connections[router.db_for_write(AuditEvent)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(AuditEvent._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


_AUDIT_COLUMNS = ("at", "user", "action", "target", "detail")


def save_with_reason(
    obj: M,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    reason: str = "",
    update_fields: Iterable[str] | None = None,
) -> M:
    """Save a history-tracked row so that its history row names the actor and the reason.

    The one place that sets django-simple-history's ``_history_user`` and ``_change_reason``;
    services pass ``update_fields`` as they would to ``save``. Return ``obj``.
    """
    _mark(obj, actor, reason)
    if update_fields is None:
        obj.save()
    else:
        obj.save(update_fields=update_fields)
    return obj


def delete_with_reason(
    obj: Model, *, actor: AbstractBaseUser | AnonymousUser | None, reason: str = ""
) -> None:
    """Delete a history-tracked row with the actor and the reason on its last history row."""
    _mark(obj, actor, reason)
    obj.delete()


def _mark(obj: Model, actor: AbstractBaseUser | AnonymousUser | None, reason: str) -> None:
    # django-simple-history reads these two attributes off the instance when it writes the
    # history row; the models do not declare them.
    tracked: Any = obj
    if actor is not None and actor.is_authenticated:
        tracked._history_user = actor
    tracked._change_reason = reason
