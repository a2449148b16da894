"""A bilingual notice in Chromium (Playwright driving Debian's Chromium): the Mongolian runs
vertically in Noto Sans Mongolian, its letters joined, beside the horizontal Chinese.

The HarfBuzz and WeasyPrint halves of the check are tests/core/test_mongolian_shaping.py.
"""

import datetime
import os

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.core.clock import set_as_of
from fupin.registry.models import Household
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import make_household
from tests.identification.test_bilingual import BATU, LIANFA, _notice

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
WORD = "ᠮᠣᠩᠭᠣᠯ"

# The column's length (its height, the vertical inline size) of a text set like the page's
# Mongolian: joined letters make a shorter column than the same letters kept apart by
# zero-width non-joiners; a missing font (boxes) makes them equal.
MEASURE = """([text, apart]) => {
  const size = (t) => {
    const span = document.createElement("span");
    span.className = "mn";
    span.textContent = t;
    document.body.appendChild(span);
    const box = span.getBoundingClientRect();
    span.remove();
    return [box.width, box.height];
  };
  return [size(text), size(apart)];
}"""


@pytest.mark.django_db(transaction=True)
def test_the_page_sets_the_mongolian_vertically_and_shaped(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(datetime.date(2017, 6, 30))
    household = make_household(LIANFA, head_name="巴图", members=2)
    household.members.filter(name="巴图").update(name_mn=BATU)
    notice = _notice(LIANFA, Household.objects.get(pk=household.pk))
    page = browser_page
    page.goto(f"{live_server.url}/notices/{notice.pk}/")

    name = page.locator("#notice-cases .mn-name").first
    assert name.inner_text() == BATU
    style = name.evaluate("e => [getComputedStyle(e).writingMode, getComputedStyle(e).fontFamily]")
    assert style[0] == "vertical-lr" and "Noto Sans Mongolian" in style[1]
    box = name.bounding_box()
    assert box["height"] > box["width"]  # a column, not a line

    (joined_w, joined_h), (apart_w, apart_h) = page.evaluate(MEASURE, [WORD, "\u200c".join(WORD)])
    assert joined_h > joined_w
    assert joined_h < apart_h, "unjoined letters or missing glyphs: is the font installed?"
    # The Chinese stays horizontal beside it.
    title = page.locator("#notice-title").bounding_box()
    assert title["width"] > title["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
