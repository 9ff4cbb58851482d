"""Markdown writer: a `Document` as a source file (front matter + the Markdown our reader
reads), for `briefing import`; `readers/markdown.py` reads back the same model.

Hand-written because the model is ours: Pandoc's Markdown writer would need our model turned
into its AST and knows neither `::: box` nor our front matter. Text is escaped where
CommonMark would read it as markup; a paragraph's typographic quotes are written straight
when the house typographer gives them back unchanged (so an imported source reads like a
typed one), checked by parsing. Footnotes are `[^label]` with their definition after the
block that first calls them; a note's later paragraphs are indented by four spaces.
"""
from __future__ import annotations

import re

import yaml

from .. import model as m
from ..readers import frontmatter
from ..transforms import localize

_ESCAPE = re.compile(r"([\\`*\[\]<>|\"'])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)]|:::)(?=\s|$)")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_DEFINITION = re.compile(r"^\[\^", re.M)
_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


def front_matter(meta: m.Meta, house) -> dict[str, str]:
    """The front matter's lines by key (`key: value`, YAML), in the order sources use: for a
    translation only what it gives itself."""
    unit = meta.unit
    if isinstance(unit, dict):
        unit = next((key for key, value in house.units.items() if value == unit), unit.get("name"))
    values = {
        "original": meta.original, "title": meta.title, "kind": meta.kind, "event": meta.event,
        "short_title": meta.short_title if meta.short_title != meta.title else "",
        "date": meta.date.isoformat() if meta.date else "",
        "index": str(meta.index) if meta.index is not None else "",
        "unit": unit or "",
        "bibliography": str(meta.bibliography) if meta.bibliography else "",
        "status": meta.status if meta.status != "final" else "",
        "keywords": meta.keywords,
    }
    keys = ("original", *frontmatter.TRANSLATABLE, "keywords", "status") if meta.original \
        else ("original",) + frontmatter.FIELDS[:-1]
    return {key: _yaml(key, values[key]) for key in keys if values[key]}


def _yaml(key: str, value) -> str:
    if key == "date":
        return f"date: {value}"
    if isinstance(value, list):  # keywords: [a, b]
        return f"{key}: " + yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                                           width=10**6).rstrip("\n")
    return yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False,
                          width=10**6).rstrip("\n")


def render(doc: m.Document, house, lines: dict[str, str] | None = None) -> str:
    """The source text: front matter (`lines`, else from the document) and body."""
    lines = front_matter(doc.meta, house) if lines is None else lines
    head = "---\n" + "".join(f"{line}\n" for line in lines.values()) + "---\n"
    return head + "\n" + body(doc, house.labels(doc.lang))


def body(doc: m.Document, labels: dict) -> str:
    """The Markdown of the blocks and notes, in the typography of the language's `labels`."""
    writer = _Writer({note.label: note for note in doc.notes}, labels)
    return writer.blocks(doc.blocks, top=True).rstrip("\n") + "\n"


class _Writer:
    def __init__(self, notes: dict[str, m.Note], labels: dict):
        self.notes, self.quotes = notes, labels["quotes"]
        self.typeset = typesetter(labels)
        self.pending: list[str] = []  # labels called since the last top-level block
        self.written: set[str] = set()

    def blocks(self, blocks: list[m.Block], top: bool = False) -> str:
        """Blocks apart by a blank line (inside a container, none after a heading)."""
        parts, previous = [], None
        for block in blocks:
            text = self.block(block, previous)
            if isinstance(previous, m.Heading) and not top:
                parts[-1] += "\n" + text
                previous = block
                continue
            previous = block
            if top:
                text = self.straightened(text)
                definitions = self.definitions()
                if definitions:
                    text += "\n\n" + definitions
            parts.append(text)
        return "\n\n".join(parts) + "\n"

    def block(self, block: m.Block, previous) -> str:
        if isinstance(block, m.Paragraph):
            return _line_start(self.inlines(block.children))
        if isinstance(block, m.Heading):
            return "#" * block.level + " " + self.inlines(block.children)
        if isinstance(block, (m.BulletList, m.OrderedList)):
            return self.list(block, previous)
        if isinstance(block, m.BlockQuote):
            inner = self.blocks(block.blocks).rstrip("\n")
            return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
        if isinstance(block, m.Box):
            return "::: box\n" + self.blocks(block.blocks).rstrip("\n") + "\n:::"
        if isinstance(block, m.Table):
            return self.table(block)
        if isinstance(block, m.CodeBlock):
            fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", block.text)), default=0) + 1)
            return f"{fence}\n{block.text.rstrip(chr(10))}\n{fence}"
        if isinstance(block, m.ThematicBreak):
            return "---"
        raise TypeError(f"no Markdown for {type(block).__name__}")

    def list(self, block, previous) -> str:
        ordered = isinstance(block, m.OrderedList)
        same = type(previous) is type(block)  # two lists in a row: another marker, or one list
        loose = any(len([b for b in item.blocks if not isinstance(b, (m.BulletList, m.OrderedList))]) > 1
                    for item in block.items)
        lines = []
        for n, item in enumerate(block.items):
            marker = (f"{block.start + n}{')' if same else '.'} " if ordered
                      else ("* " if same else "- "))
            indent = " " * len(marker)
            inner = self.blocks(item.blocks).rstrip("\n")
            if not loose:
                inner = inner.replace("\n\n", "\n")
            text = "\n".join((indent + line if line else line) if k else marker + line
                             for k, line in enumerate(inner.split("\n")))
            lines.append(text)
        return ("\n\n" if loose else "\n").join(lines)

    def table(self, block: m.Table) -> str:
        rows = block.head + block.body
        width = max(len(row) for row in rows)
        head = block.head[0] if block.head else [m.TableCell([])] * width

        def row(cells) -> str:
            texts = [self.inlines(cell.children).replace("\n", " ") for cell in cells]
            texts += [""] * (width - len(texts))
            return "| " + " | ".join(texts) + " |"

        def rule(n: int) -> str:  # as wide as its head cell
            size = max(3, len(self.inlines(head[n].children)) + 2 if n < len(head) else 3)
            align = head[n].align if n < len(head) else ""
            return {"left": ":" + "-" * (size - 1), "center": ":" + "-" * (size - 2) + ":",
                    "right": "-" * (size - 1) + ":"}.get(align, "-" * size)

        rule_line = "|" + "|".join(rule(n) for n in range(width)) + "|"
        return "\n".join([row(head), rule_line] + [row(r) for r in block.head[1:] + block.body])

    def definitions(self) -> str:
        out = []
        for label in self.pending:
            note = self.notes.get(label)
            if note is None or label in self.written:
                continue
            self.written.add(label)
            paragraphs = [self.straightened(_line_start(self.inlines(p.children)))
                          for p in note.blocks] or [""]
            text = f"[^{label}]: {paragraphs[0]}"
            for more in paragraphs[1:]:
                text += "\n\n    " + more
            out.append(text)
        self.pending = []
        return "\n\n".join(out)

    # Inlines ---------------------------------------------------------------------------

    def inlines(self, nodes: list[m.Inline]) -> str:
        return "".join(self.inline(node) for node in nodes)

    def inline(self, node) -> str:
        if isinstance(node, m.Text):
            return _escape(node.text)
        if isinstance(node, m.SoftBreak):
            return " "
        if isinstance(node, m.LineBreak):
            return "\\\n"
        if isinstance(node, m.Code):
            ticks = "`" * (max((len(r) for r in re.findall(r"`+", node.text)), default=0) + 1)
            pad = " " if node.text.startswith("`") or node.text.endswith("`") else ""
            return f"{ticks}{pad}{node.text}{pad}{ticks}"
        if isinstance(node, m.Emph):
            return _wrapped("*", self.inlines(node.children))
        if isinstance(node, m.Strong):
            return _wrapped("**", self.inlines(node.children))
        if isinstance(node, m.Link):
            text = self.inlines(node.children)
            plain = "".join(c.text for c in node.children if isinstance(c, m.Text))
            if len(node.children) == 1 and plain in (node.url, node.url.removeprefix("mailto:")) \
                    and re.match(r"(https?|mailto):", node.url):
                return f"<{plain}>"
            title = f' "{node.title}"' if node.title else ""
            return f"[{text}](<{node.url}>{title})" if " " in node.url else f"[{text}]({node.url}{title})"
        if isinstance(node, m.Image):
            return f"![{_escape(node.alt)}]({node.url})"
        if isinstance(node, m.NoteRef):
            note = self.notes.get(node.label)
            if node.label.startswith("^") and note and len(note.blocks) == 1:  # inline note
                self.written.add(node.label)
                return f"^[{self.inlines(note.blocks[0].children)}]"
            self.pending.append(node.label)
            return f"[^{node.label}]"
        if isinstance(node, m.Cite):
            items = "; ".join(" ".join(filter(None, [item.prefix, _key(item.key)]))
                              + (f", {item.locator}" if item.locator else "")
                              for item in node.items)
            return f"[{items}]"
        if isinstance(node, m.Isolate):
            return self.inlines(node.children)
        raise TypeError(f"no Markdown for {type(node).__name__}")

    def straightened(self, text: str) -> str:
        """`text` as typed: quotes straight and the language's typographic spaces plain,
        where the typographer and the locale's spacing put them back as they are."""
        quotes = self.quotes
        tight = re.sub(f"(?<={re.escape(quotes[0])})[\u00a0\u202f]|[\u00a0\u202f](?={re.escape(quotes[1])})",
                       "", text)  # « mot » typed "mot"
        straight = tight.translate({ord(quotes[0]): '"', ord(quotes[1]): '"', ord(quotes[2]): "'",
                                   ord(quotes[3]): "'", ord("\u2019"): "'"})  # and apostrophes
        plain = re.sub("[\u00a0\u202f]", " ", straight)
        target = None
        for candidate in dict.fromkeys((plain, straight, text.translate({ord("\u2019"): "'"}))):
            if candidate != text:
                target = target or self.typeset(text)
                if self.typeset(candidate) == target:
                    return candidate
        return text


def typesetter(labels: dict):
    """The HTML of a Markdown text in the language's typography (`labels`), soft line breaks
    as spaces and a list's paragraphs as a tight list's: what tells two Markdown texts apart,
    their layout aside (our model has neither). A note's definition is read as text (alone,
    markdown-it would drop it uncalled); `references`: the link reference definitions of the
    file the text is from."""
    from ..readers.markdown import markdown

    parser = markdown(labels["quotes"])
    spaced = localize.spacer(labels.get("spacing") or {})

    def typeset(text: str, references: dict | None = None) -> str:
        env = {"references": dict(references or {})}
        tokens = parser.parse(_DEFINITION.sub(r"\\[^", text), env)
        items = 0
        for token in tokens:
            items += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
            if items and token.type in ("paragraph_open", "paragraph_close"):
                token.hidden = True
            for child in token.children or ():
                if child.type == "softbreak":
                    child.type, child.content = "text", " "
        return spaced(parser.renderer.render(tokens, parser.options, env))

    return typeset


def _key(key: str) -> str:
    return f"@{key}" if re.fullmatch(r"[\w][\w:.#$%&+?<>~/-]*[\w]|\w", key) else f"@{{{key}}}"


def _wrapped(mark: str, inner: str) -> str:
    """Emphasis with its spaces outside the marks (`* x*` is no emphasis)."""
    stripped = inner.strip(" ")
    if not stripped:
        return inner
    lead, trail = inner[:len(inner) - len(inner.lstrip(" "))], inner[len(inner.rstrip(" ")):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    text = text.replace("^[", "^\\[")
    return text.replace("\n", " ")


def _line_start(text: str) -> str:
    """A paragraph that would start a heading, list, quote or box as text."""
    return _LINE_START.sub(lambda match: match.group(1) + "\\" + match.group(2)
                           if not match.group(2)[0].isdigit()
                           else match.group(1) + match.group(2)[:-1] + "\\" + match.group(2)[-1],
                           text, count=1)
