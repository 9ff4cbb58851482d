"""Exchange files as translators' tools read them: every XLIFF export valid against the OASIS
XLIFF 1.2 strict schema and read by Translate Toolkit, every PO file accepted by msgfmt, and
one meaning of translated / stale / missing in both; round trips through Translate Toolkit
change exactly the edited unit."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
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
    assert main(["translate", "export", "--lang", lang, str(doc), "-o", str(out)] + ["--po"] * po) == 0
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
    counts = {k: [s for s, _ in in_xliff.values()].count(k) for k in ("translated", "stale", "missing")}
    assert counts == {"translated": 96, "stale": 1, "missing": 1}
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
