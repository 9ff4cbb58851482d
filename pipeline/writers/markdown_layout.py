"""An imported text written over the source it updates, in that source's layout: a Word file
nobody edited gives the source back byte for byte, and an edit changes the lines it touches.

Both texts, the source as written and the Markdown writer's text of the Word file, are cut
into pieces by markdown-it's source map: top-level blocks, footnote definitions, and lines
that make no block (link reference definitions). Pieces are compared by their HTML, soft
line breaks as spaces (`typesetter`: wrapping is layout, not text).

- Blocks are aligned in order (difflib). An unchanged one is written as in the source, a
  changed one in the source's line wrapping (`rewrapped`), a new one as the writer writes it
  (filled to the source's line width), after the block it follows and the definitions
  that block calls.
- A definition keeps its place in the source, as written if unchanged, rewrapped if edited;
  a removed note's goes. One inside a block (a box) stays inside it: in its place if the
  block's text is unchanged, else at the block's end. A new note's goes among the
  definitions right after the block that calls it, if any; else after that block where the
  source puts most definitions after the block that calls them; else among the next
  definitions after it (at the end of the file where the source gathers them there); in
  each, in the order of the calls.
- Lines that make no block stay where they are; the blank lines between two pieces that
  follow one another in the source, as they were.

The source's line width is its longest line of two words or more (a long address alone on
its line is none) that ends at a soft break, if fewer lines run past it than end so (else
the source is not wrapped). A changed piece keeps the source's line breaks between the
words the edit left alone; if it was wrapped, a line the edit made longer than the width is
re-flowed, into as few lines as that allows, of even lengths. Re-wrapping the whole piece
to that width would move every later line of a paragraph for one longer word; keeping the
unchanged lines gives a diff of the edited lines alone. A piece written otherwise than the
writer wrote it, and the whole text, are checked to read as the writer's (by their HTML),
else the writer's text is taken.

Written by hand: diff and merge tools work on lines or characters, and no Markdown library
rewrites a document into the layout of another.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from ..readers.markdown import markdown
from .markdown import typesetter

_SPACES = re.compile(r"(\s+)")
# A word that could open a block at the start of a line (a list, heading, quote, table,
# fence, box, definition...): never moved there by re-flowing.
_OPENS_BLOCK = re.compile(r"[#>+*=|~`:-]|\d+[.)]|\[\^")
_OPENING = re.compile(r"\s*([-*+]|\d+[.)]|\[\^[^\]]+\]:)[ \t]+")  # a list item's, a definition's
_BACKSLASH_BREAK = re.compile(r"(?<!\\)((?:\\\\)*)\\\n")  # not after an escaped backslash
_SPACED_BREAK = re.compile(r"\S {2,}\n")  # a hard break typed as two spaces or more


@dataclass
class _Piece:
    """Lines [start, end) of a text: a top-level block (`kind`: its first token's type), a
    footnote definition (kind "note", its `label`) or lines that make no block ("lines")."""
    start: int
    end: int
    kind: str
    label: str = ""
    calls: list[str] = field(default_factory=list)  # the notes it calls, in order
    text: str = ""
    key: str = ""  # its HTML (a block's without the definitions inside it)
    inner: list[_Piece] = field(default_factory=list)  # the definitions inside a block


@dataclass
class _Parsed:
    """A text by lines, cut into pieces."""
    lines: list[str]
    head: int  # the lines of the front matter
    pieces: list[_Piece]
    width: int  # its line width (0: not wrapped; see the module's docstring)


@dataclass
class _Entry:
    """A piece of the result: its lines, and the source's piece whose place it takes."""
    lines: list[str]
    slot: int | None = None  # index in the source's pieces
    same_kind: bool = True  # a block of the kind it replaces
    label: str = ""  # a definition's
    calls: list[str] = field(default_factory=list)  # a block's, as the writer's calls them


def kept(old: str, new: str, labels: dict) -> str:
    """`new` (the writer's text of an imported Word file) written in the layout of `old`
    (the source it updates); its front matter is `new`'s. `labels`: the language's."""
    typeset = _remembered(typesetter(labels))
    source, writer = _parsed(old, labels, typeset), _parsed(new, labels, typeset)
    entries = _entries(source, writer, typeset)
    lines = writer.lines[:writer.head]
    for n, entry in enumerate(entries):
        previous = entries[n - 1] if n else _Entry([], -1)
        lines += _gap(source, previous, entry) + entry.lines
    last = entries[-1] if entries else None
    tail = source.lines[source.pieces[-1].end:] if last and last.slot is not None and \
        last.slot == len(source.pieces) - 1 else [""]
    result = "\n".join(lines + tail)
    if result == old or _reads_as(result, writer, labels, typeset):
        return result
    return new


def _remembered(typeset):
    """`typeset` remembering the HTML of each text (the result's pieces are mostly the
    source's or the writer's, checked again at the end)."""
    known: dict[str, str] = {}

    def remembered(text: str, references: dict | None = None) -> str:
        if references:  # a reference link reads with the file's references
            return typeset(text, references)
        if text not in known:
            known[text] = typeset(text)
        return known[text]

    return remembered


def _parsed(text: str, labels: dict, typeset) -> _Parsed:
    """`text` cut into pieces, in the order of its lines."""
    lines = text.split("\n")
    env: dict = {}
    tokens = markdown(labels["quotes"]).parse(text, env)
    head, blocks, notes = 0, [], []
    wrapped, other = [], []  # the lengths of lines ending at a soft break, of the others
    current, in_notes = None, False
    for token in tokens:
        if token.type == "front_matter":
            head = token.map[1]
        elif token.type == "footnote_block_open":
            in_notes = True
        elif token.type == "footnote_open":  # an inline note's has no label: it is in a block
            current = _Piece(-1, -1, "note", token.meta.get("label") or "")
            if current.label:
                notes.append(current)
        elif in_notes and token.map and current is not None:  # a definition's own blocks
            current.start = token.map[0] if current.start < 0 else min(current.start, token.map[0])
            current.end = max(current.end, token.map[1])
        elif not in_notes and token.level == 0 and token.nesting >= 0 and token.map:
            current = _Piece(*token.map, token.type)
            if token.type.startswith("container_") and current.end < len(lines) and \
                    re.fullmatch(":{3,}", lines[current.end].strip()):
                current.end += 1  # its closing line, which the plugin's map leaves out
            blocks.append(current)
        if token.type == "inline" and token.map:  # lines of two words or more
            for n in range(*token.map):
                if len(lines[n].split()) > 1:  # (a long address alone sets no width)
                    soft = n < token.map[1] - 1 and not lines[n].endswith(("\\", "  "))
                    (wrapped if soft else other).append(len(lines[n]))
        if token.type == "inline" and current is not None:
            current.calls += [child.meta["label"] for child in token.children or ()
                              if child.type == "footnote_ref" and child.meta.get("label")
                              and child.meta["label"] not in current.calls]
    for note in notes:
        _locate(note, lines, head)
    pieces = list(blocks)
    for note in notes:  # a definition inside a block (a box) goes with it
        if note.start >= 0:
            block = next((b for b in blocks if b.start <= note.start < b.end), None)
            (pieces if block is None else block.inner).append(note)
    inner = [note for block in blocks for note in block.inner]
    for piece in pieces + inner:
        while piece.end > piece.start + 1 and not lines[piece.end - 1].strip():
            piece.end -= 1
    pieces += _other_lines(lines, head, pieces)
    pieces.sort(key=lambda piece: piece.start)
    references = env.get("references")
    for piece in pieces + inner:
        piece.text = "\n".join(lines[piece.start:piece.end])
        if piece.kind != "lines":
            piece.key = typeset(_note_body(piece.text) if piece.label else
                                _without(piece, lines) if piece.inner else piece.text,
                                references)
    width = max(wrapped, default=0)
    return _Parsed(lines, head, pieces, width if sum(n > width for n in other) < len(wrapped)
                   else 0)


def _without(block: _Piece, lines: list[str]) -> str:
    """The text of `block` without the definitions inside it (and a blank line each)."""
    drop = {n for note in block.inner for n in range(note.start, note.end)}
    drop |= {note.start - 1 for note in block.inner if not lines[note.start - 1].strip()}
    return "\n".join(lines[n] for n in range(block.start, block.end) if n not in drop)


def _locate(note: _Piece, lines: list[str], head: int) -> None:
    """A definition's first line: its `[^label]:` (the line its text starts, or above)."""
    marker = re.compile(rf" {{0,3}}\[\^{re.escape(note.label)}\]:")
    start = note.start if note.start >= 0 else len(lines)
    line = next((n for n in range(min(start, len(lines) - 1), head - 1, -1)
                 if marker.match(lines[n])), None)
    if line is None:
        note.start = note.end = -1
    else:
        note.start, note.end = line, max(note.end, line + 1)


def _other_lines(lines: list[str], head: int, pieces: list[_Piece]) -> list[_Piece]:
    """The runs of lines that are no piece's and not blank."""
    covered = {n for piece in pieces for n in range(piece.start, piece.end)}
    found, start = [], None
    for n in range(head, len(lines) + 1):
        free = n < len(lines) and n not in covered and lines[n].strip()
        if free and start is None:
            start = n
        elif not free and start is not None:
            found.append(_Piece(start, n, "lines"))
            start = None
    return found


def _note_body(text: str) -> str:
    """A definition's text without its `[^label]:` and the indent of its later lines."""
    first, *rest = re.sub(r"^ {0,3}\[\^[^\]]+\]:[ \t]*", "", text, count=1).split("\n")
    return "\n".join([first] + [re.sub(r"^(\t| {1,4})", "", line) for line in rest])


def _entries(source: _Parsed, writer: _Parsed, typeset) -> list[_Entry]:
    """The pieces of the result, in order."""
    olds = [n for n, piece in enumerate(source.pieces) if piece.kind not in ("note", "lines")]
    news = [piece for piece in writer.pieces if piece.kind not in ("note", "lines")]
    pairs = {olds[i]: j for i, j in _paired([source.pieces[n] for n in olds], news).items()}
    paired = {j: n for n, j in pairs.items()}
    inserted: dict[int, list[int]] = {}  # new blocks after the source's piece n (-1: first)
    anchor = -1
    for j in range(len(news)):
        if j in paired:
            anchor = paired[j]
        else:
            inserted.setdefault(anchor, []).append(j)
    definitions = {p.label: p for p in writer.pieces if p.kind == "note"}

    def new_block(j: int) -> _Entry:
        return _Entry(_filled(news[j].text, source.width, typeset), calls=news[j].calls)

    known = {p.label for p in source.pieces if p.kind == "note"}  # + those in blocks written
    entries = [new_block(j) for j in inserted.get(-1, [])]
    pending: list[int] = []  # new blocks to write after the definitions of the block before
    calls: list[str] = []  # what that block calls
    for n, piece in enumerate(source.pieces):
        if pending and not (piece.kind == "note" and piece.label in calls):
            entries += [new_block(j) for j in pending]
            pending = []
        if piece.kind == "lines":
            entries.append(_Entry(piece.text.split("\n"), n))
        elif piece.kind == "note":
            if piece.label in definitions:
                entries.append(_Entry(_written(definitions[piece.label], piece, source,
                                               typeset), n, label=piece.label))
        else:
            if n in pairs:
                new = news[pairs[n]]
                written = _written(new, piece, source, typeset) if not piece.inner else \
                    _with_inner(new, piece, source, definitions, typeset)
                entries.append(_Entry(written, n, new.kind == piece.kind, calls=new.calls))
                known |= {note.label for note in piece.inner}
            pending, calls = inserted.get(n, []), piece.calls
    entries += [new_block(j) for j in pending]
    rank = {}  # each note by its first call
    for block in news:
        for label in block.calls:
            rank.setdefault(label, len(rank))
    after_blocks = _after_blocks(source)
    for label in sorted(set(definitions) - known, key=lambda label: rank.get(label, len(rank))):
        note = _Entry(_filled(definitions[label].text, source.width, typeset), label=label)
        _place(entries, note, rank, after_blocks)
    return entries


def _filled(text: str, width: int, typeset) -> list[str]:
    """The lines of a piece the source had not, filled to the source's `width` if it is
    wrapped (a list item's or a definition's later lines indented under its text); as the
    writer wrote them if that would not read the same."""
    lines = text.split("\n")
    if not width:
        return lines
    wrapped = [part for line in lines for part in (
        [line] if line.lstrip().startswith(("#", "|")) else _greedy(line, width, _hanging(line)))]
    return wrapped if typeset("\n".join(wrapped)) == typeset(text) else lines


def _hanging(line: str) -> str:
    """The indent of a line's continuation: under the text of a list item or a definition."""
    opening = _OPENING.match(line)
    lead = line[:len(line) - len(line.lstrip())]
    if opening is None:
        return lead
    return lead + "    " if opening.group(1).startswith("[^") else " " * len(opening.group(0))


def _written(new: _Piece, old: _Piece, source: _Parsed, typeset) -> list[str]:
    """The lines of `new` in the place of `old`, a piece of `source`."""
    if new.key == old.key:
        return old.text.split("\n")
    return rewrapped(new.text, old.text, typeset, source.width).split("\n")


def _with_inner(new: _Piece, old: _Piece, source: _Parsed, definitions: dict[str, _Piece],
                typeset) -> list[str]:
    """The lines of `new` in the place of `old`, a block of `source` holding definitions: if
    its text is unchanged, `old`'s lines with each definition as `_written` (a removed note's
    gone); else `new` in `old`'s wrapping, the definitions at its end, inside its fence."""
    lines = source.lines
    notes = {note.start: note for note in old.inner}
    if new.key == old.key:
        result, n = [], old.start
        while n < old.end:
            note = notes.get(n)
            if note is None:
                result.append(lines[n])
                n += 1
                continue
            if note.label in definitions:
                result += _written(definitions[note.label], note, source, typeset)
            elif result and not result[-1].strip():
                result.pop()  # the blank line before the removed definition
            n = note.end
        return result
    result = rewrapped(new.text, _without(old, lines), typeset, source.width).split("\n")
    at = len(result) - 1 if re.fullmatch(":{3,}", result[-1].strip()) else len(result)
    kept = [line for note in old.inner if note.label in definitions
            for line in ["", *_written(definitions[note.label], note, source, typeset)]]
    return result[:at] + kept + result[at:]


def _paired(olds: list[_Piece], news: list[_Piece]) -> dict[int, int]:
    """The writer's block for each block of the source that it writes: the equal ones, and
    in a stretch that changed, each new block with the most alike old one left, in order
    (half their words alike at least)."""
    matcher = difflib.SequenceMatcher(None, [p.key for p in olds], [p.key for p in news],
                                      autojunk=False)
    pairs = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update(zip(range(i1, i2), range(j1, j2)))
        elif tag == "replace":
            first = i1
            for j in range(j1, j2):
                words = news[j].text.split()
                scores = {i: _alike(olds[i].text.split(), words) for i in range(first, i2)}
                best = max(scores, key=scores.get, default=None)  # the first of the best
                if best is not None and scores[best] >= 0.5:
                    pairs[best] = j
                    first = best + 1
    return pairs


def _alike(a: list[str], b: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= 0.5 else 0.0


def _after_blocks(source: _Parsed) -> bool:
    """Whether the source puts most of its definitions right after a block that calls them
    (or has none)."""
    after, total, calls = 0, 0, []
    for piece in source.pieces:
        if piece.kind == "note":
            total += 1
            after += piece.label in calls
        elif piece.kind != "lines":
            calls = piece.calls
    return after * 2 >= total


def _place(entries: list[_Entry], note: _Entry, rank: dict[str, int],
           after_blocks: bool) -> None:
    """A new note's definition into `entries` (see the module's docstring)."""
    at = next((n for n, entry in enumerate(entries) if note.label in entry.calls), None)
    if at is None:
        entries.append(note)
        return
    run = at + 1
    if not (run < len(entries) and entries[run].label) and not after_blocks:
        run = next((n for n in range(at + 1, len(entries)) if entries[n].label), len(entries))
    end = run
    while end < len(entries) and entries[end].label:
        end += 1
    before = [n for n in range(run, end)
              if rank.get(entries[n].label, len(rank)) < rank.get(note.label, len(rank))]
    entries.insert(before[-1] + 1 if before else run, note)


def _gap(source: _Parsed, previous: _Entry, entry: _Entry) -> list[str]:
    """The lines between two entries: as in the source between the pieces whose places
    they take if those follow one another there (and are still of their kinds), else one
    blank line."""
    if entry.slot is not None and previous.slot is not None and \
            entry.slot == previous.slot + 1 and entry.same_kind and previous.same_kind:
        end = source.pieces[previous.slot].end if previous.slot >= 0 else source.head
        return source.lines[end:source.pieces[entry.slot].start]
    return [""]


def rewrapped(new: str, old: str, typeset, width: int = 0) -> str:
    """`new` (a piece as the writer writes it) in the line wrapping of `old` (the piece it
    replaces): the breaks of `old` between words the edit left alone, changed lines re-flowed
    to `width` if `old` is wrapped, its hard breaks typed as `old` types them (the writer's
    backslash, or two spaces). `new` itself if that would not read the same."""
    if _SPACED_BREAK.search(old) and not _BACKSLASH_BREAK.search(old):
        spaced = _BACKSLASH_BREAK.sub(r"\1  \n", new)
        new = spaced if typeset(spaced) == typeset(new) else new
    old_words, old_spaces = _split(old)
    words, spaces = _split(new)
    wrapped = sum("\n" in s for s in old_spaces) > sum("\n" in s for s in spaces)
    where = {}  # old word -> new word, where unchanged
    matcher = difflib.SequenceMatcher(None, old_words, words, autojunk=False)
    for i1, j1, size in matcher.get_matching_blocks():
        where.update(zip(range(i1, i1 + size), range(j1, j1 + size)))
    for i, space in enumerate(old_spaces):
        if "\n" not in space:
            continue
        at = where[i + 1] - 1 if i + 1 in where else where.get(i)  # the break before a word
        if at is not None and 0 <= at < len(spaces) and (spaces[at] == " " or "\n" in spaces[at]):
            spaces[at] = space  # a soft break, or a line break with the source's blank lines
    lines = _joined(words, spaces).split("\n")
    old_lines = old.split("\n")
    if wrapped and width:
        indents = Counter(space.split("\n")[-1] for space, word in zip(old_spaces, old_words[1:])
                          if "\n" in space and not _OPENS_BLOCK.match(word))
        indent = indents.most_common(1)[0][0] if indents else ""
        kept_lines = set(old_lines)
        lines = [part for line in lines for part in (
            [line] if line in kept_lines else _flowed(line, width, indent))]
    text = "\n".join(lines)
    return text if text == new or typeset(text) == typeset(new) else new


def _split(text: str) -> tuple[list[str], list[str]]:
    """Words (the first may be the text's leading space) and the spaces between them."""
    parts = _SPACES.split(text)
    return parts[0::2], parts[1::2]


def _joined(words: list[str], spaces: list[str]) -> str:
    return "".join(word + space for word, space in zip(words, spaces + [""]))


def _flowed(line: str, width: int, indent: str) -> list[str]:
    """`line` broken at spaces into as few lines of at most `width` characters as it can be
    (never before a word that could open a block), of even lengths (no word left alone on
    the last); the later ones indented by `indent`."""
    greedy = _greedy(line, width, indent)
    for narrower in range(len(line) // len(greedy), width):
        even = _greedy(line, narrower, indent)
        if len(even) == len(greedy):
            return even
    return greedy


def _greedy(line: str, width: int, indent: str) -> list[str]:
    """`line` broken at the last space before `width`, line after line."""
    lead = line[:len(line) - len(line.lstrip())]
    words = line[len(lead):].split(" ")
    lines, current = [], lead + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) > width and word and not _OPENS_BLOCK.match(word) \
                and current.strip():
            lines.append(current)
            current = indent + word
        else:
            current += " " + word
    return lines + [current]


def _reads_as(text: str, writer: _Parsed, labels: dict, typeset) -> bool:
    """Whether `text` holds the writer's blocks in its order and its definitions."""
    result = _parsed(text, labels, typeset)

    def content(parsed: _Parsed):  # a definition inside a block counts as any other
        pieces = [p for p in parsed.pieces if p.kind != "lines"]
        notes = [p for p in pieces if p.label] + [note for p in pieces for note in p.inner]
        return [p.key for p in pieces if not p.label], sorted((p.label, p.key) for p in notes)

    return content(result) == content(writer)
