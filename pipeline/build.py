"""Building: find the sources, load each into a checked Document, write its outputs."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import indexing, limits, localize, reader, transforms
from .citations import load_bibliography
from .errors import SourceError
from .house import HouseStyle
from .model import Document, Location
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
    labels = house.labels(path.stem)
    doc = reader.read(path, house.units, labels.get("quotes", "“”‘’"))
    indexing.check_scheme(doc, house.index_scheme)
    titles = indexing.titles(registry)
    transforms.resolve_citations(doc, indexing.cite_documents(
        doc, _bibliography(doc, titles), house.organisation, titles))
    transforms.number_notes(doc)
    transforms.assign_heading_ids(doc)
    localize.apply(doc, labels)
    from .translation.commands import drift  # here: the translation package imports build
    drift(doc, house)
    return doc


def _bibliography(doc: Document, titles=None):
    folder = doc.source.parent
    path = folder / (doc.meta.bibliography or "references.bib")
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
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise

