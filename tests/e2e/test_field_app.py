"""The field app offline, in a real browser (Playwright driving Debian's Chromium): a pairing
cadre opens /m/ once online, then records 3 visits (one with a photo) and a check-in with no
network; closing the app loses nothing, and going online stores each record exactly once,
however often the phone sends it (docs/field-app.md)."""

import datetime
import io
import os

import pytest
from PIL import Image

from fupin.areas.services import areas_load_hinggan
from fupin.assistance.models import Cadre, Pairing
from fupin.core.clock import set_as_of
from fupin.fieldwork.models import CheckIn, Visit
from tests.e2e.test_village_user import CHROMIUM
from tests.factories import CHANGFA, make_household, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]
AS_OF = datetime.date(2017, 6, 30)
PASSWORD = "bangfu-2017"
# Near 长发村 (扎赉特旗), as the phone's GPS reports it.
POSITION = {"latitude": 46.72, "longitude": 122.90, "accuracy": 20}

# Wait until the service worker controls the page and keeps the shell: from then on the app
# starts with no network.
READY_OFFLINE = """async () => {
  await navigator.serviceWorker.ready;
  for (let i = 0; i < 150; i++) {
    if (navigator.serviceWorker.controller && (await caches.match("/m/"))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""

# What a phone does when it never heard the server's answer: send everything again.
REQUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("fupin-m");
  open.onerror = reject;
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readwrite");
    const store = tx.objectStore("queue");
    store.getAll().onsuccess = (event) => {
      for (const record of event.target.result) { record.state = "queued"; store.put(record); }
    };
    tx.oncomplete = () => { open.result.close(); resolve(true); };
  };
})"""


@pytest.fixture
def phone():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            permissions=["geolocation"],
            geolocation=POSITION,
        )
        context.set_default_timeout(15000)
        yield context
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _photo_bytes():
    # A camera-sized picture: the app makes it at most 1600 px and about 400 KB.
    image = Image.effect_noise((2400, 1800), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def _visit(page, household, content, photo=None):
    page.click(f"a[href='/m/visit/{household.pk}/']")
    page.wait_for_selector("form.m-form")
    page.select_option("select[name=kind]", "home")
    page.fill("textarea[name=content]", content)
    if photo:
        page.set_input_files(
            "input[name=photos]",
            files=[{"name": "zoufang.jpg", "mimeType": "image/jpeg", "buffer": photo}],
        )
    page.click("form.m-form button[type=submit]")
    page.wait_for_selector("#m-households")


def _until(page, check, seconds=15):
    # Polled from here: the app's CSP (no eval) refuses Playwright's wait_for_function.
    for _attempt in range(seconds * 10):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def _sent(page):
    return page.locator(".m-record[data-state=sent]").count()


def _unsent(page):
    return page.inner_text("#m-unsent-count")


def _stored():
    from fupin.fieldwork.models import Photo

    return Visit.objects.count(), CheckIn.objects.count(), Photo.objects.count()


@pytest.mark.django_db(transaction=True)
def test_offline_records_are_kept_and_stored_once(live_server, phone):
    areas_load_hinggan()  # transactional tests start from an emptied database
    set_as_of(AS_OF)
    first = make_household(CHANGFA, head_name="宝音·额尔敦", members=3)
    second = make_household(CHANGFA, head_name="张玉兰", members=2)
    user = make_user("pairing_cadre", CHANGFA, username="cadre-changfa")
    user.set_password(PASSWORD)
    user.save()
    cadre = Cadre.objects.create(
        name="李建国",
        area_id=CHANGFA,
        unit="旗县农牧业局",
        post=Cadre.Post.DEPARTMENT_CADRE,
        user=user,
    )
    for household in (first, second):
        Pairing.objects.create(
            cadre=cadre,
            household=household,
            village_id=CHANGFA,
            start_date=datetime.date(2016, 1, 1),
        )
    url = live_server.url

    # 1. Sign in once, online: the app fetches the households and its device token.
    page = phone.new_page()
    page.goto(f"{url}/accounts/login/?next=/m/")
    page.fill("#id_username", "cadre-changfa")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/m/")
    page.wait_for_selector(".m-household >> nth=1")
    assert page.evaluate(READY_OFFLINE)
    page.wait_for_selector("body[data-sync=idle]")

    # 2. No network: the app still opens with the cadre's households.
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    assert page.locator(".m-household").count() == 2
    assert "宝音·额尔敦" in page.inner_text("#m-households")
    assert page.inner_text("#m-net") == "离线"

    # 3. Three visits, one with a photo, and a check-in, all kept on the phone.
    _visit(page, first, "入户走访，了解春耕情况", photo=_photo_bytes())
    _visit(page, second, "电话询问孩子上学情况")
    # The clarity card's QR code opens the visit form directly, offline too.
    page.goto(f"{url}/m/visit/{first.pk}/")
    page.wait_for_selector("form.m-form")
    assert page.input_value("input[name=visited_on]") == "2017-06-30"
    page.go_back()
    page.wait_for_selector("#m-households")
    _visit(page, first, "帮助联系合作社收购玉米")
    page.click("[data-tab=checkin]")
    page.wait_for_selector("#m-position[data-located=yes]")
    page.fill("input[name=note]", "到村开展工作")
    page.click("form.m-form button[type=submit]")
    page.wait_for_selector("#m-queue")
    assert _unsent(page) == "4"
    assert _stored() == (0, 0, 0)

    # 4. Close the app and open it again, still offline: the 4 records wait.
    page.close()
    page = phone.new_page()
    page.goto(f"{url}/m/queue/")
    page.wait_for_selector("body[data-ready=yes]")
    assert _unsent(page) == "4"
    assert page.locator(".m-record[data-state=queued]").count() == 4
    assert "1 张照片待上传" in page.inner_text("#m-unsent")

    # 5. The network is back: the queue goes out on its own.
    phone.set_offline(False)
    _until(page, lambda: _sent(page) == 4)
    _until(page, lambda: "照片" not in page.inner_text("#m-unsent"))
    page.wait_for_selector("body[data-sync=idle]")
    assert _unsent(page) == "0"
    assert _stored() == (3, 1, 1)
    visit = Visit.objects.get(content="入户走访，了解春耕情况")
    assert visit.cadre_id == cadre.pk and visit.household_id == first.pk
    assert visit.uuid is not None
    check_in = CheckIn.objects.get()
    assert abs(float(check_in.lat) - POSITION["latitude"]) < 0.001 and check_in.cadre_id == cadre.pk
    # The photo was made small on the phone, and its SHA-256 is of the bytes received.
    from fupin.fieldwork.models import Photo

    photo = Photo.objects.get()
    assert photo.record_uuid == visit.uuid and photo.size <= 420 * 1024
    with photo.file.open("rb") as handle:
        assert max(Image.open(handle).size) <= 1600
    assert "尚未同步" not in page.inner_text("#m-last-sync")

    # 6. Sync again, and again as if every answer had been lost: nothing more is written.
    page.click("#m-sync")
    page.wait_for_selector("body[data-sync=idle]")
    assert _stored() == (3, 1, 1)
    assert page.evaluate(REQUEUE)
    page.reload()  # the app starts with the 4 records queued again and sends them
    _until(page, lambda: _sent(page) == 4 and _unsent(page) == "0")
    page.wait_for_selector("body[data-sync=idle]")
    assert _stored() == (3, 1, 1)
