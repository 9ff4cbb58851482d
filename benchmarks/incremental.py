"""Incremental and parallel builds, as ratios measured in one run.

Documents are generated in a temporary folder from the sample: DOCS documents, each in two
languages (`en.md`, and `fr.md` a copy of it, which the house style sets in French), built in
FORMATS (`--formats`; the default is every format the pipeline has). Every build is a cold
`briefing build` command, as an editor runs it. Printed:

- no-change rebuild against a full build (and the sample's no-change rebuild in seconds:
  target at most 0.3 s, no WeasyPrint import);
- a one-paragraph edit against a full build;
- the whole set with `-j 2` against `-j 1` (target speedup at least 1.7 on 2 cores);
- HTML edit-to-reload latency in `briefing preview` (target at most 0.3 s);
- one worker's resident memory over 50 renders of the sample (target: flat within 10%).

    python benchmarks/incremental.py [--docs 12] [--formats pdf] [--runs 5] [--parallel-runs 2]
"""
from __future__ import annotations

import argparse
import compileall
import contextlib
import http.client
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.jobs import batch
from pipeline.writers import FORMATS
from pipeline.house import style as house
from pipeline import limits
from pipeline.commands import live  # noqa: E402

SAMPLE = ROOT / "source" / "icc-asp24-key-recommendations"


def generate(folder: Path, count: int) -> Path:
    """`count` documents with distinct titles and index numbers, each in English and French."""
    source = folder / "source"
    text = (SAMPLE / "en.md").read_text(encoding="utf-8")
    index = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.startswith("index:"))
    for n in range(count):
        doc = source / f"briefing-{n:02}"
        shutil.copytree(SAMPLE, doc, ignore=shutil.ignore_patterns("*.md", ".translations"))
        own = text.replace(index, f"IOR 53/{9000 + n}/2024").replace("title: ", f"title: ({n}) ", 1)
        (doc / "en.md").write_text(own, encoding="utf-8")
        (doc / "fr.md").write_text(own, encoding="utf-8")
    return source


def briefing(*args: str) -> float:
    """Seconds taken by one `briefing` command, run as a fresh process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def edit_one_paragraph(source: Path) -> None:
    doc = sorted(source.glob("*/en.md"))[-1]
    text = doc.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if len(p) > 200 and not p.startswith(("-", "#")))
    doc.write_text(text.replace(paragraph, paragraph.replace(" the ", " the said ", 1)),
                   encoding="utf-8")


def rss_after_render(job: batch.Job) -> int:
    """Run in a worker: render, then report this process's resident memory in bytes."""
    (result,) = batch.work([job], limits.RENDER_SECONDS, limits.RENDER_MEMORY)
    assert result.error is None, result.error
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(out: Path, renders: int) -> list[int]:
    job = batch.Job(SAMPLE / "en.md", "pdf", out, house.locate())
    with batch.worker_process() as executor:
        return [executor.submit(rss_after_render, job).result() for _ in range(renders)]


def reload_latency(folder: Path, edits: int) -> tuple[list[float], list[float]]:
    """Seconds from saving the source to the browser's reload fetch of the new HTML, and to
    the PDF being ready, over `edits` saves in `briefing preview`."""
    shutil.copytree(SAMPLE, folder / "doc")
    source = folder / "doc" / "en.md"
    preview = live.Preview(source, folder / "preview-out", house.locate())
    server = threading.Thread(target=preview.serve)
    server.start()
    try:
        while preview.state != "ready" or not preview.html:
            time.sleep(0.05)
        events = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=60)
        events.request("GET", "/events")
        stream = events.getresponse()
        time.sleep(1)  # the watcher has started
        html, pdf = [], []
        text = source.read_text(encoding="utf-8")
        for n in range(edits):
            marker = f"edit number {n}"
            start = time.perf_counter()
            source.write_text(text.replace("This paper", f"This paper ({marker})", 1),
                              encoding="utf-8")
            for line in stream.fp:
                event = line.decode().strip()
                if event == "event: page":
                    page = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=60)
                    page.request("GET", "/")
                    assert marker in page.getresponse().read().decode()
                    html.append(time.perf_counter() - start)
                elif event == "event: print":
                    pdf.append(time.perf_counter() - start)
                    break
        events.close()
        return html, pdf
    finally:
        preview.stop.set()
        server.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parallel-runs", type=int, default=2)
    args = parser.parse_args()
    # byte-compiled as pip leaves an installed package (PYTHONDONTWRITEBYTECODE would have
    # every process compile it again)
    compileall.compile_dir(ROOT / "pipeline", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        source = generate(work, args.docs)
        out, formats = str(work / "out"), ["--format", args.formats]
        outputs = args.docs * 2 * len(args.formats.split(","))
        print(f"{args.docs} documents x 2 languages x {args.formats}: {outputs} outputs, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run")

        full = briefing("build", str(source), "--out", out, *formats)
        unchanged = min(briefing("build", str(source), "--out", out, *formats)
                        for _ in range(args.runs))
        print(f"full build {full:.2f} s; no-change rebuild {unchanged:.3f} s: "
              f"ratio {unchanged / full:.3f}")
        sample_out = str(work / "sample-out")
        briefing("build", str(SAMPLE), "--out", sample_out)
        sample = min(briefing("build", str(SAMPLE), "--out", sample_out)
                     for _ in range(args.runs))
        print(f"sample no-change rebuild: {sample:.3f} s (target <= 0.3 s)")

        edit_one_paragraph(source)
        edited = briefing("build", str(source), "--out", out, *formats)
        print(f"one-paragraph edit: {edited:.2f} s: ratio {edited / full:.3f} to a full build")

        ones, twos = [], []
        for _ in range(args.parallel_runs):  # alternating, so that load from elsewhere hits both
            ones.append(briefing("build", str(source), "--out", out, *formats, "--force", "-j", "1"))
            twos.append(briefing("build", str(source), "--out", out, *formats, "--force", "-j", "2"))
        one, two = min(ones), min(twos)
        print(f"-j 1 {one:.2f} s, -j 2 {two:.2f} s (fastest of {args.parallel_runs}): "
              f"speedup {one / two:.2f} (target >= 1.7)")

        with contextlib.redirect_stdout(io.StringIO()):  # the preview's "wrote" lines
            html, pdf = reload_latency(work, args.runs)
        print(f"preview, save to HTML reload: median {statistics.median(html):.3f} s, "
              f"slowest {max(html):.3f} s (target <= 0.3 s); save to PDF ready: median "
              f"{statistics.median(pdf):.3f} s; ratio HTML/PDF {statistics.median(html) / statistics.median(pdf):.2f}")

        rss = memory(work / "memory-out", 50)
        mib = [value / 2**20 for value in rss]
        print(f"worker memory over {len(rss)} renders: after the 1st {mib[0]:.1f} MiB, 5th "
              f"{mib[4]:.1f}, 50th {mib[-1]:.1f}, max {max(mib):.1f}: 50th/1st "
              f"{rss[-1] / rss[0]:.3f}, 50th/5th {rss[-1] / rss[4]:.3f} (target <= 1.10)")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
