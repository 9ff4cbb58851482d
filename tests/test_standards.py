"""Every web page and Word file passes its format's reference validator (validators.py): the
Nu HTML Checker at 0 errors and 0 warnings (CSS too), axe-core at 0 violations at a phone's
and a desktop's width, openxml-audit at 0 errors. On the sample in every language, and on a
draft of it that holds every kind of block (its translations then outdated), in both house
styles."""
from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

import validators
from conftest import SAMPLE
from pipeline.house import style as house_style
from pipeline.jobs import build

STYLES = ("amnesty", "plain")
LANGUAGES = ("en", "fr", "ar")
DOCUMENTS = ("sample", "draft")

EVERY_BLOCK = """
## Every kind of block

A paragraph with *emphasis*, **strong** text, `code`, a [link](https://example.org/a) and a bare
address, https://example.org/b, a hard\\
line break and a second call of a note.[^every]

[^every]: A note of two paragraphs, the first with a [link](https://example.org/c).

    The second paragraph of the note.

### A third-level heading

3. An ordered list that starts at three
4. with a nested list:
   - first
   - second

> A quotation.

```
code block
```

![A bar chart of the Court's budget](chart.png)

::: box
### Boxed title

Boxed text.
:::

::: box
A box without a title.
:::

---

| Left | Centre | Right |
|:-----|:------:|------:|
| a    | b      | 1     |
"""


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id) -> Path:
    """A folder of this run that every xdist worker shares: the pages are built, and checked
    by the Nu HTML Checker, once for all of them."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "standards"


def once(result: Path, make):
    """`make()` (JSON data), run by the first worker to come here and read by the others."""
    result.parent.mkdir(parents=True, exist_ok=True)
    with open(result.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            result.write_text(json.dumps(make()), encoding="utf-8")
        return json.loads(result.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def outputs(shared) -> dict[tuple[str, str, str], dict[str, Path]]:
    """(style, document, language) -> {"html": web page, "docx": Word file}: the sample, and
    a draft of it with every kind of block added to its English text, built in-process."""
    def make():
        draft = shared / "draft" / SAMPLE.name
        shutil.copytree(SAMPLE, draft)
        en = (draft / "en.md").read_text(encoding="utf-8")
        (draft / "en.md").write_text(en.replace("status: final", "status: draft") + EVERY_BLOCK,
                                     encoding="utf-8")
        Image.new("RGB", (40, 20), "#808080").save(draft / "chart.png")
        built = []
        for style in STYLES:
            house = house_style.load(style)
            for name, folder in (("sample", SAMPLE), ("draft", draft)):
                for lang in LANGUAGES:
                    doc = build.load(folder / f"{lang}.md", house)
                    files = build.build(doc, house, shared / style / name, ["html", "docx"])
                    built.append([style, name, lang, *map(str, files)])
        return built

    return {(style, name, lang): {"html": Path(page), "docx": Path(word)}
            for style, name, lang, page, word in once(shared / "outputs.json", make)}


@pytest.fixture(scope="session")
def vnu_report(outputs, shared) -> dict[Path, list[str]]:
    pages = [files["html"] for files in outputs.values()]
    report = once(shared / "vnu.json", lambda: {str(path): lines for path, lines
                                                 in validators.vnu(pages).items()})
    return {Path(path): lines for path, lines in report.items()}


CASES = [pytest.param(style, name, lang, id=f"{style}-{name}-{lang}")
         for style in STYLES for name in DOCUMENTS for lang in LANGUAGES]


@pytest.mark.parametrize("style, name, lang", CASES)
def test_html_valid_for_the_nu_html_checker(vnu_report, outputs, style, name, lang):
    assert vnu_report[outputs[style, name, lang]["html"]] == []


@pytest.mark.parametrize("width", validators.WIDTHS)
@pytest.mark.parametrize("style, name, lang", CASES)
def test_html_accessible_for_axe_core(browser, outputs, style, name, lang, width):
    assert validators.axe(browser, outputs[style, name, lang]["html"], width) == []


@pytest.mark.parametrize("style, name, lang", CASES)
def test_docx_valid_for_openxml_audit(outputs, style, name, lang):
    assert validators.openxml_audit(outputs[style, name, lang]["docx"]) == []


def test_the_validators_find_faults(tmp_path, browser, outputs):
    """Each validator, run as the tests run it, reports a planted fault."""
    page = outputs["amnesty", "sample", "en"]["html"].read_text(encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_text(page.replace('<li id="fn-1">', '<li role="doc-endnote" id="fn-1">', 1)
                   .replace("<style>", "<style>p { colour: red; }", 1), encoding="utf-8")
    found = validators.vnu([bad])[bad]
    assert any("error: An “li” element" in line for line in found)
    assert any("colour" in line for line in found)
    bad.write_text(page.replace('<html lang="en"', '<html', 1)
                   .replace("min-width: 24px; min-height: 24px;", ""), encoding="utf-8")
    found = validators.axe(browser, bad, 360)
    assert any(line.startswith("html-has-lang") for line in found)
    assert any(line.startswith("target-size") for line in found)  # the back-links, too small


def test_a_missing_validator_skips_here_and_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="Java is not installed"):
        validators.require(False, "Java is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="setup-machine test"):
        validators.require(False, "Java is not installed")
