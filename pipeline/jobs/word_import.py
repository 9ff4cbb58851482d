"""A Word file back into a source: read (`readers/word.py`), written as Markdown
(`writers/markdown.py`), with what the reader cannot know alone taken from the source it
was built from: the existing source, or for a new translation its original.

- Citations: our writer turned each `[@key]` into a note holding the formatted reference,
  and formatted those inside notes in place. The source is loaded as written and, in a
  copy of its folder as the Word file's language, with its citations formatted by the
  current bibliography: a note of the Word file whose text equals such a formatted note
  becomes the citation again (or the note as written); in a note of its own words, each
  citation that the source has inside a note, formatted alone, is looked for and put back.
  What matches nothing stays text: a bibliography that changed since leaves it as text.
- Note labels: a note that matches one of the source keeps its label; in a translation,
  the original's label at the same place.
- Front matter: a key whose value did not change keeps its line as written; keys the Word
  file does not carry (status, bibliography…) and keys left to their defaults stay as they
  were.

The Word file is untrusted: `read_limited` runs all this in a worker process within the
limits of `limits.py`.
"""
from __future__ import annotations

import contextlib
import copy
import difflib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .. import limits, model as m
from ..errors import SourceError
from ..readers import frontmatter, markdown, word
from ..writers.markdown import body, front_matter, render
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
    Citations and note labels come from `target` if it exists, else from the original
    (formatted in this language)."""
    lang = target.stem
    imported = word.read(path, house, lang, changes)
    doc = imported.doc
    if original and original != lang:
        doc.meta.original = original
        _inherited(doc.meta, path, target.with_name(f"{original}.md"), house)
    _known_pictures(imported, target.parent)
    reference = target if target.is_file() else target.with_name(f"{original}.md")
    formatted = recover(doc, reference, lang, house) if reference.is_file() else None
    lines = merged_front_matter(doc.meta, target, formatted.meta, house) \
        if target.is_file() else None
    return imported, render(doc, house, lines)


def _inherited(meta: m.Meta, path: Path, source: Path, house) -> None:
    """Warn of a date or index in a translation's Word file `path` other than its original
    `source`'s, which the translation takes."""
    theirs = frontmatter.parse(frontmatter.split(markdown.read_text(source), source), source,
                               house)
    for key in ("date", "index"):
        value = getattr(meta, key)
        if value is not None and str(value) != str(getattr(theirs, key)):
            print(f"{path}: warning: the {key} "
                  f"{value} is the original's ({source.name}) in a translation: change it there",
                  file=sys.stderr)


@contextlib.contextmanager
def _in_language(source: Path, lang: str, text: str | None = None):
    """`source` (or `text` under its front matter) as the `lang` version of its document, in
    a copy of its folder: its citations formatted, and its text spaced, in that language."""
    with tempfile.TemporaryDirectory() as folder:
        twin = shutil.copytree(source.parent, Path(folder) / source.parent.name,
                               ignore=shutil.ignore_patterns(".*"), copy_function=_linked)
        data = source.read_text(encoding="utf-8-sig")
        if text is not None:
            data = f"---\n{frontmatter.split(data, source)}\n---\n\n{text}"
        (twin / f"{lang}.md").write_text(data, encoding="utf-8")
        yield twin / f"{lang}.md"


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


def _linked(source: str, target: str) -> None:
    """Images hard-linked (they may be large: nothing writes them), or copied on another file
    system; every other file copied."""
    try:
        if Path(source).suffix.lower() in (".png", ".jpg", ".jpeg", ".svg"):
            return os.link(source, target)
    except OSError:
        pass
    shutil.copy2(source, target)


def recover(doc: m.Document, source: Path, lang: str, house) -> m.Document:
    """Citations and note labels of `doc` (read from Word, in `lang`) from `source`: the
    existing source, or the original of a new translation. Returns `source` loaded in
    `lang` (as the Word file was built from it)."""
    written = markdown.read(source, house)
    with _in_language(source, lang) as version, contextlib.redirect_stderr(io.StringIO()):
        formatted = build.load(version, house)  # its warnings are the source's, not ours
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
    inside = _formatted_alone(_cites_in_notes(written), source, lang, house)
    cited = {}
    for note in list(doc.notes):
        origin = origins.get(_key(note.blocks))
        if isinstance(origin, m.Cite):
            cited[note.label] = origin
            doc.notes.remove(note)
        elif isinstance(origin, m.Note):
            note.blocks = copy.deepcopy(origin.blocks)
        else:  # its own words: the citations it holds, one by one
            for block in note.blocks:
                for text, cite in inside:
                    block.children = _cite_within(block.children, text, cite)
    if cited:
        map_inlines(doc.blocks, lambda inlines: _cite(inlines, cited))
    _relabel(doc, written, [c for c in callers if isinstance(c, str)])
    return formatted


def _cites_in_notes(doc: m.Document) -> list[m.Cite]:
    found = []

    def collect(inlines):
        found.extend(node for node in inlines if isinstance(node, m.Cite) and not node.uncommaed)
        return inlines

    for note in doc.notes:
        map_inlines(note.blocks, collect)
    return found


def _formatted_alone(cites: list[m.Cite], source: Path, lang: str, house):
    """(plain text, citation) for each citation formatted on its own inside a note, as the
    document's bibliography and `lang` format it now."""
    if not cites:
        return []
    probe = m.Document(source, lang, "", None, [m.Paragraph(
        [m.Text("x"), m.NoteRef(f"c{n}")]) for n in range(len(cites))], [
        m.Note(f"c{n}", [m.Paragraph([m.Text("x "), cite])], cite.location)
        for n, cite in enumerate(cites)])
    with _in_language(source, lang, body(probe, house.labels(lang))) as version, \
            contextlib.redirect_stderr(io.StringIO()):
        notes = build.load(version, house).notes
    texts = [" ".join(plain_text(note.blocks[0].children).split())[2:] for note in notes]
    return sorted(zip(texts, cites), key=lambda pair: -len(pair[0]))  # longest first


def _cite_within(inlines: list[m.Inline], text: str, cite: m.Cite) -> list[m.Inline]:
    """`inlines` with the span whose plain text is `text` (spaces aside) replaced by `cite`,
    if there is one that starts and ends at the edges of text nodes or within them."""
    plain = plain_text(inlines)
    squeezed, offsets = _squeezed(plain)
    at = squeezed.find(text)
    if not text or at < 0:
        return inlines
    start, end = offsets[at], offsets[at + len(text) - 1] + 1
    before, rest = _cut(inlines, start)
    _, after = _cut(rest, end - start)
    return [*before, copy.deepcopy(cite), *after]


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` with runs of white space as one space, and where each character came from."""
    out, offsets = [], []
    for n, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char)
        offsets.append(n)
    return "".join(out), offsets


def _cut(inlines: list[m.Inline], at: int) -> tuple[list[m.Inline], list[m.Inline]]:
    """`inlines` split at plain-text offset `at`, nodes cut in two where needed."""
    before, after, seen = [], [], 0
    for node in inlines:
        size = len(plain_text([node]))
        if seen + size <= at:
            before.append(node)
        elif seen >= at:
            after.append(node)
        elif isinstance(node, (m.Text, m.Code)):
            before.append(type(node)(node.text[:at - seen]))
            after.append(type(node)(node.text[at - seen:]))
        elif hasattr(node, "children"):
            head, tail = _cut(node.children, at - seen)
            for part, side in ((head, before), (tail, after)):
                if part:
                    clone = copy.copy(node)
                    clone.children = part
                    side.append(clone)
        seen += size
    return before, after


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
    """Notes that match one of the written source by text keep its label (the same text
    first, then a close one), else the label at the same place in the order of calls when as
    many notes remain (a translation's); the others are numbered after the labels in use and
    the source's (a removed note's label is not another's)."""
    old = {_key(note.blocks): note.label for note in written.notes}  # inline notes: ^n
    in_source = {note.label for note in written.notes}
    keys = {note.label: _key(note.blocks) for note in doc.notes}
    labels: dict[str, str] = {}

    def give(note: m.Note, label: str | None) -> None:
        if label and note.label not in labels and label not in labels.values():
            labels[note.label] = label

    for note in doc.notes:
        give(note, old.get(keys[note.label]))
    for note in doc.notes:
        if note.label not in labels:
            close = difflib.get_close_matches(keys[note.label], list(old), n=1, cutoff=0.6)
            give(note, old[close[0]] if close else None)
    if len(order) == len(doc.notes):
        for label, note in zip(order, doc.notes):
            give(note, label)
    number = 0
    for note in doc.notes:
        if note.label not in labels:
            number += 1
            while str(number) in labels.values() or str(number) in in_source:
                number += 1
            labels[note.label] = str(number)

    def rename(inlines):
        for node in inlines:
            if isinstance(node, m.NoteRef):
                node.label = labels.get(node.label, node.label)
        return inlines

    map_inlines(doc.blocks, rename)
    for note in doc.notes:
        note.label = labels[note.label]


def merged_front_matter(meta: m.Meta, source: Path, current: m.Meta, house) -> dict[str, str]:
    """The front matter of `meta` (from Word) merged into the existing `source`'s, whose
    loaded front matter is `current`: unchanged values keep their lines as written (keywords
    that only lost their commas too); keys Word does not carry keep theirs."""
    lines = front_matter(meta, house)
    text = markdown.read_text(source)
    yaml_text = frontmatter.split(text, source)
    data, values = frontmatter.load(yaml_text, source)
    raw = yaml_text.split("\n")
    old_lines = {}
    starts = sorted((loc.line - 2, key) for key, loc in values.items())
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(raw)
        old_lines[key] = "\n".join(raw[start:end]).rstrip("\n")
    as_now = front_matter(current, house)  # as the Word file has them
    if " ".join(meta.keywords) == " ".join(current.keywords) and "keywords" in as_now:
        lines["keywords"] = as_now["keywords"]
    merged = {}
    for key in dict.fromkeys([*old_lines, *lines]):
        if key in lines and lines[key] != as_now.get(key):
            merged[key] = lines[key]  # changed in Word
        elif key in old_lines and (key in lines or key not in as_now or key not in CARRIED):
            merged[key] = old_lines[key]  # unchanged, or not carried by the Word file
    return merged
