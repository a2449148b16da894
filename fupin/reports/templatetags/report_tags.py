from django import template

from fupin.reports.rendering import flag_label

register = template.Library()


@register.filter
def get(mapping, key):
    """``mapping|get:key`` — a dict lookup with a variable key (None when missing)."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


@register.filter
def flag(value):
    return flag_label(value)


@register.filter
def dash(value):
    return "—" if value is None or value == "" else value
