"""The QR code on each clarity card: the household's visit form in the phone app, as an
inline SVG with the address printed small under it (a QR decoder is not available here, so
the tests read the address the code is made from and the SVG it becomes)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from fupin.assistance import cards
from fupin.core.clock import as_of
from fupin.registry.models import Household
from tests.factories import CHANGFA, make_household, make_user
from tests.identification.test_notice_pdf import needs_pdf, needs_poppler, pdf_text, squash

pytestmark = pytest.mark.django_db


def _card_html(households, base_url):
    built = cards.build_cards(households, year=2017, today=as_of(), base_url=base_url)
    return built, cards.render_cards_html(built, year=2017, today=as_of())


def test_each_card_carries_its_households_visit_address():
    first, second = make_household(CHANGFA), make_household(CHANGFA)
    built, html = _card_html(
        Household.objects.filter(pk__in=[first.pk, second.pk]), "https://fupin.example.cn/"
    )
    # Cards come in household-number order, and the factory numbers households in turn.
    assert [c.visit_url for c in built] == [
        f"https://fupin.example.cn/m/visit/{h.pk}/" for h in (first, second)
    ]
    assert html.count('<svg viewBox="0 0 ') == 2 and html.count('class="qr-code"') == 2
    for household in (first, second):
        url = f"https://fupin.example.cn/m/visit/{household.pk}/"
        assert f'<p class="qr-url">{url}</p>' in html
    # The SVG is the code of that address: the same drawing segno makes from it.
    assert str(cards.qr_svg(f"https://fupin.example.cn/m/visit/{first.pk}/")) in html
    assert cards.qr_svg("https://a.cn/m/visit/1/") != cards.qr_svg("https://a.cn/m/visit/2/")


def test_the_base_is_the_setting_else_the_request_host(rf, settings):
    settings.FUPIN_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["cards.example.cn", "testserver"]
    assert cards.public_base_url(rf.get("/", HTTP_HOST="cards.example.cn")) == (
        "http://cards.example.cn"
    )
    assert cards.public_base_url() == cards.FALLBACK_BASE_URL
    settings.FUPIN_PUBLIC_URL = "https://fupin.xam.gov.cn"
    assert cards.public_base_url(rf.get("/")) == "https://fupin.xam.gov.cn"


@needs_pdf
@needs_poppler
def test_the_pdf_prints_the_address_under_the_code(client, settings):
    settings.FUPIN_PUBLIC_URL = ""
    household = make_household(CHANGFA)
    client.force_login(make_user("village_team", CHANGFA))
    response = client.get(f"/households/{household.pk}/card.pdf")
    assert response.status_code == 200
    assert f"http://testserver/m/visit/{household.pk}/" in squash(pdf_text(response.content))


@needs_pdf
@needs_poppler
def test_the_command_uses_the_setting(settings, tmp_path):
    settings.FUPIN_PUBLIC_URL = "https://fupin.xam.gov.cn"
    household = make_household(CHANGFA)
    out = tmp_path / "cards.pdf"
    call_command("cards", CHANGFA, "-o", str(out))
    text = squash(pdf_text(out.read_bytes()))
    assert f"https://fupin.xam.gov.cn/m/visit/{household.pk}/" in text
