"""The limits every source is held to (sources come from many hands and are not trusted):
the folders it may read, its size, its nesting, and the time and memory to render it.

One place for them; the README's security section states the same figures. Exceeding one is
a clear error for that document only.
"""
from __future__ import annotations

import contextlib
import os
import resource
import signal
from pathlib import Path

from .errors import LayoutError, SourceError

MiB = 1024 * 1024

SOURCE_BYTES = 2 * MiB  # a Markdown, BibTeX or XLIFF file (a long briefing is under 100 KiB)
IMAGE_BYTES = 20 * MiB  # an image file referenced from Markdown (the largest input there is)
IMAGE_PIXELS = 50_000_000  # its pixels (a full A4 page at 300 ppi is 8.7 million)
WORD_BYTES = 20 * MiB  # a Word file to import (its pictures count)
WORD_PART_BYTES = 16 * MiB  # one part of it, inflated: a zip entry that inflates past this is
# a zip bomb (a long briefing's document.xml is under 2 MiB)
WORD_INFLATED_BYTES = 64 * MiB  # all its parts, inflated
NESTING = 20  # lists, quotes, boxes and emphasis nested in one another
CITATION_KEYS = 100  # sources in one citation: citeproc-py formats about 50 a second
RENDER_SECONDS = 120  # wall-clock time to load and render one document in one format
RENDER_MEMORY = 2048 * MiB  # address space of the worker process rendering it
GRACE = 30  # seconds beyond the time limit before the kernel (CPU time) or the parent
# (wall-clock time) stops a worker that does not stop itself


def inside(path, roots) -> bool:
    """Whether `path`, symbolic links resolved, lies under one of `roots` (resolved too)."""
    real = os.path.realpath(path)
    return any(os.path.commonpath([os.path.realpath(root), real]) == os.path.realpath(root)
               for root in roots)


class LimitExceeded(BaseException):
    """A job ran out of time. A BaseException, so that no `except Exception` swallows it."""


@contextlib.contextmanager
def held_to(seconds: float, memory: int):
    """Limit this process while the block runs: `seconds` of wall-clock time (SIGALRM raises
    LimitExceeded), `memory` bytes of address space (allocations fail with MemoryError, and
    so does any other failure close to the cap, as a C library may fail otherwise), and,
    should Python not get control back, CPU time (the kernel stops the process). For worker
    processes (see `batch`), not for a process that must survive it."""
    def expire(signum, frame):
        raise LimitExceeded

    address, cpu = resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU)
    used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    previous = signal.signal(signal.SIGALRM, expire)
    resource.setrlimit(resource.RLIMIT_AS, (_lower(memory, address[1]), address[1]))
    resource.setrlimit(resource.RLIMIT_CPU, (_lower(int(used + seconds) + GRACE, cpu[1]),
                                             cpu[1]))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except (SourceError, LayoutError, OSError, MemoryError):
        raise
    except Exception as err:
        if _near(memory):
            raise MemoryError from err
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, address)
        resource.setrlimit(resource.RLIMIT_CPU, cpu)


def _near(memory: int) -> bool:
    """Whether this process came close to `memory` bytes of address space."""
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmPeak:")[1].split()[0]) * 1024
    return peak > 0.9 * memory


def _lower(value: int, hard: int) -> int:
    return value if hard == resource.RLIM_INFINITY else min(value, hard)
