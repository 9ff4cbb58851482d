"""The `briefing` command: `build`, `check`, `watch`, `preview`, `diff`, `translate`, and
`index`/`new` for AI index numbers.

Only what a command runs is imported, so an up-to-date `build` stays quick.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import build, house as houses, index_commands
from .errors import SourceError
from .translation import commands as translate


def _codes(values: list[str] | None) -> list[str]:
    """`--lang en --lang fr` and `--lang en,fr` alike."""
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {value}")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--registry", metavar="PATH|URL", help="AI index registry: an SQLite "
                        "file or postgresql://… (default: $BRIEFING_REGISTRY, pyproject.toml)")
    for name, text in (("build", "render documents"), ("check", "validate without rendering"),
                       ("watch", "build, then rebuild affected outputs whenever a file is saved")):
        command = commands.add_parser(name, help=text, parents=[common])
        command.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                             help="document folder or .md file (default: everything under source/)")
        command.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
        command.add_argument("--debug", action="store_true",
                             help="print the traceback of an internal error (or BRIEFING_DEBUG=1)")
        command.add_argument("-j", "--jobs", type=_positive, metavar="N",
                             help="worker processes (default: the number of CPUs)")
        if name in ("build", "watch"):
            command.add_argument("--format", action="append", metavar="FORMAT",
                                 help=f"output formats ({', '.join(build.FORMATS)}; default: all)")
            command.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                                 help="output folder (default: output)")
            command.add_argument("--force", action="store_true",
                                 help="rebuild up-to-date outputs too")
    preview = commands.add_parser("preview", help="serve a document's web page with live reload",
                                  parents=[common])
    preview.add_argument("paths", nargs=1, type=Path, metavar="PATH", help="document .md file or folder")
    preview.add_argument("--lang", action="append", metavar="CODE", help="language to preview")
    preview.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                         help="output folder of the HTML and PDF (default: output)")
    preview.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    diff = commands.add_parser("diff", help="which pages changed between two PDFs",
                               description="Exit status 0 when no page changed, 1 otherwise.")
    diff.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                      help="OLD.pdf NEW.pdf, or a document with --since")
    diff.add_argument("--since", metavar="REV", help="compare with the document at git revision REV")
    diff.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
    diff.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                      help="output folder of the current PDF (default: output)")
    diff.add_argument("--images", type=Path, default=Path("output/diff"), metavar="DIR",
                      help="folder for the side-by-side PNGs (default: output/diff)")
    index_commands.add_commands(commands, common)
    translate.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(args, "run"):
        return index_commands.run(args)
    if args.command == "translate":
        return translate.run(args, houses.load())
    if args.command == "diff" and not args.since:
        return _diff_files(args.paths, args.images)
    formats = _codes(getattr(args, "format", None)) or list(build.FORMATS)
    unknown = sorted(set(formats) - set(build.FORMATS))
    if unknown:
        print(f"briefing: error: unknown format {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        sources = build.find_sources(args.paths or [Path("source")], _codes(args.lang))
    except SourceError as err:
        print(err, file=sys.stderr)
        return 1
    if not sources:
        print("briefing: error: no source files found", file=sys.stderr)
        return 1
    registry = index_commands.usable_registry(getattr(args, "registry", None),
                                              quiet=args.command != "check")
    if args.command == "diff":
        return _diff_since(sources, args, registry)
    if args.command == "preview":
        from . import live

        return live.preview(sources[0], args.out, args.port, registry)
    from . import batch

    debug = args.debug or os.environ.get("BRIEFING_DEBUG", "") not in ("", "0")
    if args.command == "check":  # each source in a worker, within the limits of limits.py
        from . import indexing

        jobs = batch.plan(sources, [None], None, houses.root(), registry)
        summary = batch.run(jobs, args.jobs, debug=debug)
        metas = {result.job: result.meta for result in summary.built + summary.failed}
        documents = [(job.source, metas[job]) for job in jobs if metas.get(job)]
        checked = indexing.check_documents(documents, registry)
        return 1 if summary.failed or not checked else 0
    jobs = batch.plan(sources, formats, args.out, houses.root(), registry)
    summary = batch.run(jobs, args.jobs, args.force, debug=debug)
    print(summary)
    if args.command == "build":
        return 1 if summary.failed else 0
    from . import live

    return live.watch(args.paths or [Path("source")], _codes(args.lang), formats, args.out,
                      args.jobs, registry)


def _diff_files(paths: list[Path], images: Path) -> int:
    from . import diff

    if len(paths) != 2:
        print("briefing: error: diff takes OLD.pdf NEW.pdf, or a document with --since",
              file=sys.stderr)
        return 2
    for path in paths:
        if not path.is_file():
            print(f"{path}: error: no such file", file=sys.stderr)
            return 2
    try:
        report = diff.compare(*paths, images)
    except SourceError as err:
        print(err, file=sys.stderr)
        return 2
    print(report)
    return 1 if report.changed or report.added or report.removed else 0


def _diff_since(sources: list[Path], args, registry: str | None) -> int:
    from . import diff

    status = 0
    for source in sources:
        images = args.images / source.parent.name / source.stem if len(sources) > 1 else args.images
        try:
            report = diff.since(source, args.since, args.out, houses.root(), images, registry)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as err:
            detail = getattr(err, "stderr", None)
            print(f"{source}: error: {(detail.decode().strip() if detail else '') or err}",
                  file=sys.stderr)
            return 2
        print(report)
        status = status or (1 if report.changed or report.added or report.removed else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
