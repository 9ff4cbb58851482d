"""Preflight: what a production editor checks before a PDF goes to print or to the web.

`layout_findings` reads the laid-out WeasyPrint document (cheap: `briefing build` runs it on
every PDF and prints its warnings): holes (a page but the last more than a quarter empty),
hyphenation against the house rule, lines running past the text block, images below print
resolution and colour space. `file_findings` reads the PDF file: fonts embedded, links with a target, the
metadata against the front matter. `glyph_findings` finds the characters of the source that
the house fonts cannot show, at their line.

Hand-written: no PDF preflight tool reads WeasyPrint's boxes, and the house rules are ours.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from weasyprint.formatting_structure.boxes import (FootnoteAreaBox, InlineReplacedBox,
                                                   LineBox, ReplacedBox, TextBox)

from .. import model as m
from ..errors import shown
from ..readers import markdown as reader
from ..transforms.tree import map_inlines, plain_text

MOST_EMPTY = 0.25  # of a page's text area, but the last page's
MOST_HYPHENATED = 0.08  # of body lines
LEAST_PPI, GOOD_PPI = 150, 300  # effective image resolution at print size
RGB_MODES = ("RGB", "RGBA", "L", "LA")  # what an sRGB PDF (the PDF/A output intent) shows as is
_URL = re.compile(r"https?://[^\s<>\u060c\u061b]+")  # not Arabic commas and semicolons
_HYPHENS = "\u2010\u00ad-"  # the hyphenation character, a soft hyphen, a hyphen


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    where: str  # "page 3", or a source location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


def layout_findings(document) -> list[Finding]:
    """Holes, hyphenation, overfull lines and image resolution of a laid-out document."""
    findings: list[Finding] = []
    body_lines, hyphenated, in_a_row = 0, 0, 0
    for number, page in enumerate(document.pages, start=1):
        where = f"page {number}"
        box = page._page_box
        lines = [line for line in _flow(box) if isinstance(line, LineBox)]
        if number < len(document.pages) and _empty_share(box, lines) > MOST_EMPTY:
            findings.append(Finding("warning", where, f"{_empty_share(box, lines):.0%} of the "
                                    "text area is empty (a box, table or list kept whole?)"))
        for line in lines:
            text = _text(line)
            if len(text.split()) <= 3:
                continue
            body_lines += 1
            broken = _broken(line)
            hyphenated += broken
            in_a_row = in_a_row + 1 if broken else 0
            if in_a_row == 3:
                findings.append(Finding("warning", where, f"three hyphenated lines in a row, "
                                        f"the last ending '{text[-20:]}'"))
            right = line.position_x + line.width
            if max((child.position_x + child.margin_width() for child in line.children),
                   default=right) > right + 1:
                findings.append(Finding("warning", where, f"a line runs past the text block: "
                                        f"'{text[:60]}'"))
        if lines and _broken(lines[-1]):
            findings.append(Finding("warning", where, "the page's last line ends in a hyphen"))
        for image in (child for child in box.descendants()
                      if isinstance(child, (ReplacedBox, InlineReplacedBox))):
            findings += _resolution(image, where)
    if body_lines and hyphenated > MOST_HYPHENATED * body_lines:
        findings.append(Finding("warning", "document", f"{hyphenated} of {body_lines} lines "
                                f"hyphenated, more than {MOST_HYPHENATED:.0%}"))
    return findings


def badly_broken_words(document) -> set[str]:
    """The words hyphenated against the house rule: on a page's last line, or on the third
    hyphenated line in a row."""
    words, in_a_row = set(), 0
    lines = [(number, line) for number, page in enumerate(document.pages)
             for line in _flow(page._page_box) if isinstance(line, LineBox)
             and len(_text(line).split()) > 3]
    for (page, line), (next_page, following) in zip(lines, lines[1:]):
        broken = _broken(line)
        in_a_row = in_a_row + 1 if broken else 0
        if broken and (in_a_row >= 3 or next_page != page):
            head = re.search(rf"(\w+)[{_HYPHENS}]$", _text(line))[1]
            tail = re.match(r"\w*", _text(following))[0]
            words.add(head + tail)
    return words


def file_findings(pdf: bytes, doc: m.Document) -> list[Finding]:
    """Fonts embedded, every link with a target, every note and every address in the notes
    there (as a link), metadata as in the front matter."""
    import pikepdf  # for `briefing preflight` only: not imported by a build

    findings: list[Finding] = []
    uris: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as file:
        for number, page in enumerate(file.pages, start=1):
            for name, font in page.Resources.get("/Font", {}).items():
                descriptor = font.get("/FontDescriptor") or next(
                    iter(font.get("/DescendantFonts", [])), {}).get("/FontDescriptor", {})
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    findings.append(Finding("error", f"page {number}", f"font "
                                            f"{font.get('/BaseFont', name)} is not embedded"))
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A", {})
                uris.add(str(action.get("/URI", "")))
                if annotation.get("/Subtype") == "/Link" and not (
                        action.get("/URI") or action.get("/D") or annotation.get("/Dest")):
                    findings.append(Finding("error", f"page {number}", "a link without target"))
        names = file.Root.get("/Names", {}).get("/Dests", {})
        notes = {str(name) for name in pikepdf.NameTree(names).keys()
                 if re.fullmatch(r"fn-\d+", str(name))} if names else set()
        if len(notes) != len(doc.notes):
            findings.append(Finding("error", "notes", f"{len(notes)} notes in the PDF, "
                                    f"{len(doc.notes)} in the source"))
        info = {str(key): str(value) for key, value in file.docinfo.items()}
        expected = {"/Title": doc.meta.title}
        if "/aiindex" in info:  # a house whose PDF carries the document's number
            expected["/aiindex"] = str(doc.meta.index)
        for key, value in expected.items():
            if info.get(key) != value:
                findings.append(Finding("error", "metadata", f"{key[1:]} is {info.get(key)!r}, "
                                        f"the front matter says {value!r}"))
        for note in doc.notes:
            for paragraph in note.blocks:
                for url in _URL.findall(plain_text(paragraph.children)):
                    if url.rstrip(".,;:)»") not in uris:
                        findings.append(Finding("error", str(note.location), f"the address "
                                                f"{url} in note {note.number} is not a link"))
        language = str(file.Root.get("/Lang", ""))
        if language.split("-")[0] != doc.lang.split("-")[0]:
            findings.append(Finding("error", "metadata", f"language {language!r}, the source "
                                    f"is {doc.lang!r}"))
    return findings


def glyph_findings(doc: m.Document, fonts: list[Path]) -> list[Finding]:
    """Characters of the document's text that none of `fonts` has a glyph for, at the first
    source line holding each."""
    covered = set().union(*(_cmap(path) for path in fonts))
    texts = [doc.meta.title, doc.meta.short_title, doc.meta.kind, doc.meta.event]

    def collect(inlines: list[m.Inline]) -> list[m.Inline]:
        texts.append(plain_text([node for node in inlines if not isinstance(node, m.Code)]))
        return inlines

    map_inlines(doc.blocks, collect)
    for note in doc.notes:
        map_inlines(note.blocks, collect)
    missing = sorted({char for char in "".join(texts)
                      if ord(char) > 0x20 and not char.isspace() and ord(char) not in covered})
    lines = reader.read_text(doc.source).splitlines()
    findings = []
    for char in missing:
        line = next((n for n, text in enumerate(lines, start=1) if char in text), 1)
        findings.append(Finding("error", f"{shown(doc.source)}:{line}", f"no house font has the "
                                f"character '{char}' (U+{ord(char):04X}): it would print as a "
                                "box or in a stray font"))
    return findings


@cache
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def _flow(page_box):
    """The boxes of the page's running text: not its notes, not its margin boxes."""
    for child in page_box.children:
        if child.element_tag == "html":
            yield from child.descendants()


def _empty_share(page_box, lines: list[LineBox]) -> float:
    top, bottom = page_box.content_box_y(), page_box.content_box_y() + page_box.height
    notes = [child for child in page_box.children
             if isinstance(child, FootnoteAreaBox) and child.children]
    floor = min([note.position_y for note in notes] or [bottom])
    lowest = max((line.position_y + line.height for line in lines), default=top)
    return max(0.0, floor - lowest) / (bottom - top)


def _text(line: LineBox) -> str:
    return "".join(box.text for box in line.descendants() if isinstance(box, TextBox)).strip()


def _broken(line: LineBox) -> bool:
    """Whether the line ends in a word broken by hyphenation (not an address at its hyphen)."""
    return bool(re.search(rf"(?<![/\w{_HYPHENS}])\w+[{_HYPHENS}]$", _text(line)))


def _resolution(image, where: str) -> list[Finding]:
    """A raster image's effective resolution at its printed size, and its colour space."""
    raster = getattr(image, "replacement", None)
    pixels = getattr(raster, "width", None)
    if not pixels or not image.width:
        return []
    found = []
    if raster.mode not in RGB_MODES:
        found.append(Finding("warning", where, f"an image in {raster.mode}: the PDF's colours "
                             "are sRGB (convert it to RGB)"))
    ppi = pixels / (image.width / 96)  # CSS pixels: 96 to the inch
    if ppi < GOOD_PPI:
        level = "error" if ppi < LEAST_PPI else "warning"
        found.append(Finding(level, where, f"an image prints at {ppi:.0f} ppi (under "
                             f"{GOOD_PPI})"))
    return found
