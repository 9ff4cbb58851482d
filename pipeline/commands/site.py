"""`briefing site`: the document library, a static site to upload (see `pipeline.site`)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import SourceError


def add_parser(commands, parents: list[argparse.ArgumentParser], positive) -> None:
    site = commands.add_parser(
        "site", help="make the document library: a static site of every published document",
        parents=parents,
        description="Builds the documents' outputs (incrementally, as build does), then the "
                    "site: a page per document and language at the house's address, lists by "
                    "series, year and language, search, feeds and a sitemap.")
    site.set_defaults(paths=[])  # the library is every document of the project
    site.add_argument("--out", type=Path, metavar="DIR",
                      help="the site's folder (default: the project's, site/)")
    site.add_argument("--base-url", metavar="URL", help="the site's address (default: the host "
                      "of the house style's address pattern)")
    site.add_argument("--drafts", action="store_true", help="publish drafts too")
    site.add_argument("--format", action="append", metavar="FORMAT",
                      help="formats to offer for download (default: all)")
    site.add_argument("--force", action="store_true", help="rebuild and rewrite everything")
    site.add_argument("-j", "--jobs", type=positive, metavar="N",
                      help="worker processes (default: the number of CPUs)")
    site.add_argument("--debug", action="store_true",
                      help="print the traceback of an internal error (or BRIEFING_DEBUG=1)")


def run(args, sources: list[Path], formats: list[str], out: Path, site: Path, house: Path,
        registry: str | None, verbosity: int) -> int:
    from ..site import catalogue, publish  # here: the other commands need not load them

    debug = args.debug or os.environ.get("BRIEFING_DEBUG", "") not in ("", "0")
    try:
        report = publish.publish(sources, out, site, house, formats=formats,
                                 base_url=args.base_url, drafts=args.drafts, registry=registry,
                                 workers=args.jobs, force=args.force, verbosity=verbosity,
                                 debug=debug)
    except (catalogue.CatalogueError, SourceError) as err:
        print(err, file=sys.stderr)
        return 1
    except (ValueError, RuntimeError, OSError) as err:
        print(f"briefing: error: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # a bug: no traceback unless --debug
        if debug:
            raise
        print(f"briefing: error: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    if report.build and verbosity >= 0:
        print(report.build)
    print(report)
    if not report.failed and verbosity >= 0:
        print(f"site: {site}/index.html")
    return 1 if report.failed else 0

