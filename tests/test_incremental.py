"""Incremental builds: an output is rebuilt exactly when one of its inputs changed.

Whether an output was rebuilt is read from the file itself: a rebuilt output is renamed into
place, so it has a new inode.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIB, MINIMAL, ROOT, SAMPLE, write_doc
from pipeline import limits
from pipeline.jobs import batch, cache
from pipeline.house import style as house
from pipeline.writers import DEFAULT_FORMATS
from pipeline.commands.cli import main

pytestmark = pytest.mark.e2e  # real worker processes: make test-all


def identities(out: Path) -> dict[str, int]:
    """Inode of every output file (PDF, DOCX, HTML), by path under `out`."""
    return {path.relative_to(out).as_posix(): path.stat().st_ino for path in out.rglob("*.*")
            if not path.name.startswith(".")}


def outputs(folder: str, language: str) -> list[str]:
    return [f"{folder}/IOR5387872024{language}.{fmt}" for fmt in ("docx", "html", "pdf")]


def rebuilt(before: dict[str, int], out: Path) -> list[str]:
    after = identities(out)
    return sorted(name for name in after if before.get(name) != after[name])


@pytest.fixture
def two_languages(tmp_path):
    source = tmp_path / "source"
    cited = MINIMAL.replace("More text.", "More text [@known].")
    write_doc(source / "brief", cited, bib=BIB)
    write_doc(source / "brief", cited, name="fr.md")
    write_doc(source / "other")
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    assert len(identities(out)) == 9
    return source, out


def build(source: Path, out: Path, *options: str) -> batch.Summary:
    sources = sorted(source.rglob("*.md"))
    return batch.run(batch.plan(sources, DEFAULT_FORMATS, out, house.locate()), *options)


def test_no_change_rebuild_skips_everything_without_importing_the_renderer(two_languages):
    source, out = two_languages
    before = identities(out)
    script = (f"import sys; from pipeline.commands.cli import main; code = main(['build', {str(source)!r},"
              f" '--out', {str(out)!r}]); heavy = [m for m in sys.modules if m.split('.')[0] in "
              "('weasyprint', 'markdown_it', 'citeproc', 'bibtexparser')]; print(code, heavy)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.splitlines()[-1] == "0 []"
    assert "built 0, skipped 9, failed 0" in result.stdout
    assert rebuilt(before, out) == []


def test_editing_one_language_rebuilds_that_language_only(two_languages):
    source, out = two_languages
    before = identities(out)
    fr = source / "brief" / "fr.md"
    fr.write_text(fr.read_text().replace("Text with a note.", "Un texte avec une note."))
    summary = build(source, out)
    assert [r.job.source for r in summary.built] == [fr] * 3 and len(summary.skipped) == 6
    assert rebuilt(before, out) == outputs("brief", "FRENCH")


def test_bibliography_edit_rebuilds_the_documents_citing_from_it(two_languages):
    source, out = two_languages
    before = identities(out)
    bib = source / "brief" / "references.bib"
    bib.write_text(bib.read_text().replace("A known document", "A renamed document"))
    assert rebuilt(before, out) == [] and len(build(source, out).built) == 6
    assert rebuilt(before, out) == sorted(outputs("brief", "ENGLISH") + outputs("brief", "FRENCH"))
    # A references.bib appearing where there was none is an input too.
    (source / "other" / "references.bib").write_text(BIB)
    assert [r.job.source.parent.name for r in build(source, out).built] == ["other"] * 3


def test_style_edit_rebuilds_what_depends_on_it(two_languages, tmp_path):
    source, out = two_languages
    style = tmp_path / "style"
    shutil.copytree(house.locate(), style)
    jobs = batch.plan(sorted(source.rglob("*.md")), DEFAULT_FORMATS, out, style)
    assert len(batch.run(jobs).built) == 9  # another house style is another option

    def formats_rebuilt(path: str, old: str, new: str) -> list[str]:
        file = style / path
        file.write_text(file.read_text().replace(old, new, 1))
        summary = batch.run(jobs)
        assert not summary.failed
        return sorted({result.job.fmt for result in summary.built})

    (style / "citation.LICENSE.txt").write_text("not used by any format")
    assert len(batch.run(jobs).skipped) == 9
    assert formats_rebuilt("print.css", "}", "}\n/* edited */") == ["pdf"]
    assert formats_rebuilt("docx.yaml", "\n", "\n# edited\n") == ["docx"]
    assert formats_rebuilt("screen.css", "}", "}\n/* edited */") == ["html"]
    assert formats_rebuilt("tokens.yaml", "\n", "\n# edited\n") == sorted(DEFAULT_FORMATS)
    assert formats_rebuilt("labels.yaml", "\n", "\n# edited\n") == sorted(DEFAULT_FORMATS)
    (style / "templates" / "extra.html.j2").write_text("{# a new template #}")
    assert sorted({result.job.fmt for result in batch.run(jobs).built}) == ["html", "pdf"]
    (style / "fonts" / "OFL.txt").write_text("edited")  # fonts/: the DOCX embeds them too
    rebuilt_formats = {result.job.fmt for result in batch.run(jobs).built}
    assert sorted(rebuilt_formats) == sorted(DEFAULT_FORMATS)


def test_a_translation_depends_on_its_original_and_sync_record(tmp_path):
    """The original's front matter is inherited, the sync record decides what is outdated."""
    folder = tmp_path / "doc"
    shutil.copytree(SAMPLE, folder)
    out = tmp_path / "out"
    jobs = batch.plan([folder / "fr.md"], ["html"], out, house.locate())
    (page,) = batch.run(jobs).outputs.values()
    first = page.read_text()
    assert len(batch.run(jobs).skipped) == 1
    en = folder / "en.md"
    text = en.read_text()
    date = re.search(r"^date: (\d{4})-\d\d-\d\d$", text, re.M)
    en.write_text(text.replace(date.group(0), f"date: {date.group(1)}-01-02"))
    assert len(batch.run(jobs).built) == 1
    assert page.read_text() != first and f"2 janvier {date.group(1)}" in page.read_text()
    record = folder / ".translations" / "fr.json"
    record.write_text(json.dumps(json.loads(record.read_text()), indent=2))
    assert len(batch.run(jobs).built) == 1


def test_force_rebuilds_all_and_the_cache_is_safe_to_delete(two_languages):
    source, out = two_languages
    good = {path: path.read_bytes() for path in out.rglob("*.pdf")}
    before = identities(out)
    assert len(build(source, out, None, True).built) == 9
    assert len(rebuilt(before, out)) == 9
    (out / cache.MANIFEST).unlink()
    assert len(build(source, out).built) == 9
    assert {path: path.read_bytes() for path in out.rglob("*.pdf")} == good
    (out / cache.MANIFEST).write_text("{not json")
    assert len(build(source, out).built) == 9
    assert len(build(source, out).skipped) == 9


def test_a_changed_or_deleted_output_is_rebuilt(two_languages):
    source, out = two_languages
    (english,) = (out / "brief").glob("*ENGLISH.pdf")
    good = english.read_bytes()
    english.write_bytes(b"%PDF-1.7 tampered")
    (out / "other" / english.name).unlink()
    assert sorted(r.job.source.parent.name for r in build(source, out).built) == ["brief", "other"]
    assert english.read_bytes() == good


def test_a_failed_build_keeps_the_good_output_and_its_record(two_languages, capsys):
    source, out = two_languages
    before = identities(out)
    en = source / "brief" / "en.md"
    good = en.read_text()
    en.write_text(good.replace("date: 2024-11-27\n", ""))
    summary = build(source, out)
    assert len(summary.failed) == 3 and len(summary.skipped) == 6
    assert "missing required front-matter field 'date'" in summary.failed[0].error
    assert rebuilt(before, out) == []
    en.write_text(good)  # back as it was: the earlier output is still the right one
    assert len(build(source, out).skipped) == 9
    assert rebuilt(before, out) == []


def test_manifest_records_every_input(two_languages):
    source, out = two_languages
    entries = json.loads((out / cache.MANIFEST).read_text())["outputs"]
    entry = entries["brief/IOR5387872024ENGLISH.pdf"]
    inputs = set(entry["inputs"])
    for name in ("source/brief/en.md", "source/brief/references.bib"):
        assert str(source.parent / name) in inputs
    for name in ("print.css", "labels.yaml", "house.yaml", "citation.csl",
                 "templates/document.html.j2", "fonts/NotoSans-Regular.ttf"):
        assert str(house.locate() / name) in inputs
    assert str(ROOT / "pipeline" / "writers" / "pdf.py") in inputs
    assert any(path.endswith("/weasyprint/__init__.py") for path in inputs)
    assert entry["format"] == "pdf" and entry["options"] == {"house": str(house.locate())}


def test_sample_rebuild_is_skipped(tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "--out", str(out)]) == 0
    assert len(batch.run(batch.plan([SAMPLE / "en.md"], ["pdf"], out, house.locate())).skipped) == 1


@pytest.mark.parametrize("damage", [
    lambda data: {**data, "files": {"x": "not a list"}},
    lambda data: {**data, "outputs": {"a.pdf": {"source": 1}}},
    lambda data: {**data, "outputs": []},
])
def test_a_damaged_cache_is_a_miss_with_a_warning(two_languages, capsys, damage):
    source, out = two_languages
    manifest = out / cache.MANIFEST
    manifest.write_text(json.dumps(damage(json.loads(manifest.read_text()))))
    summary = build(source, out, 1, False, False)
    assert len(summary.built) == 9 and not summary.failed
    assert "is damaged: everything is built again" in capsys.readouterr().err


def test_a_cache_entry_naming_a_fifo_is_never_read(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    manifest = cache.Manifest(tmp_path / "out")
    assert manifest.digest(fifo) is None and manifest.digest(Path("/dev/zero")) is None


def test_a_file_larger_than_any_input_is_never_hashed(tmp_path):
    """A manifest naming a file over the size limit of every input (a log, a disk image) as
    an input costs no read: it counts as missing, so its output is rebuilt."""
    huge = tmp_path / "huge"
    with huge.open("wb") as stream:
        stream.truncate(limits.IMAGE_BYTES + 1)  # sparse: nothing written
    manifest = cache.Manifest(tmp_path / "out")
    assert manifest.digest(huge) is None and cache.file_digest(huge) is None
    small = tmp_path / "small"
    small.write_bytes(b"x")
    assert manifest.digest(small) == cache.file_digest(small) is not None


def test_a_fifo_input_of_a_worker_is_never_read(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert cache.file_digest(fifo) is None


def test_a_cache_entry_naming_a_file_outside_the_document_is_a_miss(two_languages):
    """Only the source's folder (and the registry) hold a document's inputs: a manifest
    naming another file, even unchanged, is a cache miss and that file is not read."""
    source, out = two_languages
    elsewhere = source.parent / "elsewhere.txt"
    elsewhere.write_text("anything")
    manifest = out / cache.MANIFEST
    data = json.loads(manifest.read_text())
    entry = next(entry for entry in data["outputs"].values() if "other" in entry["source"])
    entry["extra"].append(str(elsewhere))
    entry["inputs"][str(elsewhere)] = cache.file_digest(elsewhere)
    manifest.write_text(json.dumps(data))
    summary = build(source, out)
    assert [result.job.source.parent.name for result in summary.built] == ["other"]
