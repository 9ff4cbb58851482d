"""Markdown reader: a source file (front matter + CommonMark with footnotes, citations, tables
and `::: box` containers) becomes a `Document`. Parsing is markdown-it-py's; this module maps
its syntax tree onto our model and pins every problem to a source line and column.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from . import frontmatter, images
from .. import files, limits, model as m
from .citation_syntax import citation_plugin
from ..errors import SourceError
from ..house.style import HouseStyle

LINK_SCHEMES = ("https", "http", "mailto", "tel")
_UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")


@cache
def markdown(quotes: str) -> MarkdownIt:
    """The parser; `quotes` are the language's typographic quotation marks."""
    # markdown-it silently drops whatever lies deeper than maxNesting (a list counts 2):
    # allow more than our own limit, which is checked with a location while converting.
    # Bare addresses (`See https://…`) become links (linkify-it-py), as autolinks do: after
    # the inline rules only, or the address would swallow a note call (`…/plan.[^1]`).
    parser = (MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": quotes,
                                        "linkify": True, "maxNesting": 2 * limits.NESTING + 4})
              .enable(["table", "replacements", "smartquotes", "linkify"])
              .use(front_matter_plugin)
              .use(footnote_plugin)
              .use(container_plugin, "box")
              .use(citation_plugin))
    parser.inline.ruler.disable("linkify")
    pretest = parser.linkify.pretest
    parser.linkify.pretest = lambda text: _MAYBE_LINK.search(text) is not None and pretest(text)
    return parser


# What every text that linkify-it's pretest accepts holds: a scheme's `:` or `//`, an `@`,
# or a host's `localhost`, `www.`, or dot before its top-level domain or an address's digits
# (so long as no scheme without `:` is added, nor a domain that starts with no letter). The
# pretest itself, one large Unicode expression, takes about 0.1 ms a paragraph; most
# paragraphs fail this first.
_MAYBE_LINK = re.compile(r"[@:]|//|\.\w|www\.|localhost", re.IGNORECASE)


def read_text(path: Path) -> str:
    """A source file's text (`files.read_text_inside`): a regular file in its folder, not a
    symbolic link, within the size limit, UTF-8 without control characters."""
    return files.read_text_inside(path, path.parent, limits.SOURCE_BYTES, "the source file")


def read(path: Path, house: HouseStyle) -> m.Document:
    """Read `source/<slug>/<lang>.md` into a Document (notes not numbered yet), with the
    house's units, identifier scheme and the language's quotation marks."""
    text = read_text(path)
    meta = frontmatter.parse(frontmatter.split(text, path), path, house)
    env: dict = {}
    tokens = markdown(house.labels(path.stem)["quotes"]).parse(text, env)
    _check_inline_depth(tokens, path)
    try:
        tree = SyntaxTreeNode(tokens)
    except ValueError:  # the footnote plugin leaves a note defined inside a list unclosed
        nested = re.search(r"(?:^|[ \t])(?:[-*+>]|\d+[.)])[ \t]+\[\^[^\]\n]*\]:", text, re.M)
        line = text.count("\n", 0, nested.start()) + 1 if nested else 1
        raise SourceError(m.Location(path, line), "a footnote definition inside a list or "
                          "quote: define notes at the start of a line") from None
    converter = _Converter(path, text.split("\n"))
    blocks = converter.blocks(tree.children)
    converter.check_unused_definitions(env)
    return m.Document(source=path, lang=path.stem, slug=path.absolute().parent.name, meta=meta,
                      blocks=blocks, notes=converter.notes)


def _too_deep(what: str) -> str:
    return f"nested too deep: {what} may be at most {limits.NESTING} levels inside one another"


def _check_inline_depth(tokens, path: Path) -> None:
    """Emphasis and links nested beyond the limit (before anything recurses through them)."""
    for token in tokens:
        depth = 0
        for child in token.children or []:
            depth += child.nesting
            if depth > limits.NESTING:
                line = token.map[0] + 1 if token.map else 1
                raise SourceError(m.Location(path, line), _too_deep("emphasis and links"))


class _Converter:
    def __init__(self, path: Path, lines: list[str]):
        self.path, self.lines = path, lines
        self.notes: list[m.Note] = []
        self._inline_notes: dict[str, m.Location] = {}  # label of each ^[...] -> its call
        self._span = (0, len(lines))  # source lines of the block being converted
        self._depth = -1  # blocks one inside the other; the body is 0

    def locate(self, needle: str, span: tuple[int, int] | None = None) -> m.Location:
        """The first occurrence of `needle` within the source lines `span` (0-based, end excl.),
        or the span's first line."""
        return self.find(needle, span) or m.Location(self.path, (span or self._span)[0] + 1)

    def find(self, needle: str, span: tuple[int, int] | None = None) -> m.Location | None:
        start, end = span or self._span
        for number in range(start, min(end, len(self.lines))):
            column = self.lines[number].find(needle)
            if column >= 0:
                return m.Location(self.path, number + 1, column + 1)
        return None

    # Blocks ----------------------------------------------------------------------------

    def blocks(self, nodes) -> list[m.Block]:
        self._enter()
        result = []
        for node in nodes:
            if node.map:
                self._span = tuple(node.map)
            block = self.block(node)
            if block is not None:
                result.append(block)
        self._depth -= 1
        return result

    def _enter(self) -> None:
        """One level deeper; the templates and the layout recurse, so depth is limited."""
        self._depth += 1
        if self._depth > limits.NESTING:
            raise SourceError(self.locate(""), _too_deep("lists, quotes and boxes"))

    def block(self, node):
        kind = node.type
        if kind == "paragraph":
            return m.Paragraph(self.inlines(node.children[0]))
        if kind == "heading":
            level = int(node.tag[1])
            if level == 1:
                raise SourceError(self.locate("#"), "a '#' heading is not allowed: the title "
                                  "comes from the front matter; use '##' for sections")
            return m.Heading(level, self.inlines(node.children[0]))
        if kind == "bullet_list":
            return m.BulletList([m.ListItem(self.blocks(item.children)) for item in node.children])
        if kind == "ordered_list":
            return m.OrderedList([m.ListItem(self.blocks(item.children)) for item in node.children],
                                 start=int(node.attrs.get("start", 1)))
        if kind == "blockquote":
            return m.BlockQuote(self.blocks(node.children))
        if kind == "container_box":
            start, end = node.map
            if end >= len(self.lines) or not self.lines[end].lstrip(" >").startswith(":::"):
                raise SourceError(m.Location(self.path, start + 1), "this '::: box' is never "
                                  "closed: end it with a ':::' line")
            return m.Box(self.blocks(node.children))
        if kind in ("fence", "code_block"):
            return m.CodeBlock(node.content)
        if kind == "hr":
            return m.ThematicBreak()
        if kind == "table":
            return self.table(node)
        if kind == "footnote_block":
            for footnote in node.children:
                self.footnote(footnote)
            return None
        if kind in ("front_matter", "footnote_anchor"):
            return None
        raise SourceError(self.locate(""), f"unsupported Markdown construct: {kind}")

    def table(self, node) -> m.Table:
        head, body = [], []
        for section in node.children:
            rows = head if section.type == "thead" else body
            for row in section.children:
                rows.append([m.TableCell(self.inlines(cell.children[0]) if cell.children else [],
                                         _align(cell.attrs.get("style", "")))
                             for cell in row.children])
        return m.Table(head, body)

    def footnote(self, node) -> None:
        label = node.meta.get("label")
        if label is None:
            label = f"^{node.meta['id']}"
            location = self._inline_notes[label]
        else:
            first = next((c for c in node.children if c.map), None)
            span = tuple(first.map) if first else self._span
            location = self.locate(f"[^{label}]:", (max(span[0] - 1, 0), span[1]))
        blocks = self.blocks(node.children)
        if not all(isinstance(block, m.Paragraph) for block in blocks):
            raise SourceError(location, f"footnote '[^{label}]' may hold only paragraphs")
        self.notes.append(m.Note(label, blocks, location))

    def check_unused_definitions(self, env: dict) -> None:
        for key, id_ in env.get("footnotes", {}).get("refs", {}).items():
            if id_ == -1:
                label = key[1:]
                raise SourceError(self.locate(f"[^{label}]:", (0, len(self.lines))),
                                  f"footnote '[^{label}]' is defined but never called")

    # Inlines ---------------------------------------------------------------------------

    def inlines(self, node) -> list[m.Inline]:
        return self._inlines(node.children or [])

    def _inlines(self, nodes) -> list[m.Inline]:
        result: list[m.Inline] = []
        for node in nodes:
            kind = node.type
            if kind == "text":
                self._check_undefined_calls(node.content)
                if result and isinstance(result[-1], m.Text):
                    result[-1] = m.Text(result[-1].text + node.content)
                else:
                    result.append(m.Text(node.content))
            elif kind == "softbreak":
                result.append(m.SoftBreak())
            elif kind == "hardbreak":
                result.append(m.LineBreak())
            elif kind == "code_inline":
                result.append(m.Code(node.content))
            elif kind == "em":
                result.append(m.Emph(self._inlines(node.children)))
            elif kind == "strong":
                result.append(m.Strong(self._inlines(node.children)))
            elif kind == "link":
                self._check_link(node)
                result.append(m.Link(node.attrs["href"], self._inlines(node.children),
                                     node.attrs.get("title", "")))
            elif kind == "image":
                result.append(self._image(node))
            elif kind == "footnote_ref":
                result.append(self._note_ref(node))
            elif kind == "cite":
                items = [m.CiteItem(key, prefix, locator) for prefix, key, locator in node.meta["items"]]
                if len(items) > limits.CITATION_KEYS:
                    raise SourceError(self.locate(node.content[:50]), f"a citation of "
                                      f"{len(items)} sources: at most {limits.CITATION_KEYS} in "
                                      "one citation (split it)")
                result.append(m.Cite(items, self.locate(node.content),
                                     node.content if node.meta.get("uncommaed") else ""))
            else:
                raise SourceError(self.locate(""), f"unsupported inline Markdown: {kind}")
        return result

    def _image(self, node) -> m.Image:
        url = node.attrs["src"]  # as markdown-it normalised it: %-escaped
        written = self.find(f"]({url}") or self.find(f"]({unquote(url)}")
        location = (m.Location(self.path, written.line, written.column + 2) if written
                    else self.locate("!["))
        return m.Image(url, node.content, location, images.check(url, self.path.parent, location))

    def _check_link(self, node) -> None:
        """A link must go where every reader of every format can follow it: an address on the
        web (`https:`, `http:`), `mailto:` or `tel:`, or a place in the document (`#id`). A
        relative name would point into the build's folder (`file:///…` in the PDF), and
        `data:` carries content no reader expects to open."""
        url = node.attrs["href"]
        if url.startswith("#") or urlsplit(url).scheme.lower() in LINK_SCHEMES:
            return
        written = self.find(f"]({url}") or self.find(f"]({unquote(url)}")
        location = (m.Location(self.path, written.line, written.column + 2) if written
                    else self.locate("]("))
        raise SourceError(location, f"link '{url}' cannot be followed by a "
                          "reader: give a full address (https://…), mailto:, or a section (#id)")

    def _note_ref(self, node) -> m.NoteRef:
        label = node.meta.get("label")
        if label is None:  # an inline note ^[...]: its body arrives with the footnote block
            label = f"^{node.meta['id']}"
            self._inline_notes[label] = self.locate("^[")
        return m.NoteRef(label)

    def _check_undefined_calls(self, text: str) -> None:
        match = _UNDEFINED_CALL.search(text)
        if match:
            raise SourceError(self.locate(match.group(0)),
                              f"footnote '{match.group(0)}' is called but never defined")


def _align(style: str) -> str:
    match = re.search(r"text-align:\s*(\w+)", style)
    return match.group(1) if match else ""
