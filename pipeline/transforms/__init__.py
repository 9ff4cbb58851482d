"""Transforms: the steps from the document as read to the document the writers get, in
order. Each step is `step(doc, context)` and changes the document in place; `apply` runs
them all."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import model as m
from ..house.style import HouseStyle
from . import citations, drift, headings, identifiers, localize, notes


@dataclass
class Context:
    """What the steps may consult besides the document."""
    house: HouseStyle
    titles: Callable[[object], str] | None = None  # the registry's title of an identifier


STEPS = (
    identifiers.check,  # the identifier against the house's scheme
    citations.resolve,  # citations into notes (before numbering)
    notes.number,
    headings.assign_ids,
    localize.apply,  # isolates left-to-right runs: the last step that changes text
    drift.mark_outdated,
)


def apply(doc: m.Document, context: Context) -> m.Document:
    for step in STEPS:
        step(doc, context)
    return doc
