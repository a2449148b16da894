"""The system's as-of date: the "today" of every current view (this week, overdue, in period).

Precedence: the ``FUPIN_AS_OF`` environment setting, then the ``as_of`` row of
:class:`fupin.core.models.Setting` (the demo writes 2017-06-30 there), then the real date.
"""

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

AS_OF_KEY = "as_of"
# The first year of the registry's figures (the year the poor were first registered, 建档立卡):
# every year picker, series and figure starts here.
FIRST_YEAR = 2014


def as_of() -> datetime.date:
    """Return the date the system treats as today (read once per request:
    :mod:`fupin.core.setting_values`)."""
    if settings.FUPIN_AS_OF:
        return datetime.date.fromisoformat(settings.FUPIN_AS_OF)
    from .setting_values import setting_value

    try:
        value = setting_value(AS_OF_KEY)
    except DatabaseError:
        value = None
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


def now() -> datetime.datetime:
    """Return the system's "now": the real time of day on the as-of date.

    A moment the campaign records and a page shows (a report published, an import uploaded,
    an objection filed, a month closed, a message sent) is stamped with this, so it agrees
    with every "today" of the pages. When the as-of date is the real date this is exactly
    ``timezone.now()``; audit rows, sessions and token expiry keep the real clock
    (docs/architecture.md, "The as-of date").
    """
    real = timezone.now()
    day = as_of()
    local = timezone.localtime(real)
    if day == local.date():
        return real
    return local.replace(year=day.year, month=day.month, day=day.day)


def set_as_of(day: datetime.date | None) -> None:
    """Store (or with ``None`` clear) the database as-of date."""
    from .setting_values import setting_store

    setting_store(AS_OF_KEY, None if day is None else day.isoformat())


def current_year() -> int:
    return as_of().year


# Trusted loaders (the demo builder, which simulates 2014–2017 through the same services)
# date their records themselves. A context variable rather than a setting, a database row or
# a parameter: only Python code running in this thread can enter it, so no request (form,
# API or import file) can ever reach it, and a request served meanwhile by another thread
# still gets the date policy of fupin.core.dates. The demo keeps its historical dates
# unchanged, so it writes exactly the data it wrote before the policy existed.
_HISTORICAL_LOAD: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "fupin_historical_load", default=False
)


@contextlib.contextmanager
def historical_load() -> Iterator[None]:
    """Within this block, services take the dates they are given as they are."""
    token = _HISTORICAL_LOAD.set(True)
    try:
        yield
    finally:
        _HISTORICAL_LOAD.reset(token)


def in_historical_load() -> bool:
    return _HISTORICAL_LOAD.get()
