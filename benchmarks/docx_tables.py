"""The Word writer builds tables in linear time: a document with one table of 500 rows and
one of 5,000, rendered to DOCX in this process, alternating; prints each time and the ratio
of the time per row (target: at most 1.5, where quadratic time would give 10).

    python benchmarks/docx_tables.py [--runs N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.house import style as houses  # noqa: E402
from pipeline.jobs import build  # noqa: E402
from pipeline.writers import render  # noqa: E402


def document(folder: Path, rows: int) -> Path:
    body = "| Year | Budget | Change |\n|---|---|---|\n" + "".join(
        f"| {2000 + n % 30} | {100 + n}.5 | +{n % 9}.1% |\n" for n in range(rows))
    source = folder / f"t{rows}" / "en.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Tables\ndate: 2024-01-02\nindex: IOR 53/8787/2024\n---\n"
                      + body, encoding="utf-8")
    return source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    house = houses.load()
    with tempfile.TemporaryDirectory() as folder:
        docs = {rows: build.load(document(Path(folder), rows), house) for rows in (500, 5000)}
        times: dict[int, list[float]] = {rows: [] for rows in docs}
        for _ in range(args.runs):
            for rows, doc in docs.items():
                start = time.perf_counter()
                render(doc, house, "docx")
                times[rows].append(time.perf_counter() - start)
    for rows, spent in times.items():
        print(f"{rows:5} rows: median {statistics.median(spent):.2f} s")
    ratio = (statistics.median(times[5000]) / 5000) / (statistics.median(times[500]) / 500)
    print(f"time per row, 5,000 rows against 500: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
