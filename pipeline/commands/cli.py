"""The `briefing` command: `init`, `build`, `check`, `preflight`, `watch`, `preview`, `diff`,
`site`, `translate`, `import` (from Word), and `index`/`new` for document numbers.

Every command but `init` and `diff` of two PDFs works inside a documents project (see
`pipeline.project`), found from the working folder. Only what a command runs is imported, so
an up-to-date `build` stays quick.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, project as projects
from ..errors import SourceError
from ..house import registry as registries, style as houses
from ..jobs import build
from ..writers import DEFAULT_FORMATS, FORMATS
from . import index as index_commands

DOCUMENT_COMMANDS = ("build", "check", "watch", "preview")
COMMANDS = ("init", *DOCUMENT_COMMANDS, "preflight", "diff", "site", "index", "new", "translate",
            "import")


class _Parser(argparse.ArgumentParser):
    """argparse with a did-you-mean for a mistyped command, choice or option."""

    def error(self, message: str):
        import difflib  # only for a command line that is wrong

        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"'([^']*)'", choice[2])
            close = difflib.get_close_matches(choice[1], options, n=1)
            if close:
                message += f"; did you mean '{close[0]}'?"
        unknown = re.match(r"unrecognized arguments: (.*)", message)
        if unknown:
            known = _options(self)
            for given in unknown[1].split():
                close = difflib.get_close_matches(given.split("=")[0], known, n=1)
                if given.startswith("-") and close:
                    message += f"; did you mean '{close[0]}'?"
                    break
        super().error(message)


def _options(parser: argparse.ArgumentParser) -> list[str]:
    """The option strings of `parser` and of its commands (argparse reports an unknown
    option of a command as the main parser's)."""
    found = []
    for action in parser._actions:  # argparse has no public listing of its options
        found += action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found += _options(command)
    return found


def _codes(values: list[str] | None) -> list[str]:
    """`--lang en --lang fr` and `--lang en,fr` alike."""
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive number: {value}")
    return int(value)


def _parser(argv: list[str]) -> argparse.ArgumentParser:
    """The command line's parser: with only the command `argv` starts with, if it names one
    (each command's options cost about 1 ms to declare), else with all of them."""
    only = argv[0] if argv and argv[0] in COMMANDS else None

    def wanted(*names: str) -> bool:
        return only is None or only in names

    parser = _Parser(prog="briefing", description=__doc__.split("\n\n")[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--registry", metavar="PATH|URL", help="document number registry: an "
                        "SQLite file or postgresql://… (default: $BRIEFING_REGISTRY, the project's)")
    verbosity = argparse.ArgumentParser(add_help=False)
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="print only errors and the summary")
    verbosity.add_argument("-v", "--verbose", action="store_true",
                           help="also print each job's time and the outputs left as they were")
    styled = argparse.ArgumentParser(add_help=False)
    styled.add_argument("--style", metavar="NAME|DIR", help="house style: a shipped style "
                        f"({', '.join(houses.shipped())}) or a folder (default: the project's)")

    if wanted("init"):
        init = commands.add_parser("init", help="make a documents project with a sample "
                                   "document", parents=[styled])
        init.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR",
                          help="the project's folder (default: the working folder)")
    for name, text in (("build", "render documents"), ("check", "validate without rendering"),
                       ("watch", "build, then rebuild affected outputs whenever a file is saved")):
        if not wanted(name):
            continue
        command = commands.add_parser(name, help=text, parents=[common, styled, verbosity])
        command.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                             help="document folder or .md file (default: the project's sources)")
        command.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
        command.add_argument("--debug", action="store_true",
                             help="print the traceback of an internal error (or BRIEFING_DEBUG=1)")
        command.add_argument("-j", "--jobs", type=_positive, metavar="N",
                             help="worker processes (default: the number of CPUs)")
        if name in ("build", "watch"):
            command.add_argument("--format", action="append", metavar="FORMAT",
                                 help=f"output formats ({', '.join(FORMATS)}; default: "
                                      f"{', '.join(DEFAULT_FORMATS)})")
            command.add_argument("--out", type=Path, metavar="DIR",
                                 help="output folder (default: the project's, output/)")
            command.add_argument("--force", action="store_true",
                                 help="rebuild up-to-date outputs too")
        if name == "build":
            command.add_argument("--scheduler", metavar="ADDRESS",
                                 help="build on the Dask cluster of this scheduler (default: "
                                      "the project's `scheduler`, else on this machine)")
    if wanted("preflight"):
        preflight = commands.add_parser(
            "preflight", help="check built PDFs as a production editor does before they go out",
            parents=[common, styled, verbosity],
            description="Per document, one line per finding (see the README); exit status 1 on "
                        "any error.")
        preflight.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="document "
                               "folder or .md file (default: the project's sources)")
        preflight.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
        preflight.add_argument("--out", type=Path, metavar="DIR",
                               help="output folder of the PDFs (default: the project's)")
        preflight.add_argument("--debug", action="store_true", help="print the traceback of an "
                               "internal error (or BRIEFING_DEBUG=1)")
        preflight.add_argument("-j", "--jobs", type=_positive, metavar="N",
                               help="worker processes (default: the number of CPUs)")
    if wanted("preview"):
        preview = commands.add_parser("preview", help="serve a document's web page (or the "
                                      "document library) with live reload",
                                      parents=[common, styled])
        preview.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                             help="document .md file or folder (with --site: any number, default: "
                             "the project's sources)")
        preview.add_argument("--site", action="store_true",
                             help="serve the document library (`briefing site`), drafts included")
        preview.add_argument("--lang", action="append", metavar="CODE", help="language to preview")
        preview.add_argument("--out", type=Path, metavar="DIR",
                             help="output folder of the HTML and PDF (default: the project's)")
        preview.add_argument("--port", type=int, default=8000,
                             help="port on 127.0.0.1 (default: 8000)")
    if wanted("diff"):
        diff = commands.add_parser("diff", help="which pages changed between two PDFs",
                                   description="Exit status 0 when no page changed, 1 otherwise.",
                                   parents=[styled])
        diff.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                          help="OLD.pdf NEW.pdf, or a document with --since")
        diff.add_argument("--since", metavar="REV",
                          help="compare with the document at git revision REV")
        diff.add_argument("--lang", action="append", metavar="CODE", help="languages to take")
        diff.add_argument("--out", type=Path, metavar="DIR",
                          help="output folder of the current PDF (default: the project's)")
        diff.add_argument("--images", type=Path, default=Path("output/diff"), metavar="DIR",
                          help="folder for the side-by-side PNGs (default: output/diff)")
    if wanted("site"):
        from . import site

        site.add_parser(commands, [common, styled, verbosity], _positive)
    if wanted("index", "new"):
        index_commands.add_commands(commands, common)
    if wanted("translate"):
        from . import translate

        translate.add_parser(commands)
    if wanted("import"):
        from . import word

        word.add_parser(commands)
    return parser


@dataclass
class Workspace:
    """Where a command works: the project, its house style and registry."""
    project: projects.Project
    house: Path
    registry: str | None  # None: not configured, or a house style without a registry

    @property
    def sources(self) -> Path:
        return _shown(self.project.source)

    @property
    def output(self) -> Path:
        return _shown(self.project.output)


def _shown(path: Path) -> Path:
    """`path` relative to the working folder, as messages show paths."""
    return Path(os.path.relpath(path))


def workspace(args) -> Workspace:
    """The project of the working folder, with the house style and registry that `args`
    name or the project's settings give. ProjectError or ValueError if there is none."""
    project = projects.require()
    style = getattr(args, "style", None)
    house = houses.locate(style, Path.cwd()) if style else houses.locate(project.style, project.root)
    registered = build.house_style(house).identifiers.registered
    location = registries.locate(getattr(args, "registry", None), project)
    return Workspace(project, house, location if registered else None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser(argv)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    if args.command == "init":
        return _init(args)
    if args.command == "diff" and not args.since:
        return _diff_files(args.paths, args.images)
    try:
        where = workspace(args)
    except (projects.ProjectError, ValueError) as err:
        print(f"briefing: error: {err}", file=sys.stderr)
        return 1
    if hasattr(args, "run"):
        return index_commands.run(args, where)
    if args.command == "translate":
        from . import translate

        return translate.run(args, houses.HouseStyle(where.house), where.sources)
    if args.command == "import":
        from . import word

        return word.run(args, where.house, where.sources)
    formats = _codes(getattr(args, "format", None)) or DEFAULT_FORMATS
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        print(f"briefing: error: unknown format {', '.join(unknown)} (formats: "
              f"{', '.join(FORMATS)})", file=sys.stderr)
        return 2
    if args.command == "preview" and not args.site and len(args.paths) != 1:
        print("briefing: error: preview takes one document (or --site)", file=sys.stderr)
        return 2
    paths = args.paths or [where.sources]
    langs = _codes(getattr(args, "lang", None))
    try:
        sources = build.find_sources(paths, langs)
    except SourceError as err:
        print(err, file=sys.stderr)
        return 1
    if not sources:
        print(f"briefing: error: {_nothing_found(paths, langs)}", file=sys.stderr)
        return 1
    registry = index_commands.usable_registry(where.registry, quiet=args.command != "check")
    if args.command == "site":
        from . import site

        return site.run(args, sources, formats, where.output,
                        args.out or _shown(where.project.site), where.house, registry,
                        -1 if args.quiet else 1 if args.verbose else 0)
    out = (args.out or where.output) if hasattr(args, "out") else None
    if args.command == "diff":
        return _diff_since(sources, args, out, where, registry)
    if args.command == "preview":
        from . import live

        if args.site:
            return live.preview_site(paths, out, args.port, where.house, registry)
        return live.preview(sources[0], out, args.port, where.house, registry)
    from ..jobs import batch

    batch.collect_less()  # a single source is built in this process
    debug = args.debug or os.environ.get("BRIEFING_DEBUG", "") not in ("", "0")
    verbosity = -1 if args.quiet else 1 if args.verbose else 0
    if args.command == "preflight":
        jobs = [batch.Job(source, None, out, where.house, registry, preflight=True)
                for source in sources]
        summary = batch.run(jobs, args.jobs, debug=debug, verbosity=verbosity)
        print(f"preflight: {len(summary.built)} passed, {len(summary.failed)} failed")
        return 1 if summary.failed else 0
    if args.command == "check":  # each source in a worker, within the limits of limits.py
        from ..transforms import identifiers

        jobs = batch.plan(sources, [None], None, where.house, registry)
        summary = batch.run(jobs, args.jobs, debug=debug, verbosity=verbosity)
        metas = {result.job: result.meta for result in summary.built + summary.failed}
        documents = [(job.source, metas[job]) for job in jobs if metas.get(job)]
        checked = identifiers.check_documents(
            documents, houses.HouseStyle(where.house).identifiers, registry)
        return 1 if summary.failed or not checked else 0
    jobs = batch.plan(sources, formats, out, where.house, registry)
    if args.command == "build" and (args.scheduler or where.project.scheduler):
        return _build_on_cluster(jobs, args, where.project, debug, verbosity)
    summary = batch.run(jobs, args.jobs, args.force, debug=debug, verbosity=verbosity)
    print(summary)
    if args.command == "build":
        return 1 if summary.failed else 0
    from . import live

    return live.watch(paths, langs, formats, out, args.jobs, where.house, registry)


def _build_on_cluster(jobs, args, project: projects.Project, debug: bool,
                      verbosity: int) -> int:
    from ..jobs import batch, cluster

    address = args.scheduler or project.scheduler
    try:
        connected = cluster.Cluster(address, project.tls)
    except (cluster.ClusterError, projects.ProjectError) as err:
        print(f"briefing: error: {err}", file=sys.stderr)
        return 1
    with connected:
        summary = batch.run(jobs, force=args.force, debug=debug, verbosity=verbosity,
                            remote=connected.execute)
    print(summary)
    return 1 if summary.failed else 0


def _nothing_found(paths: list[Path], langs: list[str]) -> str:
    """Why no source was found: no document at all, or none in the languages asked for."""
    everything = build.find_sources(paths, [])
    where = ", ".join(str(path) for path in paths)
    if not everything:
        return f"no source files (<lang>.md) in {where}"
    have = sorted({source.stem for source in everything})
    return (f"no {', '.join(repr(lang) for lang in langs)} source in {where}; languages "
            f"there: {', '.join(have)}")


def _init(args) -> int:
    from . import init

    try:
        return init.init(args.folder, args.style or houses.DEFAULT)
    except (projects.ProjectError, ValueError, OSError) as err:
        print(f"briefing: error: {err}", file=sys.stderr)
        return 1


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


def _diff_since(sources: list[Path], args, out: Path, where: Workspace,
                registry: str | None) -> int:
    import subprocess

    from . import diff

    status = 0
    for source in sources:
        images = args.images / source.parent.name / source.stem if len(sources) > 1 else args.images
        try:
            report = diff.since(source, args.since, out, where.house, images, registry)
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
