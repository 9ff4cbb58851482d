"""`briefing translate export|import|status|sync`. The translation modules are imported
where used, so that naming the commands costs nothing."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..readers import frontmatter
from ..errors import SourceError, warn
from ..model import Location

if TYPE_CHECKING:
    from ..translation import exchange


def add_parser(commands) -> None:
    parser = commands.add_parser("translate", help="translator workflow: XLIFF/PO, drift")
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write an XLIFF 1.2 (or PO) file for a language")
    export.add_argument("doc", nargs="?", type=Path, default=None, metavar="DOC",
                        help="document folder (default: each under source/)")
    export.add_argument("--lang", required=True, metavar="CODE")
    export.add_argument("--po", action="store_true", help="write PO instead of XLIFF")
    export.add_argument("-o", "--out", type=Path, metavar="FILE", help="output file")
    imp = actions.add_parser("import", help="write an edited XLIFF or PO file back into <lang>.md")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("docs", nargs="*", type=Path, metavar="DOC",
                     help="document folders it may write into (default: source/)")
    status = actions.add_parser("status", help="translated / stale / missing units")
    status.add_argument("docs", nargs="*", type=Path, metavar="DOC")
    mark = actions.add_parser("sync", help="record the translation as current with the original")
    mark.add_argument("doc", nargs="?", type=Path, default=None, metavar="DOC")
    mark.add_argument("--lang", required=True, metavar="CODE")


def run(args: argparse.Namespace, house, sources: Path) -> int:
    """Run a `translate` action; `sources` is the project's folder of documents."""
    args.sources = sources
    try:
        return {"export": _export, "import": _import, "status": _status,
                "sync": _sync}[args.action](args, house)
    except SourceError as err:
        print(err, file=sys.stderr)
        return 1


def _documents(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if not path.is_dir():
            raise SourceError(path, "no such document folder")
        found += [path] if any(path.glob("*.md")) else sorted(p for p in path.iterdir() if p.is_dir())
    return found


def _translations(folder: Path, langs: list[str] | None = None) -> list[Path]:
    from ..translation import sync

    found = [p for p in sorted(folder.glob("*.md")) if sync.original_of(p)]
    return [p for p in found if not langs or p.stem in langs]


def _one(args, start: bool = False) -> Path:
    """The translation into `args.lang` of `args.doc`, or of the one document that has one;
    with `start`, the `<lang>.md` to begin in the document folder `args.doc` if it has none."""
    doc, lang = args.doc, args.lang
    folders = _documents([doc or args.sources])
    sources = [p for folder in folders for p in _translations(folder, [lang])]
    if len(sources) == 1:
        return sources[0]
    if sources:
        raise SourceError(doc or args.sources, f"{len(sources)} translations into '{lang}' "
                          f"found ({', '.join(map(str, sources))}): name one document folder")
    new = folders[0] / f"{lang}.md" if doc and len(folders) == 1 else None
    if new and new.is_file():
        raise SourceError(Location(new, 1), "not a translation: no 'original:' in its front "
                          "matter (a translation names its original, e.g. 'original: en')")
    if new and start:
        return new
    languages = "; ".join(_languages(folder) for folder in folders) or "no document folders"
    raise SourceError(doc or args.sources, f"no translation into '{lang}' ({languages}); to "
                      f"start one, name its document folder: briefing translate export --lang "
                      f"{lang} {doc or 'DOC'}")


def _languages(folder: Path) -> str:
    """A document folder's languages: `slug: en (original), fr, ar`."""
    translations = _translations(folder)
    return f"{folder.name}: " + ", ".join(
        p.stem if p in translations else f"{p.stem} (original)"
        for p in sorted(folder.glob("*.md"), key=lambda p: (p in translations, p.stem)))


def _export(args, house) -> int:
    from ..translation import exchange, sync

    path = _one(args, start=True)
    p = sync.pair(path, house) if path.is_file() else sync.start(path, house)
    data = exchange.export_po(p) if args.po else exchange.export_xliff(p)
    out = args.out or Path(f"{p.translation.parent.name}.{p.lang}.{'po' if args.po else 'xlf'}")
    out.write_bytes(data)
    new = "" if p.translation.is_file() else ", a new language"
    print(f"{p.translation}: wrote {out} ({_counts(p)}{new})")
    return 0


def _import(args, house) -> int:
    from ..translation import exchange, sync, writeback

    if not args.file.is_file():
        raise SourceError(args.file, "no such file")
    imported = (exchange.import_po if args.file.suffix == ".po" else exchange.import_xliff)(args.file)
    original = imported.document
    translation = _target(imported, args.docs or [args.sources])
    started = not translation.is_file()  # a new language
    if started:
        if not imported.targets:
            raise SourceError(args.file, f"no translated unit in it: {translation} not started")
        writeback.start(sync.start(translation, house))
    try:
        p = sync.pair(translation, house)
        by_id = {s.unit.id: s for s in p.states}
        for ident in imported.targets.keys() - by_id.keys():
            warn(args.file, f"unit '{ident}' is no longer in {original}: skipped")
        read = {i: target(by_id[i].unit) for i, target in imported.targets.items() if i in by_id}
        texts = {i: text for i, (text, _) in read.items()
                 if by_id[i].target is None or by_id[i].target.text != text}
        writeback.write(p, texts)
    except BaseException:
        if started:  # nothing written: not even the new language's first draft
            translation.unlink()
        raise
    sources = {i: source for i, (_, source) in read.items()}
    sync.save(sync.pair(translation, house), sources)
    print(f"{translation}: {len(texts)} units written, {len(sources)} synced")
    return 0


def _target(imported: exchange.Imported, folders: list[Path]) -> Path:
    """The translation an exchange file may write: `<lang>.md` beside the original
    `<lang>.md` it names, inside one of `folders`. The file comes from outside hands, so it
    names nothing else."""
    original = imported.document.resolve()
    inside = any(original.is_relative_to(folder.resolve()) for folder in folders)
    if not (inside and original.suffix == ".md" and frontmatter.is_language(original.stem)
            and frontmatter.is_language(imported.lang) and imported.lang != original.stem):
        raise SourceError(imported.where, f"refused: it names {str(imported.document)!r} "
                          f"translated into {imported.lang!r}; an exchange file may only write "
                          "a <lang>.md beside a <lang>.md original under "
                          + ", ".join(str(f) for f in folders))
    if imported.source_lang and imported.source_lang != original.stem:
        raise SourceError(imported.where, f"the file translates from {imported.source_lang!r} "
                          f"(source-language), but names the original {original.name}: "
                          "export the file again from that original")
    return original.with_name(f"{imported.lang}.md")


def _status(args, house) -> int:
    """Exit status 1 when a folder has a second original (a translation lacking `original:`)."""
    from ..translation import check, sync

    status = 0
    for folder in _documents(args.docs or [args.sources]):
        for source in sorted(folder.glob("*.md")):
            for problem in check.second_original(source) if not sync.original_of(source) else []:
                print(problem, file=sys.stderr)
                status = 1
        for translation in _translations(folder):
            p = sync.pair(translation, house)
            print(f"{translation}: {_counts(p)}")
            for state in p.states:
                if state.status == "stale":
                    print(f"  stale {state.unit.id} ({state.unit.location}, translation "
                          f"{state.target.location})\n    was: {state.previous}\n    now: "
                          f"{state.unit.text}")
                elif state.status == "missing":
                    print(f"  missing {state.unit.id} ({state.unit.location})")
    return status


def _sync(args, house) -> int:
    from ..translation import sync

    p = sync.pair(_one(args), house)
    path = sync.save(p, everything=True)
    print(f"{p.translation}: recorded {path} ({_counts(p)})")
    return 0


def _counts(p) -> str:
    n = {k: sum(s.status == k for s in p.states) for k in ("translated", "stale", "missing")}
    return ", ".join(f"{v} {k}" for k, v in n.items())
