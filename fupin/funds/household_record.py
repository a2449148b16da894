"""The household page's projects and dividends (see fupin.registry.record)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fupin.registry.record import Event, Section, provider

from .models import Dividend, HouseholdShare


@provider(40)
def projects_and_dividends(user, household):
    shares = list(
        HouseholdShare.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .select_related("project")
        .order_by("-since", "pk")
    )
    dividends = list(
        Dividend.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .select_related("project")
        .order_by("-year", "-paid_on", "pk")
    )
    events = [Event(s.since, _("项目受益"), s.project.name) for s in shares] + [
        Event(d.paid_on, _("分红"), f"{d.project.name} {d.amount}") for d in dividends
    ]
    if not shares and not dividends:
        return None, events
    section = Section(
        "funds",
        _("项目与分红"),
        "funds/_household_record.html",
        {"shares": shares, "dividends": dividends},
    )
    return section, events
