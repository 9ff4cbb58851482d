"""Shared fixtures: the sample briefing built once, and small documents written on the fly."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pipeline import build, house
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source" / "icc-asp24-key-recommendations"

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


@pytest.fixture(scope="session")
def house_style():
    return house.load()


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["build", str(SAMPLE), "--lang", "en", "--out", str(out)]) == 0
    (pdf,) = (out / SAMPLE.name).glob("*.pdf")
    return pdf


@pytest.fixture(scope="session")
def sample_pdfs(tmp_path_factory) -> dict[str, Path]:
    """The sample built in every language, as `briefing build` does by default."""
    out = tmp_path_factory.mktemp("out")
    assert main(["build", str(SAMPLE), "--out", str(out)]) == 0
    return {pdf.stem.removeprefix("IOR5304122025"): pdf for pdf in (out / SAMPLE.name).glob("*.pdf")}


@pytest.fixture(scope="session")
def sample_doc(house_style):
    return build.load(SAMPLE / "en.md", house_style)


def write_doc(folder: Path, text: str = MINIMAL, name: str = "en.md", bib: str | None = None) -> Path:
    """Write a document folder with one source (and optionally references.bib)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / name
    source.write_text(textwrap.dedent(text), encoding="utf-8")
    if bib is not None:
        (folder / "references.bib").write_text(textwrap.dedent(bib), encoding="utf-8")
    return source
