"""`briefing preflight`: the production editor's check of a built PDF, one line per finding,
exit status 1 on an error."""
from __future__ import annotations

import pytest
import weasyprint
from PIL import Image

from conftest import MINIMAL, write_doc
from pipeline.commands.cli import main
from pipeline.jobs import build
from pipeline.writers import pdf, pdf_preflight, render


def findings(source, house, tmp_path):
    doc = build.load(source, house)
    built = tmp_path / "built.pdf"
    built.write_bytes(render(doc, house, "pdf"))
    return doc, [str(finding) for finding in pdf.preflight(doc, house, built)]


def test_the_samples_pass(sample_layouts, sample_pdfs, house_style):
    fonts = sorted((house_style.root / "fonts").glob("*.ttf"))
    names = {"en": "ENGLISH", "fr": "FRENCH", "ar": "ARABIC"}
    for lang, (doc, document) in sample_layouts.items():
        found = (pdf_preflight.glyph_findings(doc, fonts)
                 + pdf_preflight.layout_findings(document)
                 + pdf_preflight.file_findings(sample_pdfs[names[lang]].read_bytes(), doc))
        assert [str(finding) for finding in found] == [], lang


def test_a_character_no_house_font_has_is_an_error_at_its_line(house_style, tmp_path):
    source = write_doc(tmp_path / "doc", MINIMAL.replace("More text.", "More text.\n\n"
                                                         "Mr 习近平 spoke. ✓"))
    _, found = findings(source, house_style, tmp_path)
    assert f"{source}:12: error: no house font has the character '习' (U+4E60)" in " ".join(found)
    assert any("'✓' (U+2713)" in line for line in found)


def test_a_low_resolution_image_is_an_error(house_style, tmp_path):
    folder = tmp_path / "doc"
    source = write_doc(folder, MINIMAL.replace("More text.", "![A chart](chart.png)"))
    Image.new("RGB", (120, 80), "navy").save(folder / "chart.png")  # stretched to the column
    _, found = findings(source, house_style, tmp_path)
    assert any(": error: an image prints at" in line for line in found)
    assert not any("sRGB" in line for line in found)


def test_a_cmyk_image_is_a_warning(house_style, tmp_path):
    folder = tmp_path / "doc"
    source = write_doc(folder, MINIMAL.replace("More text.", "![A photo](photo.jpg)"))
    Image.new("CMYK", (3000, 2000), (0, 80, 80, 0)).save(folder / "photo.jpg")
    _, found = findings(source, house_style, tmp_path)
    assert [line for line in found if "an image" in line] == [
        "page 1: warning: an image in CMYK: the PDF's colours are sRGB (convert it to RGB)"]


def test_a_page_left_mostly_empty_is_found():
    html = ("<p>" + "Words of a first paragraph. " * 30 + "</p>"
            "<div style='break-inside: avoid; height: 200mm; background: #eee'>Kept whole</div>"
            "<p>After.</p>")
    found = pdf_preflight.layout_findings(weasyprint.HTML(string=html).render())
    assert [(f.where, f.level) for f in found if "text area is empty" in f.message] == [
        ("page 1", "warning")]


def test_a_long_box_breaks_rather_than_leave_a_hole(house_style, tmp_path):
    """After a long footnote, a box too long for the rest of the page breaks across pages;
    a short one stays whole."""
    long_box = "::: box\n" + "\n\n".join(f"Boxed paragraph {n} with a few more words to "
                                            "fill its line." for n in range(30)) + "\n:::\n"
    short_box = "::: box\n**A short box.** Kept whole.\n:::\n"
    note = "[^one]: " + "A long note that takes several lines at the foot of the page. " * 8
    text = MINIMAL.replace("[^one]: <https://example.org/a/long/address>", note).replace(
        "## A section", "Filler. " * 200 + "\n\n" + short_box + "\n" + long_box + "\n## A section")
    doc = build.load(write_doc(tmp_path / "doc", text), house_style)
    document = pdf.layout(doc, house_style)
    assert [f for f in pdf_preflight.layout_findings(document) if "empty" in f.message] == []
    page = render(doc, house_style, "html").decode()
    assert page.count('class="box short"') == 1 and page.count('class="box"') == 1


def test_metadata_and_unbuilt_pdf(house_style, tmp_path):
    source = write_doc(tmp_path / "doc", MINIMAL)
    doc = build.load(source, house_style)
    other = build.load(write_doc(tmp_path / "other", MINIMAL.replace(
        "A minimal briefing", "Another title").replace("[^one]", "", 1).split("[^one]:")[0]),
        house_style)
    built = tmp_path / "other.pdf"
    built.write_bytes(render(other, house_style, "pdf"))
    found = [str(f) for f in pdf.preflight(doc, house_style, built)]
    assert "metadata: error: Title is 'Another title', the front matter says 'A minimal briefing'" in found
    assert "notes: error: 0 notes in the PDF, 1 in the source" in found
    assert any("the address https://example.org/a/long/address in note 1 is not a link" in line
               for line in found)
    missing = [str(f) for f in pdf.preflight(doc, house_style, tmp_path / "none.pdf")]
    assert any("not built" in line for line in missing)


@pytest.mark.parametrize("text, status", [(MINIMAL, 0), (MINIMAL.replace("More text.", "日本"), 1)])
def test_the_command(tmp_path, capsys, text, status):
    source = write_doc(tmp_path / "doc", text)
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", "pdf", "--out", str(out)]) == 0
    assert main(["preflight", str(source), "--out", str(out)]) == status
    printed = capsys.readouterr()
    assert printed.out.splitlines()[-1] == f"preflight: {1 - status} passed, {status} failed"
    assert ("no house font has the character '日'" in printed.err) == bool(status)
