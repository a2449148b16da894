"""The household page's 帮扶责任人 and plan sections (see fupin.registry.record)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from fupin.accounts.actions import Action, allowed
from fupin.core.clock import as_of
from fupin.registry.record import Event, Section, provider

from .models import AssistancePlan, Link, Measure, Pairing
from .selectors import active_q


@provider(10)
def pairing_and_plan(user, household):
    day = as_of()
    pairings = list(
        Pairing.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .select_related("cadre", "cadre__area")
        .order_by("-start_date", "pk")
    )
    current = [
        p for p in pairings if p.start_date <= day and (p.end_date is None or p.end_date >= day)
    ]
    measures = Measure.objects.select_related("responsible").order_by("type", "pk")
    plans = list(
        AssistancePlan.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("-year")[:3]
    )
    events = [
        Event(p.start_date, _("结对帮扶"), p.cadre.name, who=p.cadre.unit) for p in pairings
    ] + [
        Event(p.end_date, _("结束结对"), p.cadre.name, who=p.cadre.unit)
        for p in pairings
        if p.end_date and p.end_date <= day
    ]
    section = Section(
        "pairing",
        _("帮扶责任人与帮扶计划"),
        "assistance/_household_record.html",
        {
            "household": household,
            "current": current,
            "past": [p for p in pairings if p not in current],
            "plans": plans,
            # 两联一包 of the household's village and township, kept from this page.
            "links": list(
                Link.objects.accessible_to(user)
                .filter(active_q(day), area_id__in=[household.village_id, household.village_id[:9]])
                .select_related("area", "cadre")
                .order_by("area_id", "kind", "pk")
            ),
            "can_pair": allowed(user, Action.PAIRING_EDIT, household.village_id),
            "can_link": allowed(user, Action.LINK_EDIT, household.village_id),
        },
    )
    return section, events
