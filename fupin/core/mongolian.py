"""Mongolian script (ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ): checking names and reading the fixed texts of public documents.

Names in Mongolian script (``name_mn`` on areas and members) are stored as Unicode Mongolian,
NFC-normalised, and hold nothing but the script itself: the letters and punctuation of the
block U+1800–U+18AF (free variation selectors U+180B–U+180F and the vowel separator U+180E
included), the narrow no-break space U+202F that joins a case suffix to its word, the joiners
U+200C/U+200D and spaces. Anything else — Cyrillic (Mongolia's script, not Inner Mongolia's),
Latin, Chinese, digits — is refused with :data:`MSG_NOT_MONGOLIAN`, so a mistyped column is
caught at import rather than printed on a notice.

The fixed Mongolian texts of the public documents (titles, field labels, standard sentences)
are the gettext catalog of the locale ``mn`` (``fupin/locale/mn/LC_MESSAGES/django.po``), used
only through :func:`mn_text` for the Mongolian half of a bilingual document; the interface's
languages stay Chinese and English. Each entry of that catalog names its source in a
translator comment, and an entry with no authoritative source carries the comment
``needs review`` (待审校): :func:`mn_text` reports it, and the pages mark it for league HQ
users until a native reviewer removes the comment (docs/notices.md).
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MONGOLIAN_LOCALE = "mn"
REVIEW_MARK = "needs review"
MSG_NOT_MONGOLIAN = _("只能填写蒙古文（传统蒙古文字符），不能含“%(chars)s”（%(scripts)s）")
MSG_TOO_LONG = _("蒙古文内容超过%(max)s个字符")

_ALLOWED_EXTRA = {"\u202f", "\u200c", "\u200d", " "}


def is_mongolian_char(char: str) -> bool:
    return "\u1800" <= char <= "\u18af" or char in _ALLOWED_EXTRA


def normalize(text: str) -> str:
    """NFC, with runs of spaces collapsed and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text or "").split(" ")).strip()


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC"):
        return "Cyrillic"
    if name.startswith("LATIN"):
        return "Latin"
    if name.startswith("CJK") or "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef":
        return "CJK"
    if char.isdigit():
        return "digit"
    return name.split(" ")[0].title() if name else f"U+{ord(char):04X}"


def check(text: str, *, max_length: int = 100) -> tuple[str, str | None]:
    """Return ``(normalised text, reason)``; the reason is ``None`` when the text is good."""
    value = normalize(text)
    if not value:
        return "", None
    bad = [c for c in value if not is_mongolian_char(c)]
    if bad:
        chars = "".join(dict.fromkeys(bad))[:10]
        scripts = "、".join(dict.fromkeys(_script(c) for c in bad))
        return value, str(MSG_NOT_MONGOLIAN % {"chars": chars, "scripts": scripts})
    if len(value) > max_length:
        return value, str(MSG_TOO_LONG % {"max": max_length})
    return value, None


# -- the fixed texts (locale ``mn``) -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MnText:
    text: str
    needs_review: bool
    source: str


def catalog_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / MONGOLIAN_LOCALE / "LC_MESSAGES" / "django.po"


def _unquote(line: str) -> str:
    body = line.strip()
    body = body[body.index('"') + 1 : body.rindex('"')]
    return body.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@functools.cache
def catalog_notes() -> dict[str, tuple[str, bool]]:
    """Read the catalog's translator comments: msgid → (source, needs review).

    Django reads the compiled ``.mo``, which carries no comments; the review marks are read
    from the ``.po`` beside it (a small parser: ``#.`` comments, single- or multi-line msgid).
    """
    notes: dict[str, tuple[str, bool]] = {}
    path = catalog_path()
    if not path.exists():
        return notes
    comments: list[str] = []
    msgid: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#.") or line.startswith("#,"):
            if msgid is not None:
                comments, msgid = [], None
            comments.append(line[2:].strip())
        elif line.startswith("msgid "):
            msgid = [_unquote(line)]
        elif line.startswith('"') and msgid is not None:
            msgid.append(_unquote(line))
        elif line.startswith("msgstr") and msgid is not None:
            key = "".join(msgid)
            if key:
                source = " ".join(c for c in comments if c.lower() not in (REVIEW_MARK, "fuzzy"))
                review = any(REVIEW_MARK in c.lower() or "fuzzy" in c.lower() for c in comments)
                notes[key] = (source, review)
            comments, msgid = [], None
        elif not line:
            comments, msgid = [], None
    return notes


def mn_text(msgid: str) -> MnText | None:
    """The Mongolian text of a fixed string of a public document, or ``None`` if it has none."""
    with translation.override(MONGOLIAN_LOCALE):
        text = translation.gettext(msgid)
    if not text or text == msgid:
        return None
    source, review = catalog_notes().get(msgid, ("", True))
    return MnText(text=text, needs_review=review, source=source)


def validate_mongolian(value: str) -> None:
    """A model field validator: the admin refuses what the import refuses."""
    from django.core.exceptions import ValidationError

    _value, reason = check(value)
    if reason:
        raise ValidationError(reason, code="not_mongolian")


class MongolianFormField(forms.CharField):
    """A form's Mongolian text: normalised before it is validated and stored."""

    def to_python(self, value):
        return normalize(super().to_python(value))


class MongolianTextField(models.CharField):
    """A name in Mongolian script (``name_mn``): normalised and checked in forms and the admin
    alike, as the imports do."""

    default_validators = [validate_mongolian]

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MongolianFormField, **kwargs})
