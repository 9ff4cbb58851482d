"""The output formats: one table, which `build`, the cache, the workers and preview read.
A format is a writer module with `render(doc, house) -> bytes`, loaded when first used, the
house style files its output depends on, the library whose version decides its bytes, and
its file name's ending. A new format is one writer module and one entry here."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

_LOADING = ("house.yaml", "labels.yaml", "index.yaml", "citation.csl", "tokens.yaml")


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # under pipeline.writers
    style_files: tuple[str, ...]  # globs under the house style folder
    renderer: str  # the package whose version file is an input of every output
    ending: str = ""  # after the file stem; default: "." and the name
    default: bool = True  # built when no format is asked for

    @property
    def file_ending(self) -> str:
        return self.ending or f".{self.name}"

    @property
    def writer(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")


FORMATS = {format.name: format for format in (
    Format("pdf", "pdf", (*_LOADING, "templates/*", "print.css", "fonts/*"), "weasyprint"),
    Format("docx", "docx", (*_LOADING, "docx.yaml", "fonts/*"), "docx"),  # fonts: embedded
    Format("html", "html", (*_LOADING, "templates/*", "screen.css", "fonts/*"), "fontTools"),
    Format("print", "print_edition", (*_LOADING, "templates/*", "print.css", "fonts/*",
                                      "print.icc"), "weasyprint", "-print.pdf", default=False),
)}
DEFAULT_FORMATS = [format.name for format in FORMATS.values() if format.default]

WEB_PAGE = FORMATS["html"]  # what `preview` serves and reloads
PRINTED = FORMATS["pdf"]  # what `preview` links to and `diff` compares


def render(doc, house, name: str) -> bytes:
    """The bytes of `doc` in the format `name`."""
    return FORMATS[name].writer.render(doc, house)
