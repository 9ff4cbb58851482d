"""Checking and rendering in a worker process, each job under a time limit and a memory cap.

A hostile or broken source can make a job run away (a layout that never ends, an image that
decompresses to gigabytes). In a worker, such a job is stopped and reported for that document
only, and the next document gets a fresh worker. `render_in_worker` is the job a pool runs;
`run` submits it to one process pool reused across documents (forked, so a warm worker costs
nothing but the job). The limits are in `limits.py`.
"""
from __future__ import annotations

import contextlib
import io
import multiprocessing
import resource
import signal
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import build, house as houses, limits, registry as registries
from .errors import LayoutError, SourceError
from .translation import commands as translation

GRACE = 30  # seconds the parent waits beyond the worker's own limit before killing it


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # warnings and errors, for stderr
    failed: bool = False
    trace: str = ""  # the traceback of an internal error
    spent: bool = False  # a limit was hit: the worker may be in a bad state, replace it
    meta: object = None  # the document's front matter, for the checks across documents


class LimitExceeded(BaseException):
    """A job ran out of time. A BaseException, so that no `except Exception` swallows it."""


def render_in_worker(source: Path, fmt: str | None, out: Path | None,
                     style: str = houses.DEFAULT, seconds: float = limits.RENDER_SECONDS,
                     memory: int = limits.RENDER_MEMORY, registry: str | None = None) -> Outcome:
    """Load and check `source`, then write it as `fmt` under `out` or, if `fmt` is None,
    check a translation's structure against its original. `registry` locates the AI index
    registry that titles documents cited by their index.

    Runs in the calling process, whose address space and CPU time it limits while it runs:
    call it in a worker process (see `run`), not in a process that must survive it.
    """
    outcome, stderr = Outcome(), io.StringIO()
    errors = []
    try:
        with contextlib.redirect_stderr(stderr), _limited(seconds, memory):
            try:
                house = _house(style)
                numbers = registries.open_for_reading(registry) if registry else None
                try:
                    doc = build.load(source, house, numbers)
                finally:
                    if numbers:
                        numbers.close()
                outcome.meta = doc.meta
                if fmt:
                    outcome.written = build.build(doc, house, out, [fmt])
                else:  # `briefing check`: a translation's structure against its original's
                    errors += translation.structure(doc, house)
            except (SourceError, LayoutError, OSError):
                raise
            except Exception as err:
                if _near(memory):  # a C library may fail otherwise than with MemoryError
                    raise MemoryError from err
                raise
    except SourceError as err:
        errors.append(str(err))
    except (LayoutError, OSError) as err:
        errors.append(f"{source}: error: {err}")
    except LimitExceeded:
        errors.append(f"{source}: error: took longer than the {seconds:g} s time limit")
        outcome.spent = True
    except MemoryError:
        errors.append(f"{source}: error: needs more than the {memory // limits.MiB} MiB "
                      "memory limit")
        outcome.spent = True
    except Exception as err:  # a bug: reported for this document, traceback kept for --debug
        errors.append(f"{source}: error: internal error: {type(err).__name__}: {err}")
        outcome.trace = traceback.format_exc()
    outcome.messages = stderr.getvalue().splitlines() + errors
    outcome.failed = bool(errors)
    return outcome


def _near(memory: int) -> bool:
    """Whether this process came close to `memory` bytes of address space."""
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmPeak:")[1].split()[0]) * 1024
    return peak > 0.9 * memory


@cache
def _house(style: str) -> houses.HouseStyle:
    return houses.load(style)


@contextlib.contextmanager
def _limited(seconds: float, memory: int):
    """Limit this process while the block runs: `seconds` of wall-clock time (SIGALRM raises
    LimitExceeded), `memory` bytes of address space (allocations fail with MemoryError), and,
    should Python not get control back, CPU time (the kernel stops the process)."""
    def expire(signum, frame):
        raise LimitExceeded

    address, cpu = resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU)
    used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    previous = signal.signal(signal.SIGALRM, expire)
    resource.setrlimit(resource.RLIMIT_AS, (_lower(memory, address[1]), address[1]))
    resource.setrlimit(resource.RLIMIT_CPU, (_lower(int(used + seconds) + GRACE, cpu[1]), cpu[1]))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, address)
        resource.setrlimit(resource.RLIMIT_CPU, cpu)


def _lower(value: int, hard: int) -> int:
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


# The parent's side ---------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None


def run(source: Path, fmt: str | None, out: Path | None = None,
        style: str = houses.DEFAULT, registry: str | None = None) -> Outcome:
    """`render_in_worker` in a worker process, with the limits of `limits.py`."""
    global _pool
    seconds, memory = limits.RENDER_SECONDS, limits.RENDER_MEMORY
    if _pool is None:
        _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    future = _pool.submit(render_in_worker, source, fmt, out, style, seconds, memory, registry)
    try:
        outcome = future.result(timeout=seconds + 2 * GRACE)
    except (BrokenProcessPool, TimeoutError):
        outcome = Outcome(failed=True, spent=True, messages=[
            f"{source}: error: the worker was stopped: over the {seconds:g} s time or "
            f"{memory // limits.MiB} MiB memory limit, or it crashed"])
    if outcome.spent:
        stop()
    return outcome


def stop() -> None:
    """Kill the worker (it is stuck, dead or spent); the next job starts a fresh one."""
    global _pool
    if _pool is None:
        return
    for process in list((_pool._processes or {}).values()):  # no public way to kill one
        process.kill()
    _pool.shutdown(wait=True, cancel_futures=True)
    _pool = None
