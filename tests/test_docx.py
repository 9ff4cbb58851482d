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


def test_the_zip_holds_the_members_python_docx_saves(sample_doc, house_style):
    """The package is written through python-docx's own steps (`_package`): the members its
    `save` writes, in its order, with its bytes; only the fonts' bytes are added."""
    import io

    from pipeline.writers import docx as writer

    made = writer._Writer(sample_doc, house_style)
    ours = zipfile.ZipFile(io.BytesIO(made.write()))
    saved = io.BytesIO()
    made.document.save(saved)
    theirs = zipfile.ZipFile(saved)
    assert ours.namelist() == theirs.namelist() and len(ours.namelist()) > 10
    assert [name for name in ours.namelist() if ours.read(name) != theirs.read(name)] == [
        name for name in ours.namelist() if name.endswith(".odttf")]


@pytest.mark.parametrize("name", ["FRENCH", "ARABIC"])
def test_citations_of_english_sources_are_in_english(sample_outputs, name):
    """`w:lang` on the runs of a citation whose sources are in English (`langid`), so Word
    checks their spelling, and reads them aloud, in English."""
    (path,) = sample_outputs.glob(f"*{name}.docx")
    with zipfile.ZipFile(path) as archive:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    english = {"".join(run.itertext()) for run in notes.iter(f"{W}r")
               if run.find(f"{W}rPr/{W}lang[@{W}val='en']") is not None}
    assert any("Amnesty International" in text for text in english)
    assert any("Journal of International Criminal Justice" in text for text in english)


# Fonts, the complex script and the box title ------------------------------------------------

def embedded_fonts(path) -> dict[str, dict[str, bytes]]:
    """The fonts embedded in the Word file: family -> {"embedRegular": the font's bytes…},
    each part de-obfuscated with its key (ECMA-376 Part 1, 17.8.1: the first 32 bytes XORed
    with the key's 16 bytes in reverse order)."""
    targets = rels(path, "word/_rels/fontTable.xml.rels")
    found = {}
    with zipfile.ZipFile(path) as package:
        for font in xml(path, "word/fontTable.xml").iter(f"{W}font"):
            for embed in font:
                if not embed.tag.startswith(f"{W}embed"):
                    continue
                key = bytes.fromhex(embed.get(f"{W}fontKey").strip("{}").replace("-", ""))[::-1]
                data = package.read("word/" + targets[embed.get(f"{R}id")])
                head = bytes(byte ^ key[n % 16] for n, byte in enumerate(data[:32]))
                found.setdefault(font.get(f"{W}name"), {})[embed.tag[len(W):]] = head + data[32:]
    return found


def house_faces(house_style, role: str) -> dict[str, bytes]:
    font = house_style.tokens["fonts"][role]
    tags = {"regular": "embedRegular", "bold": "embedBold", "italic": "embedItalic",
            "bold-italic": "embedBoldItalic"}
    return {tags[face]: (house_style.root / "fonts" / name).read_bytes()
            for face, name in font["files"].items()}


def test_house_fonts_embedded(sample_outputs, house_style):
    """Every face of the body font, and of the Arabic font where the text is Arabic, exactly
    the house's files once de-obfuscated; Word is told to keep them."""
    body, arabic = (house_style.tokens["fonts"][role]["family"] for role in ("body", "arabic"))
    english, = sample_outputs.glob("*ENGLISH.docx")
    assert embedded_fonts(english) == {body: house_faces(house_style, "body")}
    arabic_file, = sample_outputs.glob("*ARABIC.docx")
    assert embedded_fonts(arabic_file) == {body: house_faces(house_style, "body"),
                                           arabic: house_faces(house_style, "arabic")}
    assert xml(english, "word/settings.xml").find(f"{W}embedTrueTypeFonts") is not None
    types = xml(english, "[Content_Types].xml")
    assert {element.get("ContentType") for element in types
            if element.get("PartName", "").endswith(".odttf")} == {
        "application/vnd.openxmlformats-officedocument.obfuscatedFont"}
    with zipfile.ZipFile(english) as package:  # stored: deflating them would cost more time
        assert {info.compress_type for info in package.infolist()
                if info.filename.endswith(".odttf")} == {zipfile.ZIP_STORED}


def test_arabic_font_embedded_for_arabic_words_in_a_latin_text(tmp_path, house_style):
    source = write_doc(tmp_path / "doc", MINIMAL_WITH_ARABIC)
    assert main(["build", str(source), "--format", "docx", "--out", str(tmp_path / "out")]) == 0
    (path,) = (tmp_path / "out").rglob("*.docx")
    assert house_style.tokens["fonts"]["arabic"]["family"] in embedded_fonts(path)


MINIMAL_WITH_ARABIC = """\
---
title: A minimal briefing
date: 2024-11-27
index: IOR 53/8787/2024
---
The Court's name in Arabic is المحكمة الجنائية الدولية.
"""


def _style(path, name: str):
    """A style by its name (Word writes built-in names in lower case: "heading 2")."""
    ids = {v.lower(): k for k, v in style_names(path).items()}
    name = name.lower()
    return xml(path, "word/styles.xml").find(f"{W}style[@{W}styleId='{ids[name]}']")


def test_complex_script_font_and_sizes_from_the_tokens(sample_outputs, house_style):
    """Arabic text in the house's Arabic font at its right-to-left sizes and leading, as in
    the PDF; a Latin document keeps the Latin sizes."""
    tokens = house_style.tokens
    arabic = tokens["fonts"]["arabic"]["family"]

    def half_points(size: str) -> str:
        return str(round(float(tokens["sizes"][size].removesuffix("pt")) * 2))

    (path,) = sample_outputs.glob("*ARABIC.docx")
    defaults = xml(path, "word/styles.xml").find(f".//{W}rPrDefault//{W}rFonts")
    assert defaults.get(f"{W}cs") == arabic
    for name, size in (("Normal", "body"), ("Footnote Text", "note"), ("Footer", "footer")):
        run = _style(path, name).find(f"{W}rPr")
        assert run.find(f"{W}sz").get(f"{W}val") == half_points(f"{size}-rtl")
        assert run.find(f"{W}szCs").get(f"{W}val") == half_points(f"{size}-rtl")
    normal = _style(path, "Normal")
    assert normal.find(f"{W}rPr/{W}rFonts").get(f"{W}cs") == arabic
    line = float(tokens["sizes"]["body-rtl"].removesuffix("pt")) * tokens["leading"]["body-rtl"]
    assert normal.find(f"{W}pPr/{W}spacing").get(f"{W}line") == str(round(line * 20))
    (english,) = sample_outputs.glob("*ENGLISH.docx")
    assert _style(english, "Normal").find(f"{W}rPr/{W}sz").get(f"{W}val") == half_points("body")


def test_characters_the_arabic_font_lacks_take_the_body_font(sample_outputs, house_style):
    from fontTools.ttLib import TTFont

    fonts = house_style.tokens["fonts"]
    covered = set(map(chr, TTFont(house_style.root / "fonts" / fonts["arabic"]["files"]["regular"])
                      .getBestCmap()))
    (path,) = sample_outputs.glob("*ARABIC.docx")
    fallback = 0
    for member in ("word/document.xml", "word/footnotes.xml", "word/footer1.xml"):
        for run in xml(path, member).iter(f"{W}r"):
            if run.find(f"{W}rPr/{W}rtl") is None:
                continue
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            font = run.find(f"{W}rPr/{W}rFonts")
            if font is not None and font.get(f"{W}cs") == fonts["body"]["family"]:
                fallback += 1
            else:
                assert set(text) <= covered, text
    assert fallback  # the sample's slashes and parentheses


def test_box_title_is_a_heading(sample_docx, sample_doc):
    """At the outline level of its heading level, as the PDF's bookmarks and the HTML's h3."""
    (box,) = [block for block in sample_doc.blocks if isinstance(block, m.Box)]
    title = box.blocks[0]
    body = xml(sample_docx, "word/document.xml")
    ids = {v: k for k, v in style_names(sample_docx).items()}
    paragraphs = [p for p in body.iter(f"{W}p")
                  if p.find(f"{W}pPr/{W}pStyle[@{W}val='{ids['Box Title']}']") is not None]
    assert ["".join(p.itertext()) for p in paragraphs] == [plain_text(title.children)]
    outline = f"{W}pPr/{W}outlineLvl"
    heading_2 = _style(sample_docx, "Heading 2").find(outline).get(f"{W}val")
    assert title.level == 3 and paragraphs[0].find(outline).get(f"{W}val") == heading_2


def test_a_list_in_a_box_is_in_the_box(tmp_path, house_style):
    """Its paragraphs have the box's shading and edge, indented from the box's indent (the
    style List Bullet alone sets them outside the box, as LibreOffice draws it)."""
    from pipeline.jobs import build
    from pipeline.writers import render

    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-01-02\n"
                       "index: IOR 53/8787/2024\n---\n::: box\nIn the box:\n\n- one\n"
                       "  - nested\n:::\n\n- outside\n")
    path = tmp_path / "boxed.docx"
    path.write_bytes(render(build.load(source, house_style), house_style, "docx"))
    box = _style(path, "Box").find(f"{W}pPr")
    paragraphs = {"".join(p.itertext()): p.find(f"{W}pPr")
                  for p in xml(path, "word/document.xml").iter(f"{W}p")}
    edge, fill = f"{W}pBdr/{W}left", f"{W}shd"
    indents = [int(box.find(f"{W}ind").get(f"{W}left"))]
    for text in ("one", "nested"):
        ppr = paragraphs[text]
        assert ppr.find(f"{W}numPr") is not None
        assert dict(ppr.find(edge).attrib) == dict(box.find(edge).attrib)
        assert ppr.find(fill).get(f"{W}fill") == box.find(fill).get(f"{W}fill")
        indents.append(int(ppr.find(f"{W}ind").get(f"{W}left")))
    assert indents == sorted(set(indents))  # the box's, then further in at each level
    assert paragraphs["outside"].find(fill) is None


def _headings(blocks):
    for block in blocks:
        if isinstance(block, m.Heading):
            yield block.level - 2, plain_text(block.children)
        elif isinstance(block, (m.Box, m.BlockQuote)):
            yield from _headings(block.blocks)


@pytest.mark.e2e
def test_libreoffice_lays_out_every_language_in_the_house_fonts(sample_outputs, house_style,
                                                                tmp_path):
    """LibreOffice (its fonts here have no Noto) lays out every Word file in the embedded house
    fonts only, the Arabic in the house's Naskh, and finds the same headings as the PDF."""
    from fontTools.ttLib import TTFont

    from pipeline.jobs import build

    files = sorted(sample_outputs.glob("*.docx"))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
                   check=True, capture_output=True, timeout=300)
    def postscript_names(files):
        return {TTFont(house_style.root / "fonts" / file)["name"].getDebugName(6)
                for file in files}

    house_fonts = postscript_names(path.name for path in (house_style.root / "fonts").glob("*.ttf"))
    naskh = postscript_names(house_style.tokens["fonts"]["arabic"]["files"].values())
    languages = {"ENGLISH": "en", "FRENCH": "fr", "ARABIC": "ar"}
    for path in files:
        pdf = tmp_path / path.with_suffix(".pdf").name
        listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                                 text=True).stdout.splitlines()[2:]
        used = {line.split()[0].split("+")[-1] for line in listing}
        assert used and used <= house_fonts, used
        lang = next(lang for name, lang in languages.items() if path.stem.endswith(name))
        if lang == "ar":
            assert naskh <= used
        doc = build.load(SAMPLE / f"{lang}.md", house_style)
        assert list(_outline(pypdf.PdfReader(pdf).outline)) == [
            (level, squash(text)) for level, text in _headings(doc.blocks)]


def _outline(items, level=0):
    """A PDF's bookmarks as (level, title without spaces)."""
    for item in items:
        if isinstance(item, list):
            yield from _outline(item, level + 1)
        else:
            yield level, squash(item.title)


def test_every_house_paragraph_style_takes_the_body_look_unless_it_sets_its_own(sample_docx):
    """A paragraph style based on nothing takes Word's document defaults (11 pt, no house
    font): each of the house's, the box's too, builds on Normal or on another of its own."""
    import yaml

    from pipeline.house import style as houses

    spec = yaml.safe_load((houses.locate() / "docx.yaml").read_text(encoding="utf-8"))
    styles = docx.Document(sample_docx).styles
    paragraphs = [name for name, props in spec.items()
                  if props.get("type") != "character" and name != "Normal"]
    assert "Box" in paragraphs
    for name in paragraphs:
        base = styles[name].base_style
        assert base is not None and base.name == spec[name].get("based-on", base.name), name
        while base.name != "Normal":
            base = base.base_style
    assert styles["Box"].base_style.name == "Normal"
