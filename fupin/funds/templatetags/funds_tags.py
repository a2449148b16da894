"""``{{ amount|yuan }}``: yuan with thousands separators and two decimals, from the Decimal
(``floatformat`` goes through a float; money does not)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}"
