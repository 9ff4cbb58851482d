"""Document identifiers: how a house numbers its documents. The house style names its scheme
in `house.yaml` (`identifier: {scheme: …}`); the rest of the pipeline asks the scheme, never a
particular numbering, how an identifier is read from the front matter (`index:`), checked,
printed, turned into a file stem and a web address.

Two schemes: `ai-index` (Amnesty International's AI index numbers, `ai_index.py`, with their
registry) and `reference` (free text, optional), for houses without a numbering system.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol


class Scheme(Protocol):
    name: str
    noun: str  # what messages call an identifier: "AI index"
    required: bool  # every document must have an identifier
    registered: bool  # identifiers are handed out by the registry (`briefing index`)

    def parse(self, text: str) -> object:
        """The identifier that the front matter's text gives; ValueError if none."""

    def parse_key(self, key: str) -> object | None:
        """The identifier that a citation key is, exactly, or None."""

    def check(self, identifier) -> str | None:
        """A warning about a valid but doubtful identifier; ValueError for a wrong one."""

    def year(self, identifier) -> int | None:
        """The publication year the identifier states, if it states one."""

    def file_stem(self, identifier, slug: str, lang: str) -> str:
        """The name of the document's output files, without the extension."""

    def url(self, identifier, lang: str = "en", site: str = "en", slug: str = "") -> str | None:
        """The address of the page of the document (folder `slug`) in `lang` on the `site`
        edition of the house's web site, if it has one."""

    def series_of(self, identifier) -> str | None:
        """The series (region or theme) the identifier files the document under, if any."""

    def series_name(self, series: str, lang: str) -> str:
        """The name of a series in `lang`."""


class Reference:
    """Free-text references (`Ref. 2025/04`), or none: outputs are named after the document
    folder and language (`my-report-en.pdf`), and pages after them too (`url`, with the fields
    `site`, `lang` and `slug`)."""

    name = "reference"
    noun = "reference"
    required = False
    registered = False

    def __init__(self, url: str | None = None):
        self.url_pattern = url

    def parse(self, text: str) -> str:
        text = re.sub(r"\s+", " ", str(text)).strip()
        if not text:
            raise ValueError("a reference must not be empty")
        return text

    def parse_key(self, key: str) -> None:
        return None

    def check(self, identifier) -> None:
        return None

    def year(self, identifier) -> None:
        return None

    def file_stem(self, identifier, slug: str, lang: str) -> str:
        return f"{slug}-{lang}"

    def url(self, identifier, lang: str = "en", site: str = "en", slug: str = "") -> str | None:
        if not self.url_pattern or not slug:
            return None
        return self.url_pattern.format(site=site, lang=lang, slug=slug)

    def series_of(self, identifier) -> None:
        return None

    def series_name(self, series: str, lang: str) -> str:
        return series


def load(settings: dict, root: Path) -> Scheme:
    """The scheme that a house style's `identifier` settings name (default: `reference`)."""
    name = settings.get("scheme", Reference.name)
    if name == Reference.name:
        return Reference(settings.get("url"))
    if name == "ai-index":
        from .ai_index import IndexScheme

        return IndexScheme(root / "index.yaml", settings.get("url"))
    raise ValueError(f"{root / 'house.yaml'}: unknown identifier scheme '{name}'; known "
                     "schemes: ai-index, reference")
