"""Figures kept for a short while (统计缓存): an area's summary computed once for every viewer
who opens it within ``FUPIN_SUMMARY_SECONDS`` (default 60).

A war map is opened by everyone who commands the same area, and its figures are aggregates
of the whole area: the league's costs a quarter of a second of CPU, its JSON as much, while
the village's, opened by its team and every pairing cadre, costs 50 ms. Recomputed for each
viewer, the summaries took a third of the server's CPU under the load test
(bench/README.md, "Many users at once"). Kept, a summary lags the registry by at most that
many seconds, and the page says when it was computed — as DHIS2 caches its analytics for a
configured time (docs/architecture.md, "Summaries kept for a short while").

The key holds everything the figures depend on besides the data: the area and its
parameters, the viewer's scope (the areas their roles cover, not who they are: two county
officers of one county share the county's summary; a pairing cadre, who reads only its own
households' records, keeps its own), the system's as-of date and the language
of any label inside. ``0`` seconds turns keeping off (the tests do, since they write and read
within a second; tests/warmap/test_kept_summaries.py turns it on).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from fupin.core import clock
from fupin.core.building import building_state

from .scope import narrowed_to_own_households, user_prefixes

T = TypeVar("T")
CACHE = "summaries"


def kept(
    name: str, user, *parts: object, compute: Callable[[], T]
) -> tuple[T, datetime.datetime | None]:
    """``compute()``'s value for this viewer's scope and ``parts``, and when it was computed
    (``None``: just now, keeping is off)."""
    seconds = settings.FUPIN_SUMMARY_SECONDS
    if seconds <= 0:
        return compute(), None
    # While data are still being built (fupin.core.building) the figures change part by part:
    # kept, they would outlive the page's note that they are incomplete.
    if building_state() is not None:
        return compute(), None
    # A pairing cadre reads only its own households' records: its summaries are its own.
    own = f"own:{user.pk}" if narrowed_to_own_households(user) else ""
    key = "|".join(
        (
            name,
            ",".join(user_prefixes(user)),
            own,
            clock.as_of().isoformat(),
            translation.get_language() or "",
            *map(str, parts),
        )
    )
    key = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    cache = caches[CACHE]
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    at = clock.now()
    cache.set(key, (value, at), seconds)
    return value, at
