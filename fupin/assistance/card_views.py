"""Clarity-card PDFs (明白卡): one household, or a whole village (one page per household)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from fupin.areas.models import Level
from fupin.areas.scope import scope_safe
from fupin.areas.selectors import access_area
from fupin.core.clock import as_of
from fupin.registry.models import Household
from fupin.registry.selectors import access_household

from . import cards


def _options(request) -> tuple[int, str]:
    today = as_of()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    size = "A5" if request.GET.get("size", "").upper() == "A5" else "A4"
    return year, size


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename={filename}"
    return response


@scope_safe
@login_required
@require_GET
def household_card(request, pk):
    household = access_household(request.user, pk)
    year, size = _options(request)
    today = as_of()
    built = cards.build_cards(
        Household.objects.accessible_to(request.user).filter(pk=household.pk),
        year=year,
        today=today,
        size=size,
        base_url=cards.public_base_url(request),
    )
    content = cards.render_cards_pdf(built, year=year, today=today, size=size)
    return _pdf(content, f"card-{household.number}.pdf")


@scope_safe
@login_required
@require_GET
def village_cards(request, code):
    area = access_area(request.user, code)
    if area.level != Level.VILLAGE:
        raise Http404(gettext("明白卡按嘎查村打印，请选择一个嘎查村"))
    year, size = _options(request)
    today = as_of()
    households = cards.village_households(area.code, Household.objects.accessible_to(request.user))
    built = cards.build_cards(
        households, year=year, today=today, size=size, base_url=cards.public_base_url(request)
    )
    content = cards.render_cards_pdf(
        built,
        year=year,
        today=today,
        size=size,
        empty=gettext("%(area)s暂无建档立卡户。") % {"area": area.name},
    )
    return _pdf(content, f"cards-{area.code}-{year}.pdf")
