"""One command from a cold start against its peer on the same text, whole processes, in one run.

What an editor types in a fresh shell, timed as a whole process (interpreter start, imports,
reading, rendering, writing), against the peer doing the same job on the same document:

- `briefing build DOC --format docx` against `pandoc DOC -o x.docx --citeproc` (the same
  bibliography and citation style);
- `--format html` against `pandoc DOC -s -o x.html --citeproc`;
- `--format pdf` against the `weasyprint` command alone on our own print HTML (the same PDF
  variant), which we may not be slower than;
- all three formats against pandoc's three processes: DOCX, HTML, and PDF through WeasyPrint
  (`--pdf-engine=weasyprint`).

Every build is `--force` (everything rendered) into an output folder whose caches are warm, as
an editor's are after the first build; the first build with no cache at all is printed too.
The document is copied into a project of its own, so that no cache is shared with the
repository's.
Runs alternate between ours and the peer, so that load from elsewhere hits both alike;
printed: medians, the spread (slowest - fastest), and the ratio of the medians; then the
median CPU time of each (user and system, less disturbed on a shared machine; it counts the
processes waited for, so not a worker pool's forkserver: a figure for one document only). Targets:
DOCX and HTML at most 1.5, PDF and all formats at most 1.0. Peers: Debian's `pandoc` (2.11 or
later for `--citeproc`) and the `weasyprint` command of this environment.

Also printed, per case: the floor, a process that only imports the installed libraries our
build imports (the same modules, in the same order) and ends as `briefing` does (no
teardown); what lies between it and our time is ours to cut. It compiles their regular
expressions, as any program importing them does; `briefing` takes them from the project's
table (`pipeline.regex_cache`).

    python benchmarks/cold.py [--runs 7] [--cases docx,html,pdf,all three] [SOURCE.md]
"""
from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.house import style as houses  # noqa: E402
from pipeline.jobs import build  # noqa: E402
from pipeline.writers import html, pdf  # noqa: E402

SAMPLE = ROOT / "source" / "icc-asp24-key-recommendations" / "en.md"
BIN = Path(sys.executable).parent


def seconds(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU time (user and system, its children's too) of `command` as a fresh
    process; it must succeed."""
    start, used = time.perf_counter(), _cpu()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"})
    return time.perf_counter() - start, _cpu() - used


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def libraries(command: list[str], cwd: Path) -> list[str]:
    """The modules of installed libraries (not the pipeline's, not Python's own) that
    `briefing` with the arguments `command[1:]` imports, in the order it imports them."""
    code = ("import sys, sysconfig; from pipeline.commands.cli import main; "
            f"main({command[1:]!r}); "
            "installed = (sysconfig.get_path('purelib'), sysconfig.get_path('platlib')); "
            "print(' '.join(name for name, module in list(sys.modules.items()) "
            "if str(getattr(module, '__file__', None)).startswith(installed) "
            "and not name.startswith(('_', 'pipeline'))))")
    shown = subprocess.run([sys.executable, "-c", code], cwd=cwd, check=True,
                           capture_output=True, text=True).stdout
    return shown.splitlines()[-1].split()


def version(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True,
                          check=True).stdout.splitlines()[0].strip()


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (spread {max(times) - min(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cases", default="docx,html,pdf,all three",
                        help="which of the four to run (default: all)")
    args = parser.parse_args()
    # byte-compiled as pip leaves an installed package (PYTHONDONTWRITEBYTECODE would have
    # every process compile it again)
    compileall.compile_dir(ROOT / "pipeline", quiet=1)
    pandoc = shutil.which("pandoc")
    if not pandoc:
        sys.exit("cold.py: pandoc is missing: apt-get install pandoc")
    house = houses.load()
    work = Path(tempfile.mkdtemp(prefix="briefing-cold-"))
    try:
        # the document in a project of its own, so that every cache starts empty (the
        # project's compiled patterns too) and stays in `work`
        original, project = args.source.resolve(), work / "project"
        source = project / "source" / original.parent.name / original.name
        shutil.copytree(original.parent, source.parent)
        (project / "pyproject.toml").write_text(f'[tool.briefing]\nstyle = "{houses.DEFAULT}"\n')
        out = work / "out"
        markup = work / "print.html"  # the weasyprint command's input: our own print HTML
        doc = build.load(source, house)
        markup.write_text(html.print_document(doc, house), encoding="utf-8")
        cited = ["--citeproc", "--csl", str(house.citation_style)]
        if (source.parent / "references.bib").exists():
            cited += ["--bibliography", "references.bib"]
        ours = [str(BIN / "briefing"), "build", str(source), "--out", str(out), "--force", "-q"]
        variant = ["--pdf-variant", pdf.OPTIONS["pdf_variant"], "--custom-metadata"]
        peer_pdf = [str(BIN / "weasyprint"), *variant, "--base-url",
                    source.parent.as_uri() + "/", str(markup), str(work / "weasyprint.pdf")]
        pandoc_docx = [pandoc, source.name, "-o", str(work / "pandoc.docx"), *cited]
        pandoc_html = [pandoc, source.name, "-s", "-o", str(work / "pandoc.html"), *cited]
        pandoc_pdf = [pandoc, source.name, "-o", str(work / "pandoc.pdf"), *cited,
                      "--pdf-engine=weasyprint", "--metadata", "pagetitle=x"]
        cases = [  # name, ours, the peer's commands (run one after the other), target
            ("docx", [*ours, "--format", "docx"], [pandoc_docx], 1.5),
            ("html", [*ours, "--format", "html"], [pandoc_html], 1.5),
            ("pdf", [*ours, "--format", "pdf"], [peer_pdf], 1.0),
            ("all three", ours, [pandoc_docx, pandoc_html, pandoc_pdf], 1.0),
        ]
        cases = [case for case in cases if case[0] in args.cases.split(",")]
        first = seconds(ours, source.parent)[0]  # no cache at all: fills them
        print(f"document: {source.name} of {source.parent.name}, {len(doc.notes)} notes; "
              f"{args.runs} alternating runs each, whole processes; {os.cpu_count()} CPUs, load "
              f"average {os.getloadavg()[0]:.1f} before the run")
        print(f"python: {sys.version.split()[0]} ({os.path.realpath(sys.executable)}; how it "
              "was built matters: see the Makefile's PYTHON)")
        print(f"peers: {version([pandoc, '--version'])}; "
              f"{version([str(BIN / 'weasyprint'), '--version'])}")
        print(f"first build, every cache empty: {first:.3f} s")
        for name, command, peers, target in cases:
            floor = [sys.executable, "-c",  # and ends as `briefing` does, with no teardown
                     f"import os, {', '.join(libraries(command, source.parent))}; os._exit(0)"]
            mine, theirs, bare = [], [], []
            for _ in range(args.runs + 1):  # the first round warms the disk caches: not counted
                mine.append(seconds(command, source.parent))
                peer = [seconds(each, source.parent) for each in peers]
                theirs.append(tuple(map(sum, zip(*peer))))
                bare.append(seconds(floor, source.parent))
            (wall, cpu), (peer_wall, peer_cpu) = zip(*mine[1:]), zip(*theirs[1:])
            floor_wall = [wall_time for wall_time, _ in bare[1:]]
            ratio = statistics.median(wall) / statistics.median(peer_wall)
            print(f"{name:9}: ours {spread(wall)}, peer {spread(peer_wall)}: ratio {ratio:.2f} "
                  f"(target <= {target}); CPU time: ours {statistics.median(cpu):.3f} s, peer "
                  f"{statistics.median(peer_cpu):.3f} s, ratio "
                  f"{statistics.median(cpu) / statistics.median(peer_cpu):.2f}")
            print(f"{'':9}  floor, importing our libraries only: {spread(floor_wall)}, ratio "
                  f"{statistics.median(floor_wall) / statistics.median(peer_wall):.2f} to the peer")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
