"""Bare addresses, the way most authors write sources (`See https://…`), are links in all
three formats, and a locked placeholder in the translator's exchange file."""
from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pypdf
import pytest

from conftest import write_doc
from pipeline.jobs import build
from pipeline.translation import exchange, sync
from pipeline.writers import render
from pipeline.commands.cli import main

SOURCE = """\
---
title: Links
date: 2024-01-02
index: IOR 53/8787/2024
---
The plan is at https://example.org/plan.[^b] The board is at www.example.org/board.[^a]

[^a]: See https://example.org/note?page=2.
[^b]: A note called right after an address.
"""
ADDRESSES = {"https://example.org/plan", "http://www.example.org/board",
             "https://example.org/note?page=2"}


def test_bare_addresses_are_links_in_every_format(tmp_path, house_style):
    doc = build.load(write_doc(tmp_path / "doc", SOURCE), house_style)
    assert len(doc.notes) == 2  # the call right after an address is a call, not the address's
    pdf = pypdf.PdfReader(io.BytesIO(render(doc, house_style, "pdf")))
    uris = {annotation.get_object()["/A"]["/URI"] for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if "/URI" in annotation.get_object().get("/A", {})}
    assert ADDRESSES <= uris
    page = render(doc, house_style, "html").decode()
    assert ADDRESSES <= set(re.findall(r'<a href="([^"#]+)"', page))
    with zipfile.ZipFile(io.BytesIO(render(doc, house_style, "docx"))) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        rels += archive.read("word/_rels/footnotes.xml.rels").decode()
    assert ADDRESSES <= set(re.findall(r'Target="([^"]+)" TargetMode="External"', rels))
    # The full stop after an address is the sentence's, not the address's.
    assert "https://example.org/note?page=2." not in uris


def test_a_bare_address_is_a_locked_placeholder_for_translators(tmp_path, house_style):
    source = write_doc(tmp_path / "doc", SOURCE)
    write_doc(tmp_path / "doc", SOURCE.replace("---\nThe plan", "original: en\n---\nLe plan")
              .replace("title: Links", "title: Liens"), name="fr.md")
    xliff = exchange.export_xliff(sync.pair(source.with_name("fr.md"), house_style)).decode()
    placeholders = re.findall(r'<ph id="\d+" ctype="x-url">([^<]*)</ph>', xliff)
    assert {"https://example.org/plan", "www.example.org/board",
            "https://example.org/note?page=2"} <= set(placeholders)


def test_a_bare_address_dropped_from_a_translation_fails_check(tmp_path, house_style):
    from pipeline.translation import check

    source = write_doc(tmp_path / "doc", SOURCE)
    french = SOURCE.replace("---\nThe plan", "original: en\n---\nLe plan").replace(
        "title: Links", "title: Liens")
    write_doc(tmp_path / "doc", french, name="fr.md")
    assert check.structure(source.with_name("fr.md"), house_style) == []
    write_doc(tmp_path / "doc", french.replace(" is at www.example.org/board", ""), name="fr.md")
    (problem,) = check.structure(source.with_name("fr.md"), house_style)
    assert "fr.md:7" in problem and "en.md:6" in problem and "URLs differ" in problem


@pytest.mark.parametrize("link", ["annex.md", "../other/en.md", "/etc/passwd",
                                  "data:image/png;base64,iVBORw0KGgo=", "ftp://example.org/x"])
def test_a_link_no_reader_can_follow_is_an_error_at_its_line(link, tmp_path, capsys):
    """A relative link became `file:///<build folder>/…` in the PDF (a leak and a dead link);
    a data: link carried content into the web page."""
    source = write_doc(tmp_path / "doc", "---\ntitle: Links\ndate: 2024-11-27\n"
                       "index: IOR 53/8787/2024\n---\nSee the text.\n\nSee [the annex]"
                       f"({link}).\n")
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:8:17: error: link '{link}' cannot be followed by a "
                          "reader"), err
    assert not any(out.rglob("*.*"))


def test_links_a_reader_can_follow_are_kept(tmp_path):
    source = write_doc(tmp_path / "doc", "---\ntitle: Links\ndate: 2024-11-27\n"
                       "index: IOR 53/8787/2024\n---\n## Part\n\n[web](https://example.org/a), "
                       "[mail](mailto:press@example.org), [phone](tel:+441234), [up](#part).\n")
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", "pdf", "--out", str(out)]) == 0
    (pdf,) = out.rglob("*.pdf")
    uris = {str(annot.A.URI) for page in pikepdf.open(pdf).pages
            for annot in page.get("/Annots", []) if "/URI" in annot.get("/A", {})}
    assert uris == {"https://example.org/a", "mailto:press@example.org", "tel:+441234"}


def test_the_quick_pretest_passes_every_text_linkify_it_would_look_at():
    """A paragraph skipped by the first test is one linkify-it's own pretest refuses too."""
    from linkify_it import LinkifyIt

    from conftest import SAMPLE
    from pipeline.readers import markdown

    texts = [token.content for path in sorted(SAMPLE.glob("*.md"))
             for token in markdown.markdown("“”‘’").parse(path.read_text(encoding="utf-8"))
             if token.type == "inline"]
    texts += ["LOCALHOST:8000", "see WWW. later", "user@example", "//cdn.example", "FTP:x",
              "сайт.рф", "at 10.0.0.1 now", "e.g. this", "U.N.", "end. Next", "3.5 per cent",
              "nothing to link", "Amnesty International.org", "tél. 01"]
    linkify = LinkifyIt()
    quick = [bool(markdown._MAYBE_LINK.search(text)) for text in texts]
    assert all(quick[n] for n, text in enumerate(texts) if linkify.pretest(text))
    assert not all(quick)  # and it does refuse some
