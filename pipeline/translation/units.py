"""Translation units: the segments of a source a translator works on, with their source lines.

One unit per heading, paragraph, list item, table text cell, footnote paragraph and
translatable front-matter field. A unit's content is a list of pieces: text, and `Tag`s for
the markup around it: emphasis, links and inline notes as paired tags (`bpt`/`ept`),
footnote calls, citations, code and bare URLs as locked placeholders (`ph`). Each tag keeps
its Markdown (`native`), so a unit converts back to Markdown exactly.

Segmentation reads markdown-it's tokens (the parser the reader uses) rather than the
document model because writing a translation back needs each unit's source lines, which
the model does not keep; off-the-shelf extractors (md2po, po4a) mangle our footnotes.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..readers import frontmatter, markdown as reader
from ..model import Location

TRANSLATABLE_META = frontmatter.TRANSLATABLE
_LETTER = re.compile(r"[^\W\d_]")
_ESCAPE = re.compile(r"([\\`*_\[\]<])")
_ORDERED = re.compile(r"\d{1,9}(?=[.)](?:\s|$))")
_BLOCK_START = re.compile(r"(?:#{1,6}|[-+*>])(?:\s|$)|`{3}|~{3}|:{3}|[-*_](?:[ \t]*[-*_]){2,}[ \t]*$"
                          r"|\[[^\]]*\]:|=+[ \t]*$")
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)


@dataclass(frozen=True)
class Tag:
    kind: str    # "ph", "bpt" or "ept"
    id: int      # a bpt and its ept share their id
    ctype: str   # what it stands for: italic, bold, link, x-footnote, x-citation, x-code, x-url, x-note
    native: str  # its Markdown



@dataclass
class Unit:
    kind: str                 # heading, paragraph, item, cell, footnote:<label>, meta:<key>
    pieces: list
    path: Path
    lines: tuple[int, int]    # 0-based source lines [start, end)
    level: int = 0            # heading level
    column: int = 0           # table cell: its column
    context: str = ""
    id: str = ""

    @property
    def text(self) -> str:
        """The unit as one line: Markdown, or plain text for a front-matter field."""
        return as_text(self.kind.replace(":", "-"), self.pieces)

    @property
    def location(self) -> Location:
        return Location(self.path, self.lines[0] + 1)

    def tags(self) -> list[Tag]:
        return [p for p in self.pieces if isinstance(p, Tag)]


def as_text(ident: str, pieces: list) -> str:
    """A unit's text from its id and pieces: a front-matter field (`meta-*`, YAML, never read
    as Markdown) is plain text, any other unit Markdown."""
    return " ".join(plain(pieces).split()) if ident.startswith("meta-") else to_markdown(pieces)


def to_markdown(pieces: list) -> str:
    out = []
    for piece in pieces:
        out.append(piece.native if isinstance(piece, Tag) else _ESCAPE.sub(r"\\\1", piece))
    text = " ".join("".join(out).split())
    return block_safe(text) if pieces and isinstance(pieces[0], str) else text


def block_safe(text: str) -> str:
    """One line of Markdown made to start no block where a paragraph's text goes (a heading,
    list, quote, code fence, box, thematic break or note definition), by escaping its first
    mark: an imported translation never turns what follows it into something else."""
    number = _ORDERED.match(text)
    if number:
        return text[:number.end()] + "\\" + text[number.end():]
    return "\\" + text if _BLOCK_START.match(text) else text


def plain(pieces: list) -> str:
    """The words only (tags dropped)."""
    return "".join(p for p in pieces if isinstance(p, str))


def segment(path: Path, quotes: str, text: str | None = None) -> list[Unit]:
    """The translation units of the source `path` (or of `text`, to be written there), in
    reading order (footnotes last)."""
    text = reader.read_text(path) if text is None else text
    units = _meta_units(text, path)
    env: dict = {}
    tokens = reader.markdown(quotes).parse(text, env)
    headings: list[str] = []
    in_item, footnote, row = 0, None, None
    paragraphs: dict[str, int] = {}
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "list_item_open":
            in_item += 1
        elif kind == "list_item_close":
            in_item -= 1
        elif kind == "footnote_open":
            footnote = token.meta.get("label")
        elif kind == "footnote_close":
            footnote = None
        elif kind == "tr_open":
            row, column = token.map, 0
        elif kind in ("th_open", "td_open"):
            inline = tokens[i + 1]
            pieces = _pieces(inline.children or [], env)
            if _LETTER.search(plain(pieces)):
                units.append(Unit("cell", pieces, path, tuple(row), column=column,
                                  context=" > ".join(headings)))
            column += 1
        elif kind == "heading_open":
            level = int(token.tag[1])
            pieces = _pieces(tokens[i + 1].children or [], env)
            del headings[max(level - 2, 0):]
            units.append(Unit("heading", pieces, path, tuple(token.map), level=level,
                              context=" > ".join(headings)))
            headings.append(plain(pieces))
        elif kind == "paragraph_open" and token.map:  # inline notes' have none
            pieces = _pieces(tokens[i + 1].children or [], env)
            if footnote is not None:
                n = paragraphs[footnote] = paragraphs.get(footnote, 0) + 1
                unit_kind = f"footnote:{footnote}" + (f".{n}" if n > 1 else "")
            else:
                unit_kind = "item" if in_item else "paragraph"
            if _LETTER.search(plain(pieces)):
                units.append(Unit(unit_kind, pieces, path, tuple(token.map),
                                  context=" > ".join(headings)))
    _footnote_context(units)
    return units


def footnotes(path: Path) -> dict[str, Unit]:
    """Each called footnote of the source `path` as one unit of all its paragraphs, by label,
    for the check of its calls, citations and URLs: a footnote holding only a URL is no
    translation unit. Its lines are its definition's first; quotation marks stay straight."""
    text = reader.read_text(path)
    env: dict = {}
    tokens = reader.markdown("\"\"''").parse(text, env)
    lines = {m[1]: text.count("\n", 0, m.start()) for m in _DEFINITION.finditer(text)}
    found: dict[str, Unit] = {}
    label = None
    for token in tokens:
        if token.type == "footnote_open":
            label = token.meta.get("label")  # None for an inline note
            if label is not None:
                line = lines.get(label, 0)
                found[label] = Unit(f"footnote:{label}", [], path, (line, line + 1))
        elif token.type == "footnote_close":
            label = None
        elif token.type == "inline" and label is not None:
            found[label].pieces += [" ", *_pieces(token.children or [], env)]
    return found


def _meta_units(text: str, path: Path) -> list[Unit]:
    data, values = frontmatter.load(frontmatter.split(text, path), path)
    units = []
    for key in TRANSLATABLE_META:
        value = data.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            line = values[key].line - 1
            units.append(Unit(f"meta:{key}", [str(value).strip()], path, (line, line + 1),
                              context=f"front matter: {key}"))
    return units


def _pieces(children, env) -> list:
    """Inline tokens to pieces; tags are numbered from 1 in order."""
    pieces: list = []
    counter = [0]
    opened: list[int] = []

    def new_id() -> int:
        counter[0] += 1
        return counter[0]

    def walk(tokens) -> None:
        skip_until_close = bare_url = False
        for token in tokens:
            kind = token.type
            if bare_url:  # the address as written is the placeholder
                pieces.append(Tag("ph", new_id(), "x-url", token.content))
                bare_url, skip_until_close = False, kind != "link_close"
                continue
            if skip_until_close:
                skip_until_close = kind != "link_close"
                continue
            if kind == "text":
                pieces.append(token.content)
            elif kind in ("softbreak", "hardbreak"):
                pieces.append(" ")
            elif kind == "code_inline":
                pieces.append(Tag("ph", new_id(), "x-code", token.markup + token.content + token.markup))
            elif kind in ("em_open", "strong_open"):
                opened.append(new_id())
                pieces.append(Tag("bpt", opened[-1], "italic" if kind == "em_open" else "bold",
                                  token.markup))
            elif kind in ("em_close", "strong_close"):
                pieces.append(Tag("ept", opened.pop(), "italic" if kind == "em_close" else "bold",
                                  token.markup))
            elif kind == "link_open" and token.markup == "linkify":
                bare_url = True
            elif kind == "link_open" and token.markup == "autolink":
                pieces.append(Tag("ph", new_id(), "x-url", f"<{token.attrs['href']}>"))
                skip_until_close = True
            elif kind == "link_open":
                opened.append(new_id())
                pieces.append(Tag("bpt", opened[-1], "link", "["))
                title = token.attrs.get("title")
                opened.append(f"]({token.attrs['href']}" + (f' "{title}"' if title else "") + ")")
            elif kind == "link_close":
                native = opened.pop()
                pieces.append(Tag("ept", opened.pop(), "link", native))
            elif kind == "footnote_ref" and token.meta.get("label") is not None:
                pieces.append(Tag("ph", new_id(), "x-footnote", f"[^{token.meta['label']}]"))
            elif kind == "footnote_ref":  # inline note ^[...]: translatable, inside its tags
                ident = new_id()
                pieces.append(Tag("bpt", ident, "x-note", "^["))
                walk(env["footnotes"]["list"][token.meta["id"]].get("tokens") or [])
                pieces.append(Tag("ept", ident, "x-note", "]"))
            elif kind == "cite":
                pieces.append(Tag("ph", new_id(), "x-citation", token.content))
            else:
                pieces.append(Tag("ph", new_id(), f"x-{kind}", token.content))

    walk(children)
    return pieces


def _footnote_context(units: list[Unit]) -> None:
    """A footnote's context is the sentence that calls it."""
    calls = {}
    for unit in units:
        text = unit.text
        for tag in unit.tags():
            if tag.ctype == "x-footnote":
                at = text.find(tag.native)
                start = max(text.rfind(". ", 0, at) + 1, 0)
                calls[tag.native[2:-1]] = "called from: " + text[start:at + len(tag.native)].strip()
    for unit in units:
        if unit.kind.startswith("footnote:"):
            unit.context = calls.get(unit.kind[9:].split(".")[0], "")


def fresh_id(unit: Unit, taken: set[str]) -> str:
    """An id from the unit's kind and content: inserting other units never changes it."""
    if unit.kind.startswith("meta:"):
        base = "meta-" + unit.kind[5:]
    elif unit.kind.startswith("footnote:"):
        base = "fn-" + re.sub(r"[^\w.-]", "-", unit.kind[9:])
    else:
        prefix = {"heading": "h", "paragraph": "p", "item": "li", "cell": "td"}[unit.kind]
        base = f"{prefix}-" + hashlib.sha1(" ".join(unit.text.split()).encode()).hexdigest()[:8]
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    taken.add(ident)
    return ident
