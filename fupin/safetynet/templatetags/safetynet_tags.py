from django import template

from fupin.core.idnumber import mask

register = template.Library()


@register.filter
def mask_id(number: str) -> str:
    """Mask an ID number in lists (first 4 and last 4 characters kept)."""
    return mask(number or "")
