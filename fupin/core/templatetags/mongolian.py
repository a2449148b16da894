"""``{% mn "公示" %}``: the Mongolian half of a bilingual public document.

The text comes from the ``mn`` catalog (:func:`fupin.core.mongolian.mn_text`); a string with
no Mongolian entry renders nothing, so the Chinese stands alone rather than beside an invented
translation. An entry marked ``needs review`` carries a visible 待审校 mark, with its source
as the mark's title, for league HQ users (the reviewers' way into the catalog, docs/notices.md).
"""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext

from fupin.core.mongolian import mn_text

register = template.Library()

# The role that reviews the catalog: league HQ (fupin.accounts.models.Role.LEAGUE_HQ), named by
# value because core sits below accounts.
REVIEWER_ROLE = "league_hq"


def shows_review(context) -> bool:
    if "mn_review" in context:
        return bool(context["mn_review"])
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.has_role_anywhere([REVIEWER_ROLE]))


def _source(msgid) -> str:
    """The Chinese source of a text: a lazy label (a form field's) is read in the source
    language, so an English page finds the same Mongolian as a Chinese one."""
    if isinstance(msgid, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            return str(msgid)
    return str(msgid)


@register.simple_tag(takes_context=True)
def mn(context, msgid):
    entry = mn_text(_source(msgid))
    if entry is None:
        return ""
    text = format_html('<span class="mn" lang="mn-Mong">{}</span>', entry.text)
    if entry.needs_review and shows_review(context):
        return format_html(
            '{}<span class="mn-review" title="{}">{}</span>',
            text,
            entry.source,
            gettext("待审校"),
        )
    return text


@register.filter
def mn_name(value):
    """A name in Mongolian script, set vertically (empty when there is none)."""
    if not value:
        return ""
    return format_html('<span class="mn mn-name" lang="mn-Mong">{}</span>', value)


# Joined Mongolian text in Noto Sans Mongolian advances 0.35–0.64 em a character (measured with
# HarfBuzz on the catalog's texts and the demo's names; short words are the widest), so a
# column of n characters is given n × 0.5 em + 1 em.
EM_PER_CHAR = 0.5


def _vertical(text: str, length: str) -> str:
    if length == "auto":
        length = f"{len(text) * EM_PER_CHAR + 1:.1f}em"
    return format_html(
        '<span class="mnv" lang="mn-Mong" style="height: {}">'
        '<span class="mnv-line" style="width: {}">{}</span></span>',
        length,
        length,
        text,
    )


@register.simple_tag
def mn_print(msgid, length="auto"):
    """The Mongolian text of ``msgid`` for a PDF: one vertical column ``length`` high
    (``auto``: as long as the text needs at the column's font size).

    WeasyPrint lays out horizontal lines only, so the column is a horizontal line turned a
    quarter clockwise (``core/mongolian_print_style.html``), which is how the font's glyphs
    stand in vertical Mongolian; the text stays text (``pdftotext`` reads it back).
    """
    entry = mn_text(_source(msgid))
    return _vertical(entry.text, length) if entry else ""


@register.simple_tag
def mn_print_text(value, length="auto"):
    """A name in Mongolian script (data, not the catalog) as a vertical column for a PDF."""
    return _vertical(value, length) if value else ""
