"""Document identifiers across documents: each document's identifier checked against the
house's scheme (the transform step), all documents checked against each other and, for a
scheme with a registry, against the registry."""
from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import model as m
from ..errors import SourceError, warn
from ..house.registry import Registry, RegistryError, open_for_reading, redacted


def check(doc: m.Document, context) -> None:
    """The transform step: an identifier the scheme rejects is an error (for AI index
    numbers, an unknown series), a doubtful one a warning (an unknown subject)."""
    if doc.meta.index is None:
        return
    try:
        problem = context.house.identifiers.check(doc.meta.index)
    except ValueError as err:
        raise SourceError(_where(doc), str(err)) from None
    if problem:
        warn(_where(doc), problem)


def check_documents(documents: list[tuple[Path, m.Meta]], scheme,
                    registry: str | None) -> bool:
    """Errors for an identifier shared by two document folders; warnings for an identifier
    whose year contradicts the date and, for a registered scheme, one missing from the
    registry (at `registry`) or held there by another document (a translation's own index
    is `translation.check`'s error). `documents` are (source, front matter) pairs. False on
    error."""
    ok = True
    by_identifier: dict[object, list[_Doc]] = defaultdict(list)
    for doc in (_Doc(source, meta) for source, meta in documents):
        if doc.meta.index is None:
            continue
        by_identifier[doc.meta.index].append(doc)
        year = scheme.year(doc.meta.index)
        if year and year != doc.meta.date.year:
            warn(_where(doc), f"the index year {year} contradicts the date "
                              f"{doc.meta.date.isoformat()}")
    for identifier, holders in by_identifier.items():
        first = holders[0]
        for doc in holders[1:]:
            if doc.source.parent.resolve() != first.source.parent.resolve():
                print(SourceError(_where(doc), f"{scheme.noun} {identifier} is also the "
                                               f"index of {_where(first)}"), file=sys.stderr)
                ok = False
    numbers = open_for_reading(registry) if registry and scheme.registered else None
    if numbers is not None:
        with numbers:
            for identifier, holders in by_identifier.items():
                _check_registered(identifier, holders[0], numbers)
    return ok


@dataclass
class _Doc:
    source: Path
    meta: m.Meta

    @property
    def slug(self) -> str:
        return self.source.absolute().parent.name


def _check_registered(index, doc: _Doc, registry: Registry) -> None:
    try:
        entry = registry.get(index)
    except RegistryError as err:
        warn(_where(doc), str(err))
        return
    if entry is None:
        warn(_where(doc), f"AI index {index} is not in the registry "
                          f"{redacted(registry.location)}")
    elif entry.slug and entry.slug != doc.slug:
        warn(_where(doc), f"AI index {index} is registered to '{entry.slug}', not '{doc.slug}'")


def _where(doc: _Doc | m.Document) -> m.Location:
    return doc.meta.locations.get("index", m.Location(doc.source, 1))


def titles(registry: Registry | None):
    """A function giving the registry's title of an identifier ('' if unknown), or None. A
    registry that cannot be read (locked, damaged) gives no titles, with one warning."""
    if registry is None:
        return None
    failed: list[RegistryError] = []

    def title(index) -> str:
        if failed:
            return ""
        try:
            entry = registry.get(index)
        except RegistryError as err:
            failed.append(err)
            print(f"briefing: warning: {err}; built without the registry's titles",
                  file=sys.stderr)
            return ""
        return entry.title if entry else ""
    return title
