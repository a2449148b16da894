"""The household page's visits, with their flags (the registry's page cannot import field
work, which sits above it: the template asks for them by this tag)."""

from django import template

from fupin.fieldwork.models import Visit

register = template.Library()

HOUSEHOLD_VISITS = 20


@register.inclusion_tag("fieldwork/_household_visits.html", takes_context=True)
def household_visits(context, household):
    """The household's latest visits in the viewer's scope, newest first, flags shown."""
    user = context["request"].user
    visits = (
        Visit.objects.accessible_to(user)
        .filter(household_id=household.pk)
        .select_related("cadre")
        .order_by("-visited_on", "-pk")
    )
    rows = list(visits[: HOUSEHOLD_VISITS + 1])
    return {
        "visits": rows[:HOUSEHOLD_VISITS],
        "more": len(rows) > HOUSEHOLD_VISITS,
        "flagged": sum(1 for v in rows[:HOUSEHOLD_VISITS] if v.flag_list),
    }
