"""Heading ids, for links and bookmarks."""
from __future__ import annotations

import re

from .. import model as m
from .tree import plain_text, walk


def assign_ids(doc: m.Document, context=None) -> None:
    """Give each heading a unique id from its text, for links and bookmarks."""
    seen: set[str] = set()
    tried: dict[str, int] = {}  # per base, the last number tried: n equal headings cost n steps
    for block in walk(doc.blocks):
        if isinstance(block, m.Heading):
            base = re.sub(r"[^\w]+", "-", plain_text(block.children).lower()).strip("-") or "section"
            ident, n = base, tried.get(base, 1)
            while ident in seen:
                n += 1
                ident = f"{base}-{n}"
            seen.add(ident)
            tried[base] = n
            block.id = ident
