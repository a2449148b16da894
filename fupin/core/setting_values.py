"""The values of the system settings (:class:`~fupin.core.models.Setting`), read once per
request.

A page asks for the same setting many times (the as-of date in its view, its selectors, its
menu and its template; whether data are still being built in its note and in its kept
summaries), and each asking was a query. Inside :func:`settings_once` (a request, through
``fupin.core.middleware.SettingsOncePerRequest``) each key is read at most once; storing a
value through :func:`setting_store` forgets what was read of it. Outside, every call reads.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from .models import Setting

_REQUEST: contextvars.ContextVar[dict[str, str | None] | None] = contextvars.ContextVar(
    "fupin_request_settings", default=None
)


def setting_value(key: str) -> str | None:
    """The stored value of ``key``, or None when it is not set."""
    memo = _REQUEST.get()
    if memo is not None and key in memo:
        return memo[key]
    value = Setting.objects.filter(key=key).values_list("value", flat=True).first()
    if memo is not None:
        memo[key] = value
    return value


def setting_store(key: str, value: str | None) -> None:
    """Store ``value`` under ``key`` (None: delete it)."""
    memo = _REQUEST.get()
    if memo is not None:
        memo.pop(key, None)
    if value is None:
        Setting.objects.filter(key=key).delete()
    else:
        Setting.objects.update_or_create(key=key, defaults={"value": value})


@contextlib.contextmanager
def settings_once() -> Iterator[None]:
    """Read each setting at most once in this block (a request)."""
    token = _REQUEST.set({})
    try:
        yield
    finally:
        _REQUEST.reset(token)
