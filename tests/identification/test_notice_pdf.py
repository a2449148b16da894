"""The A4 notice PDF: WeasyPrint with the Noto CJK fonts; rasterised and read back by poppler."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from fupin.identification.models import Notice
from tests.identification.test_notices_public import FULL_ID, data  # noqa: F401 (fixture)


@functools.cache
def weasyprint_missing() -> str:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        return str(exc)
    return ""


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(content)
        result = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
        )
    return result.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without whitespace (pdftotext -layout spaces out wide lines)."""
    return "".join(text.split())


needs_pdf = pytest.mark.skipif(bool(weasyprint_missing()), reason="WeasyPrint cannot import")
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler-utils missing"
)


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_pdf_is_a4_and_rasterises_with_the_chinese_names(client, data):  # noqa: F811
    notice = data["current"]
    response = client.get(f"/notices/{notice.pk}/notice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "notice.pdf"
        pdf.write_bytes(content)
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), f"{tmp}/page"], check=True)
        pages = sorted(Path(tmp).glob("page*.png"))
        assert pages
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout
        from PIL import Image

        # The image of the first page is taller than wide and carries ink.
        with Image.open(pages[0]) as image:
            width, height = image.size
            darkest = image.convert("L").getextrema()[0]
    assert height > width
    assert darkest < 100
    # A4 is 595 x 842 points.
    assert b"595.276 x 841.89" in info or b"595.28 x 841.89" in info, info
    # The Noto CJK faces are embedded (subset), with a Unicode map (pdftotext reads them).
    assert b"Noto-Serif-CJK-SC" in fonts and b"Noto-Sans-CJK-SC" in fonts, fonts
    text = pdf_text(content)
    for expected in ("王秀兰", "李长发", data["wang"].village.name, "0482-6212345", "（盖章）"):
        assert expected in text, expected
    assert "长发村" in text
    assert "2017年6月26日" in text  # the date under the signature
    assert "公示期为 2017年6月26日 至 2017年7月2日" in text
    assert not FULL_ID.search(text)


@needs_pdf
@needs_poppler
@pytest.mark.django_db
def test_every_notice_pdf_prints_and_masks(client, data):  # noqa: F811
    for notice in Notice.objects.exclude(pk=data["future"].pk):
        response = client.get(f"/notices/{notice.pk}/notice.pdf")
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert squash(notice.title) in squash(text)
        assert not FULL_ID.search(text), notice.title
    text = pdf_text(client.get(f"/notices/{data['past'].pk}/notice.pdf").content)
    assert "赵脱贫" in text and "退出原因" in text
