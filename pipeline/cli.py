"""The `briefing` command: `build`, `check`, `translate`, and `index`/`new` for AI index
numbers."""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import build, house as houses, index_commands, indexing, worker
from .errors import SourceError
from .translation import commands as translate


def _codes(values: list[str] | None) -> list[str]:
    """`--lang en --lang fr` and `--lang en,fr` alike."""
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--registry", metavar="PATH|URL", help="AI index registry: an SQLite "
                        "file or postgresql://… (default: $BRIEFING_REGISTRY, pyproject.toml)")
    for name, text in (("build", "render documents"), ("check", "validate without rendering")):
        command = commands.add_parser(name, help=text, parents=[common])
        command.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                             help="document folder or .md file (default: everything under source/)")
        command.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
        command.add_argument("--debug", action="store_true",
                             help="print the traceback of an internal error (or BRIEFING_DEBUG=1)")
        if name == "build":
            command.add_argument("--format", action="append", metavar="FORMAT",
                                 help=f"output formats ({', '.join(build.FORMATS)}; default: all)")
            command.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                                 help="output folder (default: output)")
    index_commands.add_commands(commands, common)
    translate.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(args, "run"):
        return index_commands.run(args)
    if args.command == "translate":
        return translate.run(args, houses.load())
    formats = _codes(getattr(args, "format", None)) or list(build.FORMATS)
    unknown = sorted(set(formats) - set(build.FORMATS))
    if unknown:
        print(f"briefing: error: unknown format {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = False
    try:
        sources = build.find_sources(args.paths or [Path("source")], _codes(args.lang))
    except SourceError as err:
        print(err, file=sys.stderr)
        return 1
    if not sources:
        print("briefing: error: no source files found", file=sys.stderr)
        return 1
    debug = args.debug or os.environ.get("BRIEFING_DEBUG", "") not in ("", "0")
    registry = index_commands.usable_registry(args.registry, quiet=args.command == "build")
    documents = []  # (source, front matter), for the checks across documents
    for source in sources:
        seen: set[str] = set()
        for fmt in formats if args.command == "build" else [None]:
            try:  # each job runs in a worker process, within the limits of limits.py
                outcome = worker.run(source, fmt, getattr(args, "out", None), registry=registry)
            except Exception as err:
                if debug:
                    traceback.print_exc()
                print(f"{source}: error: internal error: {type(err).__name__}: {err}",
                      file=sys.stderr)
                failed = True
                continue
            for message in outcome.messages:  # each format repeats the source's warnings
                if message not in seen:
                    seen.add(message)
                    print(message, file=sys.stderr)
            if debug and outcome.trace:
                print(outcome.trace, file=sys.stderr)
            for path in outcome.written:
                print(f"{source}: wrote {path}")
            failed |= outcome.failed
            if outcome.meta and args.command == "check":
                documents.append((source, outcome.meta))
    if args.command == "check" and not indexing.check_documents(documents, registry):
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
