"""``{% bilingual_area code as bilingual %}``: whether an area's public pages are bilingual.

For the public templates whose views predate the bilingual documents (the public concern
form): the template asks, so the view stays as it is.
"""

from django import template

from fupin.areas.selectors import is_bilingual

register = template.Library()


@register.simple_tag
def bilingual_area(code) -> bool:
    return bool(code) and is_bilingual(str(code))
