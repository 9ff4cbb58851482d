"""Building on a Dask distributed cluster: `briefing build --scheduler ADDRESS`.

Workers share no file system with us. Each unit of work (one source's jobs, `batch.units`)
goes as a parcel of the bytes it may read: the files of its document folder (its source, a
translation's original and sync record, the bibliography, the images), read through
`files.read_inside`. The house style goes once to each worker, kept there under its SHA-256,
and the registry's entries once per build. A worker lays the parcel out in a private
temporary folder, runs it with `batch.execute` in a child process (the same unit function,
time and memory limits and sandbox as a local build; one retry if that process dies) and
sends back the results with the outputs' bytes. We write each output atomically and record it
in the manifest as a local build does, so an up-to-date rebuild sends nothing. Paths in
messages and in the manifest are ours, never the worker's. A worker that dies costs its unit
one retry (Dask's `retries`) on another worker.

A cluster runs whatever it is sent: a scheduler not on this machine is refused unless it is
reached over `tls://` with the certificates of the project's configuration.

Dask is an optional dependency: `pip install 'briefing[cluster]'`.
"""
from __future__ import annotations

import hashlib
import ipaddress
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections import deque
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .. import __version__, limits
from ..errors import SourceError, shown
from ..files import read_inside, write_atomic
from . import batch
from .cache import PIPELINE

CONNECT_SECONDS = 10
INSTALL = "pip install 'briefing[cluster]'"


class ClusterError(Exception):
    """The cluster cannot be used: Dask missing, an address refused or unreachable."""


def security(address: str, tls: dict[str, str] | None):
    """Dask's `Security` for `address` with the certificates `tls` (`ca`, `cert`, `key`), or
    None for a scheduler on this machine. ClusterError for any other address."""
    scheme = address.split("://", 1)[0] if "://" in address else "tcp"
    if scheme not in ("tcp", "tls"):
        raise ClusterError(f"scheduler address {address}: use tcp:// (this machine only) or "
                           "tls://")
    if scheme == "tls" and tls:
        from distributed.security import Security

        return Security(tls_ca_file=tls["ca"], tls_client_cert=tls["cert"],
                        tls_client_key=tls["key"], require_encryption=True)
    if scheme == "tls":
        raise ClusterError(f"scheduler address {address}: tls:// needs tls_ca, tls_cert and "
                           "tls_key in the project's configuration")
    if not _loopback(urlsplit(f"//{address.split('://')[-1]}").hostname or ""):
        raise ClusterError(f"refusing the scheduler {address}: a Dask cluster runs what it is "
                           "sent, so one not on this machine must be reached over tls:// with "
                           "tls_ca, tls_cert and tls_key in the project's configuration")
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Cluster:
    """A connection to the scheduler at `address`; `execute` runs jobs as `batch.execute`."""

    def __init__(self, address: str, tls: dict[str, str] | None = None):
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError(f"building on a cluster needs Dask: {INSTALL}") from None
        settings = security(address, tls)
        try:
            self.client = Client(address, security=settings, timeout=CONNECT_SECONDS,
                                 set_as_default=False)
        except Exception as err:  # OSError, TimeoutError: Dask raises either
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
        self.units = 0  # sent, and the bytes of their parcels
        self.bytes = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def execute(self, jobs: list[batch.Job], done: Callable[[batch.Result], None]) -> None:
        """Run `jobs` (of one output folder and house style) on the cluster, calling `done`
        as each finishes, its output written."""
        from distributed import as_completed

        todo = deque(batch.units(jobs))
        if not todo:
            return
        house = self.client.scatter(_house_parcel(jobs[0].house), broadcast=True)
        location = jobs[0].registry
        registry = batch.RegistryCopy.of(location) if location else None
        if registry is not None:
            registry = self.client.scatter(registry, broadcast=True)
        threads = sum(self.client.nthreads().values()) or 1
        running, sent = as_completed(loop=self.client.loop), {}

        def send() -> None:
            unit = todo.popleft()
            parcel = _parcel(unit)
            self.units += 1
            self.bytes += sum(map(len, parcel["files"].values()))
            future = self.client.submit(_run, parcel, house, registry, retries=1, pure=False)
            sent[future] = unit
            running.add(future)

        for _ in range(min(2 * threads, len(todo))):  # a window: parcels are read as needed
            send()
        for future in running:
            unit = sent.pop(future)
            try:
                results = future.result()
            except Exception as err:  # the unit failed on every try (workers died), or a bug
                results = [(batch.Result(job, error=f"{shown(job.source)}: error: "
                                         f"{batch._doing(job)} on the cluster: "
                                         f"{type(err).__name__}: {err}"), None)
                           for job in unit]
            future.release()
            for result, data in results:
                _deliver(result, data)
                done(result)
            if todo:
                send()


def _deliver(result: batch.Result, data: bytes | None) -> None:
    """Write the output that came back, under our output folder."""
    if data is None:
        return
    if hashlib.sha256(data).hexdigest() != result.digest:
        result.output, result.error = None, (f"{shown(result.job.source)}: error: the output "
                                             "came back damaged from the cluster")
        return
    target = result.job.out / result.output
    try:
        write_atomic(target, data)
    except OSError as err:
        result.output, result.error = None, f"{shown(target)}: error: cannot write: {err.strerror}"
        return
    result.output = target


# What goes to a worker ------------------------------------------------------------------

def _house_parcel(house: Path) -> dict:
    """The house style's files (relative name -> bytes), its name and their SHA-256."""
    files = {}
    for folder, _, names in os.walk(house):
        for name in names:
            path = Path(folder) / name
            files[path.relative_to(house).as_posix()] = path.read_bytes()
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{len(files[name])}\0".encode())
        digest.update(files[name])
    return {"name": Path(house).resolve().name, "digest": digest.hexdigest(), "files": files}


def _parcel(unit: list[batch.Job]) -> dict:
    """One source's jobs and the files of its document folder (relative name -> bytes); a
    file that may not be read (a link, a FIFO, too large) stays behind, and reading it on the
    worker fails as it would here."""
    folder = unit[0].source.parent
    files = {}
    for where, subfolders, names in os.walk(folder):
        subfolders.sort()
        for name in sorted(names):
            path = Path(where) / name
            try:
                files[path.relative_to(folder).as_posix()] = read_inside(
                    path, folder, limits.IMAGE_BYTES, "file")
            except SourceError:
                continue
    return {"jobs": unit, "folder": os.path.abspath(folder), "files": files, "code": code()}


@lru_cache(maxsize=1)
def code() -> str:
    """The SHA-256 of this pipeline's code: a worker runs units only of the code it runs."""
    digest = hashlib.sha256()
    for path in sorted(PIPELINE.rglob("*.py")):
        digest.update(f"{path.relative_to(PIPELINE).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# The worker's side ----------------------------------------------------------------------

_houses: dict[str, Path] = {}
_lock = threading.Lock()
_local = threading.local()  # each of the worker's threads: its child process, output folder


def _workdir() -> Path:
    from distributed import get_worker

    return Path(get_worker().local_directory)


def _house(parcel: dict) -> Path:
    """The house style of `parcel` on this worker, written once under its digest."""
    with _lock:
        if parcel["digest"] not in _houses:
            root = _workdir() / f"house-{parcel['digest'][:16]}" / parcel["name"]
            for name, data in parcel["files"].items():
                write_atomic(root / name, data)
            _houses[parcel["digest"]] = root
        return _houses[parcel["digest"]]


def _run(parcel: dict, house: dict, registry: batch.RegistryCopy | None) -> list:
    """Run one unit on this worker: [(result, output bytes or None)], in our paths."""
    if parcel["code"] != code():
        raise RuntimeError(f"the worker runs other briefing code ({__version__}, "
                           f"{code()[:12]}) than this machine ({parcel['code'][:12]}): install "
                           "the same version on every worker")
    if multiprocessing.current_process().daemon:
        raise RuntimeError("the Dask worker cannot start the process that builds: start "
                           "workers with 'distributed: worker: daemon: false' in their Dask "
                           "settings, or DASK_DISTRIBUTED__WORKER__DAEMON=False")
    if not hasattr(_local, "pool"):
        _local.pool = batch.Workers(1)
        _local.out = Path(tempfile.mkdtemp(prefix="out-", dir=_workdir()))
    house_root = _house(house)
    unit_root = Path(tempfile.mkdtemp(prefix="unit-", dir=_workdir()))
    try:
        ours = Path(parcel["folder"])
        folder = unit_root / ours.relative_to(ours.anchor)
        for name, data in parcel["files"].items():
            write_atomic(folder / name, data)
        jobs = {replace(job, source=folder / job.source.name, out=_local.out, house=house_root,
                        registry=None): job for job in parcel["jobs"]}
        results = []
        batch.execute(list(jobs), 1, results.append, _local.pool, registry)
        return [_ours(result, jobs[result.job], folder, unit_root) for result in results]
    finally:
        shutil.rmtree(unit_root, ignore_errors=True)


def _ours(result: batch.Result, job: batch.Job, folder: Path, unit_root: Path) -> tuple:
    """`result` with our job and paths, and its output's bytes (the file removed)."""
    shown_folder = str(job.source.parent)
    prefix = "" if shown_folder == "." else shown_folder + os.sep

    def local(text: str) -> str:
        return text.replace(str(folder) + os.sep, prefix)

    data = None
    if result.output:
        data = result.output.read_bytes()
        result.output.unlink()
        result.output = result.output.relative_to(_local.out)
    root = str(unit_root)
    result.extra = {path[len(root):] if path.startswith(root + os.sep) else path: digest
                    for path, digest in result.extra.items()}
    result.job, result.meta = job, None
    result.error = local(result.error) if result.error else result.error
    result.warnings, result.trace = local(result.warnings), local(result.trace)
    return result, data
