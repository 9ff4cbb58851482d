"""`briefing check` of translations: a correct professional translation passes (numbers in
words or other forms, a footnote call moved within its sentence); a dropped footnote call,
URL or citation, an emptied footnote and a second original in a folder fail, naming the
line on both sides; a number that differs is a warning."""
from __future__ import annotations

import re

import pytest

from conftest import write_doc
from pipeline.commands.cli import main
from pipeline.translation import check, numbers, sync

BIB = """\
@misc{budget, author = {{ICC}}, title = {Proposed programme budget}, year = {2024}}
@misc{asp, author = {{ASP}}, title = {Resolution on the Review Conference}, year = {2024}}
"""

EN = """\
---
title: The 5th session of the Assembly
date: 2024-11-27
index: IOR 53/8787/2024
---
At the 5th session, 12 states ratified the amendments (Kampala).[^kampala] The Fourth
Review Conference meets within two weeks of the 23rd session.[^rc]

- The Court asked for 169.6 million euros for 2025.[@budget]
- Read [the report](https://example.org/report).

| Year | Million euros |
|------|---------------|
| 2024 | 187.1         |

[^kampala]: <https://treaties.un.org/kampala>

[^rc]: See the resolution of the 23rd session [@asp], <https://example.org/rc>.
"""

FR = """\
---
original: en
title: La cinquième session de l'Assemblée
---
Lors de la cinquième session, douze États ont ratifié les amendements (Kampala[^kampala]).
La 4e Conférence de révision se réunit dans les 2 semaines suivant la vingt-troisième
session.[^rc]

- La Cour a demandé 169,6 millions d'euros pour 2025.[@budget]
- Lire [le rapport](https://example.org/report).

| Année | Millions d'euros |
|-------|------------------|
| 2024  | 187,1            |

[^kampala]: <https://treaties.un.org/kampala>

[^rc]: Voir la résolution de la 23e session [@asp], <https://example.org/rc>.
"""

AR = """\
---
original: en
title: الدورة الخامسة للجمعية
---
في الدورة الخامسة، صادقت اثنتا عشرة دولة على التعديلات (كمبالا).[^kampala] ويجتمع المؤتمر
الاستعراضي الرابع خلال أسبوعين من الدورة الثالثة والعشرين.[^rc]

- طلبت المحكمة ١٦٩٫٦ مليون يورو لعام ٢٠٢٥.[@budget]
- اقرأ [التقرير](https://example.org/report).

| السنة | مليون يورو |
|-------|------------|
| ٢٠٢٤  | ١٨٧٫١      |

[^kampala]: <https://treaties.un.org/kampala>

[^rc]: انظر قرار الدورة الـ23 [@asp]، <https://example.org/rc>.
"""


@pytest.fixture
def folder(tmp_path):
    """An English original with its correct French and Arabic translations."""
    folder = tmp_path / "assembly"
    write_doc(folder, EN, bib=BIB)
    write_doc(folder, FR, "fr.md")
    write_doc(folder, AR, "ar.md")
    return folder


def problems(folder, house, lang: str = "fr", edit=None) -> list[str]:
    """The problems of the translation `lang`, after `edit` (text -> text) of its source."""
    source = folder / f"{lang}.md"
    if edit:
        source.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    return [str(p) for p in check.problems(sync.pair(source, house), house.identifiers)]


def test_a_correct_translation_passes(folder, house_style, capsys):
    assert problems(folder, house_style, "fr") == []
    assert problems(folder, house_style, "ar") == []
    assert main(["check", str(folder)]) == 0
    assert ": error:" not in capsys.readouterr().err


@pytest.mark.parametrize("original, translation, lang", [
    ("12 states", "douze États", "fr"),
    ("the 5th session", "الدورة الخامسة", "ar"),
    ("the Fourth Review Conference", "la 4e Conférence de révision", "fr"),
    ("the 24th session", "الدورة الرابعة والعشرين", "ar"),
    ("the twenty-fourth session", "الدورة الـ24", "ar"),
    ("12 states", "من اثنتي عشرة دولة", "ar"),
    ("in 2023, 169.6 million", "عام ٢٠٢٣، ١٦٩٫٦ مليون", "ar"),
    ("the 21st session", "la vingt-et-unième session", "fr"),
    ("the first session", "la 1re session", "fr"),
    ("the 11th session", "الدورة الحادية عشرة", "ar"),
    ("the fifth session", "la 5.ª sesión", "es"),
    ("the 21st session", "la vigésima primera sesión", "es"),
])
def test_numbers_in_words_or_other_forms_match(original, translation, lang):
    assert numbers.differences(original, "en", translation, lang) == ([], [])


@pytest.mark.parametrize("original, translation, lang, expected", [
    ("12 states", "treize États", "fr", (["12"], [])),
    ("the 24th session", "الدورة الثالثة والعشرين", "ar", (["24"], [])),
    ("the Fourth Review Conference", "la 5e Conférence de révision", "fr", ([], ["5"])),
    ("20 and 21", "vingt et un", "fr", (["20"], [])),  # "un" of 21 is not a 1, nor 20
    ("169.6 million", "196,6 millions", "fr", (["169.6"], ["196,6"])),
])
def test_numbers_that_differ(original, translation, lang, expected):
    assert numbers.differences(original, "en", translation, lang) == expected


def test_a_number_that_differs_is_a_warning_at_both_lines(folder, house_style, capsys):
    found = problems(folder, house_style, "ar", lambda t: t.replace("اثنتا عشرة", "ثلاث عشرة"))
    assert len(found) == 1
    assert re.fullmatch(r".*ar\.md:5:1: warning: numbers differ: missing 12 "
                        r"\(original: .*en\.md:6:1\)", found[0])
    assert main(["check", str(folder)]) == 0
    assert "ar.md:5:1: warning: numbers differ" in capsys.readouterr().err


def test_a_dropped_url_or_citation_is_an_error_at_both_lines(folder, house_style):
    found = problems(folder, house_style, "fr", lambda t: t.replace(
        "2025.[@budget]", "2025.").replace("example.org/report", "example.org/rapport"))
    assert len(found) == 2
    assert re.fullmatch(r".*fr\.md:9:1: error: citation keys differ: missing budget "
                        r"\(original: .*en\.md:9:1\)", found[0])
    assert re.fullmatch(r".*fr\.md:10:1: error: URLs differ: missing https://example.org/report; "
                        r"extra https://example.org/rapport \(original: .*en\.md:10:1\)", found[1])


def test_a_dropped_footnote_call_is_an_error_at_both_lines(folder, capsys):
    fr = folder / "fr.md"
    fr.write_text(fr.read_text(encoding="utf-8").replace("session.[^rc]", "session."),
                  encoding="utf-8")
    assert main(["check", str(fr)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"fr\.md:5:1: error: footnote calls differ: missing \[\^rc\] "
                     r"\(original: .*en\.md:6:1\)", err)


def test_an_emptied_footnote_is_an_error(folder, house_style):
    found = problems(folder, house_style, "fr", lambda t: t.replace(
        "[^kampala]: <https://treaties.un.org/kampala>", "[^kampala]: <>"))
    assert len(found) == 1
    assert re.fullmatch(r".*fr\.md:16:1: error: footnote \[\^kampala\]: URLs differ: missing "
                        r"https://treaties.un.org/kampala \(original: .*en\.md:16:1\)", found[0])
    found = problems(folder, house_style, "ar", lambda t: t.replace(" [@asp]", ""))
    assert len(found) == 1 and "ar.md:17:1: error: footnote [^rc]: citation keys differ: " \
                               "missing asp" in found[0]


def test_a_footnote_call_may_move_within_its_sentence_only(tmp_path, house_style):
    folder = tmp_path / "calls"
    write_doc(folder, "---\ntitle: T\ndate: 2024-11-27\nindex: IOR 53/8787/2024\n---\n"
              "The Statute[^a] and the Convention[^b] apply. Both bind.[^c]\n\n"
              "[^a]: A.\n\n[^b]: B.\n\n[^c]: C.\n")
    write_doc(folder, "---\noriginal: en\ntitle: T\n---\nLa Convention[^b] et le Statut[^a] "
              "s'appliquent. Les deux lient.[^c]\n\n[^a]: A.\n\n[^b]: B.\n\n[^c]: C.\n", "fr.md")
    assert problems(folder, house_style, "fr") == []
    found = problems(folder, house_style, "fr", lambda t: t.replace(
        "le Statut[^a] s'appliquent. Les deux", "le Statut s'appliquent. Les deux[^a]"))
    assert len(found) == 1 and re.fullmatch(
        r".*fr\.md:5:1: error: footnote calls in another order: \[\^b\], \[\^a\], \[\^c\], "
        r"the original's \[\^a\], \[\^b\], \[\^c\] \(original: .*en\.md:6:1\)", found[0])


def test_a_second_original_is_an_error_with_the_fix(tmp_path, capsys):
    folder = tmp_path / "two"
    write_doc(folder)
    write_doc(folder, "---\ntitle: Un briefing minimal\ndate: 2024-11-27\n"
              "index: IOR 53/8787/2024\n---\nTexte avec une note.[^one]\n\n## Une section\n\n"
              "Suite.\n\n[^one]: <https://example.org/a/long/address>\n", "fr.md")
    for command in (["check"], ["translate", "status"]):
        assert main([*command, str(folder)]) == 1
        err = capsys.readouterr().err
        assert re.search(r"fr\.md:1:1: error: a second original beside en\.md \(a folder holds "
                         r"one document, in its languages\): if this is its translation, add "
                         r"`original: en` to its front matter", err)
        assert "en.md:1:1: error" not in err
    # The original is the one its translations name.
    write_doc(folder, "---\noriginal: fr\ntitle: T\n---\nنص مع ملاحظة.[^one]\n\n## قسم\n\n"
              "تتمة.\n\n[^one]: <https://example.org/a/long/address>\n", "ar.md")
    assert main(["check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"en\.md:1:1: error: a second original beside fr\.md.*`original: fr`", err)
    assert "fr.md:1:1: error" not in err


@pytest.mark.parametrize("record", ['{"units": 5', '{"units": 5}', "[1, 2]",
                                    '{"units": [{"id": 1}]}'])
def test_a_malformed_sync_record_is_a_located_error(folder, capsys, record):
    (folder / ".translations").mkdir(exist_ok=True)
    (folder / ".translations" / "fr.json").write_text(record)
    assert main(["translate", "status", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"{folder / '.translations' / 'fr.json'}:1:1: error: unreadable sync record" in err
    assert "Traceback" not in err
