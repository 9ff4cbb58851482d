"""The `briefing` command: `build`, `check` and `translate`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build, house as houses
from .errors import LayoutError, SourceError
from .translation import commands as translate


def _codes(values: list[str] | None) -> list[str]:
    """`--lang en --lang fr` and `--lang en,fr` alike."""
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("build", "render documents"), ("check", "validate without rendering")):
        command = commands.add_parser(name, help=text)
        command.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                             help="document folder or .md file (default: everything under source/)")
        command.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
        if name == "build":
            command.add_argument("--format", action="append", metavar="FORMAT",
                                 help=f"output formats ({', '.join(build.FORMATS)}; default: all)")
            command.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                                 help="output folder (default: output)")
    translate.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    house = houses.load()
    if args.command == "translate":
        return translate.run(args, house)
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
    for source in sources:
        try:
            doc = build.load(source, house)
            problems = translate.structure(doc, house) if args.command == "check" else []
            for problem in problems:
                print(problem, file=sys.stderr)
            failed = failed or bool(problems)
            if args.command == "build":
                for path in build.build(doc, house, args.out, formats):
                    print(f"{source}: wrote {path}")
        except SourceError as err:
            print(err, file=sys.stderr)
            failed = True
        except (OSError, LayoutError) as err:
            print(f"{source}: error: {err}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
