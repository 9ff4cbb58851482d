"""AI index numbers across documents: each document's index checked against the house's
series and subjects, all documents checked against each other and the registry, and
citations of other documents by their index."""
from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .citations import Bibliography
from .errors import SourceError, warn
from .index import AIIndex, IndexScheme
from .registry import Registry, RegistryError, open_for_reading
from .transforms import map_inlines


def check_scheme(doc: m.Document, scheme: IndexScheme) -> None:
    """An unknown series is an error, an unknown subject a warning."""
    where = doc.meta.locations.get("index", m.Location(doc.source, 1))
    try:
        problem = scheme.check(doc.meta.index)
    except ValueError as err:
        raise SourceError(where, str(err)) from None
    if problem:
        warn(where, problem)


def check_documents(documents: list[tuple[Path, m.Meta]], registry: str | None) -> bool:
    """Errors for an index shared by two document folders; warnings for an index missing
    from the registry (at `registry`) or held there by another document, and an index whose
    year contradicts the date (a translation's own index is `translation.check`'s error).
    `documents` are (source, front matter) pairs. False on error."""
    ok = True
    by_index: dict[AIIndex, list[_Doc]] = defaultdict(list)
    for doc in (_Doc(source, meta) for source, meta in documents):
        by_index[doc.meta.index].append(doc)
        if doc.meta.index.year != doc.meta.date.year:
            warn(_where(doc), f"the index year {doc.meta.index.year} contradicts the date "
                              f"{doc.meta.date.isoformat()}")
    for index, holders in by_index.items():
        first = holders[0]
        for doc in holders[1:]:
            if doc.source.parent.resolve() != first.source.parent.resolve():
                print(SourceError(_where(doc), f"AI index {index} is also the index of "
                                               f"{_where(first)}"), file=sys.stderr)
                ok = False
    numbers = open_for_reading(registry) if registry else None
    if numbers is not None:
        with numbers:
            for index, holders in by_index.items():
                _check_registered(index, holders[0], numbers)
    return ok


@dataclass
class _Doc:
    source: Path
    meta: m.Meta

    @property
    def slug(self) -> str:
        return self.source.parent.name


def _check_registered(index: AIIndex, doc: _Doc, registry: Registry) -> None:
    try:
        entry = registry.get(index)
    except RegistryError as err:
        warn(_where(doc), str(err))
        return
    if entry is None:
        warn(_where(doc), f"AI index {index} is not in the registry {registry.location}")
    elif entry.slug and entry.slug != doc.slug:
        warn(_where(doc), f"AI index {index} is registered to '{entry.slug}', not '{doc.slug}'")


def _where(doc: _Doc | m.Document) -> m.Location:
    return doc.meta.locations.get("index", m.Location(doc.source, 1))


def titles(registry: Registry | None):
    """A function giving the registry's title of an index ('' if unknown), or None."""
    if registry is None:
        return None

    def title(index: AIIndex) -> str:
        entry = registry.get(index)
        return entry.title if entry else ""
    return title


def cite_documents(doc: m.Document, bibliography: Bibliography | None, author: str,
                   title_of=None) -> Bibliography | None:
    """The bibliography, with an entry for each cited key that is an AI index and no entry's
    key (`[@{IOR 40/8247/2024}]`): a document of `author` at its amnesty.org address,
    titled as the registry knows it."""
    known = set(bibliography.keys()) if bibliography else set()
    documents = {}
    for key in _cited_keys(doc):
        if key not in known:
            try:
                documents[key] = AIIndex.parse(key, exact=True)
            except ValueError:
                continue  # an unknown key: reported where citations are resolved
    if not documents:
        return bibliography
    bibliography = bibliography or Bibliography({}, {})
    for key, index in documents.items():
        bibliography.add_document(key, index, author, title_of(index) if title_of else "")
    return bibliography


def _cited_keys(doc: m.Document) -> list[str]:
    keys: list[str] = []

    def collect(inlines: list[m.Inline]) -> list[m.Inline]:
        keys.extend(item.key for node in inlines if isinstance(node, m.Cite)
                    for item in node.items)
        return inlines

    map_inlines(doc.blocks, collect)
    for note in doc.notes:
        map_inlines(note.blocks, collect)
    return keys
