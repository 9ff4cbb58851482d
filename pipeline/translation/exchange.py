"""Exchange files for translators: XLIFF 1.2 (CAT tools: memoQ, Trados, Okapi) and PO
(Weblate, Poedit).

Both say the same of a unit: translated and current (XLIFF `approved="yes"`, target
`state="translated"`; PO not fuzzy), stale (`state="needs-review-translation"`, not
approved, with an `alt-trans` of the previous original and its translation; PO fuzzy with
the previous original as `#| msgid`, as msgmerge writes it) or missing (an empty target,
`state="new"`; PO an empty msgstr). That is what Translate Toolkit (`istranslated()`,
`isfuzzy()`) and the tools built on it read.

XLIFF: one `trans-unit` per unit, valid against the OASIS XLIFF 1.2 strict schema; emphasis,
links and inline notes as `bpt`/`ept` pairs (matched by `id`; the `ctype` is the `bpt`'s),
footnote calls, citations, code and URLs as `ph` placeholders, all holding their Markdown;
a context note. Written with lxml, read back through the safe parser of `xliff.py` (no
DOCTYPE, no entities, no network). PO: the unit's Markdown as msgid, its id as msgctxt,
with the header fields `msgfmt -c` checks. polib reads and writes it.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable

import polib
from lxml import etree

from . import xliff
from .. import files, limits
from ..errors import SourceError
from ..model import Location
from . import units as u
from .sync import Pair

NS = "urn:oasis:names:tc:xliff:document:1.2"
_Q = "{%s}" % NS
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_UNCONFIRMED = ("new", "needs-translation", "needs-review-translation")  # not imported
_STATES = {"translated": "translated", "stale": "needs-review-translation", "missing": "new"}


class Imported:
    """What an exchange file says: the original it translates (named at `where`) and its
    language, if the format says; per unit id, the translation, as a function that takes our
    own unit of the original and gives the translation's Markdown (its placeholders are
    ours, never the file's) and the source text it was made from."""

    def __init__(self, document: Path, lang: str, where: Location, source_lang: str = ""):
        self.document, self.lang, self.where = document, lang, where
        self.source_lang = source_lang
        self.targets: dict[str, Callable[[u.Unit], tuple[str, str]]] = {}


# XLIFF -------------------------------------------------------------------------------------

def export_xliff(p: Pair) -> bytes:
    root = etree.Element(_Q + "xliff", version="1.2", nsmap={None: NS})
    file = etree.SubElement(root, _Q + "file", {
        "original": str(p.original), "source-language": p.original.stem,
        "target-language": p.lang, "datatype": "x-markdown",
        "product-name": "briefing"})
    etree.SubElement(etree.SubElement(file, _Q + "header"), _Q + "note").text = (
        f"Translation of {p.original.name} into {p.translation.name}. Tags are Markdown: keep "
        "every placeholder; footnote calls and citations may move within the sentence.")
    body = etree.SubElement(file, _Q + "body")
    for state in p.states:
        unit = etree.SubElement(body, _Q + "trans-unit", {"id": state.unit.id,
                                                        "resname": state.unit.kind})
        if state.status == "translated":
            unit.set("approved", "yes")
        _fill(etree.SubElement(unit, _Q + "source", {_LANG: p.original.stem}), state.unit.pieces)
        target = etree.SubElement(unit, _Q + "target", {_LANG: p.lang,
                                                     "state": _STATES[state.status]})
        if state.status != "missing":
            _fill(target, _with_ids(state.target.pieces, state.unit.pieces))
        if state.status == "stale":  # the previous original and its translation, as Markdown
            alt = etree.SubElement(unit, _Q + "alt-trans", {"alttranstype": "previous-version"})
            etree.SubElement(alt, _Q + "source", {_LANG: p.original.stem}).text = state.previous
            etree.SubElement(alt, _Q + "target", {_LANG: p.lang}).text = state.target.text
        etree.SubElement(unit, _Q + "note", {"from": "context"}).text = (
            f"{state.unit.kind} at {state.unit.path.name}:{state.unit.lines[0] + 1}"
            + (f"; {state.unit.context}" if state.unit.context else ""))
    etree.indent(root, space=" ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _with_ids(target: list, source: list) -> list:
    """The translation's tags renumbered to match the source's (by native text, in order)."""
    free = [t for t in source if isinstance(t, u.Tag)]
    renumber = {}
    out = []
    for piece in target:
        if isinstance(piece, u.Tag):
            key = (piece.kind, piece.id)
            if key not in renumber:
                same = next((t for t in free if t.kind == piece.kind and t.native == piece.native
                             and t.ctype == piece.ctype), None) or next(
                    (t for t in free if t.kind == piece.kind and t.ctype == piece.ctype), None)
                if same is not None:
                    free.remove(same)
                renumber[key] = same.id if same is not None else 1000 + piece.id
            piece = u.Tag(piece.kind, renumber[key], piece.ctype, piece.native)
            if piece.kind == "bpt":
                renumber[("ept", key[1])] = renumber[key]
        out.append(piece)
    return out


def _fill(element: etree._Element, pieces: list) -> None:
    last = None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            last = etree.SubElement(element, _Q + piece.kind, {"id": str(piece.id)})
            if piece.kind != "ept":  # XLIFF 1.2 allows no ctype on ept: its bpt has it
                last.set("ctype", piece.ctype)
            last.text = piece.native


def import_xliff(path: Path) -> Imported:
    root = xliff.parse(path)
    file = root.find(_Q + "file")
    if file is None:
        raise SourceError(Location(path, root.sourceline or 1), "not an XLIFF 1.2 file")
    result = Imported(Path(file.get("original", "")), file.get("target-language", ""),
                      Location(path, file.sourceline or 1), file.get("source-language", ""))
    for unit in xliff.units(path, root):
        if not _confirmed(unit):
            continue
        target_pieces = _read(unit.target, unit.location)
        if u.plain(target_pieces).strip():
            result.targets[unit.id] = partial(_xliff_text, unit.location, unit.id, target_pieces,
                                              _read(unit.source, unit.location))
    return result


def _xliff_text(where: Location, ident: str, pieces: list, source: list,
                ours: u.Unit) -> tuple[str, str]:
    """The target's Markdown and the source's, each placeholder the Markdown of ours with
    its id."""
    natives = {(t.kind, t.id): t for t in ours.tags()}
    _check_tags(where, ident, natives, [t for t in pieces if isinstance(t, u.Tag)])

    def markdown(pieces: list) -> str:
        return u.as_text(ident, [natives.get((p.kind, p.id), p) if isinstance(p, u.Tag) else p
                                 for p in pieces])

    return markdown(pieces), markdown(source)


def _confirmed(unit: xliff.Unit) -> bool:
    """Whether a unit's target is a translation to take: `approved` where the unit says
    (as Translate Toolkit reads it), else its target's `state`."""
    if unit.target is None:
        return False
    if unit.approved is not None:
        return unit.approved == "yes"
    return unit.target.get("state") not in _UNCONFIRMED


def _read(element: etree._Element, where: Location) -> list:
    pieces: list = [element.text] if element.text else []
    for child in element:
        if isinstance(child.tag, str):  # not a comment or processing instruction
            kind = etree.QName(child).localname
            if kind not in ("ph", "bpt", "ept", "x"):
                raise SourceError(where, f"unexpected <{kind}> inside "
                                  f"<{etree.QName(element).localname}>")
            try:
                pieces.append(u.Tag(kind, int(child.get("id", "")), child.get("ctype", ""),
                                    child.text or ""))
            except ValueError:
                raise SourceError(where, f"<{kind}> without a numeric id") from None
        if child.tail:
            pieces.append(child.tail)
    return pieces


def _check_tags(where, ident, natives: dict, tags: list) -> None:
    want = Counter(list(natives))
    have = Counter((t.kind, t.id) for t in tags)
    for key in want - have:
        raise SourceError(where, f"trans-unit '{ident}': placeholder <{key[0]} id=\"{key[1]}\"> "
                          f"({natives[key].native}) is missing from the target")
    for key in have - want:
        raise SourceError(where, f"trans-unit '{ident}': the target has <{key[0]} id=\"{key[1]}\">, "
                          "which the source does not have (or has fewer times)")
    depth = []
    for tag in tags:  # paired tags must open before they close
        if tag.kind == "bpt":
            depth.append(tag.id)
        elif tag.kind == "ept" and (not depth or depth.pop() != tag.id):
            raise SourceError(where, f"trans-unit '{ident}': <ept id=\"{tag.id}\"> does not close "
                              "the tag opened last")


# PO ----------------------------------------------------------------------------------------

_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)
_LOCKED = re.compile(r"\[\^[^\]]+\]|\[[^\[\]]*@[^\[\]]*\]|\]\([^)]*\)|<[a-z]+:[^>]*>|`[^`]*`")


def export_po(p: Pair) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": p.original.parent.name, "Language": p.lang,
                   "PO-Revision-Date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M%z"),
                   "Last-Translator": "", "Language-Team": "",
                   "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit", "X-Source-File": str(p.original)}
    for state in p.states:
        entry = polib.POEntry(msgctxt=state.unit.id, msgid=state.unit.text,
                              msgstr=state.target.text if state.status != "missing" else "",
                              comment=state.unit.context,
                              occurrences=[(state.unit.path.name, str(state.unit.lines[0] + 1))])
        if state.status == "stale":
            entry.flags.append("fuzzy")
            entry.previous_msgid = state.previous
        po.append(entry)
    return str(po).encode("utf-8") + b"\n"


def import_po(path: Path) -> Imported:
    """A PO file, which must be UTF-8 and say so (as we export it): another charset would be
    read as mojibake."""
    text = files.read_text_inside(path, path.parent, limits.SOURCE_BYTES, "the PO file")
    lines = text.split("\n")
    charset = next(((i + 1, match) for i, line in enumerate(lines)
                    for match in _CHARSET.findall(line)), None)
    if charset is None or charset[1].lower().replace("-", "") != "utf8":
        raise SourceError(Location(path, charset[0] if charset else 1),
                          f"the PO file says its charset is {charset[1] if charset else 'nothing'}"
                          ": briefing reads UTF-8 PO files, with 'Content-Type: text/plain; "
                          "charset=UTF-8' (convert it with msgconv --to-code=UTF-8)")
    try:
        po = polib.pofile(text)
    except (OSError, ValueError) as err:
        raise SourceError(Location(path, 1), f"not a readable PO file: {err}") from None
    line = next((i + 1 for i, text in enumerate(lines) if '"X-Source-File:' in text), 1)
    result = Imported(Path(po.metadata.get("X-Source-File", "")), po.metadata.get("Language", ""),
                      Location(path, line))
    for entry in po:
        if not entry.msgstr.strip() or "fuzzy" in entry.flags:
            continue
        result.targets[entry.msgctxt] = partial(_po_text, Location(path, entry.linenum),
                                                entry.msgctxt, entry.msgstr, entry.msgid)
    return result


def _po_text(where: Location, ident: str, msgstr: str, msgid: str, ours: u.Unit) -> tuple[str, str]:
    """The msgstr as one line of Markdown that starts no block, holding the locked codes of
    our unit (not of the file's msgid)."""
    want, have = Counter(_LOCKED.findall(ours.text)), Counter(_LOCKED.findall(msgstr))
    for code in want - have:
        raise SourceError(where, f"entry '{ident}': {code} is missing from msgstr")
    for code in have - want:
        raise SourceError(where, f"entry '{ident}': msgstr has {code}, which the original "
                          "does not have")
    text = " ".join(msgstr.split())
    return text if ident.startswith("meta-") else u.block_safe(text), msgid
