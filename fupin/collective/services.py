"""Writes of the collective economy: keyword-only, atomic, scope- and right-checked, audited.

:func:`income_set` records a village's income lines of one year (one amount per source), the
form's write; :func:`income_import` is the write phase of the spreadsheet import
(:mod:`fupin.collective.importing`): many village years, set-based. History is written by django-simple-history.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fupin.accounts.models import User
from fupin.areas.models import Area, Level
from fupin.core.audit import (
    COLLECTIVE_INCOME_IMPORTED,
    audit,
    delete_with_reason,
    save_with_reason,
)
from fupin.core.clock import FIRST_YEAR, as_of

from .models import CollectiveIncome, Source
from .permissions import can_edit

INCOME_SET = "collective.income_set"
REASON = "填报集体经济收入"

MSG_NOT_ALLOWED = _("您没有填报该嘎查村集体经济收入的权限")
MSG_IMPORT_NOT_ALLOWED = _("您没有导入集体经济收入的权限")
MSG_NOT_VILLAGE = _("“%(code)s”不是参与扶贫的嘎查村")
MSG_YEAR_FUTURE = _("年度不能晚于%(year)s年")
MSG_YEAR_PAST = _("年度不能早于%(year)s年")
MSG_NEGATIVE = _("金额不能为负数")
MSG_SOURCE = _("“%(value)s”不是有效的收入来源（可选：%(allowed)s）")


def check_year(year: int) -> None:
    """Refuse a year in the future (as of the system date) or before the registry began."""
    if year > as_of().year:
        raise ValidationError(MSG_YEAR_FUTURE % {"year": as_of().year})
    if year < FIRST_YEAR:
        raise ValidationError(MSG_YEAR_PAST % {"year": FIRST_YEAR})


@transaction.atomic
def income_set(
    *, actor: User, village: Area, year: int, lines: dict[str, tuple[Decimal | None, str]]
) -> dict[str, int]:
    """Set the village's income of ``year``: per source an amount (None: no line) and a note.

    Sources not in ``lines`` are left as they are. Return how many lines were created,
    changed and removed.
    """
    if not can_edit(actor, village.code):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if village.level != Level.VILLAGE or not village.participates:
        raise ValidationError(MSG_NOT_VILLAGE % {"code": village.code})
    check_year(year)
    existing = {
        line.source: line
        for line in CollectiveIncome.objects.filter(village=village, year=year, source__in=lines)
    }
    counts = {"created": 0, "changed": 0, "removed": 0}
    for source, (amount, note) in lines.items():
        if source not in Source.values:
            raise ValidationError(
                MSG_SOURCE % {"value": source, "allowed": "、".join(Source.values)}
            )
        line = existing.get(source)
        if amount is None:
            if line is not None:
                delete_with_reason(line, actor=actor, reason=REASON)
                counts["removed"] += 1
            continue
        if amount < 0:
            raise ValidationError(MSG_NEGATIVE)
        amount = amount.quantize(Decimal("0.01"))
        note = (note or "").strip()
        if line is None:
            line = CollectiveIncome(
                village=village, year=year, source=source, amount=amount, note=note
            )
            counts["created"] += 1
        elif line.amount == amount and line.note == note:
            continue
        else:
            line.amount, line.note = amount, note
            counts["changed"] += 1
        line.full_clean()
        save_with_reason(line, actor=actor, reason=REASON)
    audit(actor, INCOME_SET, village.code, year=year, **counts)
    return counts


# One (village code, year, source, amount in yuan, note) line of an import.
IncomeLine = tuple[str, int, str, Decimal, str]
IMPORT_CHUNK = 300  # lines per OR query: well under the databases' expression limits
IMPORT_BATCH = 2000


@transaction.atomic
def income_import(
    *, actor: User, area_code: str, lines: list[IncomeLine], filename: str
) -> dict[str, int]:
    """Write the checked lines of an imported file within ``area_code``, set-based.

    Each line sets its (village, year, source): created, or its amount and note changed; a
    line already holding the same values is not touched. Refused (``PermissionDenied``,
    nothing written) unless the actor may record the collective income of the area and of
    every village named. One audit event for the file. Return the created, changed and
    unchanged counts.
    """
    villages = {line[0] for line in lines}
    if not can_edit(actor, area_code) or not all(
        code.startswith(area_code) and can_edit(actor, code) for code in villages
    ):
        raise PermissionDenied(MSG_IMPORT_NOT_ALLOWED)
    existing = {}
    for start in range(0, len(lines), IMPORT_CHUNK):
        chunk = Q(pk__in=[])
        for village, year, source, _amount, _note in lines[start : start + IMPORT_CHUNK]:
            chunk |= Q(village_id=village, year=year, source=source)
        for line in CollectiveIncome.objects.select_for_update().filter(chunk):
            existing[(line.village_id, line.year, line.source)] = line
    created, changed = [], []
    for village, year, source, amount, note in lines:
        found = existing.get((village, year, source))
        if found is None:
            created.append(
                CollectiveIncome(
                    village_id=village, year=year, source=source, amount=amount, note=note
                )
            )
        elif found.amount != amount or found.note != note:
            found.amount, found.note = amount, note
            changed.append(found)
    reason = f"导入 {filename}"  # the history reason (stored data)
    if created:
        bulk_create_with_history(
            created,
            CollectiveIncome,
            batch_size=IMPORT_BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
    if changed:
        bulk_update_with_history(
            changed,
            CollectiveIncome,
            ["amount", "note"],
            batch_size=IMPORT_BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
    counts = {
        "created": len(created),
        "changed": len(changed),
        "unchanged": len(lines) - len(created) - len(changed),
    }
    audit(actor, COLLECTIVE_INCOME_IMPORTED, area_code, file=filename, **counts)
    return counts
