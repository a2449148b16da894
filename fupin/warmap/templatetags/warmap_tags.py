from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def wan(value):
    """18.4万 for 184,000 (the way the campaign writes its figures); small numbers as they are."""
    if value is None:
        return "—"
    if abs(value) < 10_000:
        return intcomma(value)
    tens = (Decimal(value) / Decimal(10_000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _("%(n)s万") % {"n": tens}


@register.filter
def signed(value):
    if value is None:
        return ""
    if value > 0:
        return f"+{intcomma(value)}"
    return intcomma(value)


@register.filter
def pct(value):
    return "—" if value is None else f"{value}%"


@register.filter
def mark(ok):
    if ok is None:
        return "—"
    return "✓" if ok else "✗"


@register.filter
def cell(row, key):
    """A ledger row's value of column ``key`` (dates as YYYY-MM-DD, amounts to the fen)."""
    value = row.get(key)
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "quantize"):
        return f"{value:,.2f}"
    return value


@register.filter
def yuan(value):
    """Exact yuan of a Decimal, to the fen (never through a float)."""
    return "—" if value is None else f"{value:,.2f}"
