"""Template filters of the assessment's results."""

from django import template
from django.utils.translation import gettext

from fupin.assessment.rules import reason_display

register = template.Library()


@register.filter
def reasons(stored: list[str]) -> str:
    """Join the stored reasons of a result, each in the reader's language."""
    return gettext("；").join(reason_display(r) for r in stored or ())


@register.filter
def reason(stored: str) -> str:
    """One stored reason in the reader's language."""
    return reason_display(stored)
