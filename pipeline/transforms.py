"""Transforms from the document as read to the document as written: citations resolved,
notes numbered, heading ids assigned. Each takes a Document and changes it in place.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from . import model as m
from .errors import SourceError, warn

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
        if isinstance(node, (m.Emph, m.Strong, m.Link)):
            node.children = _map_nested(fn(node.children), fn)
    return inlines


def resolve_citations(doc: m.Document, bibliography, style: Path) -> None:
    """Citations in the text become notes holding the formatted reference (CSL `style`);
    citations in a note are formatted in place. `bibliography` is None when the document
    has none."""
    used: set[str] = set()

    def formatted(cite: m.Cite) -> list[m.Inline]:
        if bibliography is None:
            raise SourceError(cite.location, "citation but no bibliography: add references.bib "
                              "beside the source or a 'bibliography:' front-matter field")
        for item in cite.items:
            if item.key not in bibliography.keys():
                raise SourceError(cite.location, f"unknown citation key '@{item.key}'")
            used.add(item.key)
        return bibliography.format(cite.items, doc.lang, style)

    def in_text(inlines: list[m.Inline]) -> list[m.Inline]:
        result = []
        for node in inlines:
            if isinstance(node, m.Cite):
                label = f"@{len(doc.notes)}"
                doc.notes.append(m.Note(label, [m.Paragraph(formatted(node))], node.location))
                node = m.NoteRef(label)
                if result and isinstance(result[-1], m.Text):  # "text [@key]." -> "text¹."
                    result[-1] = m.Text(result[-1].text.rstrip())
            result.append(node)
        return result

    def in_note(inlines: list[m.Inline]) -> list[m.Inline]:
        result: list[m.Inline] = []
        for node, after in zip(inlines, inlines[1:] + [None]):
            if not isinstance(node, m.Cite):
                result.append(node)
                continue
            parts = formatted(node)
            last = parts[-1] if parts else None
            if (isinstance(last, m.Text) and last.text.endswith(".")
                    and isinstance(after, m.Text) and after.text.startswith(".")):
                parts[-1] = m.Text(last.text[:-1])  # "[@key]." ends with one full stop
            result += parts
        return result

    for note in list(doc.notes):
        map_inlines(note.blocks, in_note)
    map_inlines(doc.blocks, in_text)
    if bibliography is not None:
        for key in sorted(set(bibliography.keys()) - used):
            warn(bibliography.location(key), f"bibliography entry '{key}' is never cited")


def number_notes(doc: m.Document) -> None:
    """Number notes 1..n by first call in reading order and put them in that order."""
    by_label = {note.label: note for note in doc.notes}
    order: list[m.Note] = []

    def visit(inlines: list[m.Inline]) -> list[m.Inline]:
        for node in inlines:
            if isinstance(node, m.NoteRef):
                note = by_label[node.label]
                node.first = not note.number
                if node.first:
                    order.append(note)
                    note.number = len(order)
                node.number = note.number
        return inlines

    def nested(inlines: list[m.Inline]) -> list[m.Inline]:
        for node in inlines:
            if isinstance(node, m.NoteRef):
                raise SourceError(by_label[node.label].location,
                                  f"footnote '[^{node.label}]' is called from inside another note")
        return inlines

    map_inlines(doc.blocks, visit)
    for note in doc.notes:
        map_inlines(note.blocks, nested)
    doc.notes = order


def assign_heading_ids(doc: m.Document) -> None:
    """Give each heading a unique id from its text, for links and bookmarks."""
    seen: set[str] = set()
    for block in _walk(doc.blocks):
        if isinstance(block, m.Heading):
            base = re.sub(r"[^\w]+", "-", plain_text(block.children).lower()).strip("-") or "section"
            ident, n = base, 1
            while ident in seen:
                n += 1
                ident = f"{base}-{n}"
            seen.add(ident)
            block.id = ident


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


def _walk(blocks: list[m.Block]):
    for block in blocks:
        yield block
        if isinstance(block, (m.BlockQuote, m.Box)):
            yield from _walk(block.blocks)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            for item in block.items:
                yield from _walk(item.blocks)


def plain_text(inlines: list[m.Inline]) -> str:
    parts = []
    for node in inlines:
        if isinstance(node, (m.Text, m.Code)):
            parts.append(node.text)
        elif isinstance(node, (m.SoftBreak, m.LineBreak)):
            parts.append(" ")
        elif isinstance(node, (m.Emph, m.Strong, m.Link, m.Isolate)):
            parts.append(plain_text(node.children))
    return "".join(parts)
