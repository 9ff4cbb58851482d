"""PDF build time of the sample against WeasyPrint alone on the same HTML, in one run.

The pipeline's figure covers everything `briefing build` does for one PDF in a warm process:
read, check, cite, number, template, lay out, verify footnote placement, write. The baseline
is plain WeasyPrint (`HTML(...).write_pdf()` with the same PDF variant, reusing one font
configuration as the pipeline does) on the HTML the pipeline generated. Runs alternate
between the two so that drift in machine load hits both alike; the pipeline's one-line
footnote patch (pipeline.writers.pdf_footnotes) is therefore active for both, which changes no
timing measurably. The ratio is taken on the fastest run of each (the least disturbed by
other work on a shared machine, as `timeit` advises); medians are printed beside it.
Target: ratio at most 1.10.

    python benchmarks/pdf.py [--runs N] [SOURCE.md]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from pipeline.jobs import build
from pipeline.house import style as houses  # noqa: E402
from pipeline.writers import html, pdf  # noqa: E402

SAMPLE = ROOT / "source" / "icc-asp24-key-recommendations" / "en.md"


def timed(functions, runs: int) -> list[list[float]]:
    """Run each function once to warm up, then `runs` rounds of each in turn."""
    times = [[] for _ in functions]
    for round_ in range(runs + 1):
        for function, spent in zip(functions, times):
            gc.collect()  # each run pays for its own garbage, not the previous one's
            start = time.perf_counter()
            function()
            if round_:
                spent.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    house = houses.load()
    doc = build.load(args.source, house)
    markup = html.print_document(doc, house)
    base = args.source.parent.resolve().as_uri() + "/"
    out = Path(tempfile.mkdtemp())

    fonts = FontConfiguration()
    alone, pipeline = timed([
        lambda: HTML(string=markup, base_url=base).write_pdf(font_config=fonts, **pdf.OPTIONS),
        lambda: build.build(build.load(args.source, house), house, out, ["pdf"]),
    ], args.runs)

    a, p = min(alone), min(pipeline)
    print(f"document: {args.source.relative_to(ROOT) if args.source.is_relative_to(ROOT) else args.source}"
          f" ({len(doc.notes)} notes), {args.runs} runs each")
    for name, times in (("weasyprint alone ", alone), ("briefing pipeline", pipeline)):
        print(f"{name}: fastest {min(times):.3f} s, median {statistics.median(times):.3f} s,"
              f" slowest {max(times):.3f} s")
    print(f"ratio pipeline/weasyprint: {p / a:.3f} fastest runs (target <= 1.10), "
          f"{statistics.median(pipeline) / statistics.median(alone):.3f} medians")


if __name__ == "__main__":
    main()
