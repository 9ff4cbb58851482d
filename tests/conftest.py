"""Shared fixtures: the sample briefing built once, and small documents written on the fly."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import validators
from pipeline.jobs import build
from pipeline.house import style as house
from pipeline.commands.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source" / "icc-asp24-key-recommendations"

BIB = """\
@misc{known,
  author = {{Amnesty International}},
  title = {A known document},
  year = {2024},
  url = {https://example.org/known},
}
"""

MINIMAL = """\
---
title: A minimal briefing
date: 2024-11-27
index: IOR 53/8787/2024
---
Text with a note.[^one]

## A section

More text.

[^one]: <https://example.org/a/long/address>
"""


@pytest.fixture(scope="session", autouse=True)
def session_registry(tmp_path_factory):
    """Tests never touch the developer's registry: theirs holds the documents of source/."""
    path = tmp_path_factory.mktemp("registry") / "registry.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_REGISTRY", str(path))
        assert main(["index", "import", str(ROOT / "source")]) == 0
        yield path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Playwright, Debian's browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = validators.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def house_style():
    return house.load()


@pytest.fixture(scope="session")
def sample_outputs(tmp_path_factory) -> Path:
    """The folder holding the sample built in every format."""
    out = tmp_path_factory.mktemp("out")
    assert main(["build", str(SAMPLE), "--out", str(out)]) == 0
    return out / SAMPLE.name


@pytest.fixture(scope="session")
def sample_pdf(sample_outputs) -> Path:
    (pdf,) = sample_outputs.glob("*ENGLISH.pdf")
    return pdf


@pytest.fixture(scope="session")
def sample_pdfs(sample_outputs) -> dict[str, Path]:
    """The sample's PDF in every language, as `briefing build` makes by default."""
    return {pdf.stem.removeprefix("IOR5304122025"): pdf for pdf in sample_outputs.glob("*.pdf")}


@pytest.fixture(scope="session")
def sample_docx(sample_outputs) -> Path:
    (docx,) = sample_outputs.glob("*ENGLISH.docx")
    return docx


@pytest.fixture(scope="session")
def sample_html(sample_outputs) -> Path:
    (html,) = sample_outputs.glob("*ENGLISH.html")
    return html


@pytest.fixture(scope="session")
def sample_doc(house_style):
    return build.load(SAMPLE / "en.md", house_style)


@pytest.fixture(scope="session")
def sample_layouts(house_style) -> dict:
    """The sample laid out by WeasyPrint in every language: lang -> (document, layout)."""
    from pipeline.writers import pdf

    docs = {source.stem: build.load(source, house_style) for source in SAMPLE.glob("*.md")}
    return {lang: (doc, pdf.layout(doc, house_style)) for lang, doc in docs.items()}


def write_doc(folder: Path, text: str = MINIMAL, name: str = "en.md", bib: str | None = None) -> Path:
    """Write a document folder with one source (and optionally references.bib)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / name
    source.write_text(textwrap.dedent(text), encoding="utf-8")
    if bib is not None:
        (folder / "references.bib").write_text(textwrap.dedent(bib), encoding="utf-8")
    return source
