"""Take the screenshots of docs/field-app.md: the field app at phone width (390 px).

Run against a running fupin (the demo) with a pairing cadre's login:

    .venv/bin/python docs/img/field_app_screenshots.py http://127.0.0.1:8000 \
        pairing_cadre-152223100234 demo-pass-1

It signs in, lets the app keep the households, goes offline, records a visit and two
check-ins, photographs each screen into docs/img/field-app-*.png, then goes online: the visit
and the first check-in are stored in the demo, the second check-in of the day is refused.
Use a demo built for trying things, not real data.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main(url: str, username: str, password: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=1,
            locale="zh-CN",
            permissions=["geolocation"],
            geolocation={"latitude": 46.72, "longitude": 122.90, "accuracy": 15},
        )
        page = context.new_page()
        page.goto(f"{url}/accounts/login/?next=/m/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_selector(".m-household")
        page.wait_for_selector("body[data-sync=idle]")
        page.locator(".m-household details").first.evaluate("d => d.open = true")
        page.screenshot(path=HERE / "field-app-households.png")

        context.set_offline(True)
        page.locator(".m-household a.btn-danger").first.click()
        page.wait_for_selector("form.m-form")
        page.fill("textarea[name=content]", "入户走访，了解春耕和务工情况，讲解产业扶持政策")
        page.screenshot(path=HERE / "field-app-visit.png")
        page.click("form.m-form button[type=submit]")
        page.wait_for_selector("#m-households")

        page.click("[data-tab=checkin]")
        page.wait_for_selector("#m-position[data-located=yes]")
        page.fill("input[name=note]", "到村开展工作")
        page.screenshot(path=HERE / "field-app-checkin.png")
        page.click("form.m-form button[type=submit]")
        page.wait_for_selector("#m-queue")
        page.screenshot(path=HERE / "field-app-queue.png")

        # A second check-in the same day, then the network: one is stored (with its flags),
        # the other refused with the server's reason.
        page.click("[data-tab=checkin]")
        page.wait_for_selector("#m-position[data-located=yes]")
        page.click("form.m-form button[type=submit]")
        page.wait_for_selector("#m-queue")
        context.set_offline(False)
        page.wait_for_selector(".m-record[data-state=refused]")
        page.wait_for_selector("body[data-sync=idle]")
        page.screenshot(path=HERE / "field-app-synced.png")
        context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
