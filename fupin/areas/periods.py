"""Closed periods: once a period's figures are reported, its records change only by correction.

A county office closes its own county's month of field work, quarter of 三会一课 or year of
assessment (:func:`period_close`); league HQ closes any county or the whole league, and alone
may reopen a close, with a reason (:func:`period_reopen`). A close of an area covers every
record of that area and below it whose date falls inside the period.

The writing services of field work, Party meetings and the assessment call one check,
:func:`period_check`, with the record's kind, area code and date. Writing into a closed period
is refused with :data:`MSG_CLOSED` unless a correction reason is given; then the record is
saved and a :class:`~fupin.areas.models.PeriodCorrection` names it, with its audit event. The
figures of a closed period show those corrections beside the value
(:func:`corrections_of`), so a reader sees what changed after the close and why.

This module lives in the areas app, below every domain app, so that fieldwork, party and
assessment can all call it; it knows their records only as ``app_label.model`` and a key.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import Role
from fupin.core import clock
from fupin.core.audit import audit
from fupin.core.clock import as_of

from .models import PeriodClose, PeriodCorrection
from .scope import user_can_see_code, user_prefixes

Kind = PeriodClose.Kind

PERIOD_CLOSED = "areas.period_closed"
PERIOD_REOPENED = "areas.period_reopened"
PERIOD_CORRECTED = "areas.period_corrected"

# A county office closes its own county; league HQ any county or the league itself.
CLOSE_ROLES = {Role.LEAGUE_HQ, Role.COUNTY_OFFICE}
REOPEN_ROLES = {Role.LEAGUE_HQ}
# Closes are made for a league (prefecture, 4 digits) or a county (6 digits).
CLOSABLE_DIGITS = (4, 6)

MSG_CLOSED = _("%(period)s（%(kind)s）已关账，不能直接写入；如需更正，请填写更正原因。")
MSG_NOT_ALLOWED = _("您没有关闭该区划该期间的权限。")
MSG_REOPEN_NOT_ALLOWED = _("只有盟扶贫办可以重新开放已关账的期间。")
MSG_REASON_REQUIRED = _("请填写原因。")
MSG_AREA_LEVEL = _("只能按旗县市或盟关账。")
MSG_PERIOD_FORMAT = _("期间格式不正确：%(period)s")
MSG_PERIOD_FUTURE = _("期间尚未开始，不能关账。")
MSG_ALREADY_CLOSED = _("该期间已关账。")
MSG_NOT_CLOSED = _("该关账已重新开放。")

_PATTERNS = {
    Kind.FIELDWORK_MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    Kind.PARTY_QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    Kind.ASSESSMENT_YEAR: re.compile(r"^(\d{4})$"),
}


def period_of(kind: str, day: datetime.date) -> str:
    """Return the period of ``kind`` that holds ``day``: ``2017-05``, ``2017-Q2`` or ``2017``."""
    if kind == Kind.FIELDWORK_MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if kind == Kind.PARTY_QUARTER:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if kind == Kind.ASSESSMENT_YEAR:
        return f"{day.year:04d}"
    raise ValueError(kind)


def period_bounds(kind: str, period: str) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of a period; ValidationError for a malformed one."""
    match = _PATTERNS[Kind(kind)].match(period or "")
    if not match:
        raise ValidationError(MSG_PERIOD_FORMAT % {"period": period})
    year = int(match.group(1))
    if kind == Kind.FIELDWORK_MONTH:
        first_month = last_month = int(match.group(2))
    elif kind == Kind.PARTY_QUARTER:
        first_month = 3 * int(match.group(2)) - 2
        last_month = first_month + 2
    else:
        first_month, last_month = 1, 12
    last_day = calendar.monthrange(year, last_month)[1]
    return datetime.date(year, first_month, 1), datetime.date(year, last_month, last_day)


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in range(1, len(code) + 1)]


def active_closes(kind: str, period: str):
    return PeriodClose.objects.filter(kind=kind, period=period, reopened_at__isnull=True)


def close_over(kind: str, area_code: str, period: str) -> PeriodClose | None:
    """Return the active close of ``period`` over ``area_code`` (the widest first), if any."""
    return (
        active_closes(kind, period)
        .filter(area_id__in=_prefixes(area_code))
        .order_by("area_id")
        .first()
    )


def close_covering(
    kind: str, area_code: str, day: datetime.date, *, inside: bool = False
) -> PeriodClose | None:
    """Return the active close of the period holding ``day`` over ``area_code``, if any.

    With ``inside``, a close of an area below ``area_code`` counts too: a write over a whole
    area (the yearly assessment of the league) rewrites its closed counties' records. The
    widest close wins (the league's before a county's), so one correction names it.
    """
    if not inside:
        return closes_covering_many(kind, [(area_code, day)])[(area_code, day)]
    closes = active_closes(kind, period_of(kind, day))
    found = closes.filter(area_id__in=_prefixes(area_code)) | closes.within(area_code)
    return found.order_by("area_id").first()


def closes_covering_many(
    kind: str, keys: Iterable[tuple[str, datetime.date]]
) -> dict[tuple[str, datetime.date], PeriodClose | None]:
    """:func:`close_covering` of each ``(area_code, day)`` in one query (a batch of records)."""
    keys = set(keys)
    if not keys:
        return {}
    periods = {period_of(kind, day) for _code, day in keys}
    prefixes = {prefix for code, _day in keys for prefix in _prefixes(code)}
    # Ordered by code, a close over a wider area (a prefix) comes first: the widest wins.
    closes = list(
        PeriodClose.objects.filter(
            kind=kind, period__in=periods, reopened_at__isnull=True, area_id__in=prefixes
        ).order_by("area_id")
    )
    return {
        (code, day): next(
            (
                close
                for close in closes
                if close.period == period_of(kind, day) and code.startswith(close.area_id)
            ),
            None,
        )
        for code, day in keys
    }


def can_close(user, area_code: str) -> bool:
    """Tell whether the user may close periods of ``area_code`` (a county or the league)."""
    if len(area_code) == 4:
        return user.has_role_at(REOPEN_ROLES, area_code)
    return user.has_role_at(CLOSE_ROLES, area_code)


def can_reopen(user, area_code: str) -> bool:
    return user.has_role_at(REOPEN_ROLES, area_code)


@transaction.atomic
def period_close(*, actor, kind: str, area: str, period: str, note: str = "") -> PeriodClose:
    """Close ``period`` of ``kind`` for area code ``area``; refused outside the actor's right."""
    if kind not in Kind.values:
        raise ValidationError(MSG_PERIOD_FORMAT % {"period": kind})
    if len(area) not in CLOSABLE_DIGITS:
        raise ValidationError(MSG_AREA_LEVEL)
    if not user_can_see_code(actor, area) or not can_close(actor, area):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    first, _last = period_bounds(kind, period)
    if first > as_of():
        raise ValidationError(MSG_PERIOD_FUTURE)
    if active_closes(kind, period).filter(area_id=area).exists():
        raise ValidationError(MSG_ALREADY_CLOSED)
    close = PeriodClose.objects.create(
        kind=kind,
        area_id=area,
        period=period,
        note=note,
        closed_by=actor if actor.is_authenticated else None,
    )
    audit(actor, PERIOD_CLOSED, close.pk, kind=kind, area=area, period=period, note=note)
    return close


@transaction.atomic
def period_reopen(*, actor, close: PeriodClose, reason: str) -> PeriodClose:
    """Reopen a close (league HQ only, with a reason); the row stays as the close's history."""
    if not can_reopen(actor, close.area_id):
        raise PermissionDenied(MSG_REOPEN_NOT_ALLOWED)
    if not reason.strip():
        raise ValidationError(MSG_REASON_REQUIRED)
    close = PeriodClose.objects.select_for_update().get(pk=close.pk)
    if close.reopened_at is not None:
        raise ValidationError(MSG_NOT_CLOSED)
    close.reopened_by = actor
    close.reopened_at = clock.now()
    close.reopen_reason = reason.strip()
    close.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    audit(
        actor,
        PERIOD_REOPENED,
        close.pk,
        kind=close.kind,
        area=close.area_id,
        period=close.period,
        reason=close.reopen_reason,
    )
    return close


def period_check(
    kind: str,
    area_code: str,
    date: datetime.date,
    correction_reason: str = "",
    *,
    record: models.Model | tuple[str, str] | None = None,
    actor: Any = None,
    inside: bool = False,
) -> PeriodCorrection | None:
    """Refuse a write into a closed period unless it comes with a correction reason.

    A writing service calls this once, inside its transaction and after saving ``record``:
    outside a closed period nothing happens; inside one without a reason it raises
    ValidationError(:data:`MSG_CLOSED`), which rolls the write back; with a reason it links the
    record to the close as a correction and writes the audit event. A write that is not one
    row (a recomputation) names itself as ``(label, key)``; ``inside`` is
    :func:`close_covering`'s.
    """
    close = close_covering(kind, area_code, date, inside=inside)
    return period_check_close(close, area_code, date, correction_reason, record=record, actor=actor)


def period_check_close(
    close: PeriodClose | None,
    area_code: str,
    date: datetime.date,
    correction_reason: str = "",
    *,
    record: models.Model | tuple[str, str] | None = None,
    actor: Any = None,
) -> PeriodCorrection | None:
    """:func:`period_check` with the close already looked up (:func:`closes_covering_many`)."""
    if close is None:
        return None
    reason = (correction_reason or "").strip()
    if not reason:
        raise ValidationError(
            MSG_CLOSED % {"period": close.period, "kind": close.get_kind_display()},
            code="period_closed",
        )
    if record is None:
        return None
    if isinstance(record, tuple):
        label, key = record
    else:
        label, key = record._meta.label_lower, str(record.pk)
    correction = PeriodCorrection.objects.create(
        close=close,
        area_id=area_code or close.area_id,
        day=date,
        record=label,
        record_id=key,
        reason=reason,
        corrected_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit(
        actor,
        PERIOD_CORRECTED,
        correction.pk,
        close=close.pk,
        record=correction.record,
        record_id=correction.record_id,
        day=date.isoformat(),
        reason=reason,
    )
    return correction


def closes_of(user, kind: str, area_code: str, period: str):
    """The active closes of a period that cover ``area_code`` or lie inside it, in scope."""
    covering = active_closes(kind, period).filter(area_id__in=_prefixes(area_code))
    inside = active_closes(kind, period).within(area_code)
    return (covering | inside).accessible_to(user).order_by("area_id")


def corrections_of(user, kind: str, area_code: str, period: str):
    """The corrections written into a period's active closes, for records in ``area_code``."""
    return (
        PeriodCorrection.objects.accessible_to(user)
        .within(area_code)
        .filter(close__kind=kind, close__period=period, close__reopened_at__isnull=True)
        .order_by("corrected_at", "pk")
    )


def closed_periods(user, kind: str) -> list[str]:
    """The periods of ``kind`` with an active close over or inside the user's scope (forms use
    them to show the correction-reason field for a date inside a closed period)."""
    prefixes = user_prefixes(user)
    if not prefixes:
        return []
    closes = PeriodClose.objects.filter(kind=kind, reopened_at__isnull=True)
    covering = [c for p in prefixes for c in _prefixes(p)] if "" not in prefixes else []
    inside = closes.accessible_to(user)
    found = closes.filter(area_id__in=covering) | inside
    return sorted(set(found.values_list("period", flat=True)))
