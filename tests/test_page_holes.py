"""No page but the last leaves a hole: the text (with its footnotes) fills at least 75 % of
the text area of every page before the last, in every language of the sample, while every
footnote still starts on its call's page. The hole is measured by preflight's layout check
(itself tested on a made hole in test_preflight.py)."""
from __future__ import annotations

import pytest

from pipeline.writers import pdf_footnotes, pdf_preflight


@pytest.fixture(params=["en", "fr", "ar"])
def rendered(request, sample_layouts):
    return sample_layouts[request.param][1]


def test_no_page_but_the_last_is_more_than_a_quarter_empty(rendered):
    holes = [str(finding) for finding in pdf_preflight.layout_findings(rendered)
             if "of the text area is empty" in finding.message]
    assert holes == []


def test_every_footnote_still_starts_on_its_call_page(rendered):
    assert pdf_footnotes.misplaced_footnotes(rendered) == []
