"""A translation behind its original (`translation.sync`): an error for a final document, a
visible "translation outdated" note and mark on a draft. The translation checks are
imported only for a translation: an original does without them."""
from __future__ import annotations

from ..errors import SourceError, warn
from ..model import Document


def mark_outdated(doc: Document, context) -> None:
    if not doc.meta.original:
        return
    from ..translation import check, sync

    stale = sync.pair(doc.source, context.house).stale()
    if not stale:
        return
    if doc.meta.status == "final":
        for state in stale[1:]:
            warn(state.target.location, f"translation outdated: the original changed at "
                 f"{state.unit.location}")
        first = stale[0]
        raise SourceError(first.target.location, f"translation outdated: the original changed "
                          f"at {first.unit.location} since this passage was synced ({len(stale)} "
                          "stale; see `briefing translate status`)")
    doc.outdated = [f"{s.target.location.path.name}:{s.target.location.line}: "
                    f"{check.short(s.target.text)}" for s in stale]
