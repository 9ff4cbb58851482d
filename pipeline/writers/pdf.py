"""PDF writer: WeasyPrint lays out the print HTML (`html.print_document`) with the house
print stylesheet, through the sandbox (`pdf_sandbox.py`) and with the footnote placement
patch (`pdf_footnotes.py`).

Output is PDF/A-2a: archival (fonts embedded, sRGB output intent, XMP metadata) and tagged
(level A), so screen readers get the reading order. Bytes depend only on the inputs: dates
come from the document, and the file identifier is a hash of the content.
"""
from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

from weasyprint import HTML
from weasyprint.logger import LOGGER
from weasyprint.text.fonts import FontConfiguration

from . import html, pdf_footnotes
from ..errors import LayoutError, SourceError
from ..house.style import HouseStyle
from ..model import Document
from ..transforms.tree import images
from .pdf_sandbox import SandboxFetcher

OPTIONS = {"pdf_variant": "pdf/a-2a", "custom_metadata": True}  # /aiindex in the Info


class _Failures(logging.Handler):
    """Collects what WeasyPrint logs as errors (a resource it could not load, mostly)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage().rstrip(": "))


@cache
def _fonts(faces: tuple[str, ...] = ()) -> FontConfiguration:
    """One font configuration per set of `@font-face` rules (WeasyPrint keeps the first face
    registered under a name): faster, and memory stays flat across renders."""
    return FontConfiguration()


def render(doc: Document, house: HouseStyle) -> bytes:
    """The PDF of `doc`: its images and the house style's files are all it may read."""
    folder = doc.source.parent.resolve()
    origins = {image.url: image.location for image in images(doc)}
    return lay_out(html.print_document(doc, house), folder, [folder, house.root], origins)


def lay_out(html: str, base: Path, roots: list[Path], origins: dict | None = None) -> bytes:
    """Lay out `html` (relative URLs resolve against `base`) and return the PDF bytes.

    Nothing outside `roots` is read, and nothing is left out quietly: a URL that was refused
    or failed to load (WeasyPrint only logs those) is a SourceError at its place in `origins`
    (relative URL: Location), or else a LayoutError.
    """
    pdf_footnotes.apply()
    fetcher, failures = SandboxFetcher(roots), _Failures()
    base_url = base.as_uri() + "/"
    LOGGER.addHandler(failures)
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=_fonts(tuple(re.findall(r"@font-face[^}]*}", html))), **OPTIONS)
    finally:
        LOGGER.removeHandler(failures)
    problems = [f"refused to load {url}: outside the document and house style folders"
                for url in fetcher.refused] + failures.messages
    for url, location in (origins or {}).items():
        for problem in problems:
            if urljoin(base_url, url) in problem:
                raise SourceError(location, f"image '{url}': {problem}")
    if problems:
        raise LayoutError("; ".join(problems))
    misplaced = pdf_footnotes.misplaced_footnotes(document)
    if misplaced:
        raise LayoutError("; ".join(f"footnote {n} lands on page {body}, its call on page {call}"
                                    for n, call, body in misplaced))
    return document.write_pdf(**OPTIONS)
