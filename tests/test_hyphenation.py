"""Hyphenation within the house rule, read back from the PDF: never fewer than 3 letters
before a break; on a briefing, never more than 2 hyphenated lines in a row and at most 8 %
of body lines hyphenated. On the samples, and on a paragraph made of long words."""
from __future__ import annotations

import io
import re

import pypdf
import pytest

from conftest import write_doc
from pipeline.jobs import build
from pipeline.writers import pdf, pdf_preflight

LONG_WORDS = ("Intergovernmental accountability mechanisms notwithstanding, "
              "internationalisation of counterterrorism responsibilities institutionalises "
              "extraterritorial jurisdictional uncertainties. ") * 12
BROKEN = re.compile(r"(?<![/\w-])(\w+)[\u2010-]$")  # a word broken, not an address at its hyphen


def body_lines(pdf: bytes) -> list[str]:
    """The lines of running text (more than three words) of every page, in order."""
    return [line for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
            for line in page.extract_text().splitlines() if len(line.split()) > 3]


def check_house_rule(lines: list[str]) -> None:
    broken = [bool(BROKEN.search(line)) for line in lines]
    assert sum(broken) <= 0.08 * len(lines), f"{sum(broken)} of {len(lines)} lines hyphenated"
    assert "TTT" not in "".join("T" if b else "." for b in broken)  # 3 in a row
    check_breaks(lines)


def check_breaks(lines: list[str]) -> None:
    heads = [BROKEN.search(line)[1] for line in lines if BROKEN.search(line)]
    assert heads and [head for head in heads if len(head) < 3] == []


@pytest.mark.parametrize("language", ["ENGLISH", "FRENCH"])
def test_the_samples_are_hyphenated_within_the_house_rule(sample_pdfs, language):
    check_house_rule(body_lines(sample_pdfs[language].read_bytes()))


def test_paragraphs_of_long_words(tmp_path, house_style):
    """Words this long need many breaks: each keeps 3 letters before it, none falls on a
    page's last line, and no more than 2 lines in a row end in one (a word that would is
    kept whole and the document laid out again: CSS has no rule for either)."""
    body = "\n\n".join([LONG_WORDS] * 5)
    source = write_doc(tmp_path / "doc", "---\ntitle: Long words\ndate: 2024-01-02\n"
                       f"index: IOR 53/8787/2024\n---\n{body}\n")
    doc = build.load(source, house_style)
    document = pdf.layout(doc, house_style)
    assert len(document.pages) > 1 and pdf_preflight.badly_broken_words(document) == set()
    lines = body_lines(document.write_pdf())
    check_breaks(lines)
    assert "TTT" not in "".join("T" if BROKEN.search(line) else "." for line in lines)
