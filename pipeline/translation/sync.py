"""Which unit of a translation renders which unit of the original, and whether it is current.

The sync record `source/<slug>/.translations/<lang>.json` (committed) lists, per unit id, the
original text the translation was last synced with (`source`) and that translation
(`target`). Units are matched to the record by exact text, then, between matched
neighbours, by position among units of the same kind (difflib), so inserting a unit in the
original shifts nothing and an edited unit keeps its id. A unit whose original text
differs from the recorded `source` is stale; without a record, translation and original are
aligned by structure alone and nothing is known to be stale. A unit that the record does not
list and that reads as its original (but for the quotation marks of its language) is
missing: an untranslated copy, as a new language starts.
"""
from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import files, limits
from ..readers import frontmatter, markdown as reader
from ..errors import SourceError
from ..files import write_atomic
from ..model import Location
from . import units as u

_QUOTES = re.compile("[«»‘’‚‛“”„‟‹›]")  # what a language's typographer makes of " and '


@dataclass
class State:
    unit: u.Unit                  # of the original
    target: u.Unit | None         # of the translation
    status: str                   # translated, stale or missing
    previous: str = ""            # for a stale unit: the original text it was translated from
    recorded_source: str | None = None


@dataclass
class Pair:
    """A translation and its original, segmented and aligned."""
    original: Path
    translation: Path
    lang: str
    states: list[State]
    extra: list[u.Unit]  # translation units with no counterpart in the original

    def stale(self) -> list[State]:
        return [s for s in self.states if s.status == "stale"]


def record_path(translation: Path) -> Path:
    return translation.parent / ".translations" / f"{translation.stem}.json"


def original_of(translation: Path) -> Path | None:
    """The original's source file that a translation names (`original:`), None for an
    original."""
    text = reader.read_text(translation)
    data, values = frontmatter.load(frontmatter.split(text, translation), translation)
    return frontmatter.original_source(translation, data, values) if "original" in data else None


def pair(translation: Path, house) -> Pair:
    original = original_of(translation)
    if not original:
        raise SourceError(Location(translation, 1), "not a translation: no 'original:' in its "
                          "front matter")
    lang = original.stem
    ours = u.segment(original, house.labels(lang)["quotes"])
    theirs = u.segment(translation, house.labels(translation.stem)["quotes"])
    states = align(ours, theirs, _load(translation))
    return Pair(original, translation, translation.stem, states, [t for t in theirs if not t.id])


def start(translation: Path, house) -> Pair:
    """The pair of a translation not yet written, `<lang>.md`: every unit of the one original
    in its folder missing."""
    originals = [p for p in sorted(translation.parent.glob("*.md")) if not original_of(p)]
    if len(originals) != 1:
        raise SourceError(Location(translation, 1), f"cannot start {translation.name}: "
                          f"{translation.parent} has {len(originals)} originals (sources "
                          "without 'original:'), not one")
    ours = u.segment(originals[0], house.labels(originals[0].stem)["quotes"])
    return Pair(originals[0], translation, translation.stem, align(ours, [], None), [])


def _load(translation: Path) -> list[dict] | None:
    path = record_path(translation)
    if not os.path.lexists(path):
        return None
    text = files.read_text_inside(path, translation.parent, limits.SOURCE_BYTES, "the sync record")
    try:
        units = json.loads(text)["units"]
    except (ValueError, KeyError, TypeError) as err:
        raise SourceError(Location(path, 1), f"unreadable sync record: {err}") from None
    fields = ("id", "kind", "source", "target")
    if not (isinstance(units, list) and all(
            isinstance(unit, dict) and all(isinstance(unit.get(key), str) for key in fields)
            for unit in units)):
        raise SourceError(Location(path, 1), "unreadable sync record: 'units' must be a list "
                          f"of records with the text fields {', '.join(fields)}")
    return units


def align(original: list[u.Unit], translation: list[u.Unit], record: list[dict] | None) -> list[State]:
    record = record or []
    o2r = _match([(r["kind"], r["source"]) for r in record], [(x.kind, x.text) for x in original])
    t2r = _match([(r["kind"], r["target"]) for r in record], [(x.kind, x.text) for x in translation])
    r2t = {r: t for t, r in t2r.items()}
    structural = _match([x.kind for x in translation], [x.kind for x in original], kinds=True)
    used_t = set(r2t.values())
    taken: set[str] = set()
    states = []
    for i, unit in enumerate(original):
        r = o2r.get(i)
        t = r2t.get(r) if r is not None else None
        if t is None and structural.get(i) is not None and structural[i] not in used_t:
            t = structural[i]
        if t is not None:
            used_t.add(t)
        unit.id = record[r]["id"] if r is not None and record[r]["id"] not in taken else \
            u.fresh_id(unit, taken)
        taken.add(unit.id)
        target = translation[t] if t is not None else None
        if target is not None:
            target.id = unit.id
        source = record[r]["source"] if r is not None else None
        if target is None:
            states.append(State(unit, None, "missing", recorded_source=source))
        elif source is None and _QUOTES.sub('"', target.text) == _QUOTES.sub('"', unit.text):
            states.append(State(unit, target, "missing"))
        elif source is not None and source != unit.text:
            states.append(State(unit, target, "stale", source, source))
        else:
            states.append(State(unit, target, "translated", recorded_source=source))
    return states


def _match(previous: list, current: list, kinds: bool = False) -> dict[int, int]:
    """current index -> previous index: equal items, then same-kind items in order within
    each replaced stretch."""
    matcher = difflib.SequenceMatcher(None, previous, current, autojunk=False)
    result = {}
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            result.update({b0 + k: a0 + k for k in range(b1 - b0)})
        elif op == "replace":
            kind_of = (lambda x: x) if kinds else (lambda x: x[0])
            free = list(range(a0, a1))
            for b in range(b0, b1):
                same = next((a for a in free if kind_of(previous[a]) == kind_of(current[b])), None)
                if same is not None:
                    free = free[free.index(same) + 1:]
                    result[b] = same
    return result


def save(p: Pair, sources: dict[str, str] | None = None, everything: bool = False) -> Path:
    """Write the sync record. A unit's recorded source becomes: the text given in `sources`
    (by id; e.g. the source an imported translation was made from), else the current original
    if `everything` or if it had none, else what it was. An untranslated copy of the
    original is recorded only if given or with `everything`."""
    sources = sources or {}
    units = []
    for state in p.states:
        if state.target is None:
            continue
        if state.unit.id in sources:
            source = sources[state.unit.id]
        elif state.status == "missing" and not everything:
            continue
        elif everything or state.recorded_source is None:
            source = state.unit.text
        else:
            source = state.recorded_source
        units.append({"id": state.unit.id, "kind": state.unit.kind, "source": source,
                      "target": state.target.text})
    path = record_path(p.translation)
    path.parent.mkdir(exist_ok=True)
    data = {"original": p.original.stem, "units": units}
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
    return path
