"""Tests for pipeline.writers.pdf_footnotes (WeasyPrint footnote reporting, trap 3)."""
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import weasyprint
from weasyprint.layout import block

from pipeline.writers import pdf_footnotes as footnote_layout

FONT = Path(__file__).parents[1] / "styles/amnesty/fonts/NotoSans-Regular.ttf"
WORDS = (
    "rights detention tribunal evidence witness report council mandate protection civilians "
    "accountability investigation sanctions humanitarian access violations observers mission "
    "monitoring displacement refugees policy state obligations").split()


def briefing_html(size_pt: float, seed: int = 9) -> str:
    """40 paragraphs of 30-160 words, 16 footnotes with long URLs; with WeasyPrint as shipped,
    footnotes 14 and 15 land a page after their call at 10 pt (seed found by search)."""
    rnd = random.Random(seed)
    words = lambda low, high: [rnd.choice(WORDS) for _ in range(rnd.randint(low, high))]
    noted = set(rnd.sample(range(40), 16))
    paragraphs, number = [], 0
    for i in range(40):
        text = words(30, 160)
        if i in noted:
            number += 1
            at = rnd.randint(5, len(text) - 1)
            url = f"https://example.org/reports/{seed}/{number}/" + "-".join(words(4, 14))
            text[at] += (  # one line: a raw newline would become a forced break (trap 2)
                f'<a class="fnref" id="fnref-{number}"></a><span class="footnote" '
                f'id="fn-{number}">Source: {" ".join(words(3, 25))}, {url}.</span>')
        paragraphs.append(f"<p>{' '.join(text)}.</p>")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>
@font-face {{ font-family: Body; src: url({FONT.as_uri()}); }}
@page {{ size: A4; margin: 20mm; @footnote {{ border-top: 0.5pt solid; margin-top: 6pt; }} }}
body {{ font-family: Body; font-size: {size_pt}pt; line-height: 1.4; widows: 2; orphans: 2; }}
.footnote {{ float: footnote; footnote-policy: line; font-size: 8pt; margin-top: 2pt; }}
</style></head><body>{''.join(paragraphs)}</body></html>"""


@pytest.mark.e2e
def test_unpatched_weasyprint_misplaces_footnotes(tmp_path):
    # The patch is process-wide, so render with WeasyPrint as shipped in a fresh process.
    html = tmp_path / "briefing.html"
    html.write_text(briefing_html(10))
    script = (
        "import json, sys, weasyprint; from pipeline.writers import pdf_footnotes as footnote_layout; "
        "print(json.dumps(footnote_layout.misplaced_footnotes("
        "weasyprint.HTML(filename=sys.argv[1]).render())))")
    output = subprocess.run(
        [sys.executable, "-c", script, str(html)],
        capture_output=True, text=True, check=True).stdout
    assert json.loads(output) == [[14, 8, 9], [15, 9, 10]]


@pytest.mark.parametrize("size_pt", [9, 10, 11])
def test_patched_footnotes_start_on_their_call_page(size_pt):
    footnote_layout.apply()
    document = weasyprint.HTML(string=briefing_html(size_pt)).render()
    assert footnote_layout.misplaced_footnotes(document) == []


def test_apply_is_idempotent():
    footnote_layout.apply()
    patched = block._linebox_layout
    footnote_layout.apply()
    assert block._linebox_layout is patched


def test_apply_refuses_other_weasyprint(monkeypatch):
    monkeypatch.setattr(block, "_linebox_layout", lambda: None)  # an unpatched stand-in
    with pytest.raises(RuntimeError, match="upstream changed"):
        footnote_layout.apply()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match="pin changed"):
        footnote_layout.apply()
