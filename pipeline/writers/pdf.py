"""PDF writer: WeasyPrint lays out the HTML with the house print stylesheet.

Output is PDF/A-2a: archival (fonts embedded, sRGB output intent, XMP metadata) and tagged
(level A), so screen readers get the reading order. Bytes depend only on the inputs: dates
come from the document, and the file identifier is a hash of the content.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .. import footnote_layout
from ..errors import LayoutError
from ..sandbox import SandboxFetcher

OPTIONS = {"pdf_variant": "pdf/a-2a"}


@cache
def _fonts(faces: tuple[str, ...] = ()) -> FontConfiguration:
    """One font configuration per set of `@font-face` rules (WeasyPrint keeps the first face
    registered under a name): faster, and memory stays flat across renders."""
    return FontConfiguration()


def render(html: str, base: Path, roots: list[Path]) -> bytes:
    """Lay out `html` (relative URLs resolve against `base`) and return the PDF bytes."""
    footnote_layout.apply()
    fetcher = SandboxFetcher(roots)
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=_fonts(tuple(re.findall(r"@font-face[^}]*}", html))), **OPTIONS)
    if fetcher.refused:
        raise LayoutError(f"refused to load {', '.join(fetcher.refused)}")
    misplaced = footnote_layout.misplaced_footnotes(document)
    if misplaced:
        raise LayoutError("; ".join(f"footnote {n} lands on page {body}, its call on page {call}"
                                    for n, call, body in misplaced))
    return document.write_pdf(**OPTIONS)
