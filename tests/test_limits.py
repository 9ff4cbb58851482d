"""Each job runs in a worker process under a time limit and a memory cap: exceeding one is a
clear error for that document only, the other documents are still built, and an internal
error is one line (its traceback only with --debug)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import MINIMAL, ROOT, write_doc
from pipeline.jobs import batch
from pipeline.house import style as house
from pipeline import limits
from pipeline.commands.cli import main

pytestmark = pytest.mark.e2e  # real worker processes: make test-all

FOOTNOTES = MINIMAL.split("Text with")[0] + "".join(
    f"Sentence {n}.[^{n}]\n" for n in range(10_000)) + "".join(
    f"\n[^{n}]: Note {n}.\n" for n in range(10_000))


@pytest.fixture
def documents(tmp_path):
    """Three documents: the middle one has 10,000 footnotes and takes long to lay out."""
    sources = [write_doc(tmp_path / "source" / name, text) for name, text in
               (("a-first", MINIMAL), ("b-slow", FOOTNOTES), ("c-last", MINIMAL))]
    return tmp_path / "source", sources, tmp_path / "out"


def patched(tmp_path, patch: str, *args: str, env=None) -> subprocess.CompletedProcess:
    """`briefing ARGS` in a subprocess whose every process, workers too, first runs `patch`
    (as a sitecustomize module): a planted bug or a disabled safeguard."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(patch)
    path = os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, **(env or {}), "PYTHONPATH": path})


def test_time_limit_stops_one_document_only(documents, monkeypatch, capsys):
    root, (first, slow, last), out = documents
    monkeypatch.setattr(limits, "RENDER_SECONDS", 5)
    assert main(["build", str(root), "--format", "pdf", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"{slow}: error: building the PDF took longer than the 5 s time limit\n"
    assert sorted(line.split(": wrote ")[0] for line in captured.out.splitlines()
                  if ": wrote " in line) == [str(first), str(last)]
    assert sorted(path.parent.name for path in out.rglob("*.pdf")) == ["a-first", "c-last"]


def test_memory_limit_is_an_error_and_the_next_job_gets_a_fresh_worker(tmp_path, monkeypatch):
    jobs = batch.plan([write_doc(tmp_path / "doc")], ["pdf"], tmp_path / "out", house.locate())
    monkeypatch.setattr(limits, "RENDER_MEMORY", 1 * limits.MiB)
    with batch.Workers(1) as pool:  # one worker, kept across the two runs
        summary = batch.run(jobs, progress=False, pool=pool)
        (result,) = summary.failed  # a MemoryError, or the worker died of it
        assert result.error.startswith(f"{jobs[0].source}: error: ")
        assert "1 MiB memory limit" in result.error and not list(tmp_path.glob("out/*/*.pdf"))
        monkeypatch.undo()
        summary = batch.run(jobs, progress=False, pool=pool)
    assert not summary.failed and summary.outputs[jobs[0]].is_file()


STUCK = """\
import signal, time
from pipeline import limits, transforms

limits.RENDER_SECONDS, limits.GRACE = 1, 2
signal.setitimer = lambda *args: None  # the worker's own alarm never rings

def stuck(doc, context):
    if doc.source.parent.name == "sleeping":  # no CPU time: the parent's wait stops it
        time.sleep(600)
    while doc.source.parent.name == "spinning":  # the kernel's CPU time limit stops it
        pass

transforms.STEPS = (stuck, *transforms.STEPS)
"""


def test_a_worker_that_stops_answering_is_killed(tmp_path):
    """Without its SIGALRM, a job is stopped by the CPU-time backstop or the parent's wait;
    the other documents are checked in fresh workers."""
    sources = [write_doc(tmp_path / name) for name in ("sleeping", "spinning", "good")]
    result = patched(tmp_path, STUCK, "check", "-j", "2", *map(str, sources))
    assert result.returncode == 1
    assert sorted(line for line in result.stderr.splitlines() if ": error: " in line) == [
        f"{source}: error: checking: the worker was stopped: over the 1 s time or "
        f"{limits.RENDER_MEMORY // limits.MiB} MiB memory limit, or it crashed"
        for source in sources[:2]]


@pytest.mark.parametrize("debug", [["--debug"], []])
def test_internal_error_is_one_line_and_debug_shows_the_traceback(debug, tmp_path):
    """A bug (here: a transform that divides by zero) is reported, not a traceback."""
    source = write_doc(tmp_path / "doc")
    bug = "from pipeline import transforms\ntransforms.STEPS = (lambda doc, context: 1 / 0,)\n"
    plain = patched(tmp_path, bug, "check", str(source))
    assert plain.returncode == 1
    assert plain.stderr == (f"{source}: error: internal error: ZeroDivisionError: "
                            "division by zero\n")
    env = {"BRIEFING_DEBUG": "1"} if not debug else None
    shown = patched(tmp_path, bug, "check", *debug, str(source), env=env)
    assert shown.returncode == 1
    assert "Traceback (most recent call last)" in shown.stderr and "in <lambda>" in shown.stderr
