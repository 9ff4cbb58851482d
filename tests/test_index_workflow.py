"""AI index numbers in the workflow: `check` across documents, `new`, citations by index, and
every rendering of the index in the PDF."""
from __future__ import annotations

import datetime

import pikepdf
import pypdf
import pytest

from conftest import MINIMAL, write_doc
from pipeline.jobs import build
from pipeline.commands.cli import main
from pipeline.house.ai_index import AIIndex
from pipeline.house.registry import open_registry
from pipeline.transforms.tree import plain_text


@pytest.fixture
def registry_path(tmp_path):
    return tmp_path / "registry.sqlite3"


def check(tmp_path, registry_path, capsys) -> tuple[int, str]:
    status = main(["check", str(tmp_path / "source"), "--registry", str(registry_path)])
    return status, capsys.readouterr().err


def test_check_finds_a_shared_index(tmp_path, registry_path, capsys):
    one = write_doc(tmp_path / "source" / "one")
    # a translation shares it
    write_doc(tmp_path / "source" / "one", "---\noriginal: en\ntitle: Un briefing minimal\n---\n"
              "Texte avec une note.[^one]\n\n## Une section\n\nSuite.\n\n"
              "[^one]: <https://example.org/a/long/address>\n", name="fr.md")
    two = write_doc(tmp_path / "source" / "two", MINIMAL.replace("date:", "short_title: T\ndate:"))
    status, err = check(tmp_path, registry_path, capsys)
    assert status == 1
    assert f"{two}:5:8: error: AI index IOR 53/8787/2024 is also the index of {one}:4:8" in err
    assert err.count("error:") == 1


def test_check_reports_a_malformed_index_at_its_line(tmp_path, registry_path, capsys):
    bad = write_doc(tmp_path / "source" / "bad", MINIMAL.replace("53/8787/2024", "53/87870/2024"))
    status, err = check(tmp_path, registry_path, capsys)
    assert status == 1
    assert f"{bad}:4:8: error: not an AI index number: 'IOR 53/87870/2024'" in err


def test_check_warns_about_the_registry_and_the_year(tmp_path, registry_path, capsys):
    source = write_doc(tmp_path / "source" / "one", MINIMAL.replace("2024-11-27", "2025-01-08"))
    status, err = check(tmp_path, registry_path, capsys)
    assert status == 0
    assert f"warning: no registry at {registry_path}" in err
    with open_registry(str(registry_path)) as registry:
        registry.reserve("IOR", 53, 2024, slug="elsewhere")
    status, err = check(tmp_path, registry_path, capsys)
    assert status == 0
    assert (f"{source}:4:8: warning: AI index IOR 53/8787/2024 is not in the registry "
            f"{registry_path}") in err
    assert f"{source}:4:8: warning: the index year 2024 contradicts the date 2025-01-08" in err
    assert main(["index", "import", str(tmp_path / "source"),
                 "--registry", str(registry_path)]) == 0
    status, err = check(tmp_path, registry_path, capsys)
    assert "not in the registry" not in err and "contradicts the date" in err


def test_series_and_subject_of_a_document(tmp_path, registry_path, capsys):
    source = write_doc(tmp_path / "source" / "one", MINIMAL.replace("IOR 53", "ABC 53"))
    status, err = check(tmp_path, registry_path, capsys)
    assert status == 1
    assert f"{source}:4:8: error: unknown AI index series 'ABC'" in err
    write_doc(tmp_path / "source" / "one", MINIMAL.replace("IOR 53", "AFR 98"))
    status, err = check(tmp_path, registry_path, capsys)
    assert status == 0
    assert f"{source}:4:8: warning: subject AFR 98 is not among the known subjects" in err


def test_new_document_is_ready_to_build(tmp_path, registry_path, capsys, house_style):
    with open_registry(str(registry_path)) as registry:
        registry.start_counter(9998)
    options = ["--series", "IOR", "--subject", "53", "--registry", str(registry_path),
               "--source", str(tmp_path / "source")]
    assert main(["new", "asp-25", "--title", "States' duties: key recommendations", *options]) == 0
    source = tmp_path / "source" / "asp-25" / "en.md"
    year = datetime.date.today().year
    index = AIIndex("IOR", 53, 9998, year)
    assert capsys.readouterr().out == f"{source}: {index}\n"
    doc = build.load(source, house_style)
    assert (doc.meta.index, doc.meta.date, doc.meta.status) == (
        index, datetime.date.today(), "draft")
    assert doc.meta.title == "States' duties: key recommendations"
    with open_registry(str(registry_path)) as registry:
        entry = registry.get(index)
    assert (entry.status, entry.slug, entry.title) == ("reserved", "asp-25", doc.meta.title)
    # A second document with the same slug is refused before a number is taken.
    assert main(["new", "asp-25", *options]) == 1
    assert f"{source.parent} already exists" in capsys.readouterr().err
    assert main(["new", "Bad Slug", *options]) == 1
    assert main(["check", str(tmp_path / "source"), "--registry", str(registry_path)]) == 0
    assert main(["build", str(tmp_path / "source"), "--format", "pdf",
                 "--out", str(tmp_path / "out"), "--registry", str(registry_path)]) == 0
    pdf = tmp_path / "out" / "asp-25" / f"IOR539998{year}ENGLISH.pdf"
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert f"AI Index: IOR 53/9998/{year}" in text and "DRAFT" in text
    # The next document gets the next number, wrapping after 9999.
    assert main(["new", "next", *options]) == 0
    assert main(["new", "after", *options]) == 0
    assert capsys.readouterr().out.split()[-1] == f"53/0000/{year}"


CITING = MINIMAL.replace("More text.", "As we said [@{IOR 40/8247/2024}], and again [@old].")
BIB = """\
@report{old,
  author = {{Amnesty International}},
  year = {2011},
  index = {IOR 53/005/2011},
}
"""


def test_citing_documents_by_index(tmp_path, registry_path, house_style):
    source = write_doc(tmp_path / "doc", CITING, bib=BIB)
    with open_registry(str(registry_path)) as registry:
        registry.register(AIIndex.parse("IOR 40/8247/2024"), "Human Rights Council: priorities",
                          "hrc-priorities")
        registry.register(AIIndex.parse("IOR 53/005/2011"), "Electing the next prosecutor",
                          "prosecutor")
        doc = build.load(source, house_style, registry)
    cited, old = (plain_text(note.blocks[0].children) for note in doc.notes[1:])
    assert "Amnesty International" in cited and "Human Rights Council: priorities" in cited
    assert "IOR 40/8247/2024" in cited
    assert "https://www.amnesty.org/en/documents/ior40/8247/2024/en/" in cited
    assert "Electing the next prosecutor" in old
    assert "https://www.amnesty.org/en/documents/ior53/005/2011/en/" in old
    # The command line's worker processes find the registry too.
    assert main(["build", str(source), "--format", "html", "--out", str(tmp_path / "out"),
                 "--registry", str(registry_path)]) == 0
    page = (tmp_path / "out" / "doc" / "IOR5387872024ENGLISH.html").read_text(encoding="utf-8")
    assert "Human Rights Council: priorities" in page and "Electing the next prosecutor" in page
    # Without a registry the document is still cited, by index and address; with no .bib.
    (tmp_path / "doc" / "references.bib").unlink()
    source.write_text(CITING.replace(", and again [@old]", ""), encoding="utf-8")
    doc = build.load(source, house_style)
    cited = plain_text(doc.notes[1].blocks[0].children)
    assert "IOR 40/8247/2024" in cited and "/documents/ior40/8247/2024/en/" in cited
    assert "priorities" not in cited


def test_index_in_the_pdf_metadata(sample_pdf, sample_doc):
    with pikepdf.open(sample_pdf) as pdf:
        assert str(pdf.docinfo["/aiindex"]) == "IOR 53/0412/2025"
    assert sample_pdf.name == f"{sample_doc.meta.index.file_stem('en')}.pdf"


@pytest.mark.parametrize("lang, label", [("fr", "Index\u00a0:"), ("es", "Índice:")])
def test_footer_label_per_language(tmp_path, lang, label):
    source = write_doc(tmp_path / "doc", name=f"{lang}.md")
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    pdf = next((tmp_path / "out" / "doc").glob("*.pdf"))
    assert pdf.name == {"fr": "IOR5387872024FRENCH.pdf", "es": "IOR5387872024SPANISH.pdf"}[lang]
    footer = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert f"{label} IOR 53/8787/2024".replace("\u00a0", " ") in footer.replace("\u00a0", " ")
    assert "AI Index" not in footer


def test_arabic_label_from_the_style(tmp_path, house_style):
    from pipeline.writers import html

    doc = build.load(write_doc(tmp_path / "doc", name="ar.md"), house_style)
    label = house_style.labels("ar")["index"]
    assert label == "رقم الوثيقة:"
    # The index is isolated left to right inside the Arabic footer.
    assert (f'<span class="index">{label} <span dir="ltr">IOR 53/8787/2024</span></span>'
            in html.print_document(doc, house_style))


def test_import_registers_the_original_title_whatever_its_language(tmp_path, registry_path):
    folder = tmp_path / "source" / "doc"
    write_doc(folder, MINIMAL.replace("A minimal briefing", "Un breve informe"), name="es.md")
    write_doc(folder, MINIMAL.replace("title: A minimal briefing", "original: es\ntitle: A short briefing"),
              name="en.md")
    write_doc(folder, MINIMAL.replace("title: A minimal briefing", "original: es\ntitle: موجز قصير"),
              name="ar.md")
    assert main(["index", "import", str(tmp_path / "source"), "--registry", str(registry_path)]) == 0
    with open_registry(str(registry_path)) as registry:
        (entry,) = registry.entries()
    assert (entry.slug, entry.title) == ("doc", "Un breve informe")


def test_new_document_in_french_takes_the_french_defaults(tmp_path, registry_path, house_style):
    open_registry(str(registry_path)).close()  # made, as `index import` makes it
    options = ["--series", "IOR", "--subject", "53", "--registry", str(registry_path),
               "--source", str(tmp_path / "source"), "--lang", "fr"]
    assert main(["new", "asp-25", "--title", "Recommandations clés", *options]) == 0
    source = tmp_path / "source" / "asp-25" / "fr.md"
    doc = build.load(source, house_style)
    assert (doc.meta.kind, doc.meta.short_title) == ("Note d’information", "Recommandations clés")
