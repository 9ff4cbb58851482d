"""Batch builds: each (source, format) is one job, run in a pool of worker processes.

Jobs whose output is up to date (`cache.Manifest.fresh`) are skipped before any worker starts,
so an up-to-date rebuild reads no Markdown and imports no renderer. Workers are forked from a
forkserver that has imported the pipeline and WeasyPrint once; each keeps one font
configuration for all its renders. A failing job is reported and the others go on; a worker
that dies (killed, out of memory) costs a retry of its jobs, each alone in a fresh worker.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import multiprocessing
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from . import build
from .cache import Manifest, file_digest
from .errors import LayoutError, SourceError


@dataclass(frozen=True)
class Job:
    """One output to make: `source` in format `fmt` under `out`, with the house style `house`."""
    source: Path
    fmt: str
    out: Path
    house: Path

    @property
    def options(self) -> dict:
        """The settings besides input files that decide the output's bytes."""
        return {"house": str(self.house)}


@dataclass
class Result:
    job: Job
    output: Path | None = None
    digest: str | None = None  # of the output's bytes
    extra: dict[str, str | None] = field(default_factory=dict)  # inputs found on loading
    error: str | None = None
    warnings: str = ""  # what the job printed on stderr, for the main process to show
    retried: bool = False  # after the worker running it died
    seconds: float = 0.0


@dataclass
class Summary:
    built: list[Result] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    failed: list[Result] = field(default_factory=list)
    outputs: dict[Job, Path] = field(default_factory=dict)  # of the jobs built or skipped
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"built {len(self.built)}, skipped {len(self.skipped)}, "
                f"failed {len(self.failed)} in {self.seconds:.2f} s")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@cache
def _house(root: Path):
    from .house import HouseStyle

    return HouseStyle(root)


def render_job(job: Job) -> Result:
    """The unit of work, run in a worker: load, render and write one output atomically."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        result = _render(job)
    result.warnings = stderr.getvalue()
    gc.collect()  # a render leaves cyclic garbage (box trees): free it, memory stays flat
    return result


def _render(job: Job) -> Result:
    start = time.perf_counter()
    try:
        # Bibliographies are hashed before loading reads them: an edit during the build shows.
        bibs = {path: file_digest(path) for path in job.source.parent.glob("*.bib")}
        house = _house(job.house)
        doc = build.load(job.source, house)
        target = build.output_path(doc, job.out, job.fmt)
        data = build.render(doc, house, job.fmt)
        build.write_atomic(target, data)
        bib = build.bibliography_path(doc)
        extra = {os.path.abspath(bib): bibs[bib] if bib in bibs else file_digest(bib)}
        return Result(job, target, hashlib.sha256(data).hexdigest(), extra,
                      seconds=time.perf_counter() - start)
    except SourceError as err:
        error = str(err)
    except (OSError, LayoutError) as err:
        error = f"{job.source}: error: {err}"
    except Exception:  # a bug: report it with its traceback, and go on with the other jobs
        error = f"{job.source}: error: internal error ({job.fmt})\n{traceback.format_exc()}"
    return Result(job, error=error, seconds=time.perf_counter() - start)


def _warm_up() -> None:
    """Worker initializer: the font configuration every render of this process reuses; what
    is loaded by now stays, and the collector need not scan it after each job."""
    from .writers import pdf

    pdf._fonts()
    gc.freeze()


def pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from a forkserver that has the pipeline and WeasyPrint loaded
    (safe beside threads, such as a progress bar's or a preview server's)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.batch", "pipeline.writers.pdf"])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)


def execute(jobs: list[Job], workers: int, done: Callable[[Result], None],
            executor: ProcessPoolExecutor | None = None) -> None:
    """Run `jobs` in `workers` new processes, or in the caller's warm `executor`, calling
    `done` in this process as each finishes."""
    if not jobs:
        return
    if executor is None:
        with pool(min(workers, len(jobs))) as own:
            return execute(jobs, workers, done, own)
    futures, orphans = {}, []
    for job in jobs:
        try:
            futures[executor.submit(render_job, job)] = job
        except BrokenProcessPool:
            orphans.append(job)
    for future in as_completed(futures):
        try:
            done(future.result())
        except BrokenProcessPool:
            orphans.append(futures[future])
    for job in orphans:  # a dead worker fails every job in flight: retry each one alone
        with pool(1) as alone:
            try:
                result = alone.submit(render_job, job).result()
            except BrokenProcessPool:
                result = Result(job, error=f"{job.source}: error: the worker process died "
                                           f"rendering {job.fmt}")
        result.retried = True
        done(result)


def plan(sources: Iterable[Path], formats: Iterable[str], out: Path, house: Path) -> list[Job]:
    return [Job(source, fmt, out, house) for source in sources for fmt in formats]


def run(jobs: list[Job], workers: int | None = None, force: bool = False,
        progress: bool | None = None, executor: ProcessPoolExecutor | None = None) -> Summary:
    """Build the jobs' outputs that are out of date (all with `force`), reporting as they go:
    a progress bar on a terminal, plain lines otherwise. All jobs share one output folder.
    Workers are started for the run, unless a warm `executor` is given."""
    start = time.perf_counter()
    summary = Summary()
    if not jobs:
        return summary
    manifest = Manifest(jobs[0].out)
    todo, inputs = [], {}
    for job in jobs:
        if not force and manifest.fresh(job.source, job.fmt, job.house, job.options):
            summary.skipped.append(job)
            summary.outputs[job] = job.out / manifest.entry(job.source, job.fmt)[0]
        else:
            inputs[job] = manifest.inputs(job.source, job.fmt, job.house)
            todo.append(job)
    if progress is None:
        progress = sys.stdout.isatty()
    try:
        if todo:
            with _reporter(progress, len(todo)) as report:
                def done(result: Result) -> None:
                    job = result.job
                    if result.error:
                        summary.failed.append(result)
                    else:
                        summary.built.append(result)
                        summary.outputs[job] = result.output
                        manifest.record(job.source, job.fmt, job.options, result.output,
                                        result.digest, inputs[job], result.extra)
                    report(result)

                execute(todo, workers or default_workers(), done, executor)
    finally:
        manifest.save()
    summary.seconds = time.perf_counter() - start
    return summary


class _Lines:
    """Plain lines, one per finished output: for logs and pipes."""

    def __init__(self, total: int):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, result: Result) -> None:
        if result.warnings:
            print(result.warnings, end="", file=sys.stderr, flush=True)
        if result.error:
            print(result.error, file=sys.stderr, flush=True)
        else:
            print(f"{result.job.source}: wrote {result.output}", flush=True)


class _Bar(_Lines):
    """A rich progress bar on the terminal, with the same lines printed above it."""

    def __init__(self, total: int):
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)

        self.progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), transient=True)
        self.task = self.progress.add_task("build", total=total)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False

    def __call__(self, result: Result) -> None:
        super().__call__(result)
        self.progress.advance(self.task)


def _reporter(progress: bool, total: int) -> _Lines:
    return (_Bar if progress else _Lines)(total)
