"""HTML to PDF with WeasyPrint (HTML + CSS → PDF through Pango), for every printable page.

The print templates (``identification/notice_print.html`` and the others) set their ``@page``
size and margins and name the system's Noto CJK families ("Noto Serif CJK SC", "Noto Sans CJK SC", Debian
package ``fonts-noto-cjk``); Pango finds them through fontconfig and WeasyPrint embeds the
glyphs used, so the file prints and extracts (``pdftotext``) as Chinese text. Nothing is
fetched from the network: a template carries its own CSS and no images.
"""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """Return the PDF of a self-contained HTML document."""
    from weasyprint import HTML

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"PDFs fetch nothing ({url})")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
