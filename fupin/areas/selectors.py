"""Reads of areas, already scoped: one area (:func:`access_area`), the areas of a user's
scope, its roots, the breadcrumbs and an area's children. The yearly figures per area are
the registry's (:mod:`fupin.registry.stats`); :func:`incidence` is here because its
denominator, the rural population, is an area's."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext

from .models import Area
from .scope import user_can_see_code, user_prefixes


def access_area(user, code: str) -> Area:
    """Return the area if the user's scope reaches it; the same 404 for missing and forbidden."""
    if not code or not user_can_see_code(user, code):
        raise Http404(gettext("区划不存在或不在您的权限范围内"))
    try:
        return Area.objects.get(pk=code)
    except Area.DoesNotExist:
        raise Http404(gettext("区划不存在或不在您的权限范围内")) from None


def areas_accessible_to(user):
    return Area.objects.accessible_to(user)


def user_root_areas(user) -> list[Area]:
    """Return the top areas of the user's scope (the start of every drill-down)."""
    prefixes = user_prefixes(user)
    if "" in prefixes:
        return list(Area.objects.filter(level="prefecture")) or list(
            Area.objects.filter(parent__isnull=True)
        )
    return list(Area.objects.filter(code__in=prefixes))


def breadcrumbs(user, area: Area) -> list[Area]:
    """Return the ancestors of ``area`` inside the user's scope, then ``area`` itself."""
    codes_ = [c for c in area.ancestor_codes() if user_can_see_code(user, c)]
    found = {a.code: a for a in Area.objects.filter(code__in=codes_)}
    return [found[c] for c in codes_ if c in found] + [area]


def incidence(poor_persons: int, rural_population: int) -> Decimal | None:
    if not rural_population:
        return None
    value = Decimal(poor_persons * 100) / Decimal(rural_population)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def county_totals(rows, total) -> dict:
    """The aggregate ``total`` of ``rows`` per county (the first six digits of each row's
    area code): one grouped statement for any number of counties."""
    return dict(
        rows.order_by()
        .annotate(county=Substr(rows.model.scope_field, 1, 6))
        .values("county")
        .annotate(total=total)
        .values_list("county", "total")
    )


def children_in_scope(user, area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).accessible_to(user))


def is_bilingual(code: str) -> bool:
    """Tell whether the public documents of the area ``code`` are Mongolian and Chinese.

    The nearest area (itself, then upwards) whose ``bilingual`` is set decides; when none is
    set, the league default FUPIN_BILINGUAL_AREAS does (an area listed there and everything
    under it).
    """
    from django.conf import settings

    codes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    chosen = dict(
        Area.objects.filter(code__in=codes, bilingual__isnull=False).values_list(
            "code", "bilingual"
        )
    )
    for candidate in reversed(codes):
        if candidate in chosen:
            return bool(chosen[candidate])
    return any(code.startswith(prefix) for prefix in settings.FUPIN_BILINGUAL_AREAS)
