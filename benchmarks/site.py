"""The document library's incremental rebuilds, as ratios measured in one run.

DOCS short documents are generated in a temporary project, each in English and French, in
several series and years; `briefing site --format html` runs as a cold command each time, as
an editor runs it. Printed, against the first (full) run:

- a run with nothing changed (target: at most 0.05 of the full run; no page written);
- a body edit in one document (its page rewritten, no list);
- a title edit in one document (its page and the lists it is in).

    python benchmarks/site.py [--docs 40]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERIES = ["AFR 44", "AMR 51", "EUR 46", "MDE 15", "ACT 30", "IOR 53"]


def generate(project: Path, count: int) -> None:
    (project / "briefing.toml").write_text("", encoding="utf-8")
    for n in range(count):
        folder = project / "source" / f"briefing-{n:03}"
        folder.mkdir(parents=True)
        year = 2021 + n % 5
        body = f"Paragraph {n} of a briefing.[^1]\n\n## Section\n\nMore text.\n\n[^1]: A note.\n"
        (folder / "en.md").write_text(
            f"---\ntitle: Briefing number {n}\ndate: {year}-0{1 + n % 9}-1{n % 10}\n"
            f"index: {SERIES[n % len(SERIES)]}/{7000 + n}/{year}\n---\n{body}", encoding="utf-8")
        (folder / "fr.md").write_text(
            f"---\ntitle: Note numéro {n}\noriginal: en\n---\n{body}", encoding="utf-8")


def site(project: Path) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pipeline", "site", "-q", "--format", "html"],
                         cwd=project, capture_output=True, text=True, env={
                             "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    seconds = time.perf_counter() - start
    if run.returncode:
        sys.exit(run.stderr)
    return seconds, run.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        generate(project, args.docs)
        full, line = site(project)
        print(f"full: {full:.2f} s ({args.docs} documents x 2 languages; {line})")
        same, line = site(project)
        print(f"nothing changed: {same:.3f} s, ratio {same / full:.3f} (target 0.05; {line})")
        source = project / "source/briefing-007/en.md"
        source.write_text(source.read_text(encoding="utf-8").replace("More text.", "Edited."),
                          encoding="utf-8")
        body, line = site(project)
        print(f"body edit: {body:.2f} s, ratio {body / full:.3f} ({line})")
        source.write_text(source.read_text(encoding="utf-8").replace("number 7", "seven"),
                          encoding="utf-8")
        title, line = site(project)
        print(f"title edit: {title:.2f} s, ratio {title / full:.3f} ({line})")


if __name__ == "__main__":
    main()
