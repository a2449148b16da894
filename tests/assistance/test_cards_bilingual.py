"""A clarity card (明白卡) of a bilingual area carries the Mongolian names; others do not."""

from __future__ import annotations

import datetime

import pytest

from fupin.assistance import cards
from fupin.core import mongolian
from fupin.registry.models import Household
from tests.factories import CHANGFA, make_household
from tests.identification.test_bilingual import BATU, LIANFA
from tests.identification.test_notice_pdf import needs_pdf, needs_poppler, pdf_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2017, 6, 30)


def _card_text(village: str) -> str:
    household = make_household(village, head_name="巴图", members=2)
    household.members.filter(name="巴图").update(name_mn=BATU)
    built = cards.build_cards(
        Household.objects.filter(pk=household.pk), year=2017, today=TODAY, base_url="http://x"
    )
    assert built[0].bilingual == (village == LIANFA)
    return mongolian.normalize(pdf_text(cards.render_cards_pdf(built, year=2017, today=TODAY)))


@needs_pdf
@needs_poppler
def test_a_horqin_card_prints_the_mongolian_name_and_headings():
    text = _card_text(LIANFA)
    assert BATU in text and "巴图" in text
    assert mongolian.mn_text("姓名").text.replace("\u180e", "") in text.replace("\u180e", "")


@needs_pdf
@needs_poppler
def test_a_jalaid_card_is_chinese_only():
    text = _card_text(CHANGFA)
    assert "巴图" in text
    assert not any(mongolian.is_mongolian_char(c) and c != " " for c in text)
