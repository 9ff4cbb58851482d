"""Building: find the sources, load each into a checked Document, write its outputs.

Importing this module is cheap (the reader, the transforms and the writers are imported
where they are used), so an up-to-date rebuild never pays for them.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write_atomic
from ..errors import SourceError
from ..writers import FORMATS
from ..readers import frontmatter

if TYPE_CHECKING:
    from ..house.style import HouseStyle
    from ..model import Document
    from ..house.registry import Registry

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
    # a README.md or notes.md beside the sources is no language of the document
    found = [p for p in found if frontmatter.is_language(p.stem)]
    return [p for p in found if not langs or p.stem in langs]


def house_style(root: Path) -> HouseStyle:
    """The house style in the folder `root`, read once while its files stay as they are."""
    with os.scandir(root) as entries:
        state = tuple(sorted((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
                             for entry in entries if entry.is_file()))
    return _house_style(Path(root).resolve(), state)


@lru_cache(maxsize=8)
def _house_style(root: Path, state: tuple) -> HouseStyle:
    from ..house.style import HouseStyle

    return HouseStyle(root)


def load(path: Path, house: HouseStyle, registry: Registry | None = None) -> Document:
    """Read and check one source: everything short of rendering. The registry, if any,
    titles the documents cited by their identifier."""
    from .. import transforms
    from ..readers import markdown

    doc = markdown.read(path, house)
    return transforms.apply(doc, transforms.Context(house, transforms.identifiers.titles(registry)))


def output_path(doc: Document, house: HouseStyle, out: Path, fmt: str) -> Path:
    """`<out>/<slug>/<file stem><ending>`, the stem from the house's identifier scheme
    (`IOR5387872024ENGLISH`), the ending the format's (`.pdf`, `-print.pdf`)."""
    stem = house.identifiers.file_stem(doc.meta.index, doc.slug, doc.lang)
    return out / doc.slug / f"{stem}{FORMATS[fmt].file_ending}"


def build(doc: Document, house: HouseStyle, out: Path, formats: list[str]) -> list[Path]:
    """Write `doc` in `formats` under `out`; the paths written."""
    from ..writers import render

    written = []
    for fmt in formats:
        target = output_path(doc, house, out, fmt)
        write_atomic(target, render(doc, house, fmt))
        written.append(target)
    return written
