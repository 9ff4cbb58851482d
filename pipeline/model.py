"""The document model every reader produces and every writer consumes.

A small tree in the spirit of Pandoc's AST: a `Document` holds metadata and a list of
blocks; blocks hold inlines. Footnotes live in `Document.notes`, numbered 1..n in order of
first call, and are referenced from the text by `NoteRef`. Every node that came from the
source carries a `Location` so later stages can report errors against the source line.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from reprlib import recursive_repr
from typing import Union

from .errors import shown


@dataclass(frozen=True)
class Location:
    path: Path
    line: int  # 1-based
    column: int = 1  # 1-based

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.line}:{self.column}"


class _Node:
    """What every node below shares: equality and repr by its fields, as `dataclass` would
    write them. It would write them once per class, which costs every build about 12 ms
    of its start; `node` makes the rest (`__init__`)."""

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _compared(self) == _compared(other)

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{each.name}={getattr(self, each.name)!r}"
                          for each in fields(self) if each.repr)
        return f"{type(self).__qualname__}({shown})"


def _compared(node: _Node) -> tuple:
    return tuple(getattr(node, each.name) for each in fields(node) if each.compare)


node = dataclass(repr=False, eq=False)


# Inlines -------------------------------------------------------------------------------

@node
class Text(_Node):
    text: str


@node
class Code(_Node):
    text: str


@node
class SoftBreak(_Node):
    pass


@node
class LineBreak(_Node):
    pass


@node
class Emph(_Node):
    children: list[Inline]


@node
class Strong(_Node):
    children: list[Inline]


@node
class Link(_Node):
    url: str
    children: list[Inline]
    title: str = ""


@node
class Image(_Node):
    """`![alt](file.png)`: a PNG, JPEG or SVG file in the document's folder, checked and read
    once on reading; every format takes `data`, never the file again."""
    url: str  # as written, relative to the document's folder
    alt: str
    location: Location
    data: bytes = field(default=b"", repr=False)


@node
class NoteRef(_Node):
    """A call to the note `label`; `number` (1-based, by first call) is set by a transform."""
    label: str
    number: int = 0
    first: bool = True  # False for a second call of the same note


@node
class CiteItem(_Node):
    key: str
    prefix: str = ""
    locator: str = ""  # as written, e.g. "p. 12"


@node
class Cite(_Node):
    """`[@key, p. 12; @other]`; replaced by formatted text or a note during transforms."""
    items: list[CiteItem]
    location: Location
    uncommaed: str = ""  # as written, for `[see @key para. 13]` (a locator without its comma)


@node
class Isolate(_Node):
    """A run set apart in its own direction (`dir`), e.g. a URL or index number inside Arabic
    text; writers emit `<span dir="ltr">` (HTML/PDF) or a left-to-right run (DOCX)."""
    children: list[Inline]
    dir: str = "ltr"


@node
class Foreign(_Node):
    """A run in another language than the document's (`lang`, BCP 47), such as the citation
    of an English source in a French text, so that a screen reader switches voice; writers
    emit `<span lang>` (HTML, and `/Lang` in the PDF) or Word's `w:lang`."""
    children: list[Inline]
    lang: str


Inline = Union[Text, Code, SoftBreak, LineBreak, Emph, Strong, Link, Image, NoteRef, Cite,
               Isolate, Foreign]


# Blocks --------------------------------------------------------------------------------

@node
class Paragraph(_Node):
    children: list[Inline]


@node
class Heading(_Node):
    level: int  # 2 or 3 in the body; the title (level 1) comes from the front matter
    children: list[Inline]
    id: str = ""


@node
class ListItem(_Node):
    blocks: list[Block]


@node
class BulletList(_Node):
    items: list[ListItem]


@node
class OrderedList(_Node):
    items: list[ListItem]
    start: int = 1


@node
class BlockQuote(_Node):
    blocks: list[Block]


@node
class Box(_Node):
    """A `::: box` container: boxed text, optionally titled by its first heading."""
    blocks: list[Block]


@node
class TableCell(_Node):
    children: list[Inline]
    align: str = ""  # "", "left", "center", "right"


@node
class Table(_Node):
    head: list[list[TableCell]]
    body: list[list[TableCell]]


@node
class CodeBlock(_Node):
    text: str


@node
class ThematicBreak(_Node):
    pass


Block = Union[Paragraph, Heading, BulletList, OrderedList, BlockQuote, Box, Table, CodeBlock,
              ThematicBreak]


# Document ------------------------------------------------------------------------------

@node
class Note(_Node):
    label: str
    blocks: list[Paragraph]
    location: Location  # of its definition (or of the call, for inline notes and citations)
    number: int = 0


@node
class Meta(_Node):
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


@node
class Document(_Node):
    source: Path
    lang: str
    slug: str
    meta: Meta
    blocks: list[Block]
    notes: list[Note] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)  # stale passages of a draft translation
