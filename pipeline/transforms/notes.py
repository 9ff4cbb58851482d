"""Footnotes numbered in reading order."""
from __future__ import annotations

from .. import model as m
from ..errors import SourceError
from .tree import map_inlines


def number(doc: m.Document, context=None) -> None:
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
