"""The Word document, read back from the file: validity, footnotes, styles, footer,
properties, right-to-left text, and footnote placement as LibreOffice lays it out."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile

import docx
import pypdf
import pytest
from lxml import etree

from conftest import SAMPLE, write_doc
from validators import openxml_audit
from pipeline import model as m
from pipeline.commands.cli import main
from pipeline.transforms.tree import plain_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

ARABIC = """\
---
title: المحكمة الجنائية الدولية
date: 2025-11-20
index: IOR 53/0412/2025
---
نص الفقرة الأولى مع **كلمات مهمة** وحاشية.[^a]

## القسم الأول

- بند أول
- بند *ثان*

[^a]: انظر <https://www.amnesty.org/ar/>
"""


def xml(path, member: str):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(member))


def rels(path, member: str) -> dict[str, str]:
    return {rel.get("Id"): rel.get("Target") for rel in xml(path, member)}


def style_names(path) -> dict[str, str]:
    return {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val")
            for s in xml(path, "word/styles.xml").iter(f"{W}style")}


def test_output_name(sample_docx):
    assert sample_docx.name == "IOR5304122025ENGLISH.docx"


def test_valid_by_openxml_audit(sample_docx):
    assert openxml_audit(sample_docx) == []


def test_reopens_with_python_docx(sample_docx, sample_doc):
    document = docx.Document(sample_docx)
    texts = [p.text.replace("\u00a0", " ") for p in document.paragraphs]  # see masthead
    assert sample_doc.meta.title in texts
    assert document.core_properties.title == sample_doc.meta.title


def test_footnotes_real_and_in_order(sample_docx, sample_doc):
    body = xml(sample_docx, "word/document.xml")
    calls = [int(ref.get(f"{W}id")) for ref in body.iter(f"{W}footnoteReference")]
    assert calls == list(range(1, len(sample_doc.notes) + 1))
    notes = xml(sample_docx, "word/footnotes.xml")
    links = rels(sample_docx, "word/_rels/footnotes.xml.rels")
    bodies = {int(n.get(f"{W}id")): n for n in notes.iter(f"{W}footnote")}
    assert {-1, 0} <= set(bodies)
    for note in sample_doc.notes:
        element = bodies[note.number]
        texts = ["".join(t.text for t in p.iter(f"{W}t")).strip() for p in element.iter(f"{W}p")]
        assert texts == [plain_text(p.children) for p in note.blocks]
        assert element.find(f".//{W}footnoteRef") is not None
        assert element.find(f".//{W}pStyle").get(f"{W}val") == "FootnoteText"
        urls = [n.url for p in note.blocks for n in _inlines(p.children) if isinstance(n, m.Link)]
        assert [links[h.get(f"{R}id")] for h in element.iter(f"{W}hyperlink")] == urls


def test_footnote_formatting(tmp_path):
    source = write_doc(tmp_path / "doc", """\
        ---
        title: Notes with formatting
        date: 2024-11-27
        index: IOR 53/8787/2024
        ---
        Text.[^one] More text.[^two]

        [^one]: A *report* by **the Court**, at <https://example.org/r>.

        [^two]: Plain.

            A second paragraph.
        """)
    assert main(["build", str(source), "--format", "docx", "--out", str(tmp_path / "out")]) == 0
    path = tmp_path / "out" / "doc" / "IOR5387872024ENGLISH.docx"
    assert openxml_audit(path) == []
    notes = {int(n.get(f"{W}id")): n for n in xml(path, "word/footnotes.xml").iter(f"{W}footnote")}
    runs = {"".join(t.text for t in r.iter(f"{W}t")): r for r in notes[1].iter(f"{W}r")}
    assert runs["report"].find(f"{W}rPr/{W}i") is not None
    assert runs["the Court"].find(f"{W}rPr/{W}b") is not None
    assert runs["A "].find(f"{W}rPr") is None
    (link,) = notes[1].iter(f"{W}hyperlink")
    assert rels(path, "word/_rels/footnotes.xml.rels")[link.get(f"{R}id")] == "https://example.org/r"
    assert [len(list(notes[n].iter(f"{W}p"))) for n in (1, 2)] == [1, 2]


def test_house_styles_used(sample_docx):
    names = style_names(sample_docx)
    body = xml(sample_docx, "word/document.xml")
    used = {names[s.get(f"{W}val")] for s in body.iter(f"{W}pStyle")}
    used |= {names[s.get(f"{W}val")] for s in body.iter(f"{W}rStyle")}
    for name in ("Title", "Subtitle", "heading 1", "heading 2", "List Bullet", "List Number",
                 "Box", "Box Title", "Kind", "Unit", "Footnote Reference"):
        assert name in used, name
    assert {"Quote", "Footnote Text"} <= set(names.values())
    # The house look, not the template's: no theme fonts or colours left in the styles.
    styles = etree.tostring(xml(sample_docx, "word/styles.xml")).decode()
    assert "Theme" not in styles.split("<w:latentStyles")[0].split("</w:docDefaults>")[1]
    assert 'w:ascii="Noto Sans"' in styles and 'w:color="FFFF00"' in styles


def test_masthead_as_on_the_pdf(sample_docx, sample_doc):
    document = docx.Document(sample_docx)
    # the title's last two words are joined by a no-break space, as in the PDF
    first = [(p.style.name, p.text.replace("\u00a0", " ")) for p in document.paragraphs[:4]]
    meta = sample_doc.meta
    assert first[:3] == [("Kind", meta.kind), ("Title", meta.title), ("Subtitle", meta.event)]
    assert first[3][0] == "Unit" and "Centre for International Justice" in first[3][1]


def test_footer(sample_docx):
    (member,) = [n for n in zipfile.ZipFile(sample_docx).namelist() if "footer" in n]
    footer = xml(sample_docx, member)
    text = "".join(t.text for t in footer.iter(f"{W}t"))
    assert "24th session of the Assembly of States Parties: Key recommendations" in text
    assert "20 November 2025" in text and "AI Index: IOR 53/0412/2025" in text
    assert [i.text.strip() for i in footer.iter(f"{W}instrText")] == ["PAGE"]


def test_properties_and_language(sample_docx, sample_doc):
    core = docx.Document(sample_docx).core_properties
    assert core.title == sample_doc.meta.title
    assert core.subject.startswith("Key recommendations")
    assert "IOR 53/0412/2025" in core.keywords and "budget" in core.keywords
    assert core.language == "en-GB" and core.author == "Amnesty International"
    assert core.created.date().isoformat() == "2025-11-20"
    lang = xml(sample_docx, "word/styles.xml").find(f".//{W}rPrDefault//{W}lang")
    assert lang.get(f"{W}val") == "en-GB"
    assert not xml(sample_docx, "word/document.xml").findall(f".//{W}bidi")


def test_reproducible(sample_docx, tmp_path):
    assert main(["build", str(SAMPLE), "--format", "docx", "--out", str(tmp_path)]) == 0
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(tmp_path / SAMPLE.name / sample_docx.name) == digest(sample_docx)


def test_arabic_right_to_left(tmp_path):
    source = write_doc(tmp_path / "doc", ARABIC, name="ar.md")
    assert main(["build", str(source), "--format", "docx", "--out", str(tmp_path / "out")]) == 0
    path = tmp_path / "out" / "doc" / "IOR5304122025ARABIC.docx"
    assert openxml_audit(path) == []
    body = xml(path, "word/document.xml")
    paragraphs = list(body.iter(f"{W}p"))
    assert paragraphs and all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    runs = [r for r in body.iter(f"{W}r") if r.find(f"{W}t") is not None]
    assert all(r.find(f"{W}rPr/{W}rtl") is not None for r in runs)
    bold = [r for r in runs if r.find(f"{W}rPr/{W}b") is not None]
    assert bold and all(r.find(f"{W}rPr/{W}bCs") is not None for r in bold)
    assert body.find(f".//{W}sectPr/{W}bidi") is not None
    lang = xml(path, "word/styles.xml").find(f".//{W}rPrDefault//{W}lang")
    assert lang.get(f"{W}bidi").startswith("ar")
    notes = xml(path, "word/footnotes.xml")
    assert notes.find(f".//{W}footnote[@{W}id='1']//{W}bidi") is not None


# LibreOffice ------------------------------------------------------------------------------

def _inlines(nodes):
    for node in nodes:
        yield node
        if isinstance(node, (m.Emph, m.Strong, m.Link)):
            yield from _inlines(node.children)


def _texts(blocks):
    """Each run of text in the body as a list of strings and first note calls."""
    for block in blocks:
        if isinstance(block, (m.Paragraph, m.Heading)):
            yield _flat(block.children)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            for item in block.items:
                yield from _texts(item.blocks)
        elif isinstance(block, (m.BlockQuote, m.Box)):
            yield from _texts(block.blocks)
        elif isinstance(block, m.Table):
            for cell in (c for row in block.head + block.body for c in row):
                yield _flat(cell.children)


def _flat(nodes):
    out = []
    for node in nodes:
        if isinstance(node, m.NoteRef):
            out.append(node if node.first else str(node.number))
        elif isinstance(node, (m.Emph, m.Strong, m.Link)):
            out += _flat(node.children)
        else:
            out.append(plain_text([node]))
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(shutil.which("soffice") is None and not __import__("os").environ.get("CI"),
                    reason="LibreOffice not installed (.ci/run installs it)")
def test_libreoffice_puts_each_footnote_at_the_foot_of_its_page(sample_docx, sample_doc, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(sample_docx)],
                   check=True, capture_output=True, timeout=120)
    pages = [squash(page.extract_text())
             for page in pypdf.PdfReader(tmp_path / sample_docx.with_suffix(".pdf").name).pages]
    checked = 0
    for parts in _texts(sample_doc.blocks):
        before = ""
        for part in parts:
            if not isinstance(part, m.NoteRef):
                before += part
                continue
            call = squash(before)[-25:] + str(part.number)
            note = sample_doc.notes[part.number - 1]
            body = str(part.number) + squash(plain_text(note.blocks[0].children))[:25]
            call_pages = [n for n, text in enumerate(pages) if call in text]
            assert call_pages, f"call of note {part.number} not found"
            page = pages[call_pages[0]]
            assert body in page, f"note {part.number} is not on page {call_pages[0] + 1}"
            assert page.index(body) > page.index(call), f"note {part.number} above its call"
            checked += 1
    assert checked == len(sample_doc.notes)


def test_a_long_table_row_by_row(tmp_path, house_style):
    """Every row and cell of a long table, in order, with its heading row repeated on each
    page (tblHeader); built row by row (benchmarks/docx_tables.py times 5,000 rows)."""
    import io

    from pipeline.jobs import build
    from pipeline.writers import render

    rows = "".join(f"| {n} | *{n * 2}* |\n" for n in range(300))
    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-01-02\n"
                       f"index: IOR 53/8787/2024\n---\n| A | B |\n|---|---|\n{rows}")
    table = docx.Document(io.BytesIO(render(build.load(source, house_style), house_style,
                                            "docx"))).tables[0]
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts == [["A", "B"]] + [[str(n), str(n * 2)] for n in range(300)]
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None


def test_a_document_older_than_zip_dates(tmp_path, house_style):
    """ZIP dates start in 1980: a 1977 document's parts are dated then, its own date stays."""
    import io

    from pipeline.jobs import build
    from pipeline.writers import render

    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 1977-05-02\n"
                       "index: ORG 10/04/77\n---\nText.\n")
    data = render(build.load(source, house_style), house_style, "docx")
    assert {info.date_time[:3] for info in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {
        (1980, 1, 1)}
    assert docx.Document(io.BytesIO(data)).core_properties.created.year == 1977
