"""The library's catalogue: the documents to publish, each with its languages, read from the
sources' front matter (no Markdown body is read here), and where each page lives.

A page's place is the path of the address that the house's identifier scheme gives it
(`identifier: url:` in `house.yaml`, e.g. `/en/documents/ior53/8787/2024/en/`), so another
house sets another pattern in its own style; the site's address (`--base-url`) defaults to
that address's scheme and host.
"""
from __future__ import annotations

import contextlib
import io
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import SourceError
from ..house.style import HouseStyle
from ..model import Location, Meta
from ..readers import frontmatter, markdown


@dataclass
class Version:
    """One language of a document: its source, front matter and page."""
    source: Path
    lang: str
    meta: Meta
    path: str  # the page's folder in the site: `en/documents/ior53/8787/2024/en/`
    web_page: Path | None = None  # the built web page (HTML output) whose body the page shows
    files: dict[str, Path] = field(default_factory=dict)  # format name -> built output


@dataclass
class Entry:
    """One document (a source folder) in all the languages published."""
    slug: str
    versions: dict[str, Version]  # the original first

    @property
    def original(self) -> Version:
        return next(iter(self.versions.values()))

    @property
    def date(self):
        return self.original.meta.date

    def version(self, lang: str) -> Version:
        """The version in `lang`, else the original."""
        return self.versions.get(lang) or self.original


def read(sources: list[Path], house: HouseStyle, drafts: bool) -> list[Version]:
    """The versions to publish (drafts only with `drafts`), with their pages' places. Every
    source's error is collected before raising them together (SourceErrors' text)."""
    versions, errors = [], []
    for source in sources:
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # the build prints its warnings
                meta = frontmatter.parse(frontmatter.split(markdown.read_text(source), source),
                                         source, house)
        except SourceError as err:
            errors.append(str(err))
            continue
        if meta.status == "draft" and not drafts:
            continue
        slug = source.absolute().parent.name
        address = house.identifiers.url(meta.index, source.stem, site=source.stem, slug=slug)
        if not address:
            errors.append(f"{Location(source, 1)}: error: the house style gives this document "
                          f"no web address: add `url:` under `identifier:` in "
                          f"{house.root / 'house.yaml'}")
            continue
        path = urlsplit(address).path.strip("/")
        versions.append(Version(source, source.stem, meta, f"{path}/" if path else ""))
    errors += _clashes(versions)
    if errors:
        raise CatalogueError("\n".join(errors))
    return versions


class CatalogueError(Exception):
    """Sources that cannot be published, one `file:line:col: error: …` line each."""


def _clashes(versions: list[Version]) -> list[str]:
    """Two pages at one address (a pattern without `{lang}`, or two folders with one index)."""
    seen: dict[str, Version] = {}
    errors = []
    for version in versions:
        other = seen.setdefault(version.path, version)
        if other is not version:
            errors.append(f"{Location(version.source, 1)}: error: its page would be at "
                          f"/{version.path}, where {other.source}'s is")
    return errors


def entries(versions: list[Version]) -> list[Entry]:
    """The documents, latest first (then by folder); each with its original first."""
    folders: dict[Path, list[Version]] = {}
    for version in versions:
        folders.setdefault(version.source.absolute().parent, []).append(version)
    found = []
    for folder, group in folders.items():
        group.sort(key=lambda v: (bool(v.meta.original), v.lang))
        found.append(Entry(folder.name, {v.lang: v for v in group}))
    return sorted(found, key=lambda e: (-e.date.toordinal(), e.slug))


def base_url(house: HouseStyle, given: str | None) -> str:
    """The site's address, ending in `/`: `given`, else the scheme and host of the house's
    address pattern."""
    if given:
        parts = urlsplit(given)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(f"--base-url must be an http(s) address such as "
                             f"https://example.org/library/, not {given!r}")
        return given.rstrip("/") + "/"
    pattern = urlsplit(house.identifier_settings.get("url") or "")
    if not pattern.scheme or not pattern.netloc:
        raise ValueError("no --base-url, and the house style's address pattern (`url:` under "
                         f"`identifier:` in {house.root / 'house.yaml'}) names no host")
    return f"{pattern.scheme}://{pattern.netloc}/"


def relative(target: str, here: str) -> str:
    """The site path `target` (a folder ending in `/`, or a file) as a link from the page in
    the folder `here`."""
    link = posixpath.relpath(target or ".", here or ".")
    if target.endswith("/") or not target:
        link = "./" if link == "." else link + "/"
    return link
