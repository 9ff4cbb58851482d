"""Building: find the sources, load each into a checked Document, write its outputs.

Importing this module is cheap (the reader, citations and writers are imported where they
are used), so an up-to-date rebuild never pays for them.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from . import limits
from .errors import SourceError
from .model import Location

if TYPE_CHECKING:
    from .house import HouseStyle
    from .model import Document
    from .registry import Registry

FORMATS = ("pdf", "docx", "html")


def find_sources(paths: list[Path], langs: list[str]) -> list[Path]:
    """The `<lang>.md` files named by `paths` (document folders, files, or folders of those)."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            own = sorted(path.glob("*.md"))
            found += own or sorted(path.glob("*/*.md"))
        else:
            raise SourceError(path, "no such file or folder")
    return [p for p in found if not langs or p.stem in langs]


def load(path: Path, house: HouseStyle, registry: Registry | None = None) -> Document:
    """Read and check one source: everything short of rendering. The registry, if any,
    titles the documents cited by their index."""
    from . import indexing, localize, reader, transforms
    from .translation.commands import drift  # here: the translation package imports build

    labels = house.labels(path.stem)
    doc = reader.read(path, house.units, labels["quotes"])
    indexing.check_scheme(doc, house.index_scheme)
    titles = indexing.titles(registry)
    transforms.resolve_citations(doc, indexing.cite_documents(
        doc, _bibliography(doc, titles), house.organisation, titles), house.citation_style)
    transforms.number_notes(doc)
    transforms.assign_heading_ids(doc)
    localize.apply(doc, labels)
    drift(doc, house)
    return doc


def bibliography_path(doc: Document) -> Path:
    """The bibliography named in the front matter, else `references.bib` (which may not exist)."""
    return doc.source.parent / (doc.meta.bibliography or "references.bib")


def _bibliography(doc: Document, titles=None):
    from .citations import load_bibliography

    folder = doc.source.parent
    path = bibliography_path(doc)
    location = doc.meta.locations["bibliography"] if doc.meta.bibliography else Location(path, 1)
    if doc.meta.bibliography and not path.is_file():
        raise SourceError(location, f"bibliography file '{doc.meta.bibliography}' not found")
    if not path.is_file():
        return None
    if not limits.inside(path, [folder]):
        raise SourceError(location, f"bibliography file '{path.relative_to(folder)}' lies "
                          "outside the document folder")
    limits.check_size(path, limits.SOURCE_BYTES, "bibliography")
    return load_bibliography(path, titles)


def output_path(doc: Document, out: Path, fmt: str) -> Path:
    """`<out>/<slug>/IOR5387872024ENGLISH.pdf`."""
    return out / doc.slug / f"{doc.meta.index.file_stem(doc.lang)}.{fmt}"


def render(doc: Document, house: HouseStyle, fmt: str) -> bytes:
    """The bytes of `doc` in format `fmt`; each writer (and WeasyPrint, for the PDF only) is
    imported when first needed."""
    if fmt == "docx":
        from .writers import docx
        return docx.render(doc, house)
    from .writers import html
    if fmt == "html":
        return html.page(doc, house).encode("utf-8")
    from . import transforms
    from .writers import pdf

    folder = doc.source.parent.resolve()
    origins = {image.url: image.location for image in transforms.images(doc)}
    return pdf.render(html.render(doc, house), folder, [folder, house.root], origins)


def build(doc: Document, house: HouseStyle, out: Path, formats: list[str]) -> list[Path]:
    written = []
    for fmt in formats:
        target = output_path(doc, out, fmt)
        write_atomic(target, render(doc, house, fmt))
        written.append(target)
    return written


def write_atomic(target: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, then rename into place: readers see
    the old file or the new one, never a partial one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise

