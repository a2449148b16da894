"""The household's single record: the sections other apps add to the household's page.

The registry sits below the apps that hold a household's pairing, visits, cases, shares and
enrolments, so it cannot import them (docs/architecture.md, "Layers"). Each of those apps
instead has a ``household_record`` module that registers a provider here with :func:`provider`;
the modules are found once, like Django's admin modules, through ``autodiscover_modules``.

A provider takes the viewer and the household and returns its section (or ``None``) and the
events it adds to the household's timeline. It reads through the viewer's scope and in a fixed
number of queries, whatever the household's size: the page's query count is bounded.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules


@dataclasses.dataclass
class Section:
    key: str  # the HTML id of the section
    title: str
    template: str
    context: dict
    order: int = 100


@dataclasses.dataclass
class Event:
    day: datetime.date
    kind: str  # what happened, as a short label: 走访, 诉求, 识别 …
    text: str
    who: str = ""
    url: str = ""


Provider = Callable[..., tuple[Section | None, list[Event]]]
_providers: list[tuple[int, Provider]] = []
_discovered = False


def provider(order: int):
    """Register ``fn(user, household)`` as a section of the household's page; lower first."""

    def register(fn: Provider) -> Provider:
        _providers.append((order, fn))
        _providers.sort(key=lambda pair: pair[0])
        return fn

    return register


def household_record(user, household) -> tuple[list[Section], list[Event]]:
    """Every registered section of ``household`` as ``user`` may see it, and their events."""
    global _discovered
    if not _discovered:
        autodiscover_modules("household_record")
        _discovered = True
    sections: list[Section] = []
    events: list[Event] = []
    for order, fn in _providers:
        section, more = fn(user, household)
        if section is not None:
            section.order = order
            sections.append(section)
        events.extend(more)
    return sections, events


def _as_day(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def timeline(events: list[Event], limit: int = 200) -> list[Event]:
    """The events newest first (a day's events in the order they were added), at most
    ``limit`` of them."""
    ordered = sorted(events, key=lambda e: _as_day(e.day), reverse=True)
    return ordered[:limit]
