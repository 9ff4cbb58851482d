"""The `briefing index …` and `briefing new` commands: AI index numbers from the registry."""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

import jinja2

from . import build, frontmatter, house as houses, registry as registries
from .errors import SourceError
from .index import FOUR_DIGIT_ERA, AIIndex
from .registry import Registry, RegistryError

SKELETON = "new.md.j2"  # in the house style's templates
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    """Add `index` and `new` to the subcommands of `briefing`; `common` holds `--registry`."""
    index = commands.add_parser("index", help="reserve, list, release and import AI index numbers")
    actions = index.add_subparsers(dest="action", required=True)
    reserve = actions.add_parser("reserve", parents=[common], help="reserve the next number")
    _numbering_options(reserve)
    reserve.add_argument("--year", type=int, help="publication year (default: this year)")
    reserve.add_argument("--title", default="", help="the document's title")
    reserve.add_argument("--slug", default="", help="the document's folder under source/")
    reserve.set_defaults(run=_reserve)
    actions.add_parser("list", parents=[common], help="list registered numbers").set_defaults(
        run=_list)
    release = actions.add_parser("release", parents=[common], help="give back a reserved number")
    release.add_argument("index", metavar="INDEX", help="e.g. 'IOR 53/8787/2024'")
    release.set_defaults(run=_release)
    register = actions.add_parser("import", parents=[common],
                                  help="register the documents under source/ as published")
    register.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="document folders (default: everything under source/)")
    register.set_defaults(run=_import)

    new = commands.add_parser("new", parents=[common],
                              help="start a document folder with a reserved number")
    new.add_argument("slug", metavar="SLUG", help="folder name under source/, e.g. icc-asp25")
    _numbering_options(new)
    new.add_argument("--lang", default="en", metavar="CODE", help="language (default: en)")
    new.add_argument("--title", help="title (default: from the slug)")
    new.add_argument("--source", type=Path, default=Path("source"), metavar="DIR",
                     help="where document folders live (default: source)")
    new.set_defaults(run=_new)


def _numbering_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--series", required=True, type=str.upper, help="e.g. IOR")
    parser.add_argument("--subject", required=True, type=_subject, help="e.g. 53")


def _subject(text: str) -> int:
    if not re.fullmatch(r"\d{1,2}", text):
        raise argparse.ArgumentTypeError(f"a subject is two digits, not {text!r}")
    return int(text)


def usable_registry(option: str | None, quiet: bool) -> str | None:
    """Where the configured registry is, for `build` and `check`, if it exists and opens;
    otherwise None, with a warning (none for a missing file when `quiet`)."""
    location = registries.locate(option)
    registry = registries.open_for_reading(location, quiet)
    if registry is None:
        return None
    registry.close()
    return location


def run(args: argparse.Namespace) -> int:
    """Run an `index` or `new` command; errors are one line on stderr and exit status 1."""
    try:
        return args.run(args)
    except (RegistryError, ValueError, OSError) as err:
        print(f"briefing: error: {err}", file=sys.stderr)
        return 1
    except SourceError as err:
        print(err, file=sys.stderr)
        return 1


def _open(args) -> Registry:
    return registries.open_registry(registries.locate(args.registry))


def _check_numbering(house: houses.HouseStyle, series: str, subject: int, year: int) -> None:
    """Unknown series: ValueError; unknown subject: a warning."""
    problem = house.index_scheme.check(AIIndex(series, subject, 0, year))
    if problem:
        print(f"briefing: warning: {problem}", file=sys.stderr)


def _reserve(args) -> int:
    year = args.year or datetime.date.today().year
    _check_numbering(houses.load(), args.series, args.subject, year)
    with _open(args) as registry:
        print(registry.reserve(args.series, args.subject, year, args.title, args.slug))
    return 0


def _list(args) -> int:
    with _open(args) as registry:
        for entry in registry.entries():
            print(f"{str(entry.index):18} {entry.status:10} {entry.slug or '-':30} {entry.title}")
    return 0


def _release(args) -> int:
    index = AIIndex.parse(args.index)
    with _open(args) as registry:
        registry.release(index)
    print(f"released {index}")
    return 0


def _import(args) -> int:
    """Register each document folder once (translations share the index), as published; a
    fresh registry's counter then follows the newest document of the four-digit era."""
    from . import reader

    house = houses.load()
    sources = build.find_sources(args.paths or [Path("source")], [])
    folders: dict[Path, tuple[Path, object]] = {}
    for source in sources:
        yaml_text = frontmatter.split(reader.read_text(source), source)
        meta = frontmatter.parse(yaml_text, source, house.units)
        known = folders.get(source.parent)
        if known is None or (known[1].original and not meta.original):  # an original first
            folders[source.parent] = (source, meta)
    failed = False
    with _open(args) as registry:
        for folder, (source, meta) in sorted(folders.items()):
            try:
                change = registry.register(meta.index, meta.title, folder.name)
            except RegistryError as err:
                print(SourceError(meta.locations["index"], str(err)), file=sys.stderr)
                failed = True
                continue
            print(f"{meta.index}: {change} ({folder.name})")
        recent = [meta for _, meta in folders.values() if meta.index.width == 4]
        if recent:
            newest = max(recent, key=lambda meta: (meta.date, meta.index.number))
            if registry.start_counter(newest.index.number + 1):
                print(f"the counter starts after {newest.index}")
    return 1 if failed else 0


def _new(args) -> int:
    if not _SLUG.fullmatch(args.slug):
        raise ValueError(f"a slug is lower-case words joined by hyphens, not {args.slug!r}")
    folder = args.source / args.slug
    if folder.exists():
        raise ValueError(f"{folder} already exists")
    today = datetime.date.today()
    if today.year < FOUR_DIGIT_ERA:
        raise ValueError("the clock says the year is before the four-digit era")
    house = houses.load()
    _check_numbering(house, args.series, args.subject, today.year)
    title = args.title or args.slug.replace("-", " ").capitalize()
    with _open(args) as registry:
        index = registry.reserve(args.series, args.subject, today.year, title, args.slug)
        try:
            text = _skeleton(house.root / "templates").render(
                title=title, date=today, index=index, lang=args.lang)
            folder.mkdir(parents=True)
            (folder / f"{args.lang}.md").write_text(text, encoding="utf-8")
        except BaseException:
            registry.release(index)
            raise
    print(f"{folder / (args.lang + '.md')}: {index}")
    return 0


def _skeleton(templates: Path) -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["quoted"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # YAML too
    return env.get_template(SKELETON)
