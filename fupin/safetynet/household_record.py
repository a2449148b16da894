"""The household page's safety-net enrolments (see fupin.registry.record)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fupin.registry.record import Section, provider

from .models import PolicyEnrolment


@provider(50)
def enrolments(user, household):
    rows = list(
        PolicyEnrolment.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .within(household.village_id, field="member__village_id")
        .select_related("member")
        .order_by("-year", "policy", "pk")
    )
    if not rows:
        return None, []
    section = Section(
        "safetynet", _("兜底保障"), "safetynet/_household_record.html", {"enrolments": rows}
    )
    return section, []
