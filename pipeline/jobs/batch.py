"""Jobs: each (source, format) to build, or each source to check, is one job, held to the
time limit and memory cap of `limits.py`.

Jobs whose output is up to date (`cache.Manifest.fresh`) are skipped before anything starts,
so an up-to-date rebuild reads no Markdown and imports no renderer. The jobs of one source run
together, so a document is read, cited and checked once per build however many formats it
goes out in. One source's jobs run in this process: no pool to start, and only the writers of
the formats asked for are imported. Several run in worker processes, forked from a forkserver
that has imported the pipeline and those writers once; each keeps its house style and font
configurations for all its jobs. A failing job, or one over a limit, is an error for that
document only and the others go on. Each worker is a one-process executor of its own, so that
one can be replaced without disturbing the others: a worker that hit a limit is replaced, one
that did not answer in time is killed, and one that died (killed, out of memory) costs one
retry of its source's jobs in a fresh worker.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable
from urllib.parse import unquote, urlsplit

from .. import limits, store
from ..errors import LayoutError, SourceError, shown
from ..files import write_atomic
from ..writers import FORMATS, PRINTED, render
from . import build
from .cache import Manifest, file_digest

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@dataclass(frozen=True)
class Job:
    """One output to make: `source` in format `fmt` under `out`, with the house style `house`
    and the AI index registry at `registry`; with no `fmt`, `source` is checked only, and
    with `preflight`, its PDF under `out` is preflighted."""
    source: Path
    fmt: str | None
    out: Path | None
    house: Path
    registry: str | None = None
    preflight: bool = False

    @property
    def options(self) -> dict:
        """The settings besides input files that decide the output's bytes (the registry is
        an input of the documents that cite others by their index)."""
        return {"house": str(self.house)}


@dataclass(frozen=True)
class RegistryCopy:
    """A registry's entries read once, for workers that cannot reach it (on a cluster):
    `location` and `digest` as the manifest records the registry (`?`: not a file)."""
    location: str
    digest: str | None
    entries: dict

    @classmethod
    def of(cls, location: str) -> RegistryCopy | None:
        from ..house import registry as registries

        opened = registries.open_for_reading(location)
        if opened is None:
            return None
        with opened:
            entries = {entry.index: entry for entry in opened.entries()}
        path = os.path.abspath(location)
        return cls(path, file_digest(path) if os.path.isfile(path) else "?", entries)

    def get(self, index):
        return self.entries.get(index)


@dataclass
class Result:
    job: Job
    output: Path | None = None
    digest: str | None = None  # of the output's bytes
    extra: dict[str, str | None] = field(default_factory=dict)  # inputs found on loading
    error: str | None = None
    warnings: str = ""  # what the job printed on stderr, for the main process to show
    trace: str = ""  # of an internal error, shown with --debug
    spent: bool = False  # a limit was hit: the worker may be in a bad state, replace it
    meta: object = None  # the document's front matter, for the checks across documents
    retried: bool = False  # after the worker running it died
    seconds: float = 0.0


@dataclass
class Summary:
    built: list[Result] = field(default_factory=list)  # or checked
    skipped: list[Job] = field(default_factory=list)
    failed: list[Result] = field(default_factory=list)
    outputs: dict[Job, Path] = field(default_factory=dict)  # of the jobs built or skipped
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"built {len(self.built)}, skipped {len(self.skipped)}, "
                f"failed {len(self.failed)} in {self.seconds:.2f} s")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# The worker's side ----------------------------------------------------------------------

def work(jobs: list[Job], seconds: float, memory: int,
         registry: RegistryCopy | None = None, collect: bool = True) -> list[Result]:
    """The unit of work: the jobs of one source, each within `seconds` and `memory` bytes.
    The source is loaded and checked once (within the first job's limits), then each job
    writes one output atomically or, for a check, checks a translation's structure against
    its original. A `registry` copy stands for the jobs' registry. A worker `collect`s the
    garbage after each job, so that its memory stays flat from one document to the next."""
    loaded: list = [registry]  # then the document, or the error loading it raised
    return [_held(job, seconds, memory, loaded, collect) for job in jobs]


def _held(job: Job, seconds: float, memory: int, loaded: list, collect: bool) -> Result:
    start, stderr, result = time.perf_counter(), io.StringIO(), Result(job)
    with contextlib.redirect_stderr(stderr):
        try:
            cache = job.out / store.FOLDER if job.out else None
            with limits.held_to(seconds, memory), store.kept_in(cache):
                _work(job, result, loaded)
        except SourceError as err:
            result.error = str(err)
        except (OSError, LayoutError) as err:
            result.error = f"{shown(job.source)}: error: {err}"
        except limits.LimitExceeded:
            result.error = (f"{shown(job.source)}: error: {_doing(job)} took longer than the "
                            f"{seconds:g} s time limit")
            result.spent = True
        except MemoryError:
            result.error = (f"{shown(job.source)}: error: needs more than the "
                            f"{memory // limits.MiB} MiB memory limit")
            result.spent = True
        except Exception as err:  # a bug: reported for this document, traceback for --debug
            import traceback

            result.error = f"{shown(job.source)}: error: internal error: {type(err).__name__}: {err}"
            result.trace = traceback.format_exc()
    result.warnings = stderr.getvalue()
    result.seconds = time.perf_counter() - start
    if collect:  # a render leaves cyclic garbage (box trees): free it, memory stays flat
        gc.collect()
    return result


def _doing(job: Job) -> str:
    """What the job does, for its messages: `building the PDF`, `checking`, `preflight`."""
    return ("preflight" if job.preflight else f"building the {job.fmt.upper()}" if job.fmt
            else "checking")


def _load(job: Job, loaded: list):
    """The document of `job.source`, loaded by the first of its jobs; the inputs found
    beside it, hashed before loading reads them (an edit during the build shows); the
    registry's titles, if it has one (or a copy of it is `loaded[0]`). What loading raised,
    it raises for every job."""
    from ..house import registry as registries

    if len(loaded) == 1:
        found = ({path: file_digest(path) for path in _found_inputs(job.source)}
                 if job.fmt else {})
        copy = loaded[0]
        opened = registries.open_for_reading(job.registry) if job.registry and not copy else None
        numbers = _Titles(copy or opened) if copy or opened else None
        try:
            doc = build.load(job.source, build.house_style(job.house), numbers)
            loaded.append((doc, found, numbers))
        except BaseException as err:
            loaded.append(err)
            raise
        finally:
            if opened:
                opened.close()
    if isinstance(loaded[1], BaseException):
        raise loaded[1]
    return loaded[1]


def _work(job: Job, result: Result, loaded: list) -> None:
    house = build.house_style(job.house)
    try:
        doc, found, numbers = _load(job, loaded)
    except SourceError as err:
        if job.fmt:
            raise
        from ..translation import check

        # `briefing check`: a translation's structure may tell why, with the original's line
        # (a call dropped leaves its footnote "never called")
        result.error = "\n".join([str(err), *check.structure(job.source, house, failed=True)])
        return
    result.meta = doc.meta
    if job.preflight:
        _preflight(job, doc, house, result)
        return
    if not job.fmt:  # `briefing check`: a translation's structure against its original's
        from ..translation import check

        result.error = "\n".join(check.structure(job.source, house)) or None
        return
    target = build.output_path(doc, house, job.out, job.fmt)
    data = render(doc, house, job.fmt)
    write_atomic(target, data)
    result.output, result.digest = target, hashlib.sha256(data).hexdigest()
    result.extra = {os.path.abspath(path): found[path] if path in found else file_digest(path)
                    for path in _inputs_of(doc)}
    if numbers and numbers.used:  # a title came from the registry: an input (a PostgreSQL
        copy = loaded[0]  # one cannot be hashed: always rebuild)
        registry = copy.location if copy else os.path.abspath(job.registry)
        result.extra[registry] = (copy.digest if copy else file_digest(registry)
                                  if os.path.isfile(registry) else "?")


def _preflight(job: Job, doc, house, result: Result) -> None:
    """`briefing preflight`: errors fail the job, warnings go with its output."""
    pdf = PRINTED.writer
    findings = pdf.preflight(doc, house, build.output_path(doc, house, job.out, PRINTED.name))
    for finding in findings:
        if finding.level != "error":
            print(f"{shown(job.source)}: {finding}", file=sys.stderr)
    result.error = "\n".join(f"{shown(job.source)}: {finding}" for finding in findings
                              if finding.level == "error") or None


class _Titles:
    """The registry as `build.load` reads it, noting whether it looked up a title."""

    def __init__(self, registry):
        self.registry, self.used = registry, False

    def get(self, index):
        self.used = True
        return self.registry.get(index)


def _found_inputs(source: Path) -> list[Path]:
    """The files next to `source` that loading may read, hashed before it does."""
    folder = source.parent
    return [*folder.glob("*.bib"), *folder.glob("*.md"), *folder.glob(".translations/*.json")]


def _inputs_of(doc) -> list[Path]:
    """What `doc` was made from besides its source: its bibliography, its images and, for a
    translation, the original (whose front matter it inherits) and the sync record."""
    from ..transforms.citations import bibliography_path
    from ..transforms.tree import images

    folder = doc.source.parent
    paths = [bibliography_path(doc)]
    for image in images(doc):
        url = urlsplit(image.url)
        if not url.scheme and url.path:
            paths.append(folder / unquote(url.path))
    if doc.meta.original:
        from ..translation import sync

        paths += [folder / f"{doc.meta.original}.md", sync.record_path(doc.source)]
    return paths


def _warm_up() -> None:
    """Worker initializer: what is loaded by now stays, and the collector need not scan it
    after each job."""
    gc.freeze()
    collect_less()


def collect_less() -> None:
    """The cyclic garbage collector of a process that builds runs less often: a render makes
    millions of objects, most freed by reference counting, and the default thresholds (a
    young collection every 700 allocations) cost 4% of a PDF build. A full collection still
    follows each job, so memory stays flat."""
    gc.set_threshold(10_000, 50, 100)


# The parent's side ----------------------------------------------------------------------

def worker_process(formats: Iterable[str] = FORMATS) -> ProcessPoolExecutor:
    """One worker process, forked from a forkserver that has the pipeline and the writers of
    `formats` loaded (safe beside threads, such as a progress bar's or a preview server's)."""
    import multiprocessing  # here: a build of one source, in this process, needs no pool
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, *(f"pipeline.writers.{FORMATS[name].module}"
                                                for name in formats)])
    return ProcessPoolExecutor(1, mp_context=context, initializer=_warm_up)


class Workers:
    """`count` worker processes for jobs in `formats`, each started when first needed and kept
    warm across jobs (and, if the caller keeps this object, across runs)."""

    def __init__(self, count: int, formats: Iterable[str] = FORMATS):
        self._lanes: list[ProcessPoolExecutor | None] = [None] * count
        self.formats = sorted(formats)

    def __len__(self) -> int:
        return len(self._lanes)

    def submit(self, lane: int, jobs: list[Job], seconds: float, memory: int,
               registry: RegistryCopy | None = None):
        if self._lanes[lane] is None:
            self._lanes[lane] = worker_process(self.formats)
        return self._lanes[lane].submit(work, jobs, seconds, memory, registry)

    def replace(self, lane: int) -> int | None:
        """Kill the worker of `lane` (it is stuck, dead or spent): its next job gets a fresh
        one. Its exit code, if it had died."""
        executor, self._lanes[lane] = self._lanes[lane], None
        if executor is None:
            return None
        processes = list((executor._processes or {}).values())  # no public way to kill one
        codes = [process.exitcode for process in processes]
        for process in processes:
            process.kill()
        executor.shutdown(wait=True, cancel_futures=True)
        return next((code for code in codes if code is not None), None)

    def close(self) -> None:
        for lane in range(len(self._lanes)):
            if self._lanes[lane] is not None:
                self._lanes[lane].shutdown(wait=True, cancel_futures=True)
                self._lanes[lane] = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def units(jobs: list[Job]) -> list[list[Job]]:
    """`jobs` grouped by source, in order: what one worker does in one go."""
    grouped: dict[Path, list[Job]] = {}
    for job in jobs:
        grouped.setdefault(job.source, []).append(job)
    return list(grouped.values())


def execute(jobs: list[Job], workers: int, done: Callable[[Result], None],
            pool: Workers | None = None, registry: RegistryCopy | None = None) -> None:
    """Run `jobs`, calling `done` as each finishes: one source's in this process, several
    sources' in `workers` new processes or in the caller's warm `pool` (with a `registry`
    copy standing for the jobs' registry)."""
    todo = units(jobs)
    if not todo:
        return
    if pool is None and len(todo) == 1 and threading.current_thread() is threading.main_thread():
        # no full collection after each job (0.05 s each): the collector runs as usual
        for result in work(todo[0], limits.RENDER_SECONDS, limits.RENDER_MEMORY, collect=False):
            done(result)
        return
    if pool is None:
        with Workers(min(workers, len(todo)), {job.fmt for job in jobs if job.fmt}) as own:
            return execute(jobs, workers, done, own)
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    seconds, memory = limits.RENDER_SECONDS, limits.RENDER_MEMORY
    stopped = (f"the worker was stopped: over the {seconds:g} s time or "
               f"{memory // limits.MiB} MiB memory limit, or it crashed")
    waiting = deque((unit, False) for unit in todo)  # (jobs, retried)
    running = {}  # future -> (lane, jobs, retried, deadline)
    free = list(range(len(pool)))[::-1]
    while waiting or running:
        while waiting and free:
            lane, (unit, retried) = free.pop(), waiting.popleft()
            future = pool.submit(lane, unit, seconds, memory, registry)
            deadline = time.monotonic() + len(unit) * seconds + 2 * limits.GRACE
            running[future] = (lane, unit, retried, deadline)
        timeout = max(0.0, min(entry[3] for entry in running.values()) - time.monotonic())
        finished, _ = wait(running, timeout, return_when=FIRST_COMPLETED)
        for future in finished:
            lane, unit, retried, _ = running.pop(future)
            free.append(lane)
            try:
                results = future.result()
            except BrokenProcessPool:  # the worker died: once more in a fresh one, unless
                code = pool.replace(lane)  # it was the kernel's CPU-time limit
                if not retried and code != -signal.SIGXCPU:
                    waiting.appendleft((unit, True))
                    continue
                results = [Result(job, error=f"{shown(job.source)}: error: {_doing(job)}: "
                                  f"{stopped}") for job in unit]
            except Exception as err:  # the results could not come back: a bug
                import traceback

                results = [Result(job, error=f"{shown(job.source)}: error: internal error: "
                                  f"{type(err).__name__}: {err}", trace=traceback.format_exc())
                           for job in unit]
            if any(result.spent for result in results):
                pool.replace(lane)
            for result in results:
                result.retried = retried
                done(result)
        for future, (lane, unit, retried, deadline) in list(running.items()):
            if time.monotonic() > deadline and not future.done():  # it does not answer
                del running[future]
                pool.replace(lane)
                free.append(lane)
                for job in unit:
                    done(Result(job, error=f"{shown(job.source)}: error: {_doing(job)}: "
                                f"{stopped}", retried=retried))


def plan(sources: Iterable[Path], formats: Iterable[str | None], out: Path | None,
         house: Path, registry: str | None = None) -> list[Job]:
    """The jobs for `sources` in `formats` (a format None: a check)."""
    return [Job(source, fmt, out, house, registry) for source in sources for fmt in formats]


def run(jobs: list[Job], workers: int | None = None, force: bool = False,
        progress: bool | None = None, pool: Workers | None = None,
        debug: bool = False, verbosity: int = 0,
        remote: Callable[[list[Job], Callable[[Result], None]], None] | None = None) -> Summary:
    """Build the jobs' outputs that are out of date (all with `force`), or check their
    sources, reporting as they go: a progress bar on a terminal, plain lines otherwise
    (`verbosity` -1: errors only; 1: also each job's time and the outputs skipped). All
    jobs share one output folder. Workers are started for the run, unless a warm `pool` is
    given, or the jobs go to a `remote` executor (`cluster.Cluster.execute`)."""
    start = time.perf_counter()
    summary = Summary()
    if not jobs:
        return summary
    manifest = Manifest(jobs[0].out) if jobs[0].out else None
    todo, inputs = [], {}
    for job in jobs:
        if not job.fmt:
            todo.append(job)
        elif not force and manifest.fresh(job.source, job.fmt, job.house, job.options,
                                          job.registry):
            summary.skipped.append(job)
            summary.outputs[job] = job.out / manifest.entry(job.source, job.fmt)[0]
            if verbosity > 0:
                print(f"{shown(job.source)}: up to date: {shown(summary.outputs[job])}", flush=True)
        else:
            inputs[job] = manifest.inputs(job.source, job.fmt, job.house)
            todo.append(job)
    if progress is None:
        progress = sys.stdout.isatty()
    try:
        if todo:
            with _reporter(progress, len(todo), debug, verbosity) as report:
                def done(result: Result) -> None:
                    job = result.job
                    if result.error:
                        summary.failed.append(result)
                    else:
                        summary.built.append(result)
                    if result.output:
                        summary.outputs[job] = result.output
                        manifest.record(job.source, job.fmt, job.options, result.output,
                                        result.digest, inputs[job], result.extra)
                    report(result)

                if remote:
                    remote(todo, done)
                else:
                    execute(todo, workers or default_workers(), done, pool)
    finally:
        if manifest:
            manifest.save()
    summary.seconds = time.perf_counter() - start
    return summary


class _Lines:
    """Plain lines, one per finished output, a source's warnings once: for logs and pipes."""

    def __init__(self, total: int, debug: bool, verbosity: int):
        self.debug, self.verbosity = debug, verbosity
        self.seen: dict[Path, set[str]] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, result: Result) -> None:
        seen = self.seen.setdefault(result.job.source, set())
        warnings = result.warnings.splitlines() if self.verbosity >= 0 else []
        for line in warnings + (result.error or "").splitlines():
            if line not in seen:  # each format repeats the source's warnings
                seen.add(line)
                print(line, file=sys.stderr, flush=True)
        if self.debug and result.trace:
            print(result.trace, end="", file=sys.stderr, flush=True)
        timing = f" ({result.seconds:.2f} s)" if self.verbosity > 0 else ""
        if result.output and self.verbosity >= 0:
            print(f"{shown(result.job.source)}: wrote {shown(result.output)}{timing}", flush=True)


class _Bar(_Lines):
    """A rich progress bar on the terminal, with the same lines printed above it."""

    def __init__(self, total: int, debug: bool, verbosity: int):
        super().__init__(total, debug, verbosity)
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)

        self.progress = Progress(TextColumn("working"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), transient=True)
        self.task = self.progress.add_task("jobs", total=total)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False

    def __call__(self, result: Result) -> None:
        super().__call__(result)
        self.progress.advance(self.task)


def _reporter(progress: bool, total: int, debug: bool, verbosity: int) -> _Lines:
    return (_Bar if progress else _Lines)(total, debug, verbosity)
