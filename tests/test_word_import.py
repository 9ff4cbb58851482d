"""`briefing import`: Word files back into sources (our DOCX after editing, tracked changes,
comments, hostile files). The foreign-DOCX test (made by LibreOffice) is in
`test_word_foreign.py`."""
from __future__ import annotations

import dataclasses
import difflib
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.parser import parse_xml
from docx.oxml.ns import nsdecls

from pipeline import limits, model as m
from pipeline.commands.cli import main
from pipeline.jobs import build, word_import
from pipeline.writers import markdown_layout, render

from conftest import SAMPLE, write_doc

SLUG = SAMPLE.name


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A documents project holding a copy of the sample, as the working folder."""
    (tmp_path / "briefing.toml").write_text("", encoding="utf-8")
    shutil.copytree(SAMPLE, tmp_path / "source" / SLUG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def built(source: Path, house) -> bytes:
    return render(build.load(source, house), house, "docx")


def comparable(doc: m.Document):
    """The document model without where things came from; a soft break is a space."""
    def clean(value):
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if isinstance(value, m.SoftBreak):
                return ("Text", {"text": " "})
            fields = {f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value)
                      if f.name not in ("location", "locations", "source")}
            return (type(value).__name__, fields)
        if isinstance(value, list):
            merged = []
            for item in map(clean, value):
                if merged and item[:1] == ("Text",) and merged[-1][:1] == ("Text",):
                    item = ("Text", {"text": merged.pop()[1]["text"] + item[1]["text"]})
                merged.append(item)
            return merged
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value
    return clean(doc)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_round_trip_gives_the_same_document(project, house_style, lang, tmp_path):
    """source -> DOCX -> Markdown (as written, before unchanged paragraphs are kept as they
    were) -> the same document model."""
    source = project / "source" / SLUG / f"{lang}.md"
    word = project / f"{lang}.docx"
    word.write_bytes(built(source, house_style))
    _, text = word_import.source_text(word, source, "en", house_style)
    copy = shutil.copytree(source.parent, tmp_path / "copy" / SLUG)
    (copy / f"{lang}.md").write_text(text, encoding="utf-8")
    after = build.load(copy / f"{lang}.md", house_style)
    assert comparable(after) == comparable(build.load(source, house_style))
    # citations come back as citations, inline notes as inline notes, labels as they were
    for written in ("[@icc-bashir-2019]", "[@ai-budget-2024, p. 12]",
                    "[@akande-2009; @icc-bashir-2019]", "^[", "[^ljubljana]", "::: box"):
        assert written in text


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_an_unedited_word_file_changes_nothing(project, house_style, lang, capsys):
    source = project / "source" / SLUG / f"{lang}.md"
    word = project / f"{lang}.docx"
    word.write_bytes(built(source, house_style))
    assert main(["import", str(word), f"source/{SLUG}", "--lang", lang, "--write"]) == 0
    assert "no change" in capsys.readouterr().out
    assert source.read_bytes() == (SAMPLE / f"{lang}.md").read_bytes()


def edited(data: bytes, old: str, new: str, part: str = "word/document.xml") -> bytes:
    """The DOCX `data` with `old` replaced by `new` in the XML of `part` (the body's)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode(), 1)
            target.writestr(info, content)
    return out.getvalue()


def test_an_edit_in_word_is_a_diff_and_written_only_with_write(project, house_style, capsys):
    source = project / "source" / SLUG / "en.md"
    original = source.read_text(encoding="utf-8")
    word = project / "edited.docx"
    word.write_bytes(edited(built(source, house_style), "acute strain", "grave strain"))
    assert main(["import", str(word), f"source/{SLUG}"]) == 0
    out = capsys.readouterr().out
    assert "-This paper sets out" in out and "+This paper sets out" in out
    assert "grave strain" in out and "not written" in out
    assert sum(line.startswith(("-", "+")) and not line.startswith(("---", "+++"))
               for line in out.splitlines()) == 2  # one paragraph, old and new
    assert source.read_text(encoding="utf-8") == original
    assert main(["import", str(word), f"source/{SLUG}", "--write"]) == 0
    assert source.read_text(encoding="utf-8") == original.replace("acute strain", "grave strain")


def test_an_edit_keeps_the_sources_windows_line_endings(project, house_style, capsys):
    source = project / "source" / SLUG / "en.md"
    source.write_bytes(source.read_bytes().replace(b"\n", b"\r\n"))
    original = source.read_bytes()
    word = project / "edited.docx"
    word.write_bytes(edited(built(source, house_style), "acute strain", "grave strain"))
    assert main(["import", str(word), f"source/{SLUG}", "--write"]) == 0
    written = source.read_bytes()
    assert written.count(b"\n") == written.count(b"\r\n") == original.count(b"\r\n")
    assert written == original.replace(b"acute strain", b"grave strain")


def test_a_citation_whose_reference_changed_comes_back_as_text(project, house_style):
    folder = project / "source" / SLUG
    word = project / "en.docx"
    word.write_bytes(built(folder / "en.md", house_style))
    bib = folder / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("Judgment in the {Jordan} Referral", "Judgment on the Referral"),
                   encoding="utf-8")
    assert main(["import", str(word), f"source/{SLUG}", "--write"]) == 0
    source = (folder / "en.md").read_text(encoding="utf-8")
    assert "[@icc-bashir-2019]" not in source  # its note no longer matches: kept as text
    assert "[@ai-sanctions-2025]" in source


def test_a_note_edited_in_word_keeps_the_citation_inside_it(project, house_style):
    source = project / "source" / SLUG / "en.md"
    word = project / "en.docx"
    word.write_bytes(edited(built(source, house_style), "Assembly procedures relating",
                            "The Assembly’s procedures relating", "word/footnotes.xml"))
    assert main(["import", str(word), f"source/{SLUG}", "--write"]) == 0
    assert "[^noncoop]: The Assembly's procedures relating to non-cooperation, annexed to the " \
        "Assembly's omnibus resolution. See also [@asp-res-17-5]" in source.read_text()


def test_a_new_document_from_word(project, house_style, capsys):
    word = project / "draft.docx"
    word.write_bytes(built(project / "source" / SLUG / "en.md", house_style))
    assert main(["import", str(word), "--slug", "draft"]) == 0
    source = project / "source" / "draft" / "en.md"
    doc = build.load(source, house_style)
    assert doc.meta.title == "24th Session of the Assembly of States Parties to the Rome Statute"
    assert str(doc.meta.index) == "IOR 53/0412/2025" and doc.meta.unit["web"]
    assert doc.meta.date.isoformat() == "2025-11-20" and doc.meta.kind == "Key recommendations"
    assert len(doc.notes) == 25  # no bibliography here: the citations' notes as text


def test_a_new_translation_from_word_gets_its_original_citations_and_the_check(
        project, house_style, capsys):
    folder = project / "source" / SLUG
    before = build.load(folder / "fr.md", house_style)
    data = built(folder / "fr.md", house_style)
    word = project / "fr.docx"
    word.write_bytes(data)
    (folder / "fr.md").unlink()
    assert main(["import", str(word), f"source/{SLUG}", "--lang", "fr"]) == 0  # check passes
    text = (folder / "fr.md").read_text(encoding="utf-8")
    assert text.startswith("---\noriginal: en\ntitle: 24e session")
    assert "index:" not in text and "date:" not in text  # inherited from the original
    # citations formatted in French are found, in the text and inside notes; labels as the
    # original's
    for written in ("[@akande-2009; @icc-bashir-2019]", "[@asp-res-17-5]", "[^ljubljana]"):
        assert written in text
    assert comparable(build.load(folder / "fr.md", house_style)) == comparable(before)
    # a translation that lost a note call fails the check (and is written, to be fixed)
    (folder / "fr.md").unlink()
    word.write_bytes(edited(data, '<w:footnoteReference w:id="2"/>', ""))
    assert main(["import", str(word), f"source/{SLUG}", "--lang", "fr"]) == 1
    assert "has no counterpart in the original" in capsys.readouterr().err
    assert (folder / "fr.md").is_file()


# Tracked changes and comments ----------------------------------------------------------

REVISIONS = (
    f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
    '<w:ins w:id="901" w:author="Ann Editor" w:date="2025-01-01T00:00:00Z"><w:r>'
    '<w:t>added words</w:t></w:r></w:ins><w:del w:id="902" w:author="Bob Reviewer">'
    '<w:r><w:delText>removed words</w:delText></w:r></w:del></w:p>',
    f'<w:p {nsdecls("w")}><w:moveFrom w:id="903" w:author="Cy Mover"><w:r><w:t>A moved '
    'sentence.</w:t></w:r></w:moveFrom></w:p>',
    f'<w:p {nsdecls("w")}><w:r><w:t>Last paragraph.</w:t></w:r><w:moveTo w:id="904" '
    'w:author="Cy Mover"><w:r><w:t xml:space="preserve"> A moved sentence.</w:t></w:r>'
    '</w:moveTo></w:p>',
)


def with_revisions(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    for xml in REVISIONS:
        body.insert(len(body) - 1, parse_xml(xml))
    first = document.paragraphs[4]  # the first body paragraph, after the masthead
    document.add_comment(first.runs[:1], text="Is this still true?", author="Dee Checker")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def revised(project, house_style) -> Path:
    word = project / "revised.docx"
    word.write_bytes(with_revisions(built(project / "source" / SLUG / "en.md", house_style)))
    return word


def test_tracked_changes_are_refused_each_named(revised, capsys):
    assert main(["import", str(revised), "--slug", "revised"]) == 1
    err = capsys.readouterr().err
    assert "4 tracked change(s)" in err and "--accept-changes" in err
    assert "inserted 'added words' by Ann Editor" in err
    assert "deleted 'removed words' by Bob Reviewer" in err
    assert "moved away 'A moved sentence.' by Cy Mover" in err
    assert "moved here ' A moved sentence.' by Cy Mover" in err
    assert "Traceback" not in err
    assert not Path("source/revised").exists()


@pytest.mark.parametrize("how, kept, gone", [
    ("--accept-changes", "Kept added words\n\nLast paragraph. A moved sentence.", "removed words"),
    ("--reject-changes", "Kept removed words\n\nA moved sentence.\n\nLast paragraph.\n",
     "added words"),
])
def test_tracked_changes_accepted_or_rejected(revised, how, kept, gone, capsys):
    assert main(["import", str(revised), "--slug", "revised", how]) == 0
    text = Path("source/revised/en.md").read_text(encoding="utf-8")
    assert kept in text and gone not in text
    err = capsys.readouterr().err
    assert "by Ann Editor" in err  # each resolved change is reported
    assert "paragraph 5: comment by Dee Checker on 'This paper sets out Amnesty " \
        "International’s': Is this still true?" in err


# Hostile and broken files --------------------------------------------------------------

def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def replaced(data: bytes, name: str, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = change(entries.get(name, b""))
    return zipped(entries)


@pytest.mark.parametrize("make, suffix, message", [
    (lambda d: b"plain text, not a zip", ".docx", "not a zip archive"),
    (lambda d: zipped({"hello.txt": b"hi"}), ".docx", "not a Word document"),
    (lambda d: d, ".docm", "macro-enabled"),
    (lambda d: replaced(d, "word/vbaProject.bin", lambda _: b"\0" * 10), ".docx",
     "macro-enabled"),
    (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
     + "EncryptionInfo".encode("utf-16-le"), ".docx", "password-protected"),
    (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".docx", "Word 97-2003"),
    (lambda d: replaced(d, "word/document.xml", lambda x: x.replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY e "x">]>', 1)), ".docx", "DOCTYPE"),
    (lambda d: replaced(d, "word/media/huge.png", lambda _: b"\0" * (limits.WORD_PART_BYTES + 1)),
     ".docx", "zip bomb"),
    (lambda d: d + os.urandom(limits.WORD_BYTES), ".docx", "more than the 20 MiB limit"),
])
def test_bad_files_are_one_line_errors(project, house_style, capsys, make, suffix, message):
    word = project / f"bad{suffix}"
    word.write_bytes(make(built(project / "source" / SLUG / "en.md", house_style)))
    assert main(["import", str(word), "--slug", "bad"]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"{word}: error: ")
    assert not (project / "source" / "bad").exists()


@pytest.mark.parametrize("title", [
    '<w:pStyle w:val="BoxTitle"/><w:outlineLvl w:val="1"/>',  # in Word's navigation pane
    '<w:pStyle w:val="Heading2"/><w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/>',
])
def test_a_box_title_as_a_styled_paragraph_or_a_heading(project, house_style, title):
    source = project / "source" / SLUG / "en.md"
    before = build.load(source, house_style)
    word = project / "boxed.docx"
    word.write_bytes(edited(built(source, house_style), '<w:pStyle w:val="BoxTitle"/>', title))
    assert main(["import", str(word), f"source/{SLUG}", "--write"]) == 0
    assert comparable(build.load(source, house_style)) == comparable(before)


RICH = """\
---
title: Everything the model holds
kind: Briefing
date: 2024-11-27
index: IOR 53/8787/2024
status: draft
---
A paragraph with *emphasis*, **strong *and nested* text**, `code`, a [link with *emphasis*](https://example.org/a)
and a line\\
break, a note[^a] and an inline note^[Inline, with a [link](https://example.org/b).], a second
call of the first note[^a], and characters Markdown would read: 2 * 3, a_b_c, [brackets], <tag>, "quotes" & #hash.

1986\\. A year that starts a paragraph, not a list.

## A section

1. First, with a paragraph of its own.

   A second paragraph in the first item.
2. Second
   - nested bullet
     1. deeper, numbered
   - another bullet
3. Third

5. A list that starts at five
6. and goes on

- A bullet list right after

> A quotation with *emphasis*.

```
code block
  indented
```

---

### A subsection

| Left | Centre | Right |
|:-----|:------:|------:|
| a | *b* | 1 |
| c | d[^b] | 2 |

![A red square](red.png)

::: box
### Boxed
Text in a box with a note.[^c]

- a list in the box
- that ends it
:::

[^a]: The first note, with *emphasis*.

    And a second paragraph.

[^b]: A note in a table.

[^c]: A note in a box.
"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_round_trip_of_every_kind_of_block_and_inline(tmp_path, house_style, lang):
    from PIL import Image

    from conftest import write_doc

    source = write_doc(tmp_path / "rich", RICH, name=f"{lang}.md")
    Image.new("RGB", (40, 40), (255, 0, 0)).save(source.parent / "red.png")
    before = build.load(source, house_style)
    word = tmp_path / "rich.docx"
    word.write_bytes(render(before, house_style, "docx"))
    imported, text = word_import.source_text(word, source, "", house_style)
    assert imported.pictures == {}  # the picture is red.png, already there
    copy = shutil.copytree(source.parent, tmp_path / "copy" / "rich")
    (copy / f"{lang}.md").write_text(text, encoding="utf-8")
    assert comparable(build.load(copy / f"{lang}.md", house_style)) == comparable(before)


def test_what_cannot_be_carried_over_is_named(project, house_style, capsys):
    source = project / "source" / SLUG / "en.md"
    equation = ('<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
                '<m:r><m:t>x</m:t></m:r></m:oMath>')
    word = project / "maths.docx"
    word.write_bytes(edited(built(source, house_style), "The general debate is the one",
                            f"The general debate is the one</w:t></w:r>{equation}<w:r><w:t>"))
    assert main(["import", str(word), "--slug", "maths"]) == 0
    err = capsys.readouterr().err
    assert "paragraph 7 ('The general debate is the one moment in the year when state…'): " \
        "warning: left out: m:oMath" in err


def test_a_word_file_made_from_builtin_styles(project, house_style, capsys):
    """python-docx's default template stands for Word: Title, Heading n, List Bullet/Number,
    Quote, a picture; no index anywhere, so the front matter lacks one, with a warning."""
    from PIL import Image

    picture = project / "dot.png"
    Image.new("RGB", (30, 30), (0, 0, 255)).save(picture)
    document = docx.Document()
    document.core_properties.created = __import__("datetime").datetime(2025, 2, 3)
    document.add_paragraph("Workers in the fields", style="Title")
    document.add_heading("Background", level=1)
    document.add_paragraph("Two points:")
    document.add_paragraph("first", style="List Number")
    document.add_paragraph("second", style="List Number")
    document.add_paragraph("a bullet", style="List Bullet")
    document.add_paragraph("a nested bullet", style="List Bullet 2")
    document.add_paragraph("Quoted words.", style="Quote")
    document.add_paragraph().add_run().add_picture(str(picture))
    word = project / "builtin.docx"
    document.save(word)
    assert main(["import", str(word), "--slug", "fields"]) == 1  # written, but no index
    err = capsys.readouterr().err
    assert "warning: no index found for the front matter: add 'index:' by hand" in err
    assert "does not build yet" in err
    text = (project / "source" / "fields" / "en.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Workers in the fields\ndate: 2025-02-03\n---\n")
    assert ("## Background\n\nTwo points:\n\n1. first\n2. second\n\n- a bullet\n"
            "  - a nested bullet\n\n> Quoted words.\n\n![](image-1.png)\n") in text
    assert (project / "source" / "fields" / "image-1.png").read_bytes() == picture.read_bytes()


def test_a_date_changed_in_the_footer_is_the_new_date(project, house_style, capsys):
    folder = project / "source" / SLUG
    changes = (("en", "20 November 2025", "3 December 2025"),
               ("fr", "20 novembre 2025", "4 décembre 2025"))
    for lang, old, new in changes:
        (project / f"{lang}.docx").write_bytes(edited(built(folder / f"{lang}.md", house_style),
                                                      old, new, "word/footer1.xml"))
    for lang, _, _ in changes:
        assert main(["import", str(project / f"{lang}.docx"), f"source/{SLUG}", "--lang", lang,
                     "--write"]) == 0
    assert "\ndate: 2025-12-03\n" in (folder / "en.md").read_text(encoding="utf-8")
    # a translation takes its original's date: said, not written
    assert "date:" not in (folder / "fr.md").read_text(encoding="utf-8")
    assert "warning: the date 2025-12-04 is the original's (en.md) in a translation: " \
        "change it there" in capsys.readouterr().err


# The source's layout kept -------------------------------------------------------------

SECTIONS = [  # a briefing of our own, wrapped at 78 columns: blocks by section
    ["""Authorities in the region have used emergency powers to restrict peaceful
protest for more than two years.[^1] This briefing documents how those powers
were applied, and what parliament can still do before they are renewed."""],
    ["## Background",
     """The emergency decree was first adopted after floods displaced thousands of
families in the northern provinces.[^2] Within weeks, police began to rely on it
to disperse gatherings that had nothing to do with the floods, including a
vigil held by relatives of detained journalists.[^3]""",
     """::: box
### What the decree allows
The decree gives provincial governors the power to:

- ban any public gathering of more than five people;
- detain organizers for up to fourteen days without charge.[^4]
:::"""],
    ["## Findings",
     """We interviewed sixty-two people in four provinces, among them protesters,
journalists, lawyers and two former police officers.[^5] Their accounts are
consistent: gatherings were dispersed without warning, and those detained were
rarely told why.""",
     """Several of them described being held in a sports hall converted into a
detention site.[^6] The authorities did not reply to our letter.[^7]"""],
]
DEFINITIONS = {
    "1": "[^1]: Decree No. 14 on the coordination of emergency relief, published in the\n"
         "    Official Gazette on 3 March.",
    "2": "[^2]: Figures of the national disaster agency.",
    "3": "[^3]: Interview with the sister of a detained journalist, held by video call\n"
         "    on 12 May.",
    "4": "[^4]: Article 6 of the decree; the period may be renewed once.",
    "5": "[^5]: The interviews were held in person and by secure video call. The names\n"
         "    of those interviewed are withheld at their request.",
    "6": "[^6]: Interviews with four former detainees, held in August.",
    "7": "[^7]: Letter to the Ministry of the Interior, sent on 1 September,\n"
         "    <https://example.org/letters/2024/09/01/letter-to-the-ministry-of-the-interior"
         "-on-the-emergency-decree.pdf>\n"
         "    (the ministry's reference).",
}


def laid_out(placement: str) -> str:
    """The briefing with its note definitions at the `end`, `after` the block calling
    them, at the end of each section (`sections`), or `mixed` (after the first section's
    blocks, the others at the end)."""
    parts, waiting = [], []
    for number, section in enumerate(SECTIONS):
        for block in section:
            parts.append(block)
            called = [DEFINITIONS[label] for label in re.findall(r"\[\^(\w+)\]", block)]
            if placement == "after" or placement == "mixed" and number == 0:
                parts += called
            else:
                waiting += called
        if placement == "sections":
            parts += waiting
            waiting = []
    return ("---\ntitle: Emergency powers against peaceful protest\nkind: Briefing\n"
            "date: 2024-11-27\nindex: IOR 53/8787/2024\n---\n\n"
            + "\n\n".join(parts + waiting) + "\n")


def imported(source: Path, data: bytes, house) -> str:
    """What `briefing import` writes over `source` from the Word file `data`."""
    word = source.parent.parent / "edited.docx"
    word.write_bytes(data)
    _, text = word_import.source_text(word, source, "", house)
    return markdown_layout.kept(source.read_text(encoding="utf-8"), text, house.labels("en"))


def changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines `new` has not of `old`'s, and those it has that `old` has not."""
    diff = list(difflib.ndiff(old.split("\n"), new.split("\n")))
    return ([line[2:] for line in diff if line.startswith("- ")],
            [line[2:] for line in diff if line.startswith("+ ")])


@pytest.fixture
def briefing(tmp_path, house_style, request) -> Path:
    return write_doc(tmp_path / "source" / "powers", laid_out(request.param))


@pytest.mark.parametrize("briefing", ["end", "after", "sections", "mixed"], indirect=True)
def test_an_unedited_round_trip_gives_the_source_byte_for_byte(briefing, house_style):
    text = imported(briefing, built(briefing, house_style), house_style)
    assert text == briefing.read_text(encoding="utf-8")


def test_an_edit_in_a_list_in_a_box_changes_its_line(tmp_path, house_style):
    source = write_doc(tmp_path / "source" / "powers", laid_out("end"))
    data = edited(built(source, house_style), "up to fourteen days", "up to ten days")
    assert changes(source.read_text(encoding="utf-8"), imported(source, data, house_style)) == (
        ["- detain organizers for up to fourteen days without charge.[^4]"],
        ["- detain organizers for up to ten days without charge.[^4]"])


def boxed_note() -> str:
    """The briefing with note 4's definition inside the box that calls it, at its end."""
    return laid_out("end").replace(f"{DEFINITIONS['4']}\n\n", "").replace(
        "without charge.[^4]\n:::", f"without charge.[^4]\n\n{DEFINITIONS['4']}\n:::")


@pytest.mark.parametrize("old, new, part, removed, added", [
    (None, None, None, [], []),  # unedited: byte for byte
    ("sixty-two people", "seventy people", "word/document.xml",  # outside the box
     ["We interviewed sixty-two people in four provinces, among them protesters,"],
     ["We interviewed seventy people in four provinces, among them protesters,"]),
    ("up to fourteen days", "up to ten days", "word/document.xml",  # in the box
     ["- detain organizers for up to fourteen days without charge.[^4]"],
     ["- detain organizers for up to ten days without charge.[^4]"]),
    ("renewed once", "renewed twice", "word/footnotes.xml",  # the definition in the box
     [DEFINITIONS["4"]], [DEFINITIONS["4"].replace("once", "twice")]),
    ('<w:footnoteReference w:id="4"/>', "", "word/document.xml",  # its call removed
     ["- detain organizers for up to fourteen days without charge.[^4]", "",
      DEFINITIONS["4"]],
     ["- detain organizers for up to fourteen days without charge."]),
])
def test_a_definition_inside_a_box_stays_there(tmp_path, house_style, old, new, part,
                                               removed, added):
    source = write_doc(tmp_path / "source" / "powers", boxed_note())
    data = built(source, house_style)
    if old:
        data = edited(data, old, new, part)
    assert changes(source.read_text(encoding="utf-8"), imported(source, data, house_style)) == (
        removed, added)


def test_a_definition_inside_a_box_goes_to_its_end_when_the_box_is_edited(tmp_path,
                                                                          house_style):
    """Written before the box's list, it cannot keep its place among lines the edit may
    have moved: it goes to the box's end, still inside."""
    text = laid_out("end").replace(f"{DEFINITIONS['4']}\n\n", "").replace(
        "governors the power to:\n", f"governors the power to:\n\n{DEFINITIONS['4']}\n")
    source = write_doc(tmp_path / "source" / "powers", text)
    data = edited(built(source, house_style), "up to fourteen days", "up to ten days")
    assert imported(source, data, house_style) == text.replace(
        f"power to:\n\n{DEFINITIONS['4']}\n", "power to:\n").replace(
        "up to fourteen days without charge.[^4]\n:::",
        f"up to ten days without charge.[^4]\n\n{DEFINITIONS['4']}\n:::")


@pytest.mark.parametrize("placement", ["end", "after"])
def test_one_word_edited_in_a_wrapped_paragraph_changes_its_line(tmp_path, house_style,
                                                                  placement):
    source = write_doc(tmp_path / "source" / "powers", laid_out(placement))
    data = edited(built(source, house_style), "sixty-two people", "seventy people")
    assert changes(source.read_text(encoding="utf-8"), imported(source, data, house_style)) == (
        ["We interviewed sixty-two people in four provinces, among them protesters,"],
        ["We interviewed seventy people in four provinces, among them protesters,"])


def test_a_line_that_grows_is_reflowed_to_the_sources_width(tmp_path, house_style):
    """Past the source's width (its longest line ending at a soft break, 79; a long address
    alone on its line is none), into as few lines as that allows, of even lengths; the lines
    around unchanged."""
    source = write_doc(tmp_path / "source" / "powers", laid_out("end"))
    data = edited(built(source, house_style), "dispersed without warning",
                  "dispersed by riot police without warning")
    assert changes(source.read_text(encoding="utf-8"), imported(source, data, house_style)) == (
        ["consistent: gatherings were dispersed without warning, and those detained were"],
        ["consistent: gatherings were dispersed by riot",
         "police without warning, and those detained were"])


def with_note(data: bytes, after: str, text: str) -> bytes:
    """The DOCX `data` with a footnote holding `text` called after the words `after`."""
    call = ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            '<w:footnoteReference w:id="90"/></w:r>')
    note = ('<w:footnote w:id="90"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r>'
            '<w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r>'
            f'<w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    data = edited(data, after, f"{after}</w:t></w:r>{call}<w:r><w:t xml:space=\"preserve\">")
    return edited(data, "</w:footnotes>", note, "word/footnotes.xml")


CALLING = "journalists, lawyers and two former police officers.[^5] Their accounts are"


@pytest.mark.parametrize("placement, around", [
    ("end", (DEFINITIONS["4"], DEFINITIONS["5"])),  # with the others, in the order of calls
    ("after", ("rarely told why.", DEFINITIONS["5"])),  # after its block, in the order of calls
])
def test_a_note_added_in_word_goes_where_the_source_puts_its_notes(tmp_path, house_style,
                                                                   placement, around):
    source = write_doc(tmp_path / "source" / "powers", laid_out(placement))
    data = with_note(built(source, house_style), "and two former police officers.",
                     "A note added in Word.")
    old = source.read_text(encoding="utf-8")
    # the new label is the next free one; its call's line is within the source's width (79)
    called = old.replace(CALLING, CALLING.replace(".[^5]", ".[^8][^5]"))
    before, after = around
    assert imported(source, data, house_style) == called.replace(
        f"{before}\n\n{after}", f"{before}\n\n[^8]: A note added in Word.\n\n{after}")


@pytest.mark.parametrize("placement", ["end", "after"])
def test_a_note_removed_in_word_takes_its_definition_away(tmp_path, house_style, placement):
    source = write_doc(tmp_path / "source" / "powers", laid_out(placement))
    data = edited(built(source, house_style), '<w:footnoteReference w:id="6"/>', "")
    old = source.read_text(encoding="utf-8")
    assert imported(source, data, house_style) == old.replace(
        "detention site.[^6]", "detention site.").replace(f"{DEFINITIONS['6']}\n\n", "")


def test_a_note_added_and_another_removed_leave_the_others_labels(tmp_path, house_style):
    source = write_doc(tmp_path / "source" / "powers", laid_out("end"))
    data = edited(built(source, house_style), '<w:footnoteReference w:id="6"/>', "")
    data = with_note(data, "including a", "A note added in Word.")
    old = source.read_text(encoding="utf-8")
    assert imported(source, data, house_style) == old.replace(
        "detention site.[^6]", "detention site.").replace(f"{DEFINITIONS['6']}\n\n", "").replace(
        "including a\n", "including a[^8]\n").replace(
        f"{DEFINITIONS['2']}\n\n", f"{DEFINITIONS['2']}\n\n[^8]: A note added in Word.\n\n")


def test_a_piece_that_would_read_otherwise_in_the_sources_wrapping_is_the_writers(
        house_style):
    """The source's hard break taken where Word moved it would add a second one: another
    text, so the writer's lines are written (its hard break typed as the source types it)."""
    from pipeline.writers.markdown import typesetter

    typeset = typesetter(house_style.labels("en"))
    assert markdown_layout.rewrapped("A line and the\\\nnext one", "A line  \nand the next",
                                     typeset) == "A line and the  \nnext one"
    assert markdown_layout.rewrapped("A line and the next one", "A line\nand the next",
                                     typeset) == "A line\nand the next one"  # read the same


@pytest.mark.parametrize("old, new, kept", [
    ("A line  \nand the next", "A line\\\nand the next one", "A line  \nand the next one"),
    ("A line\\\nand the next", "A line\\\nand the next one", "A line\\\nand the next one"),
    ("A path C:\\\\  \nand the next", "A path C:\\\\\\\nand the next one",
     "A path C:\\\\  \nand the next one"),  # an escaped backslash before the break
    ("    code  \n    more", "    code\\\n    more!", "    code\\\n    more!"),  # no break there
])
def test_an_edited_piece_types_its_hard_breaks_as_the_source_does(house_style, old, new, kept):
    from pipeline.writers.markdown import typesetter

    typeset = typesetter(house_style.labels("en"))
    assert markdown_layout.rewrapped(new, old, typeset) == kept


def test_a_hard_break_typed_with_two_spaces_stays_so_in_a_paragraph_edited_in_word(
        tmp_path, house_style):
    source = write_doc(tmp_path / "source" / "powers", laid_out("end").replace(
        "journalists, lawyers", "journalists,  \nlawyers"))
    data = edited(built(source, house_style), "sixty-two", "seventy")
    old = source.read_text(encoding="utf-8")
    assert "journalists,  \nlawyers" in old
    assert changes(old, imported(source, data, house_style)) == (
        ["We interviewed sixty-two people in four provinces, among them protesters,"],
        ["We interviewed seventy people in four provinces, among them protesters,"])


def test_a_paragraph_added_in_word_is_filled_to_the_sources_width(tmp_path, house_style):
    """After the block before it and that block's definitions; its lines as long as the
    source's (79), never starting with what would open a block."""
    source = write_doc(tmp_path / "source" / "powers", laid_out("after"))
    document = docx.Document(io.BytesIO(built(source, house_style)))
    before = next(p for p in document.paragraphs if p.text.startswith("We interviewed"))
    added = "Some of them had been held before, in 2023 and 2024, for taking part in vigils " \
            "- a dash that would open a list at the start of a line - and marches."
    before._p.addnext(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>{added}</w:t></w:r></w:p>'))
    out = io.BytesIO()
    document.save(out)
    old = source.read_text(encoding="utf-8")
    anchor = f"{DEFINITIONS['5']}\n\n"
    assert imported(source, out.getvalue(), house_style) == old.replace(anchor, anchor + (
        "Some of them had been held before, in 2023 and 2024, for taking part in vigils -\n"
        "a dash that would open a list at the start of a line - and marches.\n\n"))
