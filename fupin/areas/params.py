"""What every area page reads from its request: the area (``?area=``) and the year (``?year=``).

The area is checked against the user's scope here (404 outside, docs/architecture.md rule 2), so a
page cannot forget it; without one, a page starts at the top of the user's scope. Each page
keeps its own year policy (which years make sense, which one is the default) as arguments.
"""

from __future__ import annotations

from fupin.core.clock import as_of

from . import selectors
from .models import Area

FIRST_YEAR = 2014
_AS_OF_YEAR = object()


def requested_area(request, *, post_field: str = "area") -> Area | None:
    """The area of ``?area=`` (or of the posted ``post_field``) if the user may see it (404
    otherwise), or the first top area of the user's scope."""
    code = (request.GET.get("area") or request.POST.get(post_field) or "").strip()
    if code:
        return selectors.access_area(request.user, code)
    roots = selectors.user_root_areas(request.user)
    return roots[0] if roots else None


def requested_year(request, *, default=_AS_OF_YEAR, first: int = FIRST_YEAR, last=None):
    """The year of ``?year=`` (or a posted ``year``) when it lies in ``first``…``last``
    (default: up to the year after the as-of year), else ``default`` (the as-of year)."""
    today = as_of().year
    default = today if default is _AS_OF_YEAR else default
    last = today + 1 if last is None else last
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        return default
    return year if first <= year <= last else default
