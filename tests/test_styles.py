"""House styles are data: both shipped styles build every sample, and the plain style shows
no trace of the Amnesty style (its words, labels, colours, fonts, numbering, addresses)."""
from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import SAMPLE, write_doc
from pipeline.house import style as houses
from pipeline.jobs import build
from pipeline.writers import FORMATS, render

NEUTRAL = """\
---
title: Water for every district
short_title: Water for every district
date: 2024-11-27
index: IOR 53/8787/2024
keywords: [water]
---
The council should publish its plan.[^plan] A study agrees [@study, p. 4].

## What to do

::: box
**A box.** With a [link](https://example.org/plan).
:::

| District | Wells |
|---|---|
| North | 4 |

[^plan]: See <https://example.org/plan>.
"""
BIB = """@report{study,
  author = {Doe, Jane}, title = {Wells and Rights}, year = {2023},
  institution = {Institute of Water}, url = {https://example.org/study},
}
"""
# What belongs to the Amnesty style: its name and web site, its label, the aiindex metadata,
# its yellow, its fonts' names.
TRACES = re.compile(r"amnesty|ai index|aiindex|ffff00|house sans|house arabic|noto", re.I)


def outputs(doc_folder, style: str) -> dict[str, bytes]:
    house = houses.load(style)
    doc = build.load(doc_folder / "en.md", house)
    return {name: render(doc, house, name) for name in FORMATS}


def texts(fmt: str, data: bytes) -> str:
    """Everything a reader or a program sees in the output, as text."""
    if FORMATS[fmt].file_ending.endswith(".pdf"):
        pdf = pikepdf.open(io.BytesIO(data))
        fonts = [str(font.get("/BaseFont")) for page in pdf.pages
                 for font in page.Resources.get("/Font", {}).values()]
        for page in pdf.pages:
            page.contents_coalesce()
        content = b"".join(page.Contents.read_bytes() for page in pdf.pages)
        yellow = ["ffff00"] if re.search(rb"(^|\s)(1 1 0 (rg|RG)|0 0 1 0 (k|K|scn|SCN))\s",
                                          content) else []
        meta = [str(value) for value in pdf.docinfo.values()]
        text = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        return " ".join(text + meta + fonts + yellow)
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return " ".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                            if name.endswith((".xml", ".rels")))
    return data.decode("utf-8")


@pytest.fixture(scope="module")
def neutral(tmp_path_factory):
    folder = write_doc(tmp_path_factory.mktemp("neutral") / "doc", NEUTRAL).parent
    (folder / "references.bib").write_text(BIB, encoding="utf-8")
    return folder


def test_the_plain_style_shows_no_trace_of_the_amnesty_style(neutral):
    for fmt, data in outputs(neutral, "plain").items():
        assert TRACES.findall(texts(fmt, data)) == [], fmt


def test_the_same_source_in_the_amnesty_style_shows_those_traces(neutral):
    """The detector finds the Amnesty style where it is (so the test above can fail)."""
    for fmt, data in outputs(neutral, "amnesty").items():
        found = {trace.lower() for trace in TRACES.findall(texts(fmt, data))}
        assert found >= {"amnesty", "ai index"}, fmt


def test_the_styles_name_files_by_their_own_identifier_scheme(neutral):
    for style, stem in (("amnesty", "IOR5387872024ENGLISH"), ("plain", "doc-en")):
        house = houses.load(style)
        doc = build.load(neutral / "en.md", house)
        assert build.output_path(doc, house, neutral, "pdf").name == f"{stem}.pdf"


def test_the_plain_style_needs_no_document_number(tmp_path):
    source = write_doc(tmp_path / "doc", NEUTRAL.replace("index: IOR 53/8787/2024\n", ""))
    (source.parent / "references.bib").write_text(BIB, encoding="utf-8")
    house = houses.load("plain")
    doc = build.load(source, house)
    assert doc.meta.index is None
    page = render(doc, house, "html").decode("utf-8")
    text = re.sub(r"data:[^)\"']+", "", page)  # not the inlined fonts' base64
    assert "Water for every district" in text and "IOR" not in text


@pytest.mark.e2e
@pytest.mark.parametrize("style", houses.shipped())
def test_every_shipped_style_builds_every_sample(style):
    house = houses.load(style)
    for source in sorted(SAMPLE.glob("*.md")):
        doc = build.load(source, house)
        for fmt in FORMATS:
            assert render(doc, house, fmt), (style, source.name, fmt)


@pytest.mark.parametrize("style, bold", [("amnesty", True), ("plain", False)])
def test_arabic_emphasis_follows_the_house_convention(style, bold):
    """Arabic typography has no italic: the Amnesty style shows Arabic emphasis in bold, in
    every format; the plain style has true slanted Arabic faces and keeps italics."""
    house = houses.load(style)
    doc = build.load(SAMPLE / "ar.md", house)
    with zipfile.ZipFile(io.BytesIO(render(doc, house, "docx"))) as archive:
        body = archive.read("word/document.xml").decode()
    italic_runs = re.findall(r"<w:i/>", body)
    rule = ".rtl em { font-style: normal; font-weight: bold; }"
    page = render(doc, house, "html").decode()
    assert (not italic_runs, rule in page) == (bold, bold)
    assert rule in house.token_css() if bold else rule not in house.token_css()
