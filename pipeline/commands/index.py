"""The `briefing index …` and `briefing new` commands: AI index numbers from the registry."""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

from ..jobs import build
from ..readers import frontmatter
from ..house import style as houses, registry as registries
from ..errors import SourceError
from ..house.ai_index import FOUR_DIGIT_ERA, AIIndex
from ..house.registry import Registry, RegistryError

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
                              help="start a document folder (with a reserved number)")
    new.add_argument("slug", metavar="SLUG", help="folder name under source/, e.g. icc-asp25")
    _numbering_options(new, required=False)
    new.add_argument("--lang", default="en", metavar="CODE", help="language (default: en)")
    new.add_argument("--title", help="title (default: from the slug)")
    new.add_argument("--source", type=Path, metavar="DIR",
                     help="where document folders live (default: the project's)")
    new.set_defaults(run=_new)


def _numbering_options(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--series", required=required, type=str.upper, help="e.g. IOR")
    parser.add_argument("--subject", required=required, type=_subject, help="e.g. 53")


def _subject(text: str) -> int:
    if not re.fullmatch(r"\d{1,2}", text):
        raise argparse.ArgumentTypeError(f"a subject is two digits, not {text!r}")
    return int(text)


def usable_registry(location: str | None, quiet: bool) -> str | None:
    """The registry at `location`, for `build` and `check`, if there is one and it opens;
    otherwise None, with a warning (none for a missing file when `quiet`)."""
    if location is None:
        return None
    registry = registries.open_for_reading(location, quiet)
    if registry is None:
        return None
    registry.close()
    return location


def run(args: argparse.Namespace, where) -> int:
    """Run an `index` or `new` command in the workspace `where` (`cli.Workspace`); errors
    are one line on stderr and exit status 1."""
    try:
        if args.command == "index" and where.registry is None:
            raise ValueError(f"the house style {where.house.name} numbers its documents "
                             "without a registry")
        return args.run(args, where)
    except (RegistryError, ValueError, OSError) as err:
        print(f"briefing: error: {err}", file=sys.stderr)
        return 1
    except SourceError as err:
        print(err, file=sys.stderr)
        return 1


def _open(where, create: bool = False) -> Registry:
    """The registry; only `index import` makes one, so a mistyped path or a missing file
    never starts a second registry whose counter hands out numbers already issued."""
    return registries.open_registry(where.registry, create)


def _check_numbering(house: houses.HouseStyle, series: str, subject: int, year: int) -> None:
    """Unknown series: ValueError; unknown subject: a warning."""
    problem = house.identifiers.check(AIIndex(series, subject, 0, year))
    if problem:
        print(f"briefing: warning: {problem}", file=sys.stderr)


def _reserve(args, where) -> int:
    year = args.year or datetime.date.today().year
    _check_numbering(houses.HouseStyle(where.house), args.series, args.subject, year)
    with _open(where) as registry:
        print(registry.reserve(args.series, args.subject, year, args.title, args.slug))
    return 0


def _list(args, where) -> int:
    with _open(where) as registry:
        for entry in registry.entries():
            print(f"{str(entry.index):18} {entry.status:10} {entry.slug or '-':30} {entry.title}")
    return 0


def _release(args, where) -> int:
    index = AIIndex.parse(args.index)
    with _open(where) as registry:
        registry.release(index)
    print(f"released {index}")
    return 0


def _import(args, where) -> int:
    """Register each document folder once (translations share the index), as published; a
    fresh registry's counter then follows the newest document of the four-digit era."""
    from ..readers import markdown as reader

    house = houses.HouseStyle(where.house)
    sources = build.find_sources(args.paths or [where.sources], [])
    folders: dict[Path, tuple[Path, object]] = {}
    for source in sources:
        yaml_text = frontmatter.split(reader.read_text(source), source)
        meta = frontmatter.parse(yaml_text, source, house)
        known = folders.get(source.parent)
        if known is None or (known[1].original and not meta.original):  # an original first
            folders[source.parent] = (source, meta)
    failed = False
    with _open(where, create=True) as registry:
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


def _new(args, where) -> int:
    if not _SLUG.fullmatch(args.slug):
        raise ValueError(f"a slug is lower-case words joined by hyphens, not {args.slug!r}")
    if not frontmatter.is_language(args.lang):
        raise ValueError(f"--lang takes a language code such as en or pt-BR, not {args.lang!r}")
    folder = (args.source or where.sources) / args.slug
    if folder.exists():
        raise ValueError(f"{folder} already exists")
    today = datetime.date.today()
    house = houses.HouseStyle(where.house)
    title = args.title or args.slug.replace("-", " ").capitalize()
    target = folder / f"{args.lang}.md"
    if not house.identifiers.registered:
        write_skeleton(house, target, title=title, date=today, index=None)
        print(target)
        return 0
    if args.series is None or args.subject is None:
        raise ValueError(f"the house style {where.house.name} numbers documents with AI index "
                         "numbers: give --series and --subject")
    if today.year < FOUR_DIGIT_ERA:
        raise ValueError("the clock says the year is before the four-digit era")
    _check_numbering(house, args.series, args.subject, today.year)
    with _open(where) as registry:
        index = registry.reserve(args.series, args.subject, today.year, title, args.slug)
        try:
            write_skeleton(house, target, title=title, date=today, index=index)
        except BaseException:
            registry.release(index)
            raise
    print(f"{target}: {index}")
    return 0


def write_skeleton(house: houses.HouseStyle, target: Path, **context) -> None:
    """A new source at `target` from the house style's skeleton (`templates/new.md.j2`),
    rendered with `context` (title, date, index)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(house.root / "templates"),
                             autoescape=False, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["quoted"] = lambda text: json.dumps(str(text), ensure_ascii=False)  # YAML too
    text = env.get_template(SKELETON).render(lang=target.stem, **context)
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
