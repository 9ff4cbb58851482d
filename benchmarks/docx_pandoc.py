"""DOCX build time of the sample against pandoc on the same Markdown, in one run.

The pipeline's figure covers everything `briefing build --format docx` does for one
document in a warm process: read, check, cite, number, build the Word file, write it. The
baseline is pandoc (from PyPI's pypandoc-binary, which is not a project dependency: it lives
in its own virtual environment, benchmarks/.venv-pandoc, created on first use) converting the
same Markdown file to DOCX with the same bibliography and citation style (`--citeproc`), as
it is normally run: one process per document. Runs alternate between the two so that drift
in machine load hits both alike; the ratio is taken on the fastest run of each, medians
printed beside it. Target: ratio at most 1.0.

    python benchmarks/docx_pandoc.py [--runs N] [SOURCE.md]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pdf import SAMPLE, timed  # noqa: E402  (benchmarks/pdf.py)

from pipeline.jobs import build
from pipeline.house import style as houses  # noqa: E402

PANDOC_ENV = ROOT / "benchmarks" / ".venv-pandoc"


def pandoc() -> Path:
    """The pandoc binary of pypandoc-binary, installed in its own environment if needed."""
    python = PANDOC_ENV / "bin" / "python"
    if not python.exists():
        venv.create(PANDOC_ENV, with_pip=True)
    check = [str(python), "-c", "import pypandoc; print(pypandoc.get_pandoc_path())"]
    found = subprocess.run(check, capture_output=True, text=True)
    if found.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pypandoc-binary"],
                       check=True)
        found = subprocess.run(check, capture_output=True, text=True, check=True)
    return Path(found.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    source = args.source.resolve()
    binary = pandoc()
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                             check=True).stdout.split("\n")[0]
    house = houses.load()
    doc = build.load(source, house)
    out = Path(tempfile.mkdtemp())
    command = [str(binary), source.name, "-o", str(out / "pandoc.docx"), "--citeproc",
               "--csl", str(house.citation_style)]
    if (source.parent / "references.bib").exists():
        command += ["--bibliography", "references.bib"]

    pandoc_times, pipeline_times = timed([
        lambda: subprocess.run(command, cwd=source.parent, check=True),
        lambda: build.build(build.load(source, house), house, out, ["docx"]),
    ], args.runs)

    print(f"document: {source.relative_to(ROOT) if source.is_relative_to(ROOT) else source}"
          f" ({len(doc.notes)} notes), {args.runs} runs each; {version}")
    for name, times in (("pandoc --citeproc ", pandoc_times), ("briefing pipeline", pipeline_times)):
        print(f"{name}: fastest {min(times):.3f} s, median {statistics.median(times):.3f} s,"
              f" slowest {max(times):.3f} s")
    print(f"ratio pipeline/pandoc: {min(pipeline_times) / min(pandoc_times):.3f} fastest runs"
          f" (target <= 1.0), {statistics.median(pipeline_times) / statistics.median(pandoc_times):.3f}"
          " medians")


if __name__ == "__main__":
    main()
