"""The household page's visits and concerns, and their events (see fupin.registry.record)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.registry.record import Event, Section, provider

from . import permissions
from .models import Concern, ConcernEvent, Visit

RECENT_VISITS = 10
TIMELINE_ROWS = 100


def _state(value: str) -> str:
    return str(Concern.State(value).label) if value in Concern.State.values else value


@provider(20)
def visits_and_concerns(user, household):
    visits = list(
        Visit.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .select_related("cadre")
        .order_by("-visited_on", "-pk")[:TIMELINE_ROWS]
    )
    concerns = list(
        Concern.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .select_related("owner")
        .order_by("-raised_on", "-pk")[:TIMELINE_ROWS]
    )
    steps = list(
        ConcernEvent.objects.filter(concern__in=[c.pk for c in concerns])
        .exclude(from_state="")
        .select_related("user")
        .order_by("-day", "-pk")[:TIMELINE_ROWS]
    )
    events = [
        Event(v.visited_on, _("走访"), f"{v.get_kind_display()} {v.content}".strip(), v.cadre.name)
        for v in visits
    ]
    for c in concerns:
        url = reverse("fieldwork:concern", args=[c.pk])
        events.append(Event(c.raised_on, _("反映诉求"), c.text, url=url))
    for e in steps:
        text = f"{_state(e.from_state)} → {_state(e.to_state)}"
        if e.note:
            text = f"{text}：{e.note}"
        who = e.user.get_full_name() or e.user.username if e.user else ""
        url = reverse("fieldwork:concern", args=[e.concern_id])
        events.append(Event(e.day, _("诉求办理"), text, who=who, url=url))
    open_concerns = [c for c in concerns if c.state in Concern.OPEN_STATES]
    section = Section(
        "fieldwork",
        _("走访与诉求"),
        "fieldwork/_household_record.html",
        {
            "visits": visits[:RECENT_VISITS],
            "more_visits": len(visits) > RECENT_VISITS,
            "flagged": sum(1 for v in visits[:RECENT_VISITS] if v.flag_list),
            "open_concerns": open_concerns,
            "concerns_count": len(concerns),
            "can_raise": permissions.can_raise_concern(user, household.village_id),
            "household": household,
        },
    )
    return section, events
