"""The document model every reader produces and every writer consumes.

A small tree in the spirit of Pandoc's AST: a `Document` holds metadata and a list of
blocks; blocks hold inlines. Footnotes live in `Document.notes`, numbered 1..n in order of
first call, and are referenced from the text by `NoteRef`. Every node that came from the
source carries a `Location` so later stages can report errors against the source line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Union

from .errors import shown


@dataclass(frozen=True)
class Location:
    path: Path
    line: int  # 1-based
    column: int = 1  # 1-based

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.line}:{self.column}"


# Inlines -------------------------------------------------------------------------------

@dataclass
class Text:
    text: str


@dataclass
class Code:
    text: str


@dataclass
class SoftBreak:
    pass


@dataclass
class LineBreak:
    pass


@dataclass
class Emph:
    children: list[Inline]


@dataclass
class Strong:
    children: list[Inline]


@dataclass
class Link:
    url: str
    children: list[Inline]
    title: str = ""


@dataclass
class Image:
    """`![alt](file.png)`: a PNG, JPEG or SVG file in the document's folder, checked and read
    once on reading; every format takes `data`, never the file again."""
    url: str  # as written, relative to the document's folder
    alt: str
    location: Location
    data: bytes = field(default=b"", repr=False)


@dataclass
class NoteRef:
    """A call to the note `label`; `number` (1-based, by first call) is set by a transform."""
    label: str
    number: int = 0
    first: bool = True  # False for a second call of the same note


@dataclass
class CiteItem:
    key: str
    prefix: str = ""
    locator: str = ""  # as written, e.g. "p. 12"


@dataclass
class Cite:
    """`[@key, p. 12; @other]`; replaced by formatted text or a note during transforms."""
    items: list[CiteItem]
    location: Location
    uncommaed: str = ""  # as written, for `[see @key para. 13]` (a locator without its comma)


@dataclass
class Isolate:
    """A run set apart in its own direction (`dir`), e.g. a URL or index number inside Arabic
    text; writers emit `<span dir="ltr">` (HTML/PDF) or a left-to-right run (DOCX)."""
    children: list[Inline]
    dir: str = "ltr"


@dataclass
class Foreign:
    """A run in another language than the document's (`lang`, BCP 47), such as the citation
    of an English source in a French text, so that a screen reader switches voice; writers
    emit `<span lang>` (HTML, and `/Lang` in the PDF) or Word's `w:lang`."""
    children: list[Inline]
    lang: str


Inline = Union[Text, Code, SoftBreak, LineBreak, Emph, Strong, Link, Image, NoteRef, Cite,
               Isolate, Foreign]


# Blocks --------------------------------------------------------------------------------

@dataclass
class Paragraph:
    children: list[Inline]


@dataclass
class Heading:
    level: int  # 2 or 3 in the body; the title (level 1) comes from the front matter
    children: list[Inline]
    id: str = ""


@dataclass
class ListItem:
    blocks: list[Block]


@dataclass
class BulletList:
    items: list[ListItem]


@dataclass
class OrderedList:
    items: list[ListItem]
    start: int = 1


@dataclass
class BlockQuote:
    blocks: list[Block]


@dataclass
class Box:
    """A `::: box` container: boxed text, optionally titled by its first heading."""
    blocks: list[Block]


@dataclass
class TableCell:
    children: list[Inline]
    align: str = ""  # "", "left", "center", "right"


@dataclass
class Table:
    head: list[list[TableCell]]
    body: list[list[TableCell]]


@dataclass
class CodeBlock:
    text: str


@dataclass
class ThematicBreak:
    pass


Block = Union[Paragraph, Heading, BulletList, OrderedList, BlockQuote, Box, Table, CodeBlock,
              ThematicBreak]


# Document ------------------------------------------------------------------------------

@dataclass
class Note:
    label: str
    blocks: list[Paragraph]
    location: Location  # of its definition (or of the call, for inline notes and citations)
    number: int = 0


@dataclass
class Meta:
    """Front matter, validated. `index` is the document's identifier, as the house style's
    scheme parsed it (an AI index number), or None."""
    title: str
    date: date
    index: object
    kind: str = ""  # empty: the house label `kind` of the language ("Briefing")
    event: str = ""
    short_title: str = ""
    unit: object = None  # dict from the house style's units, or free text
    bibliography: Path | None = None
    status: str = "final"
    keywords: list[str] = field(default_factory=list)
    original: str = ""  # language of the original, for a translation
    locations: dict[str, Location] = field(default_factory=dict)


@dataclass
class Document:
    source: Path
    lang: str
    slug: str
    meta: Meta
    blocks: list[Block]
    notes: list[Note] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)  # stale passages of a draft translation
