"""`briefing diff`: the pages that changed, and side-by-side images of those pages only."""
from __future__ import annotations

import subprocess

import pytest

from PIL import Image

from conftest import MINIMAL, write_doc
from pipeline.commands import diff
from pipeline.commands.cli import main

PARAGRAPH = ("States parties should fund the Court's work on victims' participation and "
             "reparations in full, and adopt a budget that reflects its caseload. ")


def three_pages(folder, last_words="its caseload"):
    body = "\n\n".join(PARAGRAPH * 4 for _ in range(24))
    body += "\n\nFinally, " + PARAGRAPH.replace("its caseload", last_words)
    return write_doc(folder, MINIMAL.replace("More text.", body))


def build(source, out):
    assert main(["build", str(source), "--out", str(out)]) == 0
    (pdf,) = out.rglob("*.pdf")
    return pdf


@pytest.mark.e2e
def test_an_edit_on_the_last_page_changes_that_page_only(tmp_path, capsys):
    source = three_pages(tmp_path / "doc")
    old = tmp_path / "old.pdf"
    old.write_bytes(build(source, tmp_path / "out").read_bytes())
    three_pages(tmp_path / "doc", "the caseload it actually has")
    new = build(source, tmp_path / "out")
    images = tmp_path / "images"
    report = diff.compare(old, new, images)
    assert report.old_pages == report.new_pages >= 3
    assert report.changed == [report.new_pages] and not report.added and not report.removed
    assert [path.name for path in images.iterdir()] == [f"page-{report.new_pages:03}.png"]
    page = diff._pages(new)[-1]
    with Image.open(report.images[0]) as image:
        assert image.width > 2 * page.width and image.height == page.height
        right = image.crop((image.width - page.width, 0, image.width, page.height)).convert("RGB")
        marked = dict((color, count) for count, color in right.getcolors(1 << 24)).get(diff.MARK, 0)
        assert marked > 100  # the changed area is framed in red
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--images", str(tmp_path / "cli")]) == 1
    assert f"changed: page {report.new_pages}" in capsys.readouterr().out


def test_identical_files_report_no_change_and_write_no_image(tmp_path, capsys):
    pdf = build(write_doc(tmp_path / "doc"), tmp_path / "out")
    images = tmp_path / "images"
    assert main(["diff", str(pdf), str(pdf), "--images", str(images)]) == 0
    assert "no page changed" in capsys.readouterr().out
    assert not images.exists()


@pytest.mark.e2e
def test_added_pages_are_reported(tmp_path):
    short = build(write_doc(tmp_path / "a"), tmp_path / "out-a")
    long = build(three_pages(tmp_path / "b"), tmp_path / "out-b")
    report = diff.compare(short, long, tmp_path / "images")
    assert report.changed == [1] and report.added == list(range(2, report.new_pages + 1))
    assert "added: pages 2, 3" in str(report)
    assert len(report.images) == report.new_pages


@pytest.mark.e2e
def test_since_a_git_revision(tmp_path, capsys):
    repo = tmp_path / "repo"
    source = three_pages(repo / "source" / "doc")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    three_pages(repo / "source" / "doc", "the caseload it actually has")
    out, images = tmp_path / "out", tmp_path / "images"
    assert main(["diff", str(source.parent), "--since", "HEAD", "--out", str(out),
                 "--images", str(images)]) == 1
    text = capsys.readouterr().out
    (image,) = images.iterdir()
    last = int(image.stem.removeprefix("page-"))
    assert f"{source} at HEAD ({last} pages)" in text and f"changed: page {last}\n" in text
    assert main(["diff", str(source.parent), "--since", "nope", "--out", str(out)]) == 2


def test_a_file_that_is_not_a_pdf_is_a_clear_error(tmp_path, capsys):
    pdf = build(write_doc(tmp_path / "doc"), tmp_path / "out")
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a PDF")
    assert main(["diff", str(bad), str(pdf)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}: error: not a readable PDF") and "Traceback" not in err
    assert main(["diff", str(pdf)]) == 2
