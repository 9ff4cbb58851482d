"""PDF writer: WeasyPrint lays out the print HTML (`html.print_document`) with the house
print stylesheet, through the sandbox (`pdf_sandbox.py`) and with the footnote placement
patch (`pdf_footnotes.py`).

Output is PDF/A-2a: archival (fonts embedded, sRGB output intent, XMP metadata) and tagged
(level A), and PDF/UA-1 (`pdf_tags.py`), so screen readers get the reading order, the notes
and the languages, without the running footer. Bytes depend only on the inputs: dates
come from the document, and the file identifier is a hash of the content.
"""
from __future__ import annotations

import logging
import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from . import html, pdf_libraries

with pdf_libraries.found_by_ldconfig():
    import weasyprint
pdf_libraries.parse_types_quickly()
from weasyprint import HTML
from weasyprint.logger import LOGGER
from weasyprint.text.fonts import FontConfiguration

from . import pdf_footnotes, pdf_hyphenation, pdf_preflight, pdf_tags
from ..errors import LayoutError, SourceError, warn
from ..house.style import HouseStyle
from ..model import Document
from ..transforms.tree import images
from .pdf_sandbox import SandboxFetcher

RELAYOUTS = 5
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
    """The PDF of `doc`, with the warnings of the cheap preflight checks (holes, hyphenation,
    overfull lines, image resolution) on stderr."""
    document = layout(doc, house)
    for finding in pdf_preflight.layout_findings(document):
        warn(doc.source, f"{finding.where}: {finding.message}")
    pdf_tags.apply()
    return document.write_pdf(finisher=pdf_tags.claim, **OPTIONS)


def preflight(doc: Document, house: HouseStyle, built: Path) -> list[pdf_preflight.Finding]:
    """Everything `pdf_preflight` checks, on `doc` laid out anew and on its PDF file `built`
    (the file that goes out)."""
    fonts = [house.root / "fonts" / name for font in house.tokens["fonts"].values()
             for name in font.get("files", {}).values()]
    findings = pdf_preflight.glyph_findings(doc, fonts)
    try:
        findings += pdf_preflight.layout_findings(layout(doc, house))
    except LayoutError as err:
        findings.append(pdf_preflight.Finding("error", "layout", str(err)))
    if built.is_file():
        findings += pdf_preflight.file_findings(built.read_bytes(), doc)
    else:
        findings.append(pdf_preflight.Finding("error", str(built), "not built: run `briefing "
                                              "build` first"))
    return findings


def layout(doc: Document, house: HouseStyle, edition: str = "screen",
           options: dict = OPTIONS) -> weasyprint.Document:
    """`doc` laid out for the screen PDF, or for the printer's `edition` ("print") with its
    PDF `options`: its images (as read with the source) and the house style's files are all
    it may read. A word
    hyphenated at a page's foot, or on the third hyphenated line in a row, is kept whole and
    the document laid out again (CSS has no rule for either; at most `RELAYOUTS` times)."""
    folder = doc.source.parent.absolute()
    origins = {image.url: image.location for image in images(doc)}
    files = {os.path.normpath(folder / unquote(urlsplit(image.url).path)): image.data
             for image in images(doc)}
    pdf_hyphenation.preload(doc.lang)
    markup, whole = html.print_document(doc, house, edition), set()
    for _ in range(RELAYOUTS):
        document = lay_out(_kept_whole(markup, whole), folder, [house.root], origins, files,
                           options)
        words = pdf_preflight.badly_broken_words(document) - whole
        if not words:
            break
        whole |= words
    return document


def _kept_whole(markup: str, words: set[str]) -> str:
    """`markup` with each of `words` in the body's text unhyphenated."""
    if not words:
        return markup
    head, body = markup.split("<body", 1)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b")
    kept = r'<span style="hyphens: manual">\1</span>'
    return head + "<body" + "".join(part if part.startswith("<") else pattern.sub(kept, part)
                                    for part in re.split(r"(<[^>]*>)", body))


def lay_out(html: str, base: Path, roots: list[Path], origins: dict | None = None,
            files: dict[str, bytes] | None = None,
            options: dict = OPTIONS) -> weasyprint.Document:
    """Lay out `html` (relative URLs resolve against `base`).

    Nothing outside `roots` is read (`files`: bytes of paths already read, not read again),
    and nothing is left out quietly: a URL that was refused
    or failed to load (WeasyPrint only logs those) is a SourceError at its place in `origins`
    (relative URL: Location), or else a LayoutError.
    """
    pdf_footnotes.apply()
    fetcher, failures = SandboxFetcher(roots, files), _Failures()
    base_url = base.as_uri() + "/"
    LOGGER.addHandler(failures)
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=_fonts(tuple(re.findall(r"@font-face[^}]*}", html))), **options)
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
    return document
