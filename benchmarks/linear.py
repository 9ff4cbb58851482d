"""Hostile inputs take linear time: a long French title (the localisation rules) and many
identical headings (their ids), each loaded at a size n and 10 n in this process,
alternating; prints each time and the ratio of the time per unit (target: at most 1.5, where
quadratic time would give 10).

    python benchmarks/linear.py [--runs N]
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

HEAD = "---\ntitle: {title}\ndate: 2024-01-02\nindex: IOR 53/8787/2024\n---\n"
CASES = {  # name: (source of size n, its language, n)
    "title": (lambda n: HEAD.format(title="a" * n) + "mot" + " " * n + "; fin.\n", "fr", 20_000),
    "headings": (lambda n: HEAD.format(title="T") + "## Same\n\n" * n, "en", 2_000),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    house = houses.load()
    with tempfile.TemporaryDirectory() as folder:
        for name, (text, lang, n) in CASES.items():
            times: dict[int, list[float]] = {n: [], 10 * n: []}
            for size in times:
                source = Path(folder) / f"{name}{size}" / f"{lang}.md"
                source.parent.mkdir()
                source.write_text(text(size), encoding="utf-8")
            for _ in range(args.runs):
                for size in times:
                    start = time.perf_counter()
                    build.load(Path(folder) / f"{name}{size}" / f"{lang}.md", house)
                    times[size].append(time.perf_counter() - start)
            small, large = (statistics.median(times[size]) for size in times)
            print(f"{name}: n = {n:,} {small:.3f} s, 10 n {large:.3f} s; time per unit, "
                  f"10 n against n: {large / small / 10:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
