"""Fast from a cold start: one document is loaded once for all its formats, in this process;
a build imports only the writers of the formats asked for; what is computed once per house
style is cached on disk, and no cache changes a byte of any output."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, write_doc
from pipeline.commands.cli import main
from pipeline.jobs import build
from pipeline.writers import html, store


def digests(out: Path) -> dict[str, str]:
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.glob("*/*.*"))}


def test_a_document_is_loaded_once_for_all_its_formats(tmp_path, monkeypatch):
    source = write_doc(tmp_path / "doc")
    loads = []

    def counted(*args, **kwargs):
        loads.append(args[0])
        return load(*args, **kwargs)

    load = build.load
    monkeypatch.setattr(build, "load", counted)
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert loads == [source]  # in this process, once
    assert sorted(path.suffix for path in (tmp_path / "out" / "doc").iterdir()) == [
        ".docx", ".html", ".pdf"]


def test_font_cuts_are_kept_and_a_damaged_entry_is_made_again(tmp_path, sample_doc, house_style):
    with store.kept_in(tmp_path / "cache"):
        first = html.page(sample_doc, house_style)
        entries = sorted((tmp_path / "cache").iterdir())
        faces = {name for font in house_style.tokens["fonts"].values()
                 for name in font.get("files", {}).values()}
        assert len(entries) == len(faces)  # one cut of each face
        kept = {entry: entry.read_bytes() for entry in entries}
        entries[0].write_bytes(kept[entries[0]][:-1] + b"?")  # damaged: a miss
        entries[1].write_bytes(b"")
        assert html.page(sample_doc, house_style) == first
    assert {entry: entry.read_bytes() for entry in entries} == kept  # made again
    assert html.page(sample_doc, house_style) == first  # and with no cache at all


def test_an_entry_is_found_by_its_key_only(tmp_path):
    with store.kept_in(tmp_path):
        assert store.cached("a", lambda: b"one") == b"one"
        assert store.cached("a", lambda: b"two") == b"one"
        assert store.cached("b", lambda: b"two") == b"two"


def briefing(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, check=True,
                   capture_output=True)


@pytest.mark.e2e
def test_no_cache_changes_a_byte_of_any_output(tmp_path):
    """Every sample output built with every cache empty (new processes, no cache folder),
    with the caches warm, and with every cache entry damaged: the same bytes."""
    out = tmp_path / "out"
    briefing("build", str(SAMPLE), "--out", str(out))
    cold = digests(out)
    cache = out / store.FOLDER
    entries = sorted(cache.iterdir())
    assert len(cold) == 9 and entries
    briefing("build", str(SAMPLE), "--out", str(out), "--force")
    assert digests(out) == cold and sorted(cache.iterdir()) == entries
    for source in sorted(SAMPLE.glob("*.md")):  # each in this process, its caches warm
        assert main(["build", str(source), "--out", str(out), "--force", "-q"]) == 0
    assert digests(out) == cold
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[::-1])
    briefing("build", str(SAMPLE), "--out", str(out), "--force")
    assert digests(out) == cold


@pytest.mark.e2e
def test_a_build_imports_only_the_writers_it_needs(tmp_path):
    source = write_doc(tmp_path / "doc")
    for fmt, unwanted in (("docx", {"weasyprint", "fontTools.subset"}),
                          ("html", {"weasyprint", "docx"})):
        code = (f"import sys; from pipeline.commands.cli import main; "
                f"assert main(['build', {str(source)!r}, '--format', {fmt!r}, '--out', "
                f"{str(tmp_path / fmt)!r}]) == 0; "
                f"print(sorted(set({sorted(unwanted)!r}) & set(sys.modules)))")
        shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                               text=True, check=True)
        assert shown.stdout.splitlines()[-1] == "[]"
