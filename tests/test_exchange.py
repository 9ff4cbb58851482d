"""Exchange files as translators' tools read them: every XLIFF export valid against the OASIS
XLIFF 1.2 strict schema and read by Translate Toolkit, every PO file accepted by msgfmt, and
one meaning of translated / stale / missing in both; round trips through Translate Toolkit
change exactly the edited unit."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
import yaml
from lxml import etree
from translate.storage import factory

from conftest import SAMPLE
from pipeline.commands.cli import main

SCHEMA = etree.XMLSchema(etree.parse(Path(__file__).parent / "data" / "xliff-1.2" /
                                     "xliff-core-1.2-strict.xsd"))
STALE = "Without arrests, there are no trials."  # edited in the original below


@pytest.fixture
def doc(tmp_path):
    """A copy of the sample with, in every translation, one stale unit (its original edited)
    and one missing (a paragraph added to the original)."""
    folder = tmp_path / "doc"
    shutil.copytree(SAMPLE, folder)
    en = (folder / "en.md").read_text(encoding="utf-8")
    (folder / "en.md").write_text(en.replace(STALE, "Without arrests, there can be no trials.")
                                  .replace("## General debate\n", "## General debate\n\nA new "
                                           "paragraph.\n"), encoding="utf-8")
    return folder


def export(doc: Path, lang: str, po: bool = False) -> Path:
    out = doc.parent / f"{lang}.{'po' if po else 'xlf'}"
    assert main(["translate", "export", "--lang", lang, str(doc), "-o", str(out)]
                + ["--po"] * po) == 0
    return out


def states(path: Path) -> dict[str, tuple[str, str]]:
    """Per unit id, what Translate Toolkit reads of it: translated, stale or missing, and
    its target."""
    found = {}
    for unit in factory.getobject(str(path)).units:
        if unit.isheader():
            continue
        status = ("translated" if unit.istranslated() else "stale" if unit.isfuzzy()
                  else "missing" if not unit.target else "?")
        found[ident(unit, path.suffix == ".po")] = (status, unit.target)
    return found


def ident(unit, po: bool) -> str:
    """Our id of a Translate Toolkit unit: the PO msgctxt, the XLIFF trans-unit id."""
    return unit.getcontext() if po else unit.getid().split("\x04")[-1]


def msgfmt(path: Path) -> str:
    """What `msgfmt -c` says of a PO file: nothing if it accepts it."""
    run = subprocess.run(["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(path)],
                         capture_output=True, text=True)
    return run.stderr + (f"exit status {run.returncode}" if run.returncode else "")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_exports_are_valid_and_say_the_same_in_both_formats(doc, lang):
    xlf, po_file = export(doc, lang), export(doc, lang, po=True)
    SCHEMA.assertValid(etree.parse(xlf))
    assert msgfmt(po_file) == ""
    in_xliff = states(xlf)
    assert in_xliff == states(po_file)  # the same units, states and targets
    found = [s for s, _ in in_xliff.values()]
    assert (found.count("translated"), found.count("stale"), found.count("missing")) == (96, 1, 1)
    assert all(bool(target) == (status != "missing") for status, target in in_xliff.values())
    entries = {e.msgctxt: e for e in polib.pofile(str(po_file))}
    (stale,) = [i for i, (s, _) in in_xliff.items() if s == "stale"]
    assert entries[stale].previous_msgid == STALE + entries[stale].msgid.split("trials.", 1)[1]
    assert "fuzzy" in entries[stale].flags
    assert not [e for e in entries.values() if "fuzzy" in e.flags and e.msgctxt != stale]
    (missing,) = [i for i, (s, _) in in_xliff.items() if s == "missing"]
    assert entries[missing].msgid == "A new paragraph." and entries[missing].msgstr == ""


def test_a_stale_unit_carries_the_previous_original_and_translation(doc):
    xlf = export(doc, "fr")
    unit = next(u for u in factory.getobject(str(xlf)).units if u.isfuzzy())
    assert unit.source.startswith("Without arrests, there can be no trials.")
    (previous,) = unit.getalttrans()
    assert previous.source.startswith(STALE)
    assert previous.target.startswith("Sans arrestations, il n’y a pas de procès.")
    assert unit.target == previous.target  # the translation is kept, to be reviewed
    element = unit.xmlelement
    assert element.get("approved") is None
    assert element.find("{*}target").get("state") == "needs-review-translation"
    bold = etree.parse(xlf).find(".//{*}trans-unit/{*}source/{*}bpt/..")
    assert [(t.get("id"), t.get("ctype")) for t in bold.iter("{*}bpt", "{*}ept")] == [
        ("1", "bold"), ("1", None)]  # ept is paired by id, and has no ctype


@pytest.mark.parametrize("po", [False, True])
def test_edit_in_translate_toolkit_then_import_changes_exactly_that_unit(doc, po):
    path = export(doc, "fr", po)
    store = factory.getobject(str(path))
    unit = next(u for u in store.units if u.source.startswith("This paper sets out"))
    assert unit.istranslated()
    if po:
        unit.target = "Ce document présente les " + unit.target.split(" les ", 1)[1]
    else:  # keep the placeholders: only the first words change
        rich = unit.rich_target
        first = rich[0].sub[0]
        assert first.sub == ["Le présent document expose les "]
        first.sub = ["Ce document présente les "]
        unit.rich_target = rich
    unit.markfuzzy(False)
    store.save()
    before = (doc / "fr.md").read_text(encoding="utf-8").split("\n")
    assert main(["translate", "import", str(path), str(doc)]) == 0
    after = (doc / "fr.md").read_text(encoding="utf-8").split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert before[changed[0]].startswith("Le présent document expose les **principales")
    assert after[changed[0]].startswith("Ce document présente les **principales recommandations")
    assert after[changed[0]].endswith("en marge de la session.")
    now = states(export(doc, "fr"))
    assert now[ident(unit, po)] == ("translated", after[changed[0]].replace("'", "’"))
    assert [s for s, _ in now.values()].count("stale") == 1


def test_import_takes_a_target_as_its_approved_attribute_says(doc):
    xlf = export(doc, "fr")
    tree = etree.parse(xlf)
    units = list(tree.iter("{*}trans-unit"))
    stale = next(u for u in units if u.find("{*}target").get("state") == "needs-review-translation")
    stale.set("approved", "yes")  # reviewed in a tool that sets only `approved`
    stale.find("{*}target").text = "Sans arrestation, aucun procès."
    rejected = next(u for u in units if u.get("resname") == "heading")
    rejected.set("approved", "no")  # its state still says translated
    rejected.find("{*}target").text = "Titre refusé"
    tree.write(xlf, encoding="UTF-8", xml_declaration=True)
    read = {ident(u, False): u for u in factory.getobject(str(xlf)).units}
    assert read[stale.get("id")].istranslated() and read[rejected.get("id")].isfuzzy()
    assert main(["translate", "import", str(xlf), str(doc)]) == 0
    fr = (doc / "fr.md").read_text(encoding="utf-8")
    assert "\nSans arrestation, aucun procès.\n" in fr and "Titre refusé" not in fr
    assert [s for s, _ in states(export(doc, "fr")).values()].count("stale") == 0


def test_a_new_language_starts_with_an_export_of_empty_targets(doc, tmp_path):
    xlf, po_file = export(doc, "es"), export(doc, "es", po=True)
    assert not (doc / "es.md").exists()
    SCHEMA.assertValid(etree.parse(xlf))
    assert msgfmt(po_file) == ""
    empty = states(xlf)
    assert len(empty) == 98 and set(empty.values()) == {("missing", "")}
    assert states(po_file) == empty
    assert {t.get("state") for t in etree.parse(xlf).iter("{*}target")} == {"new"}
    assert main(["translate", "import", str(xlf), str(doc)]) == 1  # nothing translated yet
    assert not (doc / "es.md").exists()
    meta = {"title": "Recomendaciones para la 24.ª Asamblea", "kind": "Recomendaciones clave",
            "event": "1-6 de diciembre de 2025", "short_title": "Asamblea de los Estados Partes"}
    store = factory.getobject(str(xlf))
    for unit in store.units:
        if ident(unit, False).removeprefix("meta-") in meta:
            unit.target = meta[ident(unit, False)[5:]]
        elif unit.source.startswith("Recall that the Statute"):  # with its citation placeholder
            rich = unit.rich_source
            rich[0].sub[0].sub = ["Recordar que nadie es inmune, como confirmó la Sala "]
            unit.rich_target = rich
            unit.markfuzzy(False)
    store.save()
    assert main(["translate", "import", str(xlf), str(doc)]) == 0
    es = (doc / "es.md").read_text(encoding="utf-8").split("\n")
    en = (doc / "en.md").read_text(encoding="utf-8").split("\n")
    assert yaml.safe_load("\n".join(es[1:es.index("---", 1)])) == {"original": "en", **meta}
    body = en[en.index("---", 1) + 1:]
    assert len(es) - es.index("---", 1) - 1 == len(body)
    changed = [(a, b) for a, b in zip(body, es[es.index("---", 1) + 1:]) if a != b]
    item = "- Recordar que nadie es inmune, como confirmó la Sala [@icc-bashir-2019];"
    assert changed == [(next(line for line in body if line.startswith("- Recall that")), item)]
    assert main(["build", str(doc), "--lang", "es", "--format", "html",
                 "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "doc" / "IOR5304122025SPANISH.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in page and "Recomendaciones para la 24.ª Asamblea" in page
    assert "Recordar que nadie es inmune" in page
    again = [s for s, _ in states(export(doc, "es")).values()]  # the rest is still to translate
    assert (again.count("translated"), again.count("missing")) == (5, 93)


def test_export_without_a_translation_says_what_there_is(tmp_path, monkeypatch, capsys):
    (tmp_path / "briefing.toml").write_text("")
    shutil.copytree(SAMPLE, tmp_path / "source" / "brief")
    monkeypatch.chdir(tmp_path)
    assert main(["translate", "export", "--lang", "es"]) == 1
    assert re.search(r"source: error: no translation into 'es' \(brief: en \(original\), ar, fr\); "
                     r"to start one, name its document folder: briefing translate export --lang "
                     r"es DOC", capsys.readouterr().err)
    assert main(["translate", "sync", "--lang", "es", "source/brief"]) == 1  # sync starts nothing
    assert "export --lang es source/brief" in capsys.readouterr().err
    (tmp_path / "source" / "brief" / "es.md").write_text("---\ntitle: Un informe\n---\nTexto.\n")
    assert main(["translate", "export", "--lang", "es", "source/brief"]) == 1
    assert ("source/brief/es.md:1:1: error: not a translation: no 'original:' in its front matter"
            in capsys.readouterr().err)
    assert main(["translate", "export", "--lang", "de", "source/brief"]) == 1
    assert ("de.md:1:1: error: cannot start de.md: source/brief has 2 originals (sources without "
            "'original:'), not one" in capsys.readouterr().err)


@pytest.fixture
def sample(tmp_path):
    """A copy of the sample, its translations current."""
    shutil.copytree(SAMPLE, tmp_path / "doc")
    return tmp_path / "doc"


def _notes(doc: Path, lang: str = "fr") -> int:
    """The notes of the document's `lang` version as the build reads it."""
    from pipeline.house.style import HouseStyle
    from pipeline.jobs import build
    return len(build.load(doc / f"{lang}.md", HouseStyle(SAMPLE.parent.parent / "styles" /
                                                         "amnesty")).notes)


def _paragraph(xlf: Path):
    """The parsed file and its trans-unit of the paragraph 'This paper sets out…'."""
    tree = etree.parse(xlf)
    unit = next(u for u in tree.iter("{*}trans-unit")
                if "".join(u.find("{*}source").itertext()).startswith("This paper sets out"))
    return tree, unit


BLOCK_STARTS = ["~~~ code", "``` code", "::: box", "## titre", "> citation", "- tiret",
                "1. un", "[ref]: https://example.org", "***", "==="]


@pytest.mark.parametrize("po", [False, True], ids=["xliff", "po"])
@pytest.mark.parametrize("start", BLOCK_STARTS)
def test_a_target_starting_a_block_is_imported_as_text(sample, start, po):
    """A target starting with a code fence or a box turned the rest of fr.md into one (the
    web page kept 2 notes of 25): every target is escaped for every block-level construct."""
    if po and "`" in start:
        pytest.skip("PO: a code span that the original lacks is refused as a locked code")
    notes = _notes(sample)
    path = export(sample, "fr", po)
    if po:
        catalog = polib.pofile(str(path))
        entry = next(e for e in catalog if e.msgid.startswith("This paper sets out"))
        entry.msgstr = f"{start} suite du texte."
        catalog.save()
    else:
        tree, unit = _paragraph(path)
        target = unit.find("{*}target")  # its tags kept
        target.text = f"{start} suite du texte. {target.text}"
        tree.write(path, encoding="UTF-8", xml_declaration=True)
    assert main(["translate", "import", str(path), str(sample)]) == 0
    assert _notes(sample) == notes
    assert "suite du texte." in (sample / "fr.md").read_text(encoding="utf-8")


def test_placeholders_come_from_the_original_never_from_the_file(sample):
    """A `<ph>` whose Markdown in the file's own source (and target) is a note definition
    writes our placeholder's Markdown: the file cannot inject Markdown through a tag."""
    notes = _notes(sample)
    xlf = export(sample, "fr")
    tree = etree.parse(xlf)
    unit = next(u for u in tree.iter("{*}trans-unit")
                if u.find("{*}source/{*}ph[@ctype='x-footnote']") is not None)
    forged = "\n\n[^forged]: ~~~"
    for ph in unit.iter("{*}ph"):
        ph.text = forged
    tree.write(xlf, encoding="UTF-8", xml_declaration=True)
    before = (sample / "fr.md").read_text(encoding="utf-8")
    assert main(["translate", "import", str(xlf), str(sample)]) == 0
    after = (sample / "fr.md").read_text(encoding="utf-8")
    assert "forged" not in after and _notes(sample) == notes
    assert len(after.split("\n")) == len(before.split("\n"))


def test_an_import_that_would_change_the_units_writes_nothing(sample):
    """Whatever gets past the escaping, the translation must re-read to the same units."""
    from pipeline.house.style import HouseStyle
    from pipeline.errors import SourceError
    from pipeline.translation import sync, writeback
    p = sync.pair(sample / "fr.md", HouseStyle(SAMPLE.parent.parent / "styles" / "amnesty"))
    state = next(s for s in p.states if s.unit.kind == "paragraph" and s.target is not None)
    before = (sample / "fr.md").read_bytes()
    with pytest.raises(SourceError, match="importing would change the units of the "
                       r"translation \(lost: .*footnote:.*\): nothing written"):
        writeback.write(p, {state.unit.id: "~~~ unescaped"})
    assert (sample / "fr.md").read_bytes() == before


def test_the_source_language_of_an_exchange_file_is_checked(sample, capsys):
    xlf = export(sample, "fr")
    xlf.write_text(xlf.read_text(encoding="utf-8").replace('source-language="en"',
                                                           'source-language="de"'))
    before = (sample / "fr.md").read_bytes()
    assert main(["translate", "import", str(xlf), str(sample)]) == 1
    err = capsys.readouterr().err
    assert re.match(rf"{re.escape(str(xlf))}:\d+:1: error: the file translates from 'de' "
                    r"\(source-language\), but names the original en\.md", err), err
    assert (sample / "fr.md").read_bytes() == before


def test_a_po_file_in_another_charset_is_refused(sample, capsys):
    """Read as its header says, a UTF-8 file labelled Latin-1 imported mojibake with exit 0;
    a Latin-1 file labelled UTF-8 is an error at its first bad byte."""
    po = export(sample, "fr", po=True)
    text = po.read_text(encoding="utf-8")
    before = (sample / "fr.md").read_bytes()
    po.write_text(text.replace("charset=UTF-8", "charset=ISO-8859-1"), encoding="utf-8")
    assert main(["translate", "import", str(po), str(sample)]) == 1
    line = text[:text.index("charset=UTF-8")].count("\n") + 1
    assert capsys.readouterr().err.startswith(f"{po}:{line}:1: error: the PO file says its "
                                              "charset is ISO-8859-1: briefing reads UTF-8")
    po.write_bytes(text.encode("latin-1", errors="replace"))
    assert main(["translate", "import", str(po), str(sample)]) == 1
    assert "error: the file is not valid UTF-8" in capsys.readouterr().err
    assert (sample / "fr.md").read_bytes() == before
