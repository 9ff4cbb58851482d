"""Locale-correct text: the language's default kind and unit name, typographic spacing and,
in right-to-left languages, left-to-right runs isolated. Rules are house-style data
(`labels.yaml`, see its header); this module applies them to the document model, so every
writer gets them (dates and digits: `house.locale`).

Hand-written here: the spacing rules (no library applies
French typography to a document tree while sparing URLs and code) and the grouping of
left-to-right runs, which WeasyPrint needs spelt out because it ignores `unicode-bidi`.
"""
from __future__ import annotations

import re

from .. import model as m
from ..house.locale import direction
from .tree import map_inlines, plain_text

# A scheme starts where no scheme character precedes it, so a long word is tried once, not
# from each of its letters (which took quadratic time).
_URL = re.compile(r"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://\S*|www\.\S*", re.I)
_SPACES = "[ \u00a0\u202f]"
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def apply(doc: m.Document, context) -> None:
    """The language's default kind and unit name, typographic spacing (if the language has
    rules), then left-to-right isolation (if the language is written right to left).
    Isolation comes last: no transform looks inside it."""
    labels = context.house.labels(doc.lang)
    doc.meta.kind = doc.meta.kind or labels["kind"]
    unit = doc.meta.unit
    if isinstance(unit, dict):
        doc.meta.unit = {**unit, "name": unit.get("names", {}).get(doc.lang, unit["name"])}
    spacing = labels.get("spacing")
    fix = spacer(spacing or {})
    for key in ("title", "kind", "event", "short_title"):  # YAML text: no typographer ran
        setattr(doc.meta, key, fix(_APOSTROPHE.sub("’", getattr(doc.meta, key))))
    if spacing:
        _map_all(doc, lambda inlines: _space_inlines(inlines, fix))
    if direction(doc.lang) == "rtl":
        _map_all(doc, isolate_ltr)


def _map_all(doc: m.Document, fn) -> None:
    map_inlines(doc.blocks, fn)
    for note in doc.notes:
        map_inlines(note.blocks, fn)


# Typographic spacing ----------------------------------------------------------------------

def spacer(rules: dict):
    """A function applying `rules` (see labels.yaml) to a string, sparing URLs."""
    subs = []
    for chars, space, before in ((rules.get("narrow_before", ""), "\u202f", True),
                                 (rules.get("nbsp_before", ""), "\u00a0", True),
                                 (rules.get("narrow_after", ""), "\u202f", False)):
        if not chars:
            continue
        cls = "[" + re.escape(chars) + "]"
        if before:  # "mot ;" or "mot;" (followed by a space or the end) -> "mot\u202f;"
            subs.append((re.compile(f"(?<!{_SPACES}){_SPACES}+(?={cls})"), space))  # linear
            subs.append((re.compile(rf"(?<=[^\s\u00a0\u202f])(?={cls}(?:\s|$|[!?;:».,)]))"), space))
        else:  # "« mot" or "«mot" -> "«\u202fmot"
            subs.append((re.compile(f"({cls}){_SPACES}*"), rf"\1{space}"))

    def fix(text: str) -> str:
        parts = _URL.split(text)
        urls = _URL.findall(text)
        for pattern, repl in subs:
            parts = [pattern.sub(repl, part) for part in parts]
        return "".join(p + u for p, u in zip(parts, urls + [""]))
    return fix


def _space_inlines(inlines: list[m.Inline], fix) -> list[m.Inline]:
    result, before = [], ""
    for node in inlines:
        if isinstance(node, m.Text):
            # In "*mot*!" the text follows a word, so it may need its space too.
            prev = before[-1:] if before[-1:].strip() else ""
            node = m.Text(fix(prev + node.text)[len(prev):])
        result.append(node)
        before = node.text if isinstance(node, (m.Text, m.Code)) else (
            " " if isinstance(node, (m.SoftBreak, m.LineBreak)) else
            plain_text(getattr(node, "children", [])) or before)
    return result


# Left-to-right runs in right-to-left text ------------------------------------------------

_RTL_CHAR = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR_CHAR = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff]")
_PIECE = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]+|[A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff]+"
                    r"|\s+|.", re.S)


def _direction_of(text: str) -> str:
    """"R" if `text` has right-to-left letters, "L" if it has only left-to-right ones, else "N"."""
    if _RTL_CHAR.search(text):
        return "R"
    return "L" if _LTR_CHAR.search(text) else "N"


def isolate_ltr(inlines: list[m.Inline]) -> list[m.Inline]:
    """Wrap each left-to-right stretch (URL, index number, Latin citation, with the spaces
    and punctuation inside it) in one `Isolate`, so that a right-to-left paragraph shows it
    in reading order: a URL keeps its trailing slash at its end, a citation's parts their
    order. Brackets enter the run only in pairs."""
    atoms: list[tuple[str, m.Inline]] = []
    for node in inlines:
        if isinstance(node, m.Text):
            atoms += [(_direction_of(piece), m.Text(piece)) for piece in _PIECE.findall(node.text)]
        elif isinstance(node, (m.Code, m.Isolate)):
            atoms.append(("L", node))
        elif isinstance(node, (m.Emph, m.Strong, m.Link, m.Foreign)):
            atoms.append((_direction_of(plain_text(node.children)), node))
        else:
            atoms.append(("N", node))
    result: list[m.Inline] = []
    i = 0
    while i < len(atoms):
        if atoms[i][0] != "L":
            _append(result, atoms[i][1])
            i += 1
            continue
        end = i  # last L atom reachable through L and N atoms
        for j in range(i, len(atoms)):
            if atoms[j][0] == "R":
                break
            if atoms[j][0] == "L":
                end = j
        start, end = _balance(atoms, i, end)
        run = [node for _, node in atoms[start:end + 1]]
        for _ in range(i - start):  # a sign or bracket, already in `result`, joins the run
            result[-1] = m.Text(result[-1].text[:-1])
            if not result[-1].text:
                result.pop()
                break
        if len(run) == 1 and isinstance(run[0], m.Isolate):
            result.append(run[0])
        else:
            result.append(m.Isolate(_merge(run)))
        i = end + 1
    return result


def _balance(atoms, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end] by a sign before and a per cent or slash after ("+9.5%"), and by
    one bracket on a side where the run's brackets do not pair."""
    if start > 0 and plain_text([atoms[start - 1][1]]) in ("+", "-", "−", "$", "€", "£"):
        start -= 1
    if end + 1 < len(atoms) and plain_text([atoms[end + 1][1]]) in ("%", "/"):
        end += 1
    text = "".join(plain_text([node]) for _, node in atoms[start:end + 1])
    for opening, closing in ("()", "[]", "<>"):
        if text.count(closing) > text.count(opening) and start > 0 and \
                plain_text([atoms[start - 1][1]]) == opening:
            start -= 1
        if text.count(opening) > text.count(closing) and end + 1 < len(atoms) and \
                plain_text([atoms[end + 1][1]]) == closing:
            end += 1
    return start, end


def _append(result: list[m.Inline], node: m.Inline) -> None:
    if isinstance(node, m.Text) and result and isinstance(result[-1], m.Text):
        result[-1] = m.Text(result[-1].text + node.text)
    else:
        result.append(node)


def _merge(nodes: list[m.Inline]) -> list[m.Inline]:
    merged: list[m.Inline] = []
    for node in nodes:
        _append(merged, node)
    return merged
