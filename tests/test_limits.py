"""Each job runs in a worker process under a time limit and a memory cap: exceeding one is a
clear error for that document only, the other documents are still built, and an internal
error is one line (its traceback only with --debug)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import MINIMAL, write_doc
from pipeline import limits, worker
from pipeline.cli import main

FOOTNOTES = MINIMAL.split("Text with")[0] + "".join(
    f"Sentence {n}.[^{n}]\n" for n in range(10_000)) + "".join(
    f"\n[^{n}]: Note {n}.\n" for n in range(10_000))


@pytest.fixture
def documents(tmp_path):
    """Three documents: the middle one has 10,000 footnotes and takes long to lay out."""
    sources = [write_doc(tmp_path / "source" / name, text) for name, text in
               (("a-first", MINIMAL), ("b-slow", FOOTNOTES), ("c-last", MINIMAL))]
    return tmp_path / "source", sources, tmp_path / "out"


def test_time_limit_stops_one_document_only(documents, monkeypatch, capsys):
    root, (first, slow, last), out = documents
    monkeypatch.setattr(limits, "RENDER_SECONDS", 5)
    assert main(["build", str(root), "--format", "pdf", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"{slow}: error: took longer than the 5 s time limit\n"
    assert [line.split(": wrote ")[0] for line in captured.out.splitlines()] == [
        str(first), str(last)]
    assert sorted(path.parent.name for path in out.rglob("*.pdf")) == ["a-first", "c-last"]


def test_memory_limit_is_an_error_and_the_next_job_gets_a_fresh_worker(tmp_path, monkeypatch):
    source = write_doc(tmp_path / "doc")
    monkeypatch.setattr(limits, "RENDER_MEMORY", 1 * limits.MiB)
    outcome = worker.run(source, "pdf", tmp_path / "out")
    assert outcome.failed and not outcome.written
    (message,) = outcome.messages  # a MemoryError, or the worker died of it
    assert message.startswith(f"{source}: error: ") and "1 MiB memory limit" in message
    monkeypatch.undo()
    outcome = worker.run(source, "pdf", tmp_path / "out")
    assert not outcome.failed and outcome.written[0].is_file()


def test_a_worker_that_stops_answering_is_killed(tmp_path, monkeypatch):
    """Without its SIGALRM, the job is stopped by the CPU-time backstop or the parent's wait."""
    source = write_doc(tmp_path / "doc", FOOTNOTES)
    worker.stop()  # the next worker forks with the patches below
    monkeypatch.setattr(worker, "GRACE", 0)
    monkeypatch.setattr(limits, "RENDER_SECONDS", 1)
    monkeypatch.setattr(worker.signal, "setitimer", lambda *args: None)
    outcome = worker.run(source, None)
    assert outcome.messages == [f"{source}: error: the worker was stopped: over the 1 s time or "
                                f"{limits.RENDER_MEMORY // limits.MiB} MiB memory limit, or it "
                                "crashed"]
    monkeypatch.undo()
    assert not worker.run(write_doc(tmp_path / "good"), None).failed


@pytest.mark.parametrize("debug", [["--debug"], []])
def test_internal_error_is_one_line_and_debug_shows_the_traceback(debug, tmp_path):
    """A bug (here: a transform that divides by zero) is reported, not a traceback."""
    source = write_doc(tmp_path / "doc")
    code = ("import sys; from pipeline import cli, transforms; "
            "transforms.assign_heading_ids = lambda doc: 1 / 0; sys.exit(cli.main(sys.argv[1:]))")
    plain = subprocess.run([sys.executable, "-c", code, "check", str(source)],
                           capture_output=True, text=True)
    assert plain.returncode == 1
    assert plain.stderr == (f"{source}: error: internal error: ZeroDivisionError: "
                            "division by zero\n")
    env = {**os.environ, "BRIEFING_DEBUG": "1"} if not debug else None
    shown = subprocess.run([sys.executable, "-c", code, "check", *debug, str(source)],
                           capture_output=True, text=True, env=env)
    assert shown.returncode == 1
    assert "Traceback (most recent call last)" in shown.stderr and "in <lambda>" in shown.stderr
