"""The Markdown reader and transforms: what the source syntax becomes in the document model."""
from __future__ import annotations

import pytest

from conftest import MINIMAL, write_doc
from pipeline.jobs import build
from pipeline import model as m
from pipeline.errors import SourceError
from pipeline.transforms.tree import plain_text
from pipeline.writers import html

BIB = """\
@report{report,
  author = {{Amnesty International}},
  title = {A report},
  year = {2024},
  institution = {Amnesty International},
  index = {IOR 40/8247/2024},
}
@misc{other,
  author = {{Assembly of States Parties}},
  title = {A resolution},
  year = {2019},
  url = {https://example.org/resolution},
}
"""


def load(tmp_path, body: str, house_style, bib: str | None = BIB) -> m.Document:
    return build.load(write_doc(tmp_path / "doc", MINIMAL.split("Text with")[0] + body, bib=bib),
                      house_style)


def note_texts(doc) -> list[str]:
    return [" ".join(plain_text(p.children) for p in note.blocks) for note in doc.notes]


def test_notes_numbered_by_first_call_including_inline_notes_and_citations(tmp_path, house_style):
    doc = load(tmp_path, """\
First[^b] then ^[an *inline* note] then [@report] then[^a] and[^b] again.

[^a]: Note a.
[^b]: Note b, in two paragraphs.

    The second paragraph.
""", house_style)
    texts = note_texts(doc)
    assert texts[0] == "Note b, in two paragraphs. The second paragraph."
    assert texts[1] == "an inline note"
    assert texts[2].startswith("Amnesty International, ‘A report’")
    assert "IOR 40/8247/2024" in texts[2]
    assert texts[3] == "Note a."
    refs = [n for n in doc.blocks[0].children if isinstance(n, m.NoteRef)]
    assert [(r.number, r.first) for r in refs] == [(1, True), (2, True), (3, True), (4, True),
                                                    (1, False)]
    # The citation note's call sits on the word before it: "then³", not "then ³".
    assert doc.blocks[0].children[4] == m.Text(" then")
    assert isinstance(doc.blocks[0].children[5], m.NoteRef)


def test_citation_forms(tmp_path, house_style):
    doc = load(tmp_path, """\
One [@report, p. 12]. Two [@report; @other].[^n]

[^n]: See also [@other].
""", house_style)
    texts = note_texts(doc)
    assert "p. 12" in texts[0]
    assert "A report" in texts[1] and "A resolution" in texts[1] and "; " in texts[1]
    # Inside a note the reference is inserted in place, ending with a single full stop.
    assert texts[2].startswith("See also Assembly of States Parties, ‘A resolution’")
    assert not texts[2].endswith("..")


def test_a_note_starting_with_a_citation_starts_with_a_capital(tmp_path, house_style):
    doc = load(tmp_path, """\
One [see @other, para. 13]. Two.[^n] Three [cf. @report].

[^n]: [see @other] and more.
""", house_style)
    texts = note_texts(doc)
    assert [text[:4] for text in texts] == ["See ", "See ", "Cf. "]
    assert "para. 13" in texts[0] or "[13]" in texts[0]


def test_a_bracketed_handle_that_is_no_key_stays_text(tmp_path, house_style):
    doc = load(tmp_path, "Write to us [contact @rights_team on social media].\n", house_style)
    assert plain_text(doc.blocks[0].children) == (
        "Write to us [contact @rights_team on social media].")


def test_index_only_entry_links_to_its_document(tmp_path, house_style):
    doc = load(tmp_path, "Text [@report].\n", house_style)
    links = [n for n in doc.notes[0].blocks[0].children if isinstance(n, m.Link)]
    assert [link.url for link in links] == ["https://www.amnesty.org/en/documents/ior40/8247/2024/en/"]


def test_raw_html_is_never_passed_through(tmp_path, house_style):
    doc = load(tmp_path, 'Text <b onclick="x()">bold</b>\n\n<div class="evil">block</div>\n',
               house_style, bib=None)
    page = html.print_document(doc, house_style)
    assert "<b onclick" not in page and '<div class="evil">' not in page
    assert "&lt;b onclick=" in page and "&lt;div class=" in page


def test_tables_boxes_and_headings(tmp_path, house_style):
    doc = load(tmp_path, """\
## Section

::: box
### Box title
Boxed text.
:::

| Year | Budget |
|:-----|-------:|
| 2024 | 1.0 |
""", house_style, bib=None)
    heading, box, table = doc.blocks
    assert isinstance(heading, m.Heading) and heading.level == 2 and heading.id == "section"
    assert isinstance(box, m.Box) and isinstance(box.blocks[0], m.Heading)
    assert isinstance(table, m.Table)
    assert [c.align for c in table.head[0]] == ["left", "right"]
    assert plain_text(table.body[0][1].children) == "1.0"


def test_footnote_html_has_no_raw_newlines(sample_doc, house_style):
    page = html.print_document(sample_doc, house_style)
    for number in range(1, len(sample_doc.notes) + 1):
        start = page.index(f'<span class="footnote" id="fn-{number}">')
        end = page.index("</span></span>", start)
        assert "\n" not in page[start:end]


@pytest.mark.parametrize("body, words", [
    ("# A title heading\n", "title comes from the front matter"),
    ("Text.[^a]\n\n[^a]: Note.\n\n    - a list\n", "may hold only paragraphs"),
    ("Text [@report].\n", "citation but no bibliography"),
])
def test_reader_errors(tmp_path, house_style, body, words):
    with pytest.raises(SourceError) as error:
        load(tmp_path, body, house_style, bib=None)
    assert words in str(error.value)
    assert error.value.location.line >= 6


def test_typographic_quotes_and_dashes_in_text_only(tmp_path, house_style):
    doc = load(tmp_path, "The \"Court's\" work -- see <https://example.org/a--b's>.\n",
               house_style, bib=None)
    text = plain_text(doc.blocks[0].children)
    assert text.startswith("The “Court’s” work – see ")
    assert doc.blocks[0].children[-2].url == "https://example.org/a--b's"
