"""The war map in a browser (Playwright driving Debian's Chromium): the league's commander opens
it, clicks 扎赉特旗 on the county map, 音德尔镇 and 长发村 on the bars, and reaches a household;
screenshots in Chinese and English go to ``var/screenshots/``."""

import datetime
import os
from pathlib import Path

import pytest

from fupin.areas.models import RuralPopulation
from fupin.areas.services import areas_load_hinggan
from fupin.core.clock import set_as_of
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, HADANALA, LEAGUE, make_household, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ZHALAITE_CENTER = [122.899656, 46.723237]  # the county's label point in the boundary file

PAINTED = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  const {width, height} = canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted / (width * height);
}"""

BAR_POINT = """(name) => {
  const chart = window.warmapCharts.distribution;
  const option = chart.getOption();
  const names = option.yAxis[0].data;
  const value = option.series[0].data[names.indexOf(name)];
  return chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [value / 2, name]);
}"""


def _click_chart(page, point):
    # A real click on the canvas at the shape's pixel (scrolled into view first).
    with page.expect_navigation():
        page.locator("#chart-distribution").click(position={"x": point[0], "y": point[1]})


def _wait_chart(page):
    page.wait_for_selector("#chart-distribution[data-ready='1']")
    page.wait_for_timeout(600)  # the map's entry animation


@pytest.mark.django_db(transaction=True)
def test_league_drills_from_the_map_to_a_household(live_server, browser_page):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(datetime.date(2017, 6, 30))
    target = make_household(CHANGFA, head_name="巴图·苏和", members=4, planned_exit_year=2017)
    for i in range(3):
        make_household(CHANGFA, members=2 + i, planned_exit_year=2018)
    for _ in range(5):
        make_household(HADANALA, members=3, planned_exit_year=2018)
    RuralPopulation.objects.create(village_id=CHANGFA, year=2014, population=400)
    RuralPopulation.objects.create(village_id=HADANALA, year=2014, population=300)
    user = make_user("league_hq", LEAGUE, username="league-hq-e2e")
    user.set_password("guatu-2017")
    user.save()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    url = live_server.url
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "league-hq-e2e")
    page.fill("#id_password", "guatu-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{url}/warmap/?area={LEAGUE}&year=2016")
    _wait_chart(page)
    assert page.evaluate(PAINTED, "chart-distribution") > 0.05  # the counties are drawn
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "warmap-zh.png"), full_page=True)

    # The county on the map, then the township and the village on the bars.
    point = page.evaluate(
        "(c) => window.warmapCharts.distribution.convertToPixel({seriesIndex: 0}, c)",
        ZHALAITE_CENTER,
    )
    _click_chart(page, point)
    assert "area=152223&" in page.url
    _wait_chart(page)
    _click_chart(page, page.evaluate(BAR_POINT, "音德尔镇"))
    assert "area=152223100&" in page.url
    _wait_chart(page)
    _click_chart(page, page.evaluate(BAR_POINT, "长发村委会"))
    assert "/households/" in page.url and f"area={CHANGFA}" in page.url
    page.click(f"text={target.number}")
    page.wait_for_load_state()
    assert "巴图·苏和" in page.content()

    # The same war map in English.
    page.goto(f"{url}/warmap/?area={LEAGUE}&year=2016")
    page.click("#lang-switch")
    page.wait_for_load_state()
    _wait_chart(page)
    assert page.evaluate(PAINTED, "chart-distribution") > 0.05
    page.screenshot(path=str(SCREENSHOTS / "warmap-en.png"), full_page=True)

    # On a phone the charts shrink to the screen; printing turns each chart into an image.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    width = page.evaluate(
        "() => document.querySelector('#chart-distribution canvas').getBoundingClientRect().width"
    )
    assert 0 < width <= 390
    page.screenshot(path=str(SCREENSHOTS / "warmap-phone-en.png"), full_page=False)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    images = page.eval_on_selector_all(".chart-print", "els => els.map(e => e.src.slice(0, 22))")
    assert images and all(src == "data:image/png;base64," for src in images)
