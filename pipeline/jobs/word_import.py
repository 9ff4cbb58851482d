"""A Word file back into a source: read (`readers/word.py`), written as Markdown
(`writers/markdown.py`), with what the reader cannot know alone taken from the source it
was built from, when there is one.

- Citations: our writer turned each `[@key]` into a note holding the formatted reference.
  The existing source is loaded twice, as written and with its citations formatted by the
  current bibliography; a note of the Word file whose text equals such a formatted note
  becomes the citation again (or the note as written, citations inside), and any other
  note stays text. So a bibliography that changed since leaves the note as text.
- Note labels: a note that matches one of the existing source keeps its label.
- Front matter: a key whose value did not change keeps its line as written; keys the Word
  file does not carry (status, bibliography…) and keys left to their defaults stay as they
  were.
"""
from __future__ import annotations

import contextlib
import copy
import difflib
import io
from pathlib import Path

from .. import limits, model as m
from ..errors import SourceError
from ..readers import frontmatter, markdown, word
from ..writers.markdown import front_matter, render
from ..transforms.tree import map_inlines, plain_text
from . import build

# The front-matter keys a Word file of ours carries (masthead, footer, properties).
CARRIED = ("title", "kind", "event", "short_title", "date", "index", "unit", "keywords")


def read_limited(path: Path, target: Path, original: str, house_root: Path,
                 changes: str = "refuse"):
    """`source_text` in a worker process within the limits of `limits.py` (the Word file is
    untrusted): (the error, or "", what was read, the text, the warnings)."""
    from . import batch

    with batch.worker_process() as executor:
        return executor.submit(_limited, path, target, original, house_root, changes,
                               limits.RENDER_SECONDS, limits.RENDER_MEMORY).result()


def _limited(path, target, original, house_root, changes, seconds, memory):
    """In the worker: (error or "", what was read, text, warnings)."""
    from ..house.style import HouseStyle

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            with limits.held_to(seconds, memory):
                imported, text = source_text(path, target, original, HouseStyle(house_root),
                                             changes)
            return "", imported, text, stderr.getvalue()
        except SourceError as err:
            error = str(err)
        except limits.LimitExceeded:
            error = f"{path}: error: took longer than the {seconds:g} s time limit to read"
        except MemoryError:
            error = f"{path}: error: needs more than the {memory // limits.MiB} MiB memory limit"
        except Exception as err:  # a bug: reported, not a traceback
            error = f"{path}: error: internal error: {type(err).__name__}: {err}"
    return error, None, "", stderr.getvalue()


def source_text(path: Path, target: Path, original: str, house, changes: str = "refuse"):
    """The Word file `path` read as the source `target` (`<lang>.md`; `original`: the
    language of its folder's original, if any): (what was read, the source's text).
    Citations and note labels come from `target` if it exists, else from the original."""
    lang = target.stem
    imported = word.read(path, house, lang, changes)
    doc = imported.doc
    if original and original != lang:
        doc.meta.original = original
    _known_pictures(imported, target.parent)
    lines = front_matter(doc.meta, house)
    reference = target if target.is_file() else target.with_name(f"{original}.md")
    if reference.is_file():
        recover(doc, reference, house)
    if target.is_file():
        lines = merged_front_matter(lines, target, house)
    return imported, render(doc, house, lines)


def _known_pictures(imported, folder: Path) -> None:
    """Pictures equal to a file in the document folder take its name (and need no writing)."""
    if not imported.pictures or not folder.is_dir():
        return
    known = {path.read_bytes(): path.name for path in sorted(folder.iterdir())
             if path.suffix.lower() in (".png", ".jpg", ".jpeg") and path.is_file()
             and path.stat().st_size <= limits.IMAGE_BYTES}
    names = {}
    for name, data in list(imported.pictures.items()):
        if data in known:
            names[name] = known[data]
            del imported.pictures[name]

    def rename(inlines):
        for node in inlines:
            if isinstance(node, m.Image) and node.url in names:
                node.url = names[node.url]
        return inlines

    map_inlines(imported.doc.blocks, rename)


def recover(doc: m.Document, source: Path, house) -> None:
    """Citations and note labels of `doc` (read from Word) from the existing `source`."""
    written = markdown.read(source, house)
    formatted = build.load(source, house)
    callers: list = []  # what made each note, in the numbering's order: a Cite or a label
    seen: set[str] = set()

    def visit(inlines):
        for node in inlines:
            if isinstance(node, m.Cite) and not node.uncommaed:
                callers.append(node)
            elif isinstance(node, m.NoteRef) and node.label not in seen:
                seen.add(node.label)
                callers.append(node.label)
        return inlines

    map_inlines(written.blocks, visit)
    by_label = {note.label: note for note in written.notes}
    origins: dict[str, object] = {}
    for caller, note in zip(callers, formatted.notes):
        origins.setdefault(_key(note.blocks), caller if isinstance(caller, m.Cite)
                           else by_label.get(caller))
    cited = {}
    for note in list(doc.notes):
        origin = origins.get(_key(note.blocks))
        if isinstance(origin, m.Cite):
            cited[note.label] = origin
            doc.notes.remove(note)
        elif isinstance(origin, m.Note):
            note.blocks = copy.deepcopy(origin.blocks)
    if cited:
        map_inlines(doc.blocks, lambda inlines: _cite(inlines, cited))
    _relabel(doc, written, [c for c in callers if isinstance(c, str)])


def _key(blocks) -> str:
    return "\n".join(" ".join(plain_text(block.children).split()) for block in blocks)


def _cite(inlines: list[m.Inline], cited: dict[str, m.Cite]) -> list[m.Inline]:
    """Calls of notes that were citations back into citations: `text [@key]`."""
    result = []
    for node in inlines:
        if isinstance(node, m.NoteRef) and node.label in cited:
            if result and isinstance(result[-1], m.Text) and not result[-1].text[-1:].isspace():
                result[-1] = m.Text(result[-1].text + " ")
            node = copy.deepcopy(cited[node.label])
        result.append(node)
    return result


def _relabel(doc: m.Document, written: m.Document, order: list[str]) -> None:
    """Notes that match one of the written source by text keep its label, else the label
    at the same place in the order of calls when as many notes remain (a translation's);
    the others are numbered after the labels in use."""
    old = {_key(note.blocks): note.label for note in written.notes}  # inline notes: ^n
    in_place = len(order) == len(doc.notes)
    taken = set()
    labels = {}
    for n, note in enumerate(doc.notes):
        label = old.get(_key(note.blocks))
        if label is None:
            close = difflib.get_close_matches(_key(note.blocks), list(old), n=1, cutoff=0.6)
            label = old[close[0]] if close else order[n] if in_place else None
        if label in taken:
            label = None
        labels[note.label] = label
        if label:
            taken.add(label)
    number = 0
    for note in doc.notes:
        if labels[note.label] is None:
            number += 1
            while str(number) in taken:
                number += 1
            labels[note.label] = str(number)
            taken.add(str(number))

    def rename(inlines):
        for node in inlines:
            if isinstance(node, m.NoteRef):
                node.label = labels.get(node.label, node.label)
        return inlines

    map_inlines(doc.blocks, rename)
    for note in doc.notes:
        note.label = labels[note.label]


def merged_front_matter(lines: dict[str, str], source: Path, house) -> dict[str, str]:
    """The front matter `lines` from Word merged into the existing `source`'s: unchanged
    values keep their lines as written; keys Word does not carry keep theirs."""
    text = markdown.read_text(source)
    yaml_text = frontmatter.split(text, source)
    data, values = frontmatter.load(yaml_text, source)
    raw = yaml_text.split("\n")
    old_lines = {}
    starts = sorted((loc.line - 2, key) for key, loc in values.items())
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(raw)
        old_lines[key] = "\n".join(raw[start:end]).rstrip("\n")
    as_now = front_matter(build.load(source, house).meta, house)  # as the Word file has them
    merged = {}
    for key in dict.fromkeys([*old_lines, *lines]):
        if key in lines and lines[key] != as_now.get(key):
            merged[key] = lines[key]  # changed in Word
        elif key in old_lines and (key in lines or key not in as_now or key not in CARRIED):
            merged[key] = old_lines[key]  # unchanged, or not carried by the Word file
    return merged
