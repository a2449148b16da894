from django import template

from fupin.core.masking import mask_id_number

register = template.Library()


@register.filter
def mask_id(number: str) -> str:
    """Mask an ID number in lists (region code and last 4 characters kept)."""
    return mask_id_number(number or "")
