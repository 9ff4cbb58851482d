"""PDF writer: WeasyPrint lays out the HTML with the house print stylesheet.

Output is PDF/A-2a: archival (fonts embedded, sRGB output intent, XMP metadata) and tagged
(level A), so screen readers get the reading order. Bytes depend only on the inputs: dates
come from the document, and the file identifier is a hash of the content.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urljoin

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .. import footnote_layout
from ..errors import LayoutError, SourceError
from ..sandbox import SandboxFetcher

OPTIONS = {"pdf_variant": "pdf/a-2a"}


@cache
def _fonts() -> FontConfiguration:
    """One font configuration per process: faster, and memory stays flat across renders."""
    return FontConfiguration()


def render(html: str, base: Path, roots: list[Path], origins: dict | None = None) -> bytes:
    """Lay out `html` (relative URLs resolve against `base`) and return the PDF bytes.

    Nothing outside `roots` is read: a refused URL is a SourceError at its place in
    `origins` (relative URL: Location), or else a LayoutError.
    """
    footnote_layout.apply()
    fetcher = SandboxFetcher(roots)
    base_url = base.as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=_fonts(), **OPTIONS)
    for url, location in (origins or {}).items():
        if urljoin(base_url, url) in fetcher.refused:
            raise SourceError(location, f"refused to load '{url}': it lies outside the "
                              "document folder")
    if fetcher.refused:
        raise LayoutError(f"refused to load {', '.join(fetcher.refused)}: outside the document "
                          "and house style folders")
    misplaced = footnote_layout.misplaced_footnotes(document)
    if misplaced:
        raise LayoutError("; ".join(f"footnote {n} lands on page {body}, its call on page {call}"
                                    for n, call, body in misplaced))
    return document.write_pdf(**OPTIONS)
