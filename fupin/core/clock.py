"""The system's as-of date: the "today" of every current view (this week, overdue, in period).

Precedence: the ``FUPIN_AS_OF`` environment setting, then the ``as_of`` row of
:class:`fupin.core.models.Setting` (the demo writes 2017-06-30 there), then the real date.
"""

import datetime

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

AS_OF_KEY = "as_of"
# The first year of the registry's figures (the year the poor were first registered, 建档立卡):
# every year picker, series and figure starts here.
FIRST_YEAR = 2014


def as_of() -> datetime.date:
    """Return the date the system treats as today."""
    if settings.FUPIN_AS_OF:
        return datetime.date.fromisoformat(settings.FUPIN_AS_OF)
    from .models import Setting

    try:
        value = Setting.objects.filter(key=AS_OF_KEY).values_list("value", flat=True).first()
    except DatabaseError:
        value = None
    if value:
        return datetime.date.fromisoformat(value)
    return timezone.localdate()


def set_as_of(day: datetime.date | None) -> None:
    """Store (or with ``None`` clear) the database as-of date."""
    from .models import Setting

    if day is None:
        Setting.objects.filter(key=AS_OF_KEY).delete()
    else:
        Setting.objects.update_or_create(key=AS_OF_KEY, defaults={"value": day.isoformat()})


def current_year() -> int:
    return as_of().year
