"""The household's page on paper: Chromium prints a 7-person household on A4 (print media,
the printable width of 210 mm less the page margins) with no cut column, no button, no name
or header broken one character per line, and every member's name in the PDF's text."""

import datetime
import os
import shutil
import subprocess

import pytest

from fupin.areas.services import areas_load_hinggan
from fupin.assistance.models import AssistancePlan, Cadre, Measure, Pairing
from fupin.core.clock import set_as_of
from fupin.fieldwork.models import Concern, Visit
from tests.e2e.test_village_user import CHROMIUM, browser_page  # noqa: F401 (fixture)
from tests.factories import CHANGFA, make_household, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
D = datetime.date
# A4 less the 15 mm margins of fupin.css's @page, in CSS pixels (96 per inch).
PRINTABLE_PX = int((210 - 2 * 15) / 25.4 * 96)
NAMES = [
    "乌力吉·巴特尔",
    "其其格·萨仁高娃",
    "宝音·额尔敦",
    "王淑芬",
    "那日苏·阿拉坦仓",
    "斯琴图雅",
    "额尔德尼·巴雅尔",
]

# Per table: whether it is wider than its box; per name and header cell: its line boxes; the
# buttons and navigation still shown; the members' columns hidden. (The live server serves the
# collected static files: `manage.py collectstatic` after changing fupin.css.)
MEASURE = """() => {
  const cut = [...document.querySelectorAll('table')]
    .filter(t => t.offsetParent !== null && t.scrollWidth > t.parentElement.clientWidth + 1)
    .map(t => t.id || t.className);
  const lines = el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  };
  const broken = [...document.querySelectorAll('#members th, #members td:first-child')]
    .filter(el => el.offsetParent !== null && el.textContent.trim() && lines(el) > 1)
    .map(el => el.textContent.trim());
  const buttons = [...document.querySelectorAll('button, .btn, nav.navbar')]
    .filter(el => el.offsetParent !== null && getComputedStyle(el).display !== 'none')
    .map(el => el.textContent.trim());
  const hidden = [...document.querySelectorAll('#members thead th')]
    .filter(el => el.textContent.trim() && getComputedStyle(el).display === 'none')
    .map(el => el.textContent.trim());
  return {cut, broken, buttons, hidden, width: document.documentElement.scrollWidth};
}"""


@pytest.mark.django_db(transaction=True)
def test_the_household_page_prints_on_a4(live_server, browser_page, tmp_path):  # noqa: F811
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(D(2017, 6, 30))
    user = make_user("village_team", CHANGFA, username="village_team-152223100234")
    user.set_password("cunwei-2017")
    user.save()
    household = make_household(CHANGFA, head_name=NAMES[0], members=7)
    for member, name in zip(household.members.order_by("pk"), NAMES, strict=True):
        member.name = name
        member.save()
    cadre = Cadre.objects.create(
        name="丁国华", area_id=CHANGFA[:6], unit="扎赉特旗水利局农村饮水安全工作站",
        post=Cadre.Post.DEPARTMENT_CADRE, phone="13904821234",
    )  # fmt: skip
    Pairing.objects.create(
        cadre=cadre, household=household, village_id=CHANGFA, start_date=D(2016, 3, 1)
    )
    plan = AssistancePlan.objects.create(household=household, village_id=CHANGFA, year=2017)
    Measure.objects.create(
        plan=plan, village_id=CHANGFA, type="industry", year=2017, responsible=cadre,
        description="发展肉牛养殖，购入基础母牛两头并参加旗农牧局组织的养殖技术培训",
    )  # fmt: skip
    for i in range(12):
        day = D(2017, 6, 1) + datetime.timedelta(days=2 * i)
        Visit.objects.create(
            cadre=cadre, household=household, village_id=CHANGFA, visited_on=day, kind="home",
            content="入户走访，了解春耕备耕、肉牛养殖和孩子上学的情况，宣讲健康扶贫政策" * 2,
        )  # fmt: skip
        Concern.objects.create(
            household=household, village_id=CHANGFA, source="household", raised_on=day,
            text="房屋墙体开裂，申请危房改造；饮水井水量不足，夏季经常断水" * 2,
            category="housing",
        )  # fmt: skip
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "village_team-152223100234")
    page.fill("#id_password", "cunwei-2017")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.set_viewport_size({"width": PRINTABLE_PX, "height": 1100})
    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.emulate_media(media="print")
    found = page.evaluate(MEASURE)
    assert found["cut"] == [], found
    assert found["broken"] == [], found
    assert found["buttons"] == [], found
    # Every column of the members is on paper (the phone hides some on screen).
    assert found["hidden"] == [], found
    assert found["width"] <= PRINTABLE_PX, found

    pdf = tmp_path / "household.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for name in NAMES:
        assert name in text, name
    assert "13904821234" in text and "大事记" in text
