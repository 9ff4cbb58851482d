"""The official PDF, read back from the file: footnotes, footer, fonts, bookmarks, metadata."""
from __future__ import annotations

import hashlib
import re

import pikepdf
import pypdf
import pytest

from conftest import SAMPLE, write_doc
from pipeline.commands.cli import main
from pipeline.transforms.tree import plain_text


@pytest.fixture(scope="module")
def reader(sample_pdf):
    return pypdf.PdfReader(sample_pdf)


@pytest.fixture(scope="module")
def page_texts(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def destination_pages(reader) -> dict[str, int]:
    return {name: reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def test_output_name(sample_pdf):
    assert sample_pdf.name == "IOR5304122025ENGLISH.pdf"
    assert sample_pdf.parent.name == SAMPLE.name


def test_seed_shape(reader, sample_doc):
    assert 5 <= len(reader.pages) <= 10
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842
               for p in reader.pages)  # A4
    assert len(sample_doc.notes) >= 12


def test_every_footnote_body_starts_on_the_page_of_its_call(reader, sample_doc, page_texts):
    pages = destination_pages(reader)
    numbers = [note.number for note in sample_doc.notes]
    assert numbers == list(range(1, len(numbers) + 1))
    for note in sample_doc.notes:
        call, body = pages[f"fnref-{note.number}"], pages[f"fn-{note.number}"]
        assert call == body, f"footnote {note.number}: call on page {call}, body on page {body}"
        # The body's first words are printed on that page, below the call.
        first_words = " ".join(plain_text(note.blocks[0].children).split()[:4])
        assert first_words[:30] in page_texts[body - 1], (note.number, first_words)
        call_top = reader.named_destinations[f"fnref-{note.number}"]["/Top"]
        body_top = reader.named_destinations[f"fn-{note.number}"]["/Top"]
        assert body_top < call_top


def test_long_urls_wrap_inside_the_footnote_area(reader):
    width = float(reader.pages[0].mediabox.width)
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/A", {}).get("/URI"):
                left, _, right, _ = (float(v) for v in annot["/Rect"])
                assert 0 <= left and right <= width - 40, annot["/A"]["/URI"]


def test_footer_on_every_page(page_texts, sample_doc):
    meta = sample_doc.meta
    for number, text in enumerate(page_texts, start=1):
        assert meta.short_title in text
        assert "20 November 2025" in text
        assert "AI Index: IOR 53/0412/2025" in text
        assert re.search(rf"\b{number}\s*$", text), f"page {number} number"


def test_masthead_on_first_page(page_texts):
    first = page_texts[0]
    for words in ("KEY RECOMMENDATIONS", "24th SESSION OF THE ASSEMBLY", "1-6 DECEMBER 2025",
                  "CENTRE FOR INTERNATIONAL JUSTICE"):
        assert words in first
    assert "This paper sets out" in first  # the body starts on page 1


def test_fonts_embedded(sample_pdf):
    with pikepdf.open(sample_pdf) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    fonts[str(descendant.BaseFont)] = any(
                        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    # Only the house style's vendored fonts, no system fallback.
    assert all(re.match(r"/[A-Z]{6}\+House-", name) for name in fonts), fonts


def test_bookmarks_from_headings(reader, sample_doc):
    outline = reader.outline
    assert outline[0]["/Title"].replace("\u00a0", " ") == sample_doc.meta.title
    sections = [item["/Title"] for item in outline[1] if not isinstance(item, list)]
    assert len(sections) == 5


def test_links_clickable(reader):
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages
            for a in page.get("/Annots") or [] if "/URI" in a.get_object().get("/A", {})]
    assert any(len(uri) > 100 for uri in uris)
    # An index-only bibliography entry links to its document on amnesty.org.
    assert any(re.match(r"https://www\.amnesty\.org/en/documents/ior\d\d/\d{4}/\d{4}/en/", u)
               for u in uris)


def test_metadata_tagged_pdfa(sample_pdf, sample_doc):
    with pikepdf.open(sample_pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == sample_doc.meta.title
        assert str(info["/Author"]) == "Amnesty International"
        assert "Key recommendations" in str(info["/Subject"])
        assert "IOR 53/0412/2025" in str(info["/Keywords"])
        assert str(info["/CreationDate"]).startswith("D:20251120")
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in pdf.Root
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"


def test_only_the_documents_date_is_recorded(sample_pdf):
    """No build time in the file: building on another day gives the same bytes."""
    with pikepdf.open(sample_pdf) as pdf:
        dates = {str(pdf.docinfo[k]) for k in ("/CreationDate", "/ModDate")}
        xmp = str(pdf.open_metadata())
    assert dates == {"D:20251120"}
    assert set(re.findall(r"\d{4}-\d\d-\d\d", xmp)) == {"2025-11-20"}


@pytest.mark.e2e
def test_reproducible(sample_pdf, tmp_path):
    assert main(["build", str(SAMPLE), "--out", str(tmp_path)]) == 0
    again = tmp_path / SAMPLE.name / sample_pdf.name
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(again) == digest(sample_pdf)


def test_draft_mark_on_every_page(tmp_path):
    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-01-02\nindex: IOR 53/8787/2024\n"
                                        "status: draft\n---\n" + "Paragraph text.\n\n" * 120)
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    pages = pypdf.PdfReader(tmp_path / "out" / "doc" / "IOR5387872024ENGLISH.pdf").pages
    assert len(pages) >= 2
    assert all("DRAFT" in page.extract_text() for page in pages)


def test_a_footnote_link_prints_its_address_on_paper(tmp_path, house_style):
    """On paper a reader cannot follow a link: a note's link whose text is not its address
    prints the address after it (a bare address once); the web page keeps links as they are."""
    import io

    from pipeline.jobs import build
    from pipeline.writers import render

    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-01-02\n"
                       "index: IOR 53/8787/2024\n---\nText.[^a]\n\n[^a]: See [the report]"
                       "(https://example.org/report) and <https://example.org/bare>.\n")
    doc = build.load(source, house_style)
    reader = pypdf.PdfReader(io.BytesIO(render(doc, house_style, "pdf")))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "See the report <https://example.org/report> and https://example.org/bare." in text
    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0]["/Annots"]
             if annotation.get_object().get("/A", {}).get("/URI")]
    assert links.count("https://example.org/report") == 2
    page = render(doc, house_style, "html").decode()
    assert "&lt;https://example.org/report&gt;" not in page and "printed-url" not in page


@pytest.mark.parametrize("lang, title, printed", [
    # Without the rule, each of these titles leaves its last word alone on a line.
    ("en", "The 23rd session of the assembly of states parties to the statute", "23rd SESSION"),
    ("fr", "La 23e session de l’Assemblée des États parties au Statut de la Cour pénale "
     "internationale et de ses organes dans le monde", "23e SESSION"),
])
def test_masthead_ordinals_and_no_lone_word_on_the_titles_last_line(tmp_path, house_style,
                                                                     lang, title, printed):
    """An upper-case masthead keeps an ordinal's suffix lower case (raised), in the PDF and
    in Word; the title's last line never holds one word alone."""
    import io
    import zipfile

    from pipeline.jobs import build
    from pipeline.writers import render

    source = write_doc(tmp_path / "doc", f"---\ntitle: {title}\ndate: 2024-01-02\n"
                       "index: IOR 53/8787/2024\n---\nText.\n", name=f"{lang}.md")
    doc = build.load(source, house_style)
    lines = pypdf.PdfReader(io.BytesIO(render(doc, house_style, "pdf"))).pages[0] \
        .extract_text().splitlines()
    assert printed in " ".join(lines)
    last = next(n for n, line in enumerate(lines) if line.rstrip().endswith(title.split()[-1].upper()))
    assert len(lines[last].split()) >= 2
    with zipfile.ZipFile(io.BytesIO(render(doc, house_style, "docx"))) as archive:
        body = archive.read("word/document.xml").decode()
    suffix = printed.split()[0].lstrip("0123456789")
    assert re.search(rf'<w:rStyle w:val="[^"]*"/></w:rPr><w:t[^>]*>{suffix}</w:t>', body)
