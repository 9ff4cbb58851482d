"""The standalone web page in real headless Chromium: self-contained, semantic, accessible,
readable at 360 and 1280 px, notes reachable and back. Screenshots go to
output/screenshots/ for a person to look at."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, write_doc
from pipeline.commands.cli import main

SCREENSHOTS = ROOT / "output" / "screenshots"
VAGUE = {"here", "click here", "link", "more", "read more", "this"}

# WCAG 2 contrast of every element's own text against the background painted behind it.
CONTRAST = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(c => { c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out.push([el.tagName + "." + el.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
  }
  return out;
}"""


class Visit:
    """A page opened at one width, with everything it logged and requested."""

    def __init__(self, browser, path: Path, width: int):
        self.console, self.failed, self.requests = [], [], []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda msg: self.console.append((msg.type, msg.text)))
        self.page.on("pageerror", lambda err: self.console.append(("error", str(err))))
        self.page.on("requestfailed", lambda req: self.failed.append(req.url))
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        self.page.evaluate("document.fonts.ready")


@pytest.fixture(scope="module", params=[360, 1280])
def visit(request, browser, sample_html):
    visit = Visit(browser, sample_html, request.param)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=SCREENSHOTS / f"{SAMPLE.name}-{request.param}.png")
    visit.page.screenshot(path=SCREENSHOTS / f"{SAMPLE.name}-{request.param}-full.png",
                          full_page=True)
    yield visit
    visit.page.close()


def test_output_name(sample_html):
    assert sample_html.name == "IOR5304122025ENGLISH.html"


def test_self_contained(visit):
    assert visit.console == [] and visit.failed == []
    assert all(url.startswith(("file:", "data:")) for url in visit.requests), visit.requests
    assert [url for url in visit.requests if url.startswith("file:")] == [visit.page.url]
    # The house fonts were loaded from the page itself.
    faces = visit.page.evaluate(
        "[...document.fonts].filter(f => f.status == 'loaded').map(f => f.family)")
    assert '"House Sans"' in faces or "House Sans" in faces


def test_semantic(visit, sample_doc):
    page = visit.page
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("html", "dir") == "ltr"
    for selector in ("body > header", "body > main", "main > section.notes", "body > footer"):
        assert page.locator(selector).count() == 1, selector
    levels = [int(tag[1]) for tag in page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "els => els.map(e => e.tagName)")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert page.title() == sample_doc.meta.title


def test_readable_width(visit):
    width = visit.page.viewport_size["width"]
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= width
    size = visit.page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 16
    line = visit.page.evaluate("document.querySelector('main p').getBoundingClientRect().width")
    assert line <= 48 * size  # no endless lines on a wide screen


def test_contrast_at_least_aa(visit):
    measured = visit.page.evaluate(CONTRAST)
    assert any(what.startswith("SPAN.unit-name") for what, _ in measured)  # white on black
    low = [(what, round(ratio, 2)) for what, ratio in measured if ratio < 4.5]
    assert low == []


def test_links_make_sense(visit):
    links = visit.page.eval_on_selector_all(
        "a", "els => els.map(a => [a.getAttribute('aria-label') || a.textContent.trim(), a.href])")
    assert links
    for name, href in links:
        assert name and name.lower() not in VAGUE, (name, href)


def test_note_calls_sit_tight_against_their_text(visit):
    """No space inside a call's box: "work²," not "work² ,"."""
    gaps = visit.page.eval_on_selector_all("sup.fnref", """sups => sups.map(sup => {
        const range = document.createRange();
        range.selectNodeContents(sup.firstElementChild.firstChild);  // the number's text
        const text = range.getBoundingClientRect(), box = sup.getBoundingClientRect();
        return box.width - text.width;
    })""")
    assert gaps and max(gaps) < 0.5


def test_note_calls_and_back_links(visit, sample_doc):
    page = visit.page
    calls = page.eval_on_selector_all("a[role=doc-noteref][id]", "els => els.map(a => a.hash)")
    assert calls == [f"#fn-{n.number}" for n in sample_doc.notes]
    backs = page.eval_on_selector_all("a[role=doc-backlink]", "els => els.map(a => a.hash)")
    assert backs == [f"#fnref-{n.number}" for n in sample_doc.notes]
    in_view = "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    for number in (1, len(sample_doc.notes)):
        page.click(f"#fnref-{number}")
        page.wait_for_function(f"location.hash == '#fn-{number}'")
        note = page.locator(f"#fn-{number}")
        assert note.evaluate(in_view)
        assert sample_doc.notes[number - 1].blocks[0].children and note.inner_text().strip()
        note.locator("a[role=doc-backlink]").click()
        page.wait_for_function(f"location.hash == '#fnref-{number}'")
        assert page.locator(f"#fnref-{number}").evaluate(in_view)


def test_print_stylesheet(browser, sample_html):
    visit = Visit(browser, sample_html, 1280)
    visit.page.emulate_media(media="print")
    assert visit.page.evaluate(
        "getComputedStyle(document.querySelector('.backref')).display") == "none"
    size = visit.page.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert abs(float(size.rstrip("px")) - 9.5 * 4 / 3) < 0.1  # the print size, 9.5pt
    pdf = visit.page.pdf()
    assert pdf.startswith(b"%PDF")
    visit.page.close()


def test_right_to_left_page(browser, tmp_path):
    source = write_doc(tmp_path / "doc", """\
        ---
        title: المحكمة الجنائية الدولية
        date: 2025-11-20
        index: IOR 53/0412/2025
        ---
        نص الفقرة الأولى وحاشية.[^a]

        [^a]: انظر <https://www.amnesty.org/ar/>
        """, name="ar.md")
    assert main(["build", str(source), "--format", "html", "--out", str(tmp_path / "out")]) == 0
    path = tmp_path / "out" / "doc" / "IOR5304122025ARABIC.html"
    text = path.read_text(encoding="utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', text)
    visit = Visit(browser, path, 360)
    assert visit.console == [] and visit.failed == []
    assert visit.page.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"
    families = visit.page.evaluate(
        "[...document.fonts].filter(f => f.status == 'loaded').map(f => f.family)")
    assert any("House Arabic" in family for family in families)
    visit.page.screenshot(path=SCREENSHOTS / "arabic-360.png")
    visit.page.close()


@pytest.mark.e2e
def test_two_builds_give_identical_bytes(sample_doc, house_style, monkeypatch):
    from fontTools.ttLib.tables import _h_e_a_d
    from pipeline.writers import html
    pages = []
    for clock in (None, 3_000_000_000):  # the second page made at another time
        if clock:
            monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: clock)
        pages.append(html.page(sample_doc, house_style).encode("utf-8"))
    assert "data:font/ttf;base64," in pages[0].decode()
    assert pages[0] == pages[1]
