"""The limits every source is held to (sources come from many hands and are not trusted):
the folders it may read, its size, its nesting, and the time and memory to render it.

One place for them; the README's security section states the same figures. Exceeding one is
a clear error for that document only.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import SourceError
from .model import Location

MiB = 1024 * 1024

SOURCE_BYTES = 2 * MiB  # a Markdown, BibTeX or XLIFF file (a long briefing is under 100 KiB)
IMAGE_BYTES = 20 * MiB  # an image file referenced from Markdown
NESTING = 20  # lists, quotes, boxes and emphasis nested in one another
RENDER_SECONDS = 120  # wall-clock time to load and render one document in one format
RENDER_MEMORY = 2048 * MiB  # address space of the worker process rendering it


def check_size(path: Path, limit: int, what: str, location: Location | None = None) -> None:
    """Refuse `path` if it is larger than `limit` bytes, before anything reads it; the error
    is at `location` (where the file is referenced) or else at the file's start."""
    size = path.stat().st_size
    if size > limit:
        raise SourceError(location or Location(path, 1),
                          f"the {what} is {_mib(size)}, more than the {_mib(limit)} limit")


def _mib(size: int) -> str:
    return f"{size / MiB:.1f} MiB" if size % MiB else f"{size // MiB} MiB"


def inside(path, roots) -> bool:
    """Whether `path`, symbolic links resolved, lies under one of `roots` (resolved too)."""
    real = os.path.realpath(path)
    return any(os.path.commonpath([os.path.realpath(root), real]) == os.path.realpath(root)
               for root in roots)
