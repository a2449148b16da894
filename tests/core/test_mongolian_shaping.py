"""Mongolian script is shaped, not boxes or loose letters: HarfBuzz with the installed font,
and a bilingual notice's PDF from WeasyPrint (A4, its Mongolian text read back by pdftotext).

These tests fail — they do not skip — when the font (Debian's fonts-noto-core) is missing:
a bilingual notice printed without it is unreadable. The Chromium half (the page itself) is
tests/e2e/test_bilingual_notice.py.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import Client

from fupin.core import mongolian
from fupin.registry.models import Household
from tests.identification.test_bilingual import BATU, LIANFA, _import, _notice

FAMILY = "Noto Sans Mongolian"
WORD = "ᠮᠣᠩᠭᠣᠯ"  # mongγol: six letters, every one of which changes form when joined


def font_file(wanted: str = FAMILY) -> Path:
    """The font file fontconfig gives for the family (what WeasyPrint and Chromium use too);
    fontconfig answers any family with some other font, so the answer's family is checked."""
    result = subprocess.run(
        ["fc-match", "--format=%{family}\n%{file}", wanted], capture_output=True, text=True
    )
    family, _sep, path = result.stdout.partition("\n")
    assert wanted in family, f"font {wanted!r} is not installed (fonts-noto-core): {family!r}"
    return Path(path)


def test_a_missing_font_fails_the_check():
    with pytest.raises(AssertionError, match="is not installed"):
        font_file("Noto Sans Mongolian Missing Family")


def shape(text: str) -> tuple[list[int], int]:
    import uharfbuzz as hb

    blob = hb.Blob.from_file_path(str(font_file()))
    font = hb.Font(hb.Face(blob))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    glyphs = [info.codepoint for info in buffer.glyph_infos]
    advance = sum(pos.x_advance for pos in buffer.glyph_positions)
    return glyphs, advance


def test_the_font_covers_the_script_and_joins_the_letters():
    joined, joined_advance = shape(WORD)
    isolated = [shape(letter) for letter in WORD]
    assert 0 not in joined, "a .notdef glyph: the font does not cover the text"
    assert all(0 not in glyphs for glyphs, _advance in isolated)
    isolated_glyphs = [g for glyphs, _advance in isolated for g in glyphs]
    # Joined, each letter takes its initial, medial or final form: other glyphs, and a
    # shorter line than the isolated letters side by side.
    assert joined != isolated_glyphs
    assert joined_advance < sum(advance for _glyphs, advance in isolated)


def test_a_zero_width_non_joiner_unjoins():
    """The check itself: with the letters kept apart, the shapes are the isolated ones."""
    apart = "\u200c".join(WORD)
    glyphs, _advance = shape(apart)
    joined, _joined_advance = shape(WORD)
    assert [g for g in glyphs if g] != joined


def _pdf_tool(tool: str, content: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(content)
        result = subprocess.run(
            [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
        )
    return result.stdout.decode("utf-8")


@pytest.mark.django_db
def test_the_bilingual_notice_pdf_is_a4_with_the_font_embedded_and_the_text_extractable(
    tmp_path,
):
    font_file()
    result, rows = _import(LIANFA, tmp_path, [BATU, "", ""])
    assert result.ok, result.messages()
    notice = _notice(LIANFA, Household.objects.get(number=rows[0]["户编号"]))
    content = Client().get(f"/notices/{notice.pk}/notice.pdf").content
    assert "A4" in _pdf_tool("pdfinfo", content)
    assert "NotoSansMongolian" in _pdf_tool("pdffonts", content).replace("-", "")
    text = mongolian.normalize(_pdf_tool("pdftotext", content, "-enc", "UTF-8"))
    assert BATU in text
    assert mongolian.mn_text("嘎查村").text.replace("\u180e", "") in text.replace("\u180e", "")
