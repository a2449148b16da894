"""What every area page reads from its request: the area (``?area=``) and the year (``?year=``).

One policy for every page:

* **Area.** ``?area=`` (or a posted field) outside the user's scope, or missing, is the same
  404 as :func:`fupin.areas.selectors.access_area`, so a page cannot forget the check. With
  no area given, a page starts at the top of the user's scope; a user with no scope at all
  gets ``None`` (the page's "no area" notice), or the same 404 where the page needs an area.
* **Year.** A requested year between :data:`fupin.core.clock.FIRST_YEAR` and ``last`` is
  taken; anything else (absent, not a number, out of range) gives the page's default. Pages
  differ only in their default and last year, passed as arguments.
"""

from __future__ import annotations

import re

from fupin.core.clock import FIRST_YEAR, as_of

from . import selectors
from .models import LEVEL_DIGITS, Area

_AS_OF_YEAR = object()


def page_area(request, *, post_field: str = "area", required: bool = False) -> Area | None:
    """Return the area of ``?area=`` (or of the posted ``post_field``), or the first top area
    of the user's scope when none is given.

    Outside the scope: 404. A user without any scope: ``None``, or the same 404 if
    ``required``.
    """
    code = (request.GET.get("area") or request.POST.get(post_field) or "").strip()
    if code:
        return selectors.access_area(request.user, code)
    roots = selectors.user_root_areas(request.user)
    if roots:
        return roots[0]
    if required:
        selectors.access_area(request.user, "")  # raises the scope's 404
    return None


def page_year(request, *, default=_AS_OF_YEAR, last: int | None = None) -> int | None:
    """Return the year of ``?year=`` (or a posted ``year``) when it lies in ``FIRST_YEAR`` …
    ``last`` (default: the year after the as-of year), else ``default`` (the as-of year)."""
    today = as_of().year
    default = today if default is _AS_OF_YEAR else default
    last = today + 1 if last is None else last
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        return default
    return year if FIRST_YEAR <= year <= last else default


def page_years(*, first: int = FIRST_YEAR, last: int | None = None) -> list[int]:
    """Return the years a page offers: ``first`` … ``last`` (default: the as-of year)."""
    return list(range(first, (as_of().year if last is None else last) + 1))


# The bounds of the API's query values: the server checks these (fupin.areas.api's parse
# helpers) and the OpenAPI schema publishes the same patterns, so a request the schema calls
# valid is never refused for its form. Years run from the first registry year to the end of
# the century: far enough for every plan, near enough that a four-digit pattern states it.
YEAR_MIN = FIRST_YEAR
YEAR_MAX = 2099
# FIRST_YEAR (2014) … YEAR_MAX (2099) as a regular expression (tests check it matches exactly).
YEAR_RE = r"(?:201[4-9]|20[2-9][0-9])"
MONTH_PATTERN = rf"^{YEAR_RE}-(?:0[1-9]|1[0-2])$"
QUARTER_PATTERN = rf"^{YEAR_RE}-Q[1-4]$"
# A division code has the digits of one level: 2 (province) … 12 (village).
AREA_CODE_PATTERN = "^(?:" + "|".join(f"[0-9]{{{n}}}" for n in sorted(LEVEL_DIGITS.values())) + ")$"


def is_api_year(value: int) -> bool:
    """Tell whether ``value`` lies in the API's years (:data:`YEAR_MIN` … :data:`YEAR_MAX`)."""
    return YEAR_MIN <= value <= YEAR_MAX


def matches(pattern: str, value: str) -> bool:
    """Tell whether ``value`` matches one of the patterns above, exactly as the schema says.

    ASCII only: the schema's ``[0-9]`` never matches other scripts' digits.
    """
    return value.isascii() and re.fullmatch(pattern, value) is not None
