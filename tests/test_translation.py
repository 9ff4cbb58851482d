"""Translations: localized sources, locale-correct PDFs, right to left, the structural check
and the translator workflow (XLIFF/PO, status, drift)."""
from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile

import docx
import pikepdf
import polib
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import SAMPLE, write_doc
from validators import openxml_audit
from pipeline.jobs import build
from pipeline.house import locale
from pipeline.commands.cli import main

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LRM = "\u200e"


@pytest.fixture
def doc(tmp_path):
    """A copy of the sample document folder, with its translations and sync records."""
    folder = tmp_path / "doc"
    shutil.copytree(SAMPLE, folder)
    return folder


def _text(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _part(path, member: str):
    """One XML part of a DOCX file."""
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(member))


def _footer(path):
    (member,) = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/footer")]
    return _part(path, member)


def _run_text(run) -> str:
    return "".join(t.text or "" for t in run.iter(f"{W}t"))


# 1. Localized sources ----------------------------------------------------------------------

def test_translation_inherits_shared_front_matter(house_style):
    fr = build.load(SAMPLE / "fr.md", house_style)
    en = build.load(SAMPLE / "en.md", house_style)
    assert fr.meta.original == "en"
    assert (fr.meta.index, fr.meta.date, fr.meta.status) == (en.meta.index, en.meta.date, "final")
    assert fr.meta.title.startswith("24e session de l’Assemblée")
    assert fr.meta.locations["index"].path.name == "en.md"  # errors point at the original


def test_original_must_be_a_language_of_the_folder(tmp_path, capsys):
    folder = tmp_path / "brief"
    write_doc(folder)
    write_doc(folder, "---\noriginal: ../../etc/passwd\ntitle: Un informe\n---\nTexto.\n", "es.md")
    assert main(["check", str(folder / "es.md")]) == 1
    assert re.search(r"es\.md:2:11: error: 'original' must name another language",
                     capsys.readouterr().err)


def test_untranslated_title_is_inherited_with_a_warning(tmp_path, capsys):
    folder = tmp_path / "brief"
    write_doc(folder)
    write_doc(folder, "---\noriginal: en\nkind: Note\n---\nTexte avec une note.[^one]\n\n"
              "## Une section\n\nSuite.\n\n[^one]: <https://example.org/a/long/address>\n", "fr.md")
    assert main(["build", str(folder), "--lang", "fr", "--out", str(tmp_path / "out")]) == 0
    assert "'title' is not translated" in capsys.readouterr().err
    write_doc(folder, "---\noriginal: de\ntitle: T\n---\nText\n", "fr.md")
    assert main(["check", str(folder / "fr.md")]) == 1
    assert "fr.md:2:11: error: 'original' must name another language" in capsys.readouterr().err


def test_build_makes_every_language_and_lang_picks(sample_pdfs, tmp_path):
    assert set(sample_pdfs) == {"ENGLISH", "FRENCH", "ARABIC"}
    assert main(["build", str(SAMPLE), "--lang", "ar", "--format", "pdf", "--out", str(tmp_path)]) == 0
    assert [p.name for p in (tmp_path / SAMPLE.name).iterdir()] == ["IOR5304122025ARABIC.pdf"]


# 2. Locale-correct output ------------------------------------------------------------------

def test_french_pdf_labels_date_typography_and_language(sample_pdfs):
    text = _text(sample_pdfs["FRENCH"])
    assert "20 novembre 2025" in text
    assert re.search(r"Index\s:\s?IOR 53/0412/2025", text)
    assert re.search(r"doivent\s:", text) and "doivent:" not in text
    with pikepdf.open(sample_pdfs["FRENCH"]) as pdf:
        assert str(pdf.Root.Lang) == "fr"
    assert "Réseaux sociaux" in text and "AI Index" not in text


def test_french_spacing_spares_urls_code_and_index(house_style, tmp_path):
    source = write_doc(tmp_path / "b", "---\ntitle: 'Titre : essai'\ndate: 2024-11-27\n"
                       "index: IOR 53/8787/2024\n---\nVraiment? Oui! Note ; voir \"loi\" et "
                       "`a:b` puis <https://x.org/a?b=c:d>.\n", "fr.md")
    doc = build.load(source, house_style)
    para = doc.blocks[0].children
    assert para[0].text == "Vraiment\u202f? Oui\u202f! Note\u202f; voir «\u202floi\u202f» et "
    assert para[1].text == "a:b"  # code untouched
    assert para[3].children[0].text == "https://x.org/a?b=c:d"  # URL untouched
    assert doc.meta.title == "Titre\u00a0: essai"


def test_long_dates_through_babel_with_digit_and_month_settings():
    from datetime import date
    day = date(2024, 11, 27)
    assert locale.long_date(day, "fr", {"date_format": "d MMMM y"}) == "27 novembre 2024"
    assert locale.long_date(day, "es", {"date_format": "d 'de' MMMM 'de' y"}) == \
        "27 de noviembre de 2024"
    assert locale.long_date(day, "ar", {"date_format": "d MMMM y"}) == "27 نوفمبر 2024"
    arab = {"date_format": "d MMMM y", "digits": "arab",
            "months": [f"m{i}" for i in range(1, 11)] + ["تشرين الثاني", "كانون الأول"]}
    assert locale.long_date(day, "ar", arab) == "٢٧ تشرين الثاني ٢٠٢٤"


def test_quotation_marks_are_house_style_data_for_every_language(house_style, tmp_path):
    marks = {lang: house_style.labels(lang)["quotes"] for lang in ("en", "fr", "es", "ar")}
    assert marks["en"] == "“”‘’" and marks["fr"] == "«»“”"
    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-11-27\nindex: IOR 53/8787/2024\n"
                       "---\nShe said \"it's 'fine'\".\n")
    text = build.load(source, house_style).blocks[0].children[0].text
    assert text == "She said “it’s ‘fine’”."


def test_missing_label_warns_and_falls_back_to_english(house_style, capsys):
    labels = house_style.labels("es")
    assert labels["notes"] == "Notas"
    from pipeline.house.style import HouseStyle
    style = HouseStyle(house_style.root)
    style._labels["es"] = {k: v for k, v in style._labels["es"].items() if k != "draft"}
    assert style.labels("es")["draft"] == "DRAFT"
    assert "no 'es' label for draft: using the English" in capsys.readouterr().err


def test_spanish_build(tmp_path):
    folder = tmp_path / "brief"
    write_doc(folder)
    write_doc(folder, "---\noriginal: en\ntitle: Un informe\n---\nTexto con una nota.[^one]\n\n"
              "## Una sección\n\nMás \"texto\".\n\n[^one]: <https://example.org/a/long/address>\n",
              "es.md")
    assert main(["build", str(folder), "--lang", "es", "--out", str(tmp_path / "out")]) == 0
    text = _text(tmp_path / "out" / "brief" / "IOR5387872024SPANISH.pdf")
    assert "27 de noviembre de 2024" in text and "Índice:" in text and "«texto»" in text


# 3. Arabic, right to left ------------------------------------------------------------------

def test_arabic_html_is_rtl_with_isolated_ltr_runs(house_style):
    from pipeline.writers import html
    doc = build.load(SAMPLE / "ar.md", house_style)
    page = html.print_document(doc, house_style)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<span dir="ltr">IOR 53/0412/2025</span>' in page
    # A URL with its trailing slash, and the whole Latin citation, each in one run
    assert re.search(r'<span dir="ltr"><a href="https://www.amnesty.org/en/documents/ior53/8815/'
                     r'2025/en/">https://www.amnesty.org/en/documents/ior53/8815/2025/en/</a>'
                     r'</span>', page)
    assert re.search(r'<span dir="ltr"><span lang="en">International Criminal Court, Appeals '
                     r'Chamber, [^<]*'
                     r'(<[^/][^>]*>[^<]*</[^>]*>[^<]*)*&lt;<a href', page)
    assert '(<span dir="ltr">EC</span>)' in page  # brackets enter a run only in pairs
    assert "٢٠ نوفمبر ٢٠٢٥" in page  # digits as set in labels.yaml
    # The unit signs in the document's language (house.yaml `names`).
    assert '<span class="unit-name">مركز العدالة الدولية</span>' in page
    assert "Centre for International Justice" not in page


def test_arabic_pdf_fonts_language_and_footnote_placement(sample_pdfs):
    with pikepdf.open(sample_pdfs["ARABIC"]) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        fonts = {str(f.BaseFont).split("+")[-1] for page in pdf.pages
                 for f in page.Resources.Font.values()}
    assert any("House-Arabic" in f for f in fonts) and any("House-Sans" in f for f in fonts)
    text = _text(sample_pdfs["ARABIC"])
    assert "https://www.amnesty.org/en/documents/ior53/8815/2025/en/" in text
    # the build itself fails when a footnote lands off its call's page (footnote_layout)


# Word and web versions: the same labels, dates, typography and direction ----------------------

def test_french_docx_labels_date_typography_and_language(sample_outputs):
    path = sample_outputs / "IOR5304122025FRENCH.docx"
    assert openxml_audit(path) == []
    document = docx.Document(path)
    assert document.core_properties.language == "fr-FR"
    lang = _part(path, "word/styles.xml").find(f".//{W}rPrDefault//{W}lang")
    assert lang.get(f"{W}val") == "fr-FR"
    assert document.paragraphs[0].text == "Recommandations clés"
    footer = _run_text(_footer(path))
    assert "20 novembre 2025" in footer and "Index\u00a0: IOR 53/0412/2025" in footer
    text = "\n".join(p.text for p in document.paragraphs)
    assert "doivent\u00a0:" in text and "doivent :" not in text and "l’Assemblée" in text
    notes = "".join(_run_text(r) for r in _part(path, "word/footnotes.xml").iter(f"{W}r"))
    assert "TXT/?uri=CELEX:01996R2271" in notes  # no space inside a URL
    assert not _part(path, "word/document.xml").findall(f".//{W}bidi")


def test_french_html_labels_date_typography_and_language(sample_outputs):
    page = (sample_outputs / "IOR5304122025FRENCH.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in page
    assert '<h2 id="notes-heading">Notes</h2>' in page
    footer = page.split('<footer class="page-footer">')[1]
    assert "20 novembre 2025" in footer and "Index\u00a0: <span dir=\"ltr\">IOR 53/0412/2025" in footer
    assert "doivent\u00a0:" in page and 'aria-label="Retour au texte de la note 1"' in page
    assert 'href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:01996R2271' in page


def test_french_typography_spares_urls_in_docx_and_html(tmp_path):
    folder = tmp_path / "brief"
    write_doc(folder)
    write_doc(folder, "---\noriginal: en\ntitle: Un point\n---\nPourquoi? Voir "
              "<https://example.org/?q=1> et \"cité\"!\n", "fr.md")
    assert main(["build", str(folder), "--lang", "fr", "--format", "docx,html",
                 "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out" / "brief"
    text = "\n".join(p.text for p in docx.Document(out / "IOR5387872024FRENCH.docx").paragraphs)
    page = (out / "IOR5387872024FRENCH.html").read_text(encoding="utf-8")
    for output in (text, page):
        assert "Pourquoi\u202f?" in output and "«\u202fcité\u202f»\u202f!" in output
        assert "https://example.org/?q=1" in output and "\u202f?q" not in output
    assert "Note d’information" in text and '<p class="kind">Note d’information</p>' in page


def test_arabic_docx_right_to_left_with_ltr_runs(sample_outputs):
    path = sample_outputs / "IOR5304122025ARABIC.docx"
    assert openxml_audit(path) == []
    assert docx.Document(path).core_properties.language == "ar-SA"
    body = _part(path, "word/document.xml")
    assert body.find(f".//{W}sectPr/{W}bidi") is not None
    paragraphs = list(body.iter(f"{W}p"))
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    assert any(p.find(f"{W}pPr/{W}numPr") is not None for p in paragraphs)  # lists too
    box = next(s for s in _part(path, "word/styles.xml").iter(f"{W}style")
               if s.get(f"{W}styleId") == "Box")
    assert [etree.QName(e).localname for e in box.find(f"{W}pPr/{W}pBdr")] == ["right"]

    def direction(part):
        """Each run's text, and whether it runs right to left."""
        return [(_run_text(r), r.find(f"{W}rPr/{W}rtl") is not None) for r in part.iter(f"{W}r")
                if _run_text(r)]

    footer = direction(_footer(path))
    assert _footer(path).find(f".//{W}pPr/{W}bidi") is not None
    assert ("IOR 53/0412/2025", False) in footer and (LRM, False) in footer
    assert any("٢٠ نوفمبر ٢٠٢٥" in text and rtl for text, rtl in footer)
    masthead = direction(paragraphs[3])
    assert ("@AmnestyCIJ", False) in masthead and ("hrij.amnesty.nl", False) in masthead
    assert any("وسائل التواصل" in text and rtl for text, rtl in masthead)
    notes = _part(path, "word/footnotes.xml")
    note = next(n for n in notes.iter(f"{W}footnote") if n.get(f"{W}id") == "4")
    runs = direction(note)
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in note.iter(f"{W}p"))
    assert ("انظر على سبيل المثال: ", True) in runs
    url = ("https://www.amnesty.org/en/latest/news/2025/06/usa-sanctions-against-icc-judges-are-a-"
           "blatant-attack-on-international-justice-and-must-be-reversed/")
    index = runs.index((url, False))
    assert runs[index - 1] == (LRM, False) and runs[index + 1] == (LRM, False)


def test_arabic_html_page_right_to_left(sample_outputs):
    page = (sample_outputs / "IOR5304122025ARABIC.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert '<h2 id="notes-heading">الحواشي</h2>' in page
    assert re.search(r'<span dir="ltr"><a href="https://www.amnesty.org/en/documents/ior53/8815/'
                     r'2025/en/">https://www.amnesty.org/en/documents/ior53/8815/2025/en/</a>'
                     r'</span>', page)
    assert 'aria-label="الحاشية ١">١</a></sup>' in page  # note calls in Arabic-Indic digits
    footer = page.split('<footer class="page-footer">')[1]
    assert "٢٠ نوفمبر ٢٠٢٥" in footer and 'رقم الوثيقة: <span dir="ltr">IOR 53/0412/2025' in footer
    assert '<a href="https://hrij.amnesty.nl" dir="ltr">' in page
    assert '<span dir="ltr">@AmnestyCIJ</span>' in page


# 4. Structural check -----------------------------------------------------------------------

def test_check_reports_each_mismatch_with_both_lines(doc, capsys):
    assert main(["check", str(doc)]) == 0
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    fr = (fr.replace(" [@icc-bashir-2019] ;", " ;", 1).replace("## Budget", "### Budget")
          .replace("ior53/8815/2025", "ior53/8816/2025").replace("| 2023 | 169,6", "| 2023 | 196,6")
          .replace("\n- consulter les groupes de victimes", "\nconsulter les groupes de victimes"))
    (doc / "fr.md").write_text(fr, encoding="utf-8")
    ar = (doc / "ar.md").read_text(encoding="utf-8").replace("عام 2023", "عام ٢٠٢٢")
    (doc / "ar.md").write_text(ar, encoding="utf-8")
    assert main(["check", str(doc)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"fr\.md:19:1: error: citation keys differ: missing icc-bashir-2019 "
                     r"\(original: .*en\.md:22:1\)", err)
    assert re.search(r"fr\.md:83:1: error: heading level 3, the original's is 2 \(original: .*en\.md:86:1\)", err)
    assert "missing https://www.amnesty.org/en/documents/ior53/8815/2025/en/" in err
    assert re.search(r"fr\.md:\d+:1: warning: table numbers differ: missing 169\.6; extra 196,6", err)
    assert re.search(r"fr\.md:\d+:1: error: list of 5 bullet items, the original's has 6", err)
    assert re.search(r"ar\.md:\d+:1: warning: numbers differ: missing 2023; extra 2022", err)
    assert "ar.md" in err and err.count("ar.md:") == 1  # Arabic-Indic digits are normalised


# 5. Translator workflow --------------------------------------------------------------------

def test_export_xliff_units_tags_context_and_prefilled_targets(doc, tmp_path):
    out = tmp_path / "fr.xlf"
    assert main(["translate", "export", "--lang", "fr", str(doc), "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.get("version") == "1.2"
    units = root.findall(".//x:trans-unit", NS)
    kinds = [u.get("resname") for u in units]
    assert {"meta:title", "meta:kind", "heading", "paragraph", "item", "cell"} <= set(kinds)
    assert "footnote:eu-blocking.2" in kinds and not any("index" in k for k in kinds)
    item = next(u for u in units if "[@icc-bashir-2019]" in ET.tostring(u, encoding="unicode"))
    ph = item.find("x:source/x:ph", NS)
    assert (ph.get("ctype"), ph.text) == ("x-citation", "[@icc-bashir-2019]")
    assert item.find("x:target", NS).get("state") == "translated"
    assert "rappeler que le Statut" in "".join(item.find("x:target", NS).itertext())
    bold = units[4].find("x:source/x:bpt", NS)  # the first paragraph's emphasis
    assert bold.get("ctype") == "bold" and units[4].find("x:source/x:ept", NS).get("id") == bold.get("id")
    note = next(u for u in units if u.get("resname") == "footnote:judges-designated")
    assert "called from:" in note.find("x:note", NS).text
    assert len({u.get("id") for u in units}) == len(units)


def test_ids_stay_stable_when_a_paragraph_is_inserted(doc, tmp_path):
    before, after = tmp_path / "a.xlf", tmp_path / "b.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(before)])
    en = (doc / "en.md").read_text(encoding="utf-8")
    (doc / "en.md").write_text(en.replace("## General debate\n", "## General debate\n\nA new "
                                          "paragraph.\n"), encoding="utf-8")
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(after)])
    ids = [[u.get("id") for u in ET.parse(f).getroot().findall(".//x:trans-unit", NS)]
           for f in (before, after)]
    assert len(ids[1]) == len(ids[0]) + 1
    assert [i for i in ids[1] if i in ids[0]] == ids[0]
    new = ET.parse(after).getroot().find(f".//x:trans-unit[@id='{(set(ids[1]) - set(ids[0])).pop()}']", NS)
    target = new.find("x:target", NS)
    assert (target.get("state"), target.text, len(target)) == ("new", None, 0)


def test_round_trip_export_edit_import_build(doc, tmp_path, capsys):
    out = tmp_path / "fr.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(out)])
    tree = ET.parse(out)
    unit = next(u for u in tree.getroot().findall(".//x:trans-unit", NS)
                if "".join(u.find("x:source", NS).itertext()).startswith("Without arrests"))
    target = unit.find("x:target", NS)
    target.text = "Pas d’arrestation, pas de procès. " + target.text.split(". ", 1)[1]
    tree.write(out, encoding="UTF-8", xml_declaration=True)
    before = (doc / "fr.md").read_text(encoding="utf-8").split("\n")
    assert main(["translate", "import", str(out), str(doc)]) == 0
    after = (doc / "fr.md").read_text(encoding="utf-8").split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert after[changed[0]].startswith("Pas d’arrestation, pas de procès. Une trentaine")
    assert main(["build", str(doc), "--lang", "fr", "--out", str(tmp_path / "out")]) == 0
    assert "Pas d’arrestation, pas de procès." in _text(tmp_path / "out" / "doc" / "IOR5304122025FRENCH.pdf")


def test_import_refuses_mismatched_placeholders(doc, tmp_path, capsys):
    out = tmp_path / "fr.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    text = re.sub(r'(<target[^>]*>[^<]*?)<ph id="1" ctype="x-footnote">\[\^eo-sanctions\]</ph>',
                  r"\1", text, count=1)
    out.write_text(text, encoding="utf-8")
    before = (doc / "fr.md").read_bytes()
    assert main(["translate", "import", str(out), str(doc)]) == 1
    assert re.search(r"fr\.xlf:\d+:1: error: trans-unit 'p-[0-9a-f]+': placeholder <ph id=\"1\"> "
                     r"\(\[\^eo-sanctions\]\) is missing from the target", capsys.readouterr().err)
    assert (doc / "fr.md").read_bytes() == before


def test_import_refuses_external_entities(doc, tmp_path, capsys):
    bad = tmp_path / "evil.xlf"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">&e;</xliff>')
    assert main(["translate", "import", str(bad)]) == 1
    assert "evil.xlf:1:1: error: XLIFF files may not have a DOCTYPE" in capsys.readouterr().err


def test_drift_one_edited_paragraph_is_stale_in_every_translation(doc, tmp_path, capsys):
    en = (doc / "en.md").read_text(encoding="utf-8")
    (doc / "en.md").write_text(en.replace("Without arrests, there are no trials.",
                                          "Without arrests, there can be no trials."), encoding="utf-8")
    assert main(["translate", "status", str(doc)]) == 0
    out = capsys.readouterr().out
    for lang in ("fr", "ar"):
        assert re.search(rf"{lang}\.md: 96 translated, 1 stale, 0 missing", out)
    assert out.count("  stale ") == 2
    assert "was: Without arrests, there are no trials." in out
    assert "now: Without arrests, there can be no trials." in out
    # export: needs-review with the previous source
    xlf = tmp_path / "fr.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(xlf)])
    stale = [u for u in ET.parse(xlf).getroot().findall(".//x:trans-unit", NS)
             if u.find("x:target", NS) is not None
             and u.find("x:target", NS).get("state") == "needs-review-translation"]
    assert len(stale) == 1
    assert stale[0].find("x:alt-trans/x:source", NS).text.startswith("Without arrests, there are")
    # PO: fuzzy with the previous msgid
    po_file = tmp_path / "fr.po"
    main(["translate", "export", "--lang", "fr", "--po", str(doc), "-o", str(po_file)])
    fuzzy = [e for e in polib.pofile(str(po_file)) if "fuzzy" in e.flags]
    assert len(fuzzy) == 1 and fuzzy[0].previous_msgid.startswith("Without arrests, there are")
    # strict build of a final translation fails; a draft carries the mark
    capsys.readouterr()
    assert main(["build", str(doc), "--lang", "fr", "--out", str(tmp_path / "out")]) == 1
    assert re.search(r"fr\.md:116:1: error: translation outdated: the original changed at "
                     r".*en\.md:119:1", capsys.readouterr().err)
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    (doc / "fr.md").write_text(fr.replace("original: en\n", "original: en\nstatus: draft\n"),
                               encoding="utf-8")
    assert main(["build", str(doc), "--lang", "fr", "--out", str(tmp_path / "out")]) == 0
    text = _text(tmp_path / "out" / "doc" / "IOR5304122025FRENCH.pdf")
    assert "Traduction obsolète" in text and "Sans arrestations" in text.split("Traduction obsolète")[1]


def test_draft_outdated_mark_in_docx_and_html(doc, tmp_path):
    en = (doc / "en.md").read_text(encoding="utf-8")
    (doc / "en.md").write_text(en.replace("Without arrests, there are no trials.",
                                          "Without arrests, there can be no trials."), encoding="utf-8")
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    (doc / "fr.md").write_text(fr.replace("original: en\n", "original: en\nstatus: draft\n"),
                               encoding="utf-8")
    assert main(["build", str(doc), "--lang", "fr", "--format", "docx,html",
                 "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out" / "doc"
    assert openxml_audit(out / "IOR5304122025FRENCH.docx") == []
    document = docx.Document(out / "IOR5304122025FRENCH.docx")
    boxed = [p.text for p in document.paragraphs if p.style.name == "Box"]
    assert boxed[0].startswith("Traduction obsolète. Certains passages")
    assert boxed[1].startswith("fr.md:117: Sans arrestations")
    assert "Traduction obsolète" in _run_text(_footer(out / "IOR5304122025FRENCH.docx"))
    page = (out / "IOR5304122025FRENCH.html").read_text(encoding="utf-8")
    assert re.search(r'<aside class="outdated">\s*<p><strong>Traduction obsolète\.</strong>', page)
    assert "<li>fr.md:117: Sans arrestations" in page
    assert '<span class="outdated-mark">Traduction obsolète</span></footer>' in page


def test_xliff_import_ignores_translation_memory_suggestions(doc, tmp_path):
    xlf = tmp_path / "fr.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(xlf)])
    tree = ET.parse(xlf)
    unit = next(u for u in tree.getroot().iter(f"{{{NS['x']}}}trans-unit")
                if u.get("resname") == "heading")
    target = unit.find("x:target", NS)
    unit.remove(target)  # untranslated, with a suggestion from a translation memory
    alt = ET.SubElement(unit, f"{{{NS['x']}}}alt-trans")
    ET.SubElement(alt, f"{{{NS['x']}}}source").text = unit.find("x:source", NS).text
    ET.SubElement(alt, f"{{{NS['x']}}}target").text = "Suggestion de mémoire"
    tree.write(xlf, encoding="UTF-8", xml_declaration=True)
    assert main(["translate", "import", str(xlf), str(doc)]) == 0
    assert "Suggestion de mémoire" not in (doc / "fr.md").read_text(encoding="utf-8")


def test_po_round_trip(doc, tmp_path):
    po_file = tmp_path / "ar.po"
    main(["translate", "export", "--lang", "ar", "--po", str(doc), "-o", str(po_file)])
    po = polib.pofile(str(po_file))
    entry = next(e for e in po if e.msgctxt.startswith("h-") and e.msgid == "Budget")
    entry.msgstr = "الميزانية العامة"
    po.save(str(po_file))
    assert main(["translate", "import", str(po_file), str(doc)]) == 0
    assert "## الميزانية العامة\n" in (doc / "ar.md").read_text(encoding="utf-8")
    assert main(["translate", "status", str(doc)]) == 0


@pytest.mark.parametrize("original, lang", [
    ("../../victim/en.md", "fr"), ("{victim}/en.md", "fr"), ("{doc}/en.md", "../../victim/fr"),
    ("{doc}/references.bib", "fr"), ("{doc}/en.md", "en")])
def test_import_writes_only_a_translation_under_the_document_folders(
        doc, tmp_path, capsys, monkeypatch, original, lang):
    victim = tmp_path / "victim"  # another document, with a translation to overwrite
    shutil.copytree(doc, victim)
    xlf = tmp_path / "fr.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(xlf)])
    text = xlf.read_text(encoding="utf-8")
    text = re.sub(r'original="[^"]*"', f'original="{original.format(doc=doc, victim=victim)}"',
                  text, count=1).replace('target-language="fr"', f'target-language="{lang}"', 1)
    text = text.replace("Budget</target>", "Le budget piraté</target>")
    xlf.write_text(text, encoding="utf-8")
    line = next(i + 1 for i, t in enumerate(text.split("\n")) if "<file " in t)
    before = {p: p.read_bytes() for p in [*doc.glob("*.md"), *victim.glob("*.md")]}
    work = tmp_path / "a" / "b"  # where ../../victim is the other document
    work.mkdir(parents=True)
    (tmp_path / "briefing.toml").write_text("")  # a project with the default settings
    monkeypatch.chdir(work)
    assert main(["translate", "import", str(xlf), str(doc)]) == 1
    assert re.search(rf"fr\.xlf:{line}:1: error: refused: it names .* an exchange file may only "
                     r"write a <lang>\.md beside a <lang>\.md original under .*doc",
                     capsys.readouterr().err)
    assert {p: p.read_bytes() for p in before} == before


def test_import_of_po_refuses_a_source_file_outside_source(doc, tmp_path, capsys):
    po_file = tmp_path / "fr.po"
    main(["translate", "export", "--lang", "fr", "--po", str(doc), "-o", str(po_file)])
    po = polib.pofile(str(po_file))
    po.metadata["X-Source-File"] = str(doc / "en.md")
    po.save(str(po_file))
    assert main(["translate", "import", str(po_file)]) == 1  # default: under source/ only
    assert re.search(r"fr\.po:\d+:1: error: refused: .* under source", capsys.readouterr().err)


def test_import_into_a_translation_lacking_a_table_cell_is_refused(doc, tmp_path, capsys):
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    (doc / "fr.md").write_text(fr.replace("| 2026 (proposé) |", "| |"), encoding="utf-8")
    xlf = tmp_path / "fr.xlf"
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(xlf)])
    text = xlf.read_text(encoding="utf-8")
    source = '<source xml:lang="en">2026 (proposed)</source>'
    assert text.count(source) == 1
    xlf.write_text(text.replace(source, source + '<target xml:lang="fr" state="translated">'
                                "2026 (proposé)</target>"), encoding="utf-8")
    before = (doc / "fr.md").read_bytes()
    assert main(["translate", "import", str(xlf), str(doc)]) == 1
    assert re.search(r"fr\.md:\d+:1: error: the translation lacks the table cell after this line "
                     r"that renders .*en\.md:\d+:1 \('2026 \(proposed\)'\)", capsys.readouterr().err)
    assert (doc / "fr.md").read_bytes() == before


@pytest.mark.parametrize("po", [False, True])
def test_imported_front_matter_is_plain_text_not_markdown(doc, tmp_path, house_style, po):
    title = "Statut de Rome [projet] : *révisé* #1"
    en = (doc / "en.md").read_text(encoding="utf-8")
    (doc / "en.md").write_text(en.replace("title: 24th Session", "title: Rome Statute [draft] 24th Session"),
                               encoding="utf-8")
    out = tmp_path / ("fr.po" if po else "fr.xlf")
    main(["translate", "export", "--lang", "fr", str(doc), "-o", str(out)] + ["--po"] * po)
    if po:
        catalog = polib.pofile(str(out))
        entry = next(e for e in catalog if e.msgctxt == "meta-title")
        assert entry.msgid.startswith("Rome Statute [draft] 24th Session")
        entry.msgstr = title
        entry.flags.remove("fuzzy")  # reviewed
        catalog.save(str(out))
    else:
        tree = ET.parse(out)
        unit = tree.getroot().find(".//x:trans-unit[@id='meta-title']", NS)
        unit.find("x:target", NS).text = title
        unit.find("x:target", NS).set("state", "translated")  # reviewed
        tree.write(out, encoding="UTF-8", xml_declaration=True)
    assert main(["translate", "import", str(out), str(doc)]) == 0
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    assert "\\[" not in fr and "\\*" not in fr
    title = build.load(doc / "fr.md", house_style).meta.title
    assert title == "Statut de Rome [projet]\u00a0: *révisé* #1"  # French spacing, no escapes
    assert main(["translate", "status", str(doc)]) == 0


def test_region_tagged_language_builds(tmp_path):
    source = write_doc(tmp_path / "doc", name="pt-BR.md")
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", "html", "--out", str(out)]) == 0
    page = (out / "doc" / "IOR5387872024PORTUGUESE.html").read_text(encoding="utf-8")
    assert '<html lang="pt-BR" dir="ltr">' in page
    assert "27 novembro 2024" in page  # the English pattern (no pt-BR labels), CLDR month
    assert locale.direction("pt-BR") == "ltr" and locale.direction("ar-EG") == "rtl"


def test_status_reports_an_original_that_is_a_path(doc, capsys):
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    (doc / "fr.md").write_text(fr.replace("original: en\n", 'original: "../en"\n'), encoding="utf-8")
    line = fr.split("\n").index("original: en") + 1
    assert main(["translate", "status", str(doc)]) == 1
    assert re.search(rf"fr\.md:{line}:\d+: error: 'original' must name another language of this "
                     r"document with its own source file, not '\.\./en'", capsys.readouterr().err)


def test_a_translation_with_another_index_is_one_error(doc, capsys):
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    (doc / "fr.md").write_text(fr.replace("original: en\n", "original: en\nindex: IOR 53/0413/2025\n"),
                               encoding="utf-8")
    assert main(["check", str(doc)]) == 1
    err = capsys.readouterr().err
    about = [line for line in err.splitlines() if "fr.md:" in line and "IOR 53/0412/2025" in line]
    assert len(about) == 1 and re.search(r"fr\.md:\d+:\d+: error: index IOR 53/0413/2025 differs "
                                         r"from the original's IOR 53/0412/2025", about[0])
    assert "shares the index" not in err
