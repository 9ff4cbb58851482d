"""Building: find the sources, load each into a checked Document, write its outputs."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import localize, reader, transforms
from .citations import load_bibliography
from .errors import SourceError
from .house import HouseStyle
from .model import Document

FORMATS = ("pdf",)


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


def load(path: Path, house: HouseStyle) -> Document:
    """Read and check one source: everything short of rendering."""
    labels = house.labels(path.stem)
    doc = reader.read(path, house.units, labels.get("quotes", "“”‘’"))
    transforms.resolve_citations(doc, _bibliography(doc))
    transforms.number_notes(doc)
    transforms.assign_heading_ids(doc)
    localize.apply(doc, labels)
    from .translation.commands import drift  # here: the translation package imports build
    drift(doc, house)
    return doc


def _bibliography(doc: Document):
    folder = doc.source.parent
    if doc.meta.bibliography:
        path = folder / doc.meta.bibliography
        if not path.is_file():
            raise SourceError(doc.meta.locations["bibliography"],
                              f"bibliography file '{doc.meta.bibliography}' not found")
        return load_bibliography(path)
    default = folder / "references.bib"
    return load_bibliography(default) if default.is_file() else None


def output_path(doc: Document, out: Path, fmt: str) -> Path:
    """`<out>/<slug>/IOR5387872024ENGLISH.pdf`."""
    return out / doc.slug / f"{doc.meta.index.file_stem(doc.lang)}.{fmt}"


def render(doc: Document, house: HouseStyle, fmt: str) -> bytes:
    from .writers import html, pdf  # WeasyPrint is imported only when rendering

    folder = doc.source.parent.resolve()
    return pdf.render(html.render(doc, house), folder, [folder, house.root])


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

