"""Structural check of a translation against its original: per aligned unit, the same
footnote calls, citation keys, URLs, numbers (Arabic-Indic digits and separators
normalised) and heading levels; per document, the same footnote definitions, list shapes
and index. Each mismatch names the line on both sides."""
from __future__ import annotations

import re
from collections import Counter

from ..readers import frontmatter, markdown as reader
from . import sync
from .sync import Pair

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u066b\u066c]\d+)*")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_CITE_KEY = re.compile(r"@([\w][\w:.#$%&+?<>~/-]*)")
_URL = re.compile(r"\]\(([^)\s]+)|<([a-z]+:[^>]+)>")


def structure(doc, house) -> list[str]:
    """`briefing check`: a translation's structure against its original's."""
    if not doc.meta.original:
        return []
    return problems(sync.pair(doc.source, house), house.identifiers)


def problems(p: Pair, scheme) -> list[str]:
    """The mismatches of the pair; identifiers compared as the house's `scheme` reads them."""
    out = []

    def report(state, where_t, where_o, message):
        out.append(f"{where_t}: error: {message} (original: {where_o})")

    for state in p.states:
        o, t = state.unit, state.target
        if t is None:
            out.append(f"{p.translation}:1:1: error: no translation of the {o.kind} at "
                       f"{o.location} ({short(o.text)})")
            continue
        for name, fn in (("footnote calls", _calls), ("citation keys", _cites), ("URLs", _urls),
                         ("numbers", _numbers)):
            mine, theirs = fn(t), fn(o)
            if mine != theirs:
                lost = sorted((Counter(theirs) - Counter(mine)).elements())
                extra = sorted((Counter(mine) - Counter(theirs)).elements())
                detail = "; ".join(filter(None, [f"missing {', '.join(lost)}" if lost else "",
                                                  f"extra {', '.join(extra)}" if extra else "",
                                                  "order differs" if not (lost or extra) and
                                                  name == "footnote calls" else ""]))
                if detail:
                    report(state, t.location, o.location, f"{name} differ: {detail}")
        if o.kind == "heading" and o.level != t.level:
            report(state, t.location, o.location,
                   f"heading level {t.level}, the original's is {o.level}")
    ours, theirs = _lists(p.original), _lists(p.translation)
    for (o_line, o_shape), (t_line, t_shape) in zip(ours, theirs):
        if o_shape != t_shape:
            out.append(f"{p.translation}:{t_line}:1: error: list of {t_shape[1]} {t_shape[0]} "
                       f"items, the original's has {o_shape[1]} {o_shape[0]} items "
                       f"(original: {p.original}:{o_line}:1)")
    if len(ours) != len(theirs):
        out.append(f"{p.translation}:1:1: error: {len(theirs)} lists, the original has {len(ours)}")
    for (o_line, o_table), (t_line, t_table) in zip(_tables(p.original), _tables(p.translation)):
        if o_table != t_table:
            out.append(f"{p.translation}:{t_line}:1: error: table shape or numbers differ "
                       f"(original: {p.original}:{o_line}:1)")
    for unit in p.extra:
        out.append(f"{unit.location}: error: this {unit.kind} has no counterpart in the original "
                   f"{p.original}")
    indexes = [_index(path, scheme) for path in (p.original, p.translation)]
    if indexes[1][0] is not None and indexes[0][0] != indexes[1][0]:
        out.append(f"{indexes[1][1]}: error: index {indexes[1][0]} differs from the original's "
                   f"{indexes[0][0]} (original: {indexes[0][1]})")
    return out


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
        for a, b in _URL.findall(tag.native):
            found.append(a or b)
    return sorted(found)


def _numbers(unit):
    from .units import plain
    text = plain(unit.pieces).translate(_DIGITS)
    return sorted(re.sub(r"\D", "", n) for n in _NUMBER.findall(text))


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
    """(line, (rows, cells per row, numbers)) of each table, in order."""
    tokens = _tokens(path)
    result = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            rows, numbers = [], []
            for inner in tokens[i:]:
                if inner.type == "table_close":
                    break
                if inner.type == "tr_open":
                    rows.append(0)
                elif inner.type in ("th_open", "td_open"):
                    rows[-1] += 1
                elif inner.type == "inline":
                    numbers += [re.sub(r"\D", "", n) for n in
                                _NUMBER.findall(inner.content.translate(_DIGITS))]
            result.append((token.map[0] + 1, (rows, sorted(numbers))))
    return result
