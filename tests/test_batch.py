"""Batch builds: parallel workers give the same bytes, one failure or one dead worker does not
stop the others, and a killed build leaves the earlier good outputs whole."""
from __future__ import annotations

import pytest

import multiprocessing.forkserver
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import MINIMAL, ROOT, write_doc
from pipeline.jobs import batch, build
from pipeline.house import style as house
from pipeline.commands.cli import main

pytestmark = pytest.mark.e2e  # real worker processes: make test-all

PARAGRAPH = ("The Assembly should fund the Court's work on victims' participation and "
             "reparations in full, and adopt a budget that reflects its caseload.{note} ")


def long_doc(folder: Path, paragraphs: int = 60) -> Path:
    """A document of some fifteen pages: its render takes a second or more."""
    body = "\n\n".join(PARAGRAPH.format(note=f"^[Note {n} on the budget.]")
                       + PARAGRAPH.format(note="") * 4 for n in range(paragraphs))
    return write_doc(folder, MINIMAL.replace("More text.", body))


def pdfs(out: Path, pattern: str = "*.pdf") -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob(pattern)}


def test_two_workers_build_the_same_bytes_as_one(tmp_path):
    source = tmp_path / "source"
    for name in ("a", "b", "c"):
        write_doc(source / name, MINIMAL.replace("A minimal briefing", f"Briefing {name}"))
        write_doc(source / name, MINIMAL, name="fr.md")
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["build", str(source), "--out", str(one), "-j", "1"]) == 0
    assert main(["build", str(source), "--out", str(two), "-j", "2"]) == 0
    outputs = pdfs(one, "*/*.*")
    assert len(outputs) == 18 and outputs == pdfs(two, "*/*.*")  # PDF, DOCX and HTML


def test_a_failure_does_not_stop_the_others_and_sets_the_exit_status(tmp_path, capsys):
    source = tmp_path / "source"
    for name in ("a", "c", "d"):
        write_doc(source / name)
    write_doc(source / "b", MINIMAL.replace("More text.", "More[^nope] text."))
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out), "-j", "2"]) == 1
    assert sorted(pdfs(out)) == [f"{name}/IOR5387872024ENGLISH.pdf" for name in ("a", "c", "d")]
    captured = capsys.readouterr()
    error = f"{source / 'b' / 'en.md'}:10:5: error: footnote '[^nope]'"
    assert captured.err.count(error) == 1  # once, not once per format
    assert "built 9, skipped 0, failed 3" in captured.out


def test_progress_bar_run_reports_the_same(tmp_path, capsys):
    jobs = batch.plan([write_doc(tmp_path / "doc")], ["pdf"], tmp_path / "out", house.locate())
    summary = batch.run(jobs, progress=True)
    assert len(summary.built) == 1 and summary.outputs[jobs[0]].is_file()
    assert ": wrote " in capsys.readouterr().out


def test_warnings_from_workers_reach_the_terminal(tmp_path, capsys):
    bib = "@misc{spare, title = {Spare}, year = {2020}}\n"
    source = write_doc(tmp_path / "doc", bib=bib)
    assert main(["build", str(source), "--out", str(tmp_path / "out")]) == 0
    assert "warning: bibliography entry 'spare' is never cited" in capsys.readouterr().err


def _workers() -> list[int]:
    """The processes forked by this process's forkserver: the pool's workers."""
    server = multiprocessing.forkserver._forkserver._forkserver_pid
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server:
            found.append(int(stat.parent.name))
    return found


def test_a_killed_worker_costs_a_retry_not_the_batch(tmp_path):
    jobs = [batch.Job(long_doc(tmp_path / f"doc{n}"), "pdf", tmp_path / "out", house.locate())
            for n in range(3)]
    results = []
    runner = threading.Thread(target=batch.execute, args=(jobs, 2, results.append))
    runner.start()
    for _ in range(600):  # until both workers are busy, at most a minute
        workers = _workers()
        if len(workers) == 2:
            break
        time.sleep(0.1)
    time.sleep(0.5)
    os.kill(workers[0], signal.SIGKILL)
    runner.join(timeout=300)
    assert not runner.is_alive()
    assert sorted(r.error is None for r in results) == [True] * 3
    assert any(r.retried for r in results)
    assert len(pdfs(tmp_path / "out")) == 3


def test_sigkill_mid_render_leaves_the_earlier_outputs_whole(tmp_path):
    """A build killed while rendering: no partial file, the earlier good output untouched."""
    source = tmp_path / "source"
    write_doc(source / "a")  # built first, then the long one is killed in the middle
    long_doc(source / "b")
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    good = pdfs(out)
    files = sorted(path.relative_to(out) for path in out.rglob("*"))
    for name in ("a", "b"):  # both out of date
        doc = source / name / "en.md"
        doc.write_text(doc.read_text().replace("A minimal briefing", "An edited briefing"))
    command = [sys.executable, "-m", "pipeline", "build", str(source), "--out", str(out),
               "-j", "1"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        line = process.stdout.readline()  # "a" is written: the worker is now on "b"
        assert line.startswith(f"{source / 'a' / 'en.md'}: wrote")
        assert process.poll() is None
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    after = pdfs(out)
    assert after["b/IOR5387872024ENGLISH.pdf"] == good["b/IOR5387872024ENGLISH.pdf"]
    assert after["a/IOR5387872024ENGLISH.pdf"] != good["a/IOR5387872024ENGLISH.pdf"]
    assert sorted(path.relative_to(out) for path in out.rglob("*")) == files
    assert main(["build", str(source), "--out", str(out)]) == 0
    assert pdfs(out)["b/IOR5387872024ENGLISH.pdf"] != good["b/IOR5387872024ENGLISH.pdf"]


def test_write_atomic_failing_midway_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.pdf"
    build.write_atomic(target, b"good")
    try:
        build.write_atomic(target, "not bytes")  # fails inside the write
    except TypeError:
        pass
    else:
        raise AssertionError("writing text should have failed")
    assert target.read_bytes() == b"good"
    assert [path.name for path in tmp_path.iterdir()] == ["out.pdf"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
