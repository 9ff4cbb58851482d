"""`briefing import FILE.docx`: a Word file into a source, new or over an existing one.

A new source (`--slug SLUG`, or a language the document folder lacks) is written at once;
over an existing one, it is written in the existing source's layout
(`writers/markdown_layout.py`), the unified diff of the source's lines is printed, and the
file is written (atomically) only with `--write`. Tracked changes refuse the import
unless accepted or rejected; comments are listed. A translation (`--lang` another than the
original's) gets `original:` and the structure check.
"""
from __future__ import annotations

import codecs
import difflib
import sys
from pathlib import Path

from ..errors import SourceError
from ..files import write_atomic
from ..house.style import HouseStyle
from ..readers import frontmatter


def add_parser(commands) -> None:
    command = commands.add_parser(
        "import", help="read a Word file (.docx) into a source",
        description="Read FILE.docx into source/SLUG/<lang>.md (--slug) or over the document "
                    "DOC (a diff, written with --write).")
    command.add_argument("file", type=Path, metavar="FILE.docx")
    command.add_argument("document", nargs="?", type=Path, metavar="DOC",
                         help="the document folder (or .md file) the Word file updates")
    command.add_argument("--slug", help="a new document folder source/SLUG")
    command.add_argument("--lang", metavar="CODE", help="the Word file's language (default: the "
                         "original's for DOC, else en)")
    changes = command.add_mutually_exclusive_group()
    changes.add_argument("--accept-changes", action="store_true",
                         help="accept every tracked change")
    changes.add_argument("--reject-changes", action="store_true",
                         help="reject every tracked change")
    command.add_argument("--write", action="store_true",
                         help="write over the existing source (default: show the diff only)")
    command.add_argument("--style", metavar="NAME|DIR", help="house style (default: the project's)")


def run(args, house_folder: Path, sources: Path) -> int:
    from ..jobs import word_import
    from ..writers import markdown_layout

    if bool(args.document) == bool(args.slug):
        print("briefing: error: import takes either a document folder DOC or --slug SLUG",
              file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"{args.file}: error: no such file", file=sys.stderr)
        return 1
    house = HouseStyle(house_folder)
    folder = sources / args.slug if args.slug else (
        args.document.parent if args.document.suffix == ".md" else args.document)
    if args.document and not folder.is_dir():
        print(f"{args.document}: error: no such document folder", file=sys.stderr)
        return 1
    original = _original(folder)
    lang = args.lang or (args.document.stem if args.document and args.document.suffix == ".md"
                         else original) or "en"
    if not frontmatter.is_language(lang):
        print(f"briefing: error: not a language code: {lang!r}", file=sys.stderr)
        return 2
    target = folder / f"{lang}.md"
    changes = "accept" if args.accept_changes else "reject" if args.reject_changes else "refuse"
    error, imported, text, warnings = word_import.read_limited(args.file, target, original,
                                                               house_folder, changes)
    sys.stderr.write(warnings)
    if error:
        print(error, file=sys.stderr)
        return 1
    for change in imported.changes:
        print(f"{args.file}: {'accepted' if changes == 'accept' else 'rejected'}: {change}",
              file=sys.stderr)
    for comment in imported.comments:
        print(f"{args.file}: {comment}", file=sys.stderr)
    ending, mark = "\n", ""  # the source's line ending and byte-order mark, kept
    if target.is_file():
        raw = target.read_bytes()
        ending = "\r\n" if b"\r\n" in raw else "\n"
        mark = "\ufeff" if raw.startswith(codecs.BOM_UTF8) else ""
        old = raw.decode("utf-8-sig").replace("\r\n", "\n")
        text = markdown_layout.kept(old, text, house.labels(lang))
        sys.stdout.writelines(line_diff(old, text, str(target)))
        if old == text:
            print(f"{target}: no change")
            return 0
        if not args.write:
            print(f"{target}: not written: add --write to write it")
            return 0
    _pictures(imported.pictures, folder)
    write_atomic(target, (mark + text.replace("\n", ending)).encode("utf-8"))
    print(f"{target}: written")
    return _checked(target, house)


def line_diff(old: str, new: str, name: str) -> list[str]:
    """A unified diff of the source's lines, one line of context."""
    return list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     f"{name} (now)", f"{name} (from Word)", n=1))


def _checked(target: Path, house: HouseStyle) -> int:
    """Whether the written source loads, and for a translation its structure check."""
    from ..jobs import build
    from ..translation import check

    try:
        build.load(target, house)
        errors = check.structure(target, house)
    except SourceError as err:
        print(f"{err}\n{target}: the source was written but does not build yet: fix it there",
              file=sys.stderr)
        return 1
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


def _pictures(pictures: dict[str, bytes], folder: Path) -> None:
    """The Word file's pictures beside the source (an equal file already there is kept)."""
    for name, data in pictures.items():
        path = folder / name
        if not (path.is_file() and path.read_bytes() == data):
            write_atomic(path, data)


def _original(folder: Path) -> str:
    """The language of the folder's original (the source without `original:`), if any."""
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if frontmatter.is_language(path.stem):
            try:
                data, _ = frontmatter.load(frontmatter.split(path.read_text(encoding="utf-8-sig"),
                                                             path), path)
            except SourceError:
                continue
            if not data.get("original"):
                return path.stem
    return ""
