"""Rebuilding an archive on a cluster: generates an archive of at least `--documents`
briefings (lengths from one to fifteen pages, and copies of the sample with its French and
Arabic translations), builds it on this machine with 2 worker processes and on a local Dask
cluster of 2 workers (`dask scheduler` and `dask worker --nthreads 1`, started here with the
settings of `dask.yaml` next to this file, as the README recommends), both in this process,
alternating `--rounds` times (each round from empty output folders and a freshly started
cluster, so that no cache carries over), and prints documents per second for each, the
cluster's overhead as the median of the rounds (target: at most 15 % slower than local) and
the bytes sent per job. Needs `pip install 'briefing[cluster]'`.

    python benchmarks/archive.py [--documents N] [--rounds R] [--format pdf ...]
        [--dask-config FILE]    # '' for Dask's own defaults
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.house import style as houses  # noqa: E402
from pipeline.jobs import batch, build, cluster  # noqa: E402

SAMPLE = ROOT / "source" / "icc-asp24-key-recommendations"
HEAD = "---\ntitle: Briefing {n}\ndate: 2024-11-27\nindex: IOR 53/{n:04d}/2024\n---\n"
PARAGRAPH = ("The Assembly should fund the Court's work on victims' participation and "
             "reparations in full, and adopt a budget that reflects its caseload.{note} ")


def archive(folder: Path, documents: int) -> list[Path]:
    """At least `documents` sources under `folder`: every tenth folder a copy of the sample
    (three languages), the others one English briefing of 1 to 15 pages."""
    n = count = 0
    while count < documents:
        target = folder / f"doc{n:05d}"
        if n % 10 == 0:
            shutil.copytree(SAMPLE, target)
            count += 3
        else:
            count += 1
            paragraphs = 4 * (n % 15 + 1)
            body = "\n\n".join(f"## Section {p}\n\n" * (p % 5 == 0)
                               + PARAGRAPH.format(note=f"^[Note {p}.]") + PARAGRAPH.format(note="") * 3
                               for p in range(paragraphs))
            target.mkdir(parents=True)
            (target / "en.md").write_text(HEAD.format(n=n) + body + "\n", encoding="utf-8")
        n += 1
    return build.find_sources([folder], [])


def start_cluster(folder: Path, config: str) -> tuple[str, list[subprocess.Popen]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    env = {**os.environ, **({"DASK_CONFIG": config} if config
                            else {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"})}
    commands = [["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    commands += [["worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                  "--local-directory", "work"]] * 2
    started = []
    for number, command in enumerate(commands):
        cwd = folder / f"dask{number}"
        cwd.mkdir(parents=True)
        started.append(subprocess.Popen([dask, *command], cwd=cwd, env=env,
                                        start_new_session=True, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    return address, started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--format", action="append", help="default: pdf, docx and html")
    parser.add_argument("--dask-config", default=str(ROOT / "benchmarks" / "dask.yaml"))
    args = parser.parse_args()
    formats = args.format or ["pdf", "docx", "html"]
    house = houses.locate()
    times = {"local": [], "cluster": []}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        sources = archive(folder / "source", args.documents)
        print(f"{len(sources)} documents, {len(sources) * len(formats)} jobs "
              f"({', '.join(formats)}), {args.rounds} rounds; Dask settings: "
              f"{args.dask_config or 'Dask defaults'}", flush=True)
        for number in range(1, args.rounds + 1):
            # which goes first alternates: neither gains from a machine warmed by the other
            for where in ("local", "cluster") if number % 2 else ("cluster", "local"):
                if where == "local":
                    times["local"].append(build_locally(sources, formats,
                                                        folder / f"local{number}", house))
                else:
                    seconds, units, sent = build_on_cluster(
                        sources, formats, folder / f"out{number}", house,
                        folder / f"cluster{number}", args.dask_config)
                    times["cluster"].append(seconds)
            same = all((folder / f"local{number}" / path.relative_to(folder / f"out{number}"))
                       .read_bytes() == path.read_bytes()
                       for path in (folder / f"out{number}").rglob("doc*/*.*"))
            local_seconds, cluster_seconds = times["local"][-1], times["cluster"][-1]
            print(f"round {number}: local {local_seconds:.1f} s, cluster {cluster_seconds:.1f} s, "
                  f"cluster/local {cluster_seconds / local_seconds:.3f}; outputs identical: "
                  f"{same}", flush=True)
            shutil.rmtree(folder / f"local{number}")
            shutil.rmtree(folder / f"out{number}")
    local_seconds, cluster_seconds = map(statistics.median, (times["local"], times["cluster"]))
    ratios = [remote / local for local, remote in zip(times["local"], times["cluster"])]
    print(f"local, 2 processes:   {len(sources) / local_seconds:.2f} documents/s "
          f"(median {local_seconds:.1f} s, spread {spread(times['local']):.1f} s)")
    print(f"cluster, 2 workers:   {len(sources) / cluster_seconds:.2f} documents/s "
          f"(median {cluster_seconds:.1f} s, spread {spread(times['cluster']):.1f} s)")
    print(f"cluster / local time: {statistics.median(ratios):.3f} (median of the rounds' "
          f"{', '.join(f'{ratio:.3f}' for ratio in ratios)}; target: at most 1.15)")
    print(f"sent: {sent / units / 1024:.1f} KiB per unit (one source's {len(formats)} jobs), "
          f"{sent / units / len(formats) / 1024:.1f} KiB per job")


def build_locally(sources: list[Path], formats: list[str], out: Path, house: Path) -> float:
    """Seconds to build `sources` here with 2 worker processes."""
    start = time.perf_counter()
    summary = batch.run(batch.plan(sources, formats, out, house), workers=2, progress=False,
                        verbosity=-1)
    assert not summary.failed, summary.failed[0].error
    return time.perf_counter() - start


def build_on_cluster(sources: list[Path], formats: list[str], out: Path, house: Path,
                     folder: Path, config: str) -> tuple[float, int, int]:
    """Seconds to build `sources` on a cluster started for it in `folder`, the units sent
    and their bytes."""
    address, started = start_cluster(folder, config)
    try:
        with cluster.Cluster(address) as connected:
            start = time.perf_counter()
            summary = batch.run(batch.plan(sources, formats, out, house), progress=False,
                                verbosity=-1, remote=connected.execute)
            seconds = time.perf_counter() - start
            assert not summary.failed, summary.failed[0].error
            return seconds, connected.units, connected.bytes
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def spread(values: list[float]) -> float:
    return max(values) - min(values)


if __name__ == "__main__":
    main()
