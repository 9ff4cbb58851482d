"""Inputs that took quadratic time (hitting the time limit, or minutes in `check`) now take
linear time: each test runs a size that took minutes before, under an alarm far above what
it takes now (speeds themselves are measured by benchmarks/, not here)."""
from __future__ import annotations

import contextlib
import signal

import pytest

from conftest import write_doc
from pipeline import limits
from pipeline.commands.cli import main
from pipeline.jobs import build


@contextlib.contextmanager
def within(seconds: int):
    def expire(*_):
        pytest.fail(f"still running after {seconds} s: not linear")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_200000_character_title_in_french(tmp_path, house_style):
    """The URL matcher of localisation tried a scheme from every letter of a long word."""
    word, spaces = "a" * 200_000, "mot" + " " * 100_000 + "x"
    source = write_doc(tmp_path / "doc", f"---\ntitle: {word}\ndate: 2024-11-27\n"
                       f"index: IOR 53/8787/2024\n---\n{spaces} ; fin.\n", name="fr.md")
    with within(30):
        doc = build.load(source, house_style)
    assert doc.meta.title == word
    assert doc.blocks[0].children[0].text.endswith("x\u202f; fin.")


def test_20000_identical_headings(tmp_path, house_style):
    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-11-27\n"
                       "index: IOR 53/8787/2024\n---\n" + "## Same\n\n" * 20_000)
    with within(60):
        doc = build.load(source, house_style)
    ids = [block.id for block in doc.blocks]
    assert len(set(ids)) == 20_000 and ids[:3] == ["same", "same-2", "same-3"]
    assert ids[-1] == "same-20000"


def test_a_citation_of_5000_sources_is_refused_at_once(tmp_path, capsys):
    """citeproc-py formats about 50 sources a second: 5,000 in one citation took 94 s."""
    bib = "".join(f"@misc{{k{n}, title={{T{n}}}, year={{2024}}}}\n" for n in range(5000))
    keys = "; ".join(f"@k{n}" for n in range(5000))
    source = write_doc(tmp_path / "doc", "---\ntitle: T\ndate: 2024-11-27\n"
                       f"index: IOR 53/8787/2024\n---\nText [{keys}].\n", bib=bib)
    with within(60):
        assert main(["check", str(source)]) == 1
    assert capsys.readouterr().err == (f"{source}:6:6: error: a citation of 5000 sources: at "
                                       f"most {limits.CITATION_KEYS} in one citation (split it)\n")
