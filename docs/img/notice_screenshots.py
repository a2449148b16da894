"""Take the screenshots of docs/notices.md: a bilingual notice as its A4 PDF and at phone width.

Run against a running fupin (the demo) with the id of a notice of Horqin Right Front or Middle
Banner (bilingual by default):

    .venv/bin/python docs/img/notice_screenshots.py http://127.0.0.1:8000 105

The PDF's first page is rasterised with poppler's ``pdftoppm``; the page is photographed by
Debian's Chromium at 390 px. Both go to docs/img/notice-bilingual-*.png.
"""

import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main(url: str, notice: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "notice.pdf"
        with urllib.request.urlopen(f"{url}/notices/{notice}/notice.pdf") as response:
            pdf.write_bytes(response.read())
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf)]
            + [str(HERE / "notice-bilingual-a4")],
            check=True,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN"
        )
        page = context.new_page()
        page.goto(f"{url}/notices/{notice}/")
        page.screenshot(path=str(HERE / "notice-bilingual-phone.png"))
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
