"""`briefing import` of a Word file another tool wrote: LibreOffice saves as DOCX an OpenDocument
text written here with 14 footnotes (one of two paragraphs), nested lists, a table and a box
(bordered paragraphs under a "Box Title"), with built-in heading and list styles."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline import model as m
from pipeline.commands.cli import main
from pipeline.jobs import build
from pipeline.transforms.tree import plain_text

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"), reason="LibreOffice missing")]

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3" '
      'office:mimetype="application/vnd.oasis.opendocument.text"')


def note(n: int, *paragraphs: str) -> str:
    body = "".join(f'<text:p text:style-name="Footnote">{p}</text:p>' for p in paragraphs)
    return (f'<text:note text:id="n{n}" text:note-class="footnote"><text:note-citation>{n}'
            f'</text:note-citation><text:note-body>{body}</text:note-body></text:note>')


def fodt() -> str:
    notes = iter(range(1, 15))

    def call(*paragraphs: str) -> str:
        n = next(notes)
        return note(n, *(paragraphs or (f"Source number {n}, page {n * 3}.",)))

    item = lambda text, inner="": f"<text:list-item><text:p>{text}</text:p>{inner}</text:list-item>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS}>
<office:meta><dc:title>Detention without trial</dc:title>
<meta:creation-date>2025-03-14T09:00:00</meta:creation-date></office:meta>
<office:styles>
<style:style style:name="Box_20_Title" style:display-name="Box Title" style:family="paragraph">
 <style:paragraph-properties fo:background-color="#eeeeee" fo:border="0.5pt solid #000000" fo:padding="2mm"/>
 <style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Boxed" style:display-name="Boxed text" style:family="paragraph">
 <style:paragraph-properties fo:background-color="#eeeeee" fo:border="0.5pt solid #000000" fo:padding="2mm"/></style:style>
</office:styles>
<office:automatic-styles>
<style:style style:name="T1" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="T2" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard">
<style:footer><text:p>AI Index: IOR 53/0412/2025</text:p></style:footer></style:master-page>
</office:master-styles>
<office:body><office:text>
<text:p text:style-name="Title">Detention without trial</text:p>
<text:p>An opening paragraph with <text:span text:style-name="T1">emphasis</text:span>, <text:span text:style-name="T2">strong words</text:span> and a <text:a xlink:href="https://example.org/report">link</text:a>.{call()}</text:p>
<text:h text:outline-level="1">Findings</text:h>
<text:p>The findings rest on interviews.{call()} They were checked twice.{call("The first check.", "The second check, a year later.")}</text:p>
<text:list>
{item("First point." + call(), '<text:list>' + item("A nested point." + call()) + item("Another nested point.") + '</text:list>')}
{item("Second point." + call())}
</text:list>
<text:h text:outline-level="2">Figures</text:h>
<table:table table:name="Figures"><table:table-column table:number-columns-repeated="2"/>
<table:table-header-rows><table:table-row>
<table:table-cell><text:p>Year</text:p></table:table-cell><table:table-cell><text:p>Detainees</text:p></table:table-cell>
</table:table-row></table:table-header-rows>
<table:table-row><table:table-cell><text:p>2023</text:p></table:table-cell><table:table-cell><text:p>120{call()}</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell><text:p>2024</text:p></table:table-cell><table:table-cell><text:p>340</text:p></table:table-cell></table:table-row>
</table:table>
<text:p text:style-name="Box_20_Title">What the law says</text:p>
<text:p text:style-name="Boxed">No one may be held without charge beyond 48 hours.{call()}</text:p>
<text:p>Back in the body.{call()}{call()}{call()}{call()}{call()}{call()}</text:p>
</office:text></office:body></office:document>
"""


@pytest.fixture(scope="module")
def foreign_docx(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("foreign")
    (folder / "draft.fodt").write_text(fodt(), encoding="utf-8")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder),
                    str(folder / "draft.fodt")], check=True, capture_output=True, timeout=180)
    return folder / "draft.docx"


def blocks_of(blocks, kind):
    found = []
    for block in blocks:
        if isinstance(block, kind):
            found.append(block)
        for inner in getattr(block, "blocks", []) + [b for item in getattr(block, "items", [])
                                                     for b in item.blocks]:
            found += blocks_of([inner], kind)
    return found


def test_a_libreoffice_docx_imports_whole_and_builds(foreign_docx, tmp_path, monkeypatch,
                                                     house_style, capsys):
    (tmp_path / "briefing.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(foreign_docx), "--slug", "detention"]) == 0
    source = tmp_path / "source" / "detention" / "en.md"
    doc = build.load(source, house_style)
    assert doc.meta.title == "Detention without trial"
    assert str(doc.meta.index) == "IOR 53/0412/2025" and doc.meta.date.isoformat() == "2025-03-14"
    assert len(doc.notes) == 14
    assert [len(note.blocks) for note in doc.notes][2] == 2  # a note of two paragraphs
    assert plain_text(doc.notes[13].blocks[0].children) == "Source number 14, page 42."
    assert [(h.level, plain_text(h.children)) for h in blocks_of(doc.blocks, m.Heading)] == [
        (2, "Findings"), (3, "Figures"), (3, "What the law says")]
    outer = blocks_of(doc.blocks, m.BulletList)[0]
    assert len(outer.items) == 2 and isinstance(outer.items[0].blocks[1], m.BulletList)
    assert len(outer.items[0].blocks[1].items) == 2
    table = blocks_of(doc.blocks, m.Table)[0]
    assert [[plain_text(c.children) for c in row] for row in table.head + table.body] == [
        ["Year", "Detainees"], ["2023", "120"], ["2024", "340"]]
    box = blocks_of(doc.blocks, m.Box)[0]
    assert isinstance(box.blocks[0], m.Heading) and "48 hours" in plain_text(box.blocks[1].children)
    first = doc.blocks[0].children
    assert any(isinstance(n, m.Emph) for n in first) and any(isinstance(n, m.Strong) for n in first)
    assert any(isinstance(n, m.Link) and n.url == "https://example.org/report" for n in first)
    assert main(["build", str(source.parent), "--format", "docx,html", "--out",
                 str(tmp_path / "out")]) == 0


def test_our_docx_saved_again_by_libreoffice_changes_nothing(tmp_path, monkeypatch, capsys):
    """Our Word files, opened and saved by LibreOffice (which renumbers lists, merges runs
    and rewrites styles and notes), come back as the sources they were built from."""
    from conftest import SAMPLE

    (tmp_path / "briefing.toml").write_text("", encoding="utf-8")
    shutil.copytree(SAMPLE, tmp_path / "source" / SAMPLE.name)
    monkeypatch.chdir(tmp_path)
    assert main(["build", f"source/{SAMPLE.name}", "--format", "docx", "--out", "out"]) == 0
    built = sorted((tmp_path / "out" / SAMPLE.name).glob("*.docx"))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"),
                    *map(str, built)], check=True, capture_output=True, timeout=300)
    capsys.readouterr()
    for lang, name in (("ar", "ARABIC"), ("en", "ENGLISH"), ("fr", "FRENCH")):
        saved = next((tmp_path / "saved").glob(f"*{name}.docx"))
        assert main(["import", str(saved), f"source/{SAMPLE.name}", "--lang", lang]) == 0
        assert capsys.readouterr().out.endswith(f"{lang}.md: no change\n"), lang
