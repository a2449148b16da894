from decimal import Decimal, InvalidOperation

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


@register.filter
def num(value):
    """A figure with thousands separators (money, large counts); "—" when missing."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return f"{number:,}" if abs(number) >= 10000 else value
