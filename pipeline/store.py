"""The build's cache on disk: what is computed once per house style or bibliography rather
than per document (a font cut down to a page's characters, compiled templates, parsed
hyphenation patterns, a bibliography's entries, a formatted citation) is kept in the build's
`.briefing-cache/` folder, next to the manifest, for the next documents and the next runs;
the project's output folder also keeps its compiled regular expressions (`regex_cache`).

An entry is named by the SHA-256 of its key, which must name every input of the value (a
file's content, not its path; the library's version), so a stale entry is never found. It
holds the SHA-256 of its value before the value, and is checked on reading: a damaged entry
is a miss, made again and written over. Entries are written atomically; a cache that cannot
be written is no error. Deleting the folder is always safe.

Written by hand: diskcache and joblib's Memory key by pickles and bring their own storage
engine (SQLite, pickled files); this needs one file per value, named by content.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
from functools import cache
from pathlib import Path
from typing import Callable

from .files import write_atomic

FOLDER = ".briefing-cache"
_folder: Path | None = None  # where the build in progress keeps its cache; None: nowhere


@contextlib.contextmanager
def kept_in(folder: Path | None):
    """Keep what is cached in `folder` (None: nowhere) while the block runs."""
    global _folder
    previous, _folder = _folder, folder
    try:
        yield
    finally:
        _folder = previous


def get(key: str) -> bytes | None:
    """The value kept under `key`, if the cache holds it intact."""
    if _folder is None:
        return None
    try:
        entry = _path(key).read_bytes()
    except OSError:
        return None
    digest, value = entry[:32], entry[32:]
    return value if len(digest) == 32 and hashlib.sha256(value).digest() == digest else None


def put(key: str, value: bytes) -> None:
    """Keep `value` under `key` (nowhere outside a build)."""
    if _folder is not None:
        with contextlib.suppress(OSError):
            _folder.mkdir(parents=True, exist_ok=True)
            write_atomic(_path(key), hashlib.sha256(value).digest() + value)


def cached(key: str, make: Callable[[], bytes]) -> bytes:
    """The value of `key`: from the cache when it holds it intact, else `make()`, kept."""
    value = get(key)
    if value is None:
        value = make()
        put(key, value)
    return value


def _path(key: str) -> Path:
    return _folder / hashlib.sha256(key.encode()).hexdigest()


def file_key(path: Path) -> str:
    """A file's part of a key: the SHA-256 of its bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def library_key(package: str, version_file: str = "__init__.py") -> str:
    """An installed library's part of a key, found without importing it: the SHA-256 of the
    file of its package that holds its version."""
    return file_key(Path(importlib.util.find_spec(package).submodule_search_locations[0])
                    / version_file)
