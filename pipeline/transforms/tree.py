"""Walking the document model: every inline list, every block, every image; plain text."""
from __future__ import annotations

from typing import Callable

from .. import model as m

InlineMap = Callable[[list[m.Inline]], list[m.Inline]]


def map_inlines(blocks: list[m.Block], fn: InlineMap) -> None:
    """Replace every inline list under `blocks` (outermost first) by `fn` of it."""
    for block in blocks:
        if isinstance(block, (m.Paragraph, m.Heading)):
            block.children = _map_nested(fn(block.children), fn)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            for item in block.items:
                map_inlines(item.blocks, fn)
        elif isinstance(block, (m.BlockQuote, m.Box)):
            map_inlines(block.blocks, fn)
        elif isinstance(block, m.Table):
            for cell in (c for row in block.head + block.body for c in row):
                cell.children = _map_nested(fn(cell.children), fn)


def _map_nested(inlines: list[m.Inline], fn: InlineMap) -> list[m.Inline]:
    for node in inlines:
        if isinstance(node, (m.Emph, m.Strong, m.Link, m.Foreign)):
            node.children = _map_nested(fn(node.children), fn)
    return inlines


def images(doc: m.Document) -> list[m.Image]:
    """Every image in the text and the notes."""
    found: list[m.Image] = []

    def collect(inlines: list[m.Inline]) -> list[m.Inline]:
        found.extend(node for node in inlines if isinstance(node, m.Image))
        return inlines

    map_inlines(doc.blocks, collect)
    for note in doc.notes:
        map_inlines(note.blocks, collect)
    return found


def walk(blocks: list[m.Block]):
    for block in blocks:
        yield block
        if isinstance(block, (m.BlockQuote, m.Box)):
            yield from walk(block.blocks)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            for item in block.items:
                yield from walk(item.blocks)


def plain_text(inlines: list[m.Inline]) -> str:
    parts = []
    for node in inlines:
        if isinstance(node, (m.Text, m.Code)):
            parts.append(node.text)
        elif isinstance(node, (m.SoftBreak, m.LineBreak)):
            parts.append(" ")
        elif isinstance(node, (m.Emph, m.Strong, m.Link, m.Isolate, m.Foreign)):
            parts.append(plain_text(node.children))
    return "".join(parts)
