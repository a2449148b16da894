"""The one date policy of records that people write: the server's clock decides.

A record is dated today (:func:`fupin.core.clock.as_of`) unless the user gives another date.
No date after today is accepted. A date before today is accepted only within the kind's
window (``settings.FUPIN_BACKDATE_DAYS``: visits, check-ins and meetings 7 days, case steps 0)
and only with a reason; the record then stores ``backdated`` and the reason (补录), so a
figure of a past month cannot be changed silently after it was read.

Trusted loaders that simulate history (the demo builder) run inside
:func:`fupin.core.clock.historical_load`, where a given date is taken as it is.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .clock import as_of, in_historical_load

MSG_FUTURE = _("%(label)s：不能晚于今天（%(today)s）。")
MSG_TODAY_ONLY = _("%(label)s：由系统按当天（%(today)s）记录，不能另选日期。")
MSG_BEYOND_WINDOW = _("%(label)s：只能补录 %(window)s 天内的记录（%(earliest)s 至 %(today)s）。")
MSG_REASON_REQUIRED = _(
    "%(label)s：%(day)s 早于今天，补录须填写补录原因（可补录 %(window)s 天内的记录）。"
)

REASON_FIELD = "backdate_reason"


class Kind(enum.StrEnum):
    VISIT = "visit"
    CHECK_IN = "check_in"
    MEETING = "meeting"
    CASE_STEP = "case_step"
    # A notice is published today, always: it has no window setting.
    NOTICE = "notice"


LABELS: dict[Kind, str | Promise] = {
    Kind.VISIT: _("走访日期"),
    Kind.CHECK_IN: _("打卡日期"),
    Kind.MEETING: _("召开日期"),
    Kind.CASE_STEP: _("办理日期"),
    Kind.NOTICE: _("发布日期"),
}


@dataclasses.dataclass(frozen=True)
class RecordDate:
    date: datetime.date
    backdated: bool = False
    reason: str = ""


def window(kind: Kind | str) -> int:
    """Days before today a record of ``kind`` may be dated (0: today only)."""
    if kind == Kind.NOTICE:
        return 0
    return max(0, int(settings.FUPIN_BACKDATE_DAYS.get(str(kind), 0)))


def record_date(
    kind: Kind | str,
    given: datetime.date | None,
    *,
    reason: str = "",
    today: datetime.date | None = None,
    field: str = "date",
    label: str | Promise | None = None,
) -> RecordDate:
    """Return the date a record of ``kind`` is stored with, or raise a ValidationError keyed
    by ``field`` (the date) or ``backdate_reason`` that names the window and the reason."""
    kind = Kind(kind)
    reason = (reason or "").strip()
    if in_historical_load():
        return RecordDate(given or today or as_of())
    today = today or as_of()
    if given is None or given == today:
        return RecordDate(today)
    label = label or LABELS[kind]
    days = window(kind)
    if given > today:
        raise ValidationError(
            {field: [gettext(MSG_FUTURE) % {"label": label, "today": today.isoformat()}]}
        )
    if days == 0:
        raise ValidationError(
            {field: [gettext(MSG_TODAY_ONLY) % {"label": label, "today": today.isoformat()}]}
        )
    earliest = today - datetime.timedelta(days=days)
    if given < earliest:
        raise ValidationError(
            {
                field: [
                    gettext(MSG_BEYOND_WINDOW)
                    % {
                        "label": label,
                        "window": days,
                        "earliest": earliest.isoformat(),
                        "today": today.isoformat(),
                    }
                ]
            }
        )
    if not reason:
        raise ValidationError(
            {
                REASON_FIELD: [
                    gettext(MSG_REASON_REQUIRED)
                    % {"label": label, "day": given.isoformat(), "window": days}
                ]
            }
        )
    return RecordDate(given, backdated=True, reason=reason)
