"""`briefing site`: the document library, a static site of plain files, made from the project's
documents and their outputs.

First the outputs are built as `briefing build` builds them (worker processes within the
limits, the same cache): the web page of every published version, whose body each document
page frames, and the other formats asked for, which the page offers to download. Then every
page is worked out as data (`pages.py`) and rendered only when that data or a file it reads
changed: the site folder keeps a manifest of its own (`jobs/cache.py`), so after one document
changed, its pages and the lists it appears in are written again and nothing else. Files of
an earlier build that the site no longer has (a document withdrawn, a list page fewer) are
removed. Last, Pagefind indexes the pages for search (`search.py`).

A document that fails to build stops the publication before the site is touched.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..files import write_atomic
from ..house.style import HouseStyle
from ..jobs import batch, cache
from ..writers import WEB_PAGE
from . import catalogue, search
from .pages import Library, Page, downloads_of, web_page_body

SCRIPT = Path(__file__).with_name("search.js")
_HOUSE_FILES = ("house.yaml", "labels.yaml", "index.yaml", "tokens.yaml", "screen.css",
                "site.css", "templates/tokens.css.j2", "templates/site/*", "fonts/*")


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the build's errors: nothing published
    build: batch.Summary | None = None
    seconds: float = 0.0

    def __str__(self) -> str:
        if self.failed:
            return "site: not updated: a document failed to build"
        return (f"site: wrote {len(self.written)}, unchanged {self.unchanged}, removed "
                f"{len(self.removed)} in {self.seconds:.2f} s")


def publish(sources: list[Path], out: Path, site: Path, house_root: Path, *,
            formats: list[str], base_url: str | None = None, drafts: bool = False,
            registry: str | None = None, workers: int | None = None, force: bool = False,
            verbosity: int = 0, progress: bool | None = None, debug: bool = False,
            pool: batch.Workers | None = None) -> Report:
    """Build the outputs of `sources` under `out` in `formats` (the web page always), then
    the site in `site`. CatalogueError or ValueError for what cannot be published."""
    start = time.perf_counter()
    house = HouseStyle(house_root)
    missing = [name for name in ("templates/site/", "site.css") if not (house.root / name).exists()]
    if missing:  # a style copied before the library existed
        raise ValueError(f"the house style {house.root} has no {' or '.join(missing)} (the "
                         "library's templates and style sheet): copy them from a style shipped "
                         "with briefing")
    base = catalogue.base_url(house, base_url)
    versions = catalogue.read(sources, house, drafts)
    wanted = [WEB_PAGE.name] + [fmt for fmt in formats if fmt != WEB_PAGE.name]
    jobs = batch.plan([version.source for version in versions], wanted, out, house_root,
                      registry)
    report = Report()
    report.build = batch.run(jobs, workers, force, progress=progress, pool=pool,
                             debug=debug, verbosity=verbosity)
    if report.build.failed:
        report.failed = [result.error or "" for result in report.build.failed]
        return report
    by_source = {version.source: version for version in versions}
    for job, path in report.build.outputs.items():
        version = by_source[job.source]
        if job.fmt == WEB_PAGE.name:
            version.web_page = path
        else:
            version.files[job.fmt] = path
    library = Library(house, catalogue.entries(versions), base)
    writer = _Writer(site, house, base, force, report)
    try:
        for page in library.pages(lambda v: downloads_of(v, house.labels(v.lang))):
            writer.page(page)
        for version in versions:
            for path in version.files.values():
                writer.copy(path, f"{version.path}{path.name}")
        writer.assets()
        writer.finish()
    finally:  # what was written is recorded, even if a later page failed
        writer.manifest.save()
    report.seconds = time.perf_counter() - start
    return report


class _Writer:
    """Writes the site's files whose inputs changed, and records them in its manifest."""

    def __init__(self, site: Path, house: HouseStyle, base: str, force: bool, report: Report):
        self.site, self.house, self.base, self.force, self.report = site, house, base, force, report
        self.manifest = cache.Manifest(site)
        self.made: set[str] = set()
        self.shared = {os.path.abspath(path): self.manifest.digest(path)
                       for path in sorted(_shared_inputs(house.root))}

    def _write(self, name: str, inputs: dict, produce: Callable[[], bytes]) -> None:
        if name in self.made:
            raise ValueError(f"two files of the site at /{name}: the house's address pattern "
                             "puts a document page where a list is")
        self.made.add(name)
        if not self.force and self.manifest.unchanged(name, inputs):
            self.report.unchanged += 1
            return
        data = produce()
        write_atomic(self.site / name, data)
        self.manifest.note(name, inputs, hashlib.sha256(data).hexdigest())
        self.report.written.append(name)

    def page(self, page: Page) -> None:
        reads = {os.path.abspath(path): self.manifest.digest(path) for path in page.reads}
        data = json.dumps([page.template, page.context, self.base], sort_keys=True, default=str)
        inputs = {**self.shared, **reads, "data": hashlib.sha256(data.encode()).hexdigest()}
        self._write(page.file, inputs, lambda: self._render(page))

    def _render(self, page: Page) -> bytes:
        extra = {}
        if page.reads:
            extra["body"], extra["body_class"] = web_page_body(page.reads[0])
        here = page.folder
        template = self.house.templates.get_template(page.template)
        return template.render(
            **page.context, **extra, house=self.house, labels=self.house.labels(page.context["lang"]),
            rel=lambda target: catalogue.relative(target, here), url=lambda target: self.base + target,
            asset=lambda name: catalogue.relative(f"assets/{name}", here),
            base_path=urlsplit(self.base).path,
        ).encode("utf-8")

    def copy(self, source: Path, name: str) -> None:
        inputs = {os.path.abspath(source): self.manifest.digest(source)}
        self._write(name, inputs, source.read_bytes)

    def assets(self) -> None:
        """The style sheet (tokens, screen.css, site.css), the fonts, the search script."""
        root = self.house.root
        fonts = [path for path in sorted((root / "fonts").glob("*")) if path.suffix in
                 (".ttf", ".otf", ".woff", ".woff2")]
        for font in fonts:
            self.copy(font, f"assets/fonts/{font.name}")
        css = [root / "tokens.yaml", root / "templates/tokens.css.j2", root / "screen.css",
               root / "site.css"]
        self._write("assets/site.css", {os.path.abspath(p): self.manifest.digest(p) for p in css},
                    lambda: "\n".join([self.house.token_css(lambda name: f"fonts/{name}"),
                                       *(path.read_text(encoding="utf-8") for path in css[2:])
                                       ]).encode("utf-8"))
        self.copy(SCRIPT, "assets/search.js")

    def finish(self) -> None:
        """Remove what the site no longer has, and index the pages for search (again when
        one changed: the bundle is recorded as made from every page)."""
        pages = {name: self.manifest.outputs[name]["output"] for name in sorted(self.made)
                 if name.endswith(".html")}
        self.made.add(search.ENTRY)
        for name in sorted(set(self.manifest.outputs) - self.made):
            try:
                (self.site / name).unlink()
            except FileNotFoundError:
                pass
            self.manifest.forget(name)
            self.report.removed.append(name)
        if self.force or not self.manifest.unchanged(search.ENTRY, pages):
            search.index(self.site)
            self.manifest.note(search.ENTRY, pages, cache.file_digest(self.site / search.ENTRY))


def _shared_inputs(house: Path) -> list[Path]:
    """What every page is made from: the house style's files and the pipeline's code."""
    style = {path for pattern in _HOUSE_FILES for path in house.glob(pattern) if path.is_file()}
    return sorted(style) + sorted(cache.PIPELINE.rglob("*.py")) + [SCRIPT]
