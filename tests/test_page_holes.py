"""No page but the last leaves a hole: the text (with its footnotes) fills at least 75 % of
the text area of every page before the last, in every language of the sample, while every
footnote still starts on its call's page."""
from __future__ import annotations

import pytest
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox

from pipeline.writers import pdf_footnotes

MOST_EMPTY = 0.25


def empty_share(page) -> float:
    """The share of the page's text area below its last line of text and above its notes."""
    box = page._page_box
    top, bottom = box.content_box_y(), box.content_box_y() + box.height
    notes = [child for child in box.children if isinstance(child, FootnoteAreaBox)]
    floor = min([note.position_y for note in notes if note.children] or [bottom])
    root = next(child for child in box.children if child.element_tag == "html")
    lines = [line.position_y + line.height for line in root.descendants()
             if isinstance(line, LineBox)]
    return (floor - max(lines, default=top)) / (bottom - top)


@pytest.fixture(params=["en", "fr", "ar"])
def rendered(request, sample_layouts):
    return sample_layouts[request.param][1]


def test_no_page_but_the_last_is_more_than_a_quarter_empty(rendered):
    holes = {number: round(share, 2) for number, page in enumerate(rendered.pages[:-1], 1)
             if (share := empty_share(page)) > MOST_EMPTY}
    assert holes == {}


def test_every_footnote_still_starts_on_its_call_page(rendered):
    assert pdf_footnotes.misplaced_footnotes(rendered) == []
