"""Write translated units into a translation's source, touching no other line; start the
source of a new language."""
from __future__ import annotations

import re
from collections import Counter

import yaml

from ..readers import frontmatter, markdown as reader
from ..files import write_atomic
from ..errors import SourceError
from ..model import Location
from . import units as u
from .sync import Pair, State

_PREFIX = {
    "heading": re.compile(r"^\s*#+\s*"),
    "item": re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+"),
    "footnote": re.compile(r"^\s*\[\^[^\]]+\]:\s*"),
    "paragraph": re.compile(r"^\s*"),
}
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_STRAIGHT = "\"\"''"  # quotation marks: the units' structure does not depend on them


def write(p: Pair, texts: dict[str, str]) -> None:
    """Put `texts` (unit id -> Markdown) into the translation file of `p`."""
    lines = reader.read_text(p.translation).split("\n")
    edits = []  # (line, order, function of lines)
    previous_end = None
    for order, state in enumerate(p.states):
        if state.unit.id in texts:
            edits.append(_edit(p, state, texts[state.unit.id], previous_end, lines, order))
        if state.target is not None and not state.unit.kind.startswith("meta:"):
            previous_end = state.target.lines[1]
    for _, _, apply in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        apply(lines)
    text = "\n".join(lines)
    _check_units(p, text, Counter(state.unit.kind for state in p.states
                                  if state.unit.id in texts and state.target is None))
    write_atomic(p.translation, text.encode("utf-8"))


def _check_units(p: Pair, text: str, added: Counter) -> None:
    """Refuse `text` unless it reads as the translation's units, each kind as many times as
    before plus the `added` ones: a translated unit never turns what follows it into a code
    block, a box or a note."""
    expected = Counter(unit.kind for unit in u.segment(p.translation, _STRAIGHT)) + added
    found = Counter(unit.kind for unit in u.segment(p.translation, _STRAIGHT, text))
    if found != expected:
        lost = ", ".join(f"{kind} x{n}" for kind, n in sorted((expected - found).items()))
        gained = ", ".join(f"{kind} x{n}" for kind, n in sorted((found - expected).items()))
        raise SourceError(Location(p.translation, 1), "importing would change the units of "
                          f"the translation (lost: {lost or 'none'}; gained: {gained or 'none'})"
                          ": nothing written; check the Markdown of the units in the file")


def start(p: Pair) -> None:
    """Write the translation file of `p`, a new language, as its original's body under an
    `original:` front matter: it has the original's structure (lists, tables, notes), and
    each unit reads as the original's, missing, until `write` puts its translation in."""
    text = reader.read_text(p.original)
    body = text.split("\n")[frontmatter.split(text, p.original).count("\n") + 2:]
    write_atomic(p.translation, "\n".join(["---", f"original: {p.original.stem}", "---", *body])
                 .encode("utf-8"))


def _edit(p: Pair, state: State, text: str, previous_end, lines, order):
    kind = state.unit.kind
    target = state.target
    if kind.startswith("meta:"):
        key = kind[5:]
        line = yaml.safe_dump({key: text}, allow_unicode=True, width=10**6).strip()
        if target is not None:
            start = target.lines[0]
            return start, order, lambda ls: ls.__setitem__(start, line)
        close = lines.index("---", 1)  # a new key goes last in the front matter
        return close, order, lambda ls: ls.insert(close, line)
    if target is None:  # a unit the translation lacks: after the previous translated one
        at = previous_end if previous_end is not None else len(lines)
        if kind == "cell":  # a table's shape is the translator's to fix, not ours to guess
            raise SourceError(Location(p.translation, max(at, 1)), "the translation lacks the "
                              f"table cell after this line that renders {state.unit.location} "
                              f"({state.unit.text!r}): fill it in by hand, then import again")
        block = {"heading": "#" * max(state.unit.level, 2) + " " + text,
                 "item": "- " + text}.get(kind, text)
        if kind.startswith("footnote:"):
            block, at = f"[^{kind[9:].split('.')[0]}]: {text}", len(lines)
        new = [block] if kind == "item" else ["", block]

        def insert(ls):
            ls[at:at] = new
        return at, order, insert
    start, end = target.lines
    if kind == "cell":
        def apply_cell(ls, row=start, column=target.column):
            cells = _CELL_SPLIT.split(ls[row])
            index = column + 1 if ls[row].lstrip().startswith("|") else column
            cells[index] = " " + _CELL_SPLIT.sub(r"\\|", text) + " "  # a | stays in its cell
            ls[row] = "|".join(cells)
        return start, order, apply_cell
    key = "footnote" if kind.startswith("footnote:") else kind if kind in _PREFIX else "paragraph"
    prefix = (_PREFIX[key].match(lines[start]) or _PREFIX["paragraph"].match(lines[start])).group(0)
    return start, order, lambda ls: ls.__setitem__(slice(start, end), [prefix + text])
