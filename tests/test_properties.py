"""Random sources through the checks `briefing check` runs and the HTML writer: whatever the
input, the outcome is a document or a SourceError with a location, never another exception."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import MINIMAL
from pipeline.jobs import build
from pipeline.errors import SourceError
from pipeline.model import Location
from pipeline.writers import html

FRONT, BODY = MINIMAL.split("---\n")[1], MINIMAL.split("---\n", 2)[2]

MARKDOWN = st.sampled_from([
    "## ", "### ", "# ", "- ", "* ", "1. ", "3) ", "> ", "::: box\n", ":::\n", "*", "_", "**",
    "[", "]", "(", ")", "![", "](", "[^n]", "[^n]: ", "^[", "[@known]", "[@known, p. 3]",
    "[@missing]", "`", "```\n", "|", " | ", "|---|\n", "---\n", "***\n", "\n", "\n\n", "    ",
    "  ", "<", ">", "&amp;", "{{ x }}", "{% if %}", "\\", "<https://example.org>", "text",
    "é", "\t", "\r\n", "\ufeff", "999999999999. ", "pic.png", "../x.png", "[x]: /url\n",
])
YAML = st.sampled_from([
    "title", "date", "index", "kind", "event", "short_title", "unit", "bibliography", "status",
    "keywords", "titel", ": ", ":", "\n", "  ", "- ", "[", "]", "{", "}", "'", '"', "&a ", "*a",
    "!!python/object:os.system ", "!!binary ", "2024-11-27", "2024-13-45", "IOR 53/8787/2024",
    "IOR 53/1/24", "draft", "final", "cij", "~", "null", "1e309", "-1", "#", "|\n  ", ">\n  ",
    "references.bib", "../../etc/passwd", "?", "%YAML 1.1\n", "---", "...",
])
BIBTEX = st.sampled_from([
    "@misc{", "@article{", "@book{", "@string{", "@comment{", "@preamble{", "known", "other",
    ",", " = ", "{", "}", '"', "#", "%", "title", "author", "year", "date", "month", "url",
    "index", "2024", "2024-11", "feb", "13", "IOR 53/8787/2024", "Amnesty International",
    " and ", "\\emph{", "\\'e", "$", "~", "\n", "@", "=",
])


def pieces(alphabet) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(alphabet, st.text(max_size=4)), max_size=30).map("".join)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("random") / "doc"


def load_or_locate(folder, house_style, source_text: str, bib: str | None = None):
    """Load a source; a SourceError must carry a location; a document must write as HTML."""
    folder.mkdir(exist_ok=True)
    source = folder / "en.md"
    source.write_text(source_text, encoding="utf-8")
    references = folder / "references.bib"
    references.unlink(missing_ok=True)
    if bib is not None:
        references.write_text(bib, encoding="utf-8")
    try:
        doc = build.load(source, house_style)
    except SourceError as err:
        location = err.location
        assert isinstance(location, Location) and location.line >= 1, location
        assert location.path in (source, references), location
        assert str(err).startswith(f"{location}: error: "), str(err)
        return
    assert html.print_document(doc, house_style).startswith("<!DOCTYPE html>")


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(body=pieces(MARKDOWN))
@example(body="[^n]: - [^n]: ")  # a note defined in a list in a note: markdown-it nests it badly
def test_random_markdown(folder, house_style, body):
    bib = "@misc{known, title = {Known}, year = {2024}}\n"
    load_or_locate(folder, house_style, f"---\n{FRONT}---\n{body}\n", bib)


@SETTINGS
@given(front=pieces(YAML))
def test_random_front_matter(folder, house_style, front):
    load_or_locate(folder, house_style, f"---\n{front}\n---\n{BODY}")


@SETTINGS
@given(bib=pieces(BIBTEX))
def test_random_bibtex(folder, house_style, bib):
    load_or_locate(folder, house_style, MINIMAL.replace("More text.", "More [@known]."), bib)
