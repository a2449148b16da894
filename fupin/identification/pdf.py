"""The printable A4 notice as PDF: WeasyPrint (HTML + CSS → PDF through Pango).

The template ``identification/notice_print.html`` sets ``@page { size: A4; margin: 18mm }``
and names the system's Noto CJK families ("Noto Serif CJK SC", "Noto Sans CJK SC", Debian
package ``fonts-noto-cjk``); Pango finds them through fontconfig and WeasyPrint embeds the
glyphs used, so the file prints and extracts (``pdftotext``) as Chinese text. Nothing is
fetched from the network: the template carries its own CSS and no images.
"""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """Return the PDF of a self-contained HTML document."""
    from weasyprint import HTML

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"notice PDFs fetch nothing ({url})")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
