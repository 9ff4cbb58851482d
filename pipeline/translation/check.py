"""Structural check of a translation against its original.

Errors are what breaks the translated document or misstates its sources: per aligned unit,
its footnote calls (which may move within their sentence), citation keys and URLs; the same
per footnote (a footnote holding only a URL is no unit); heading levels, list and table
shapes, the index; and, for an original, another original in its folder (a translation
lacking `original:`). Numbers that differ are warnings: translations write them differently,
in words or in other forms (`numbers.py`). Each mismatch names the line on both sides.
"""
from __future__ import annotations

import re
from bisect import bisect
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError, warn
from ..model import Location
from ..readers import frontmatter, markdown as reader
from . import numbers, sync, units as u
from .sync import Pair

_CITE_KEY = re.compile(r"@([\w][\w:.#$%&+?<>~/-]*)")
_URL = re.compile(r"\]\(([^)\s]+)|<([a-z]+:[^>]+)>")
_SENTENCE_END = re.compile(r"[.!?؟]\0*\s")  # \0: a footnote call, which ends with its sentence
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str
    error: bool = True  # else a warning

    def __str__(self) -> str:
        return f"{self.where}: {'error' if self.error else 'warning'}: {self.message}"


def structure(source: Path, house, failed: bool = False) -> list[str]:
    """`briefing check`: the errors of a translation against its original (its warnings are
    printed), or of an original that is not its folder's only one. After the source `failed`
    to load, what can still be compared (nothing if its front matter or encoding is wrong)."""
    try:
        if not sync.original_of(source):
            return second_original(source)
        found = problems(sync.pair(source, house), house.identifiers)
    except (SourceError, UnicodeDecodeError):
        if failed:
            return []
        raise
    for problem in found:
        if not problem.error:
            warn(problem.where, problem.message)
    return [str(problem) for problem in found if problem.error]


def problems(p: Pair, scheme) -> list[Problem]:
    """The mismatches of the pair; identifiers compared as the house's `scheme` reads them."""
    out = []

    def mismatch(t: u.Unit, o: u.Unit, message: str, error: bool = True):
        out.append(Problem(t.location, f"{message} (original: {o.location})", error))

    # A footnote's paragraphs pair by label, whatever order the notes are called in.
    notes = {t.kind: t for t in [s.target for s in p.states if s.target] + p.extra
             if t.kind.startswith("footnote:")}
    for state in p.states:
        o = state.unit
        t = notes.pop(o.kind, None) if o.kind.startswith("footnote:") else state.target
        if t is None:
            out.append(Problem(Location(p.translation, 1), f"no translation of the {o.kind} at "
                                                           f"{o.location} ({short(o.text)})"))
            continue
        if not o.kind.startswith("footnote:"):  # footnotes are compared whole, below
            for message in _differences(o, t):
                mismatch(t, o, message)
        lost, extra = numbers.differences(u.plain(o.pieces), p.original.stem,
                                          u.plain(t.pieces), p.lang)
        if lost or extra:
            mismatch(t, o, f"numbers differ: {_detail(lost, extra)}", error=False)
        if o.kind == "heading" and o.level != t.level:
            mismatch(t, o, f"heading level {t.level}, the original's is {o.level}")
    theirs = u.footnotes(p.translation)
    for label, o in u.footnotes(p.original).items():
        if label in theirs:  # a call missing from the text is the text's error
            for message in _differences(o, theirs[label]):
                mismatch(theirs[label], o, f"footnote [^{label}]: {message}")
    ours, theirs = _lists(p.original), _lists(p.translation)
    for (o_line, o_shape), (t_line, t_shape) in zip(ours, theirs):
        if o_shape != t_shape:
            out.append(Problem(Location(p.translation, t_line),
                               f"list of {t_shape[1]} {t_shape[0]} items, the original's has "
                               f"{o_shape[1]} {o_shape[0]} items (original: "
                               f"{Location(p.original, o_line)})"))
    if len(ours) != len(theirs):
        out.append(Problem(Location(p.translation, 1),
                           f"{len(theirs)} lists, the original has {len(ours)}"))
    ours, theirs = _tables(p.original), _tables(p.translation)
    for (o_line, o_rows, o_numbers), (t_line, t_rows, t_numbers) in zip(ours, theirs):
        where, original = Location(p.translation, t_line), Location(p.original, o_line)
        if o_rows != t_rows:
            out.append(Problem(where, f"table of {len(t_rows)} rows, {sum(t_rows)} cells, the "
                                      f"original's has {len(o_rows)} rows, {sum(o_rows)} cells "
                                      f"(original: {original})"))
        lost, extra = numbers.differences(o_numbers, p.original.stem, t_numbers, p.lang)
        if lost or extra:
            out.append(Problem(where, f"table numbers differ: {_detail(lost, extra)} "
                                      f"(original: {original})", error=False))
    if len(ours) != len(theirs):
        out.append(Problem(Location(p.translation, 1),
                           f"{len(theirs)} tables, the original has {len(ours)}"))
    for unit in [t for t in p.extra if not t.kind.startswith("footnote:")] + list(notes.values()):
        out.append(Problem(unit.location, f"this {unit.kind} has no counterpart in the "
                                          f"original {p.original}"))
    indexes = [_index(path, scheme) for path in (p.original, p.translation)]
    if indexes[1][0] is not None and indexes[0][0] != indexes[1][0]:
        out.append(Problem(indexes[1][1], f"index {indexes[1][0]} differs from the original's "
                                          f"{indexes[0][0]} (original: {indexes[0][1]})"))
    return out


def second_original(source: Path) -> list[str]:
    """An error if the original `source` is not the only language file of its folder without
    `original:`. The folder's original is the one its translations name most, else the first
    by name; another is taken for a translation lacking `original:`."""
    originals, named = [], Counter()
    for path in sorted(source.parent.glob("*.md")):
        if not frontmatter.is_language(path.stem):
            continue
        try:
            data, _ = frontmatter.load(frontmatter.split(reader.read_text(path), path), path)
        except SourceError:
            continue  # that file's own check reports it
        if "original" in data:
            named[str(data["original"]).strip()] += 1
        else:
            originals.append(path)
    first = max(originals, key=lambda path: named[path.stem], default=None)
    if first is None or first.name == source.name:
        return []
    return [str(Problem(Location(source, 1),
                        f"a second original beside {first.name} (a folder holds one document, "
                        f"in its languages): if this is its translation, add "
                        f"`original: {first.stem}` to its front matter"))]


def _differences(o: u.Unit, t: u.Unit) -> list[str]:
    """How the footnote calls, citation keys and URLs of the translation `t` differ from its
    original `o`'s."""
    out = []
    for name, fn in (("footnote calls", _calls), ("citation keys", _cites), ("URLs", _urls)):
        mine, theirs = Counter(fn(t)), Counter(fn(o))
        if mine != theirs:
            lost, extra = sorted((theirs - mine).elements()), sorted((mine - theirs).elements())
            out.append(f"{name} differ: {_detail(lost, extra)}")
    calls = _calls(t), _calls(o)
    if Counter(calls[0]) == Counter(calls[1]) and not _in_order(t, calls[1]):
        out.append(f"footnote calls in another order: {', '.join(calls[0])}, the original's "
                   f"{', '.join(calls[1])}")
    return out


def _in_order(unit: u.Unit, order: list[str]) -> bool:
    """Whether the footnote calls of `unit` come in `order` once each of its sentences may
    order its own calls freely."""
    text = "".join("\0" if isinstance(p, u.Tag) and p.ctype == "x-footnote" else
                   p if isinstance(p, str) else "" for p in unit.pieces)
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    sentences = [bisect(ends, i) for i, c in enumerate(text) if c == "\0"]
    rank = {call: order.index(call) for call in order}
    calls = sorted(zip(sentences, _calls(unit)), key=lambda sc: (sc[0], rank[sc[1]]))
    return [call for _, call in calls] == order


def _detail(lost: list[str], extra: list[str]) -> str:
    return "; ".join(filter(None, [f"missing {', '.join(lost)}" if lost else "",
                                   f"extra {', '.join(extra)}" if extra else ""]))


def _index(path, scheme):
    """The front matter's identifier (None if not given) and where it is."""
    data, values = frontmatter.load(frontmatter.split(reader.read_text(path), path), path)
    if "index" not in data:
        return None, path
    try:
        return scheme.parse(str(data["index"])), values["index"]
    except ValueError:
        return str(data["index"]), values["index"]


def short(text: str) -> str:
    return text if len(text) < 60 else text[:57] + "…"


def _tags(unit, ctype):
    return [t.native for t in unit.tags() if t.ctype == ctype]


def _calls(unit):
    return _tags(unit, "x-footnote")


def _cites(unit):
    return sorted(k for c in _tags(unit, "x-citation") for k in _CITE_KEY.findall(c))


def _urls(unit):
    found = []
    for tag in unit.tags():
        if tag.ctype == "x-url":  # an autolink `<…>` or a bare address
            found.append(tag.native.strip("<>"))
        else:
            found += [a or b for a, b in _URL.findall(tag.native)]
    return sorted(found)


def _tokens(path):
    """markdown-it's tokens of a source, for its structure (quotation marks left straight)."""
    return reader.markdown("\"\"''").parse(reader.read_text(path), {})


def _lists(path):
    """(line, (kind, item count)) of each list, in order."""
    tokens = _tokens(path)
    result, stack = [], []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            stack.append([token.map[0] + 1, token.type.split("_")[0], 0])
        elif token.type == "list_item_open" and stack:
            stack[-1][2] += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            line, kind, count = stack.pop()
            result.append((line, (kind, count)))
    return sorted(result)


def _tables(path):
    """(line, cells per row, text of the cells without letters) of each table, in order: a
    cell with letters is a unit, its numbers compared with it."""
    tokens = _tokens(path)
    result = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            rows, cells = [], []
            for inner in tokens[i:]:
                if inner.type == "table_close":
                    break
                if inner.type == "tr_open":
                    rows.append(0)
                elif inner.type in ("th_open", "td_open"):
                    rows[-1] += 1
                elif inner.type == "inline" and not _LETTER.search(inner.content):
                    cells.append(inner.content)
            result.append((token.map[0] + 1, rows, " | ".join(cells)))
    return result
