"""Tracked changes and comments in a Word file: listed, then accepted or rejected.

Word records a revision as markup around the runs it touched: `w:ins` and `w:del` (typed
and deleted text), `w:moveFrom` and `w:moveTo` (moved text: deleted in one place, inserted
in another), a paragraph mark inserted or deleted (`w:ins`/`w:del` in the paragraph's
run properties) and formatting changes (`w:rPrChange`, `w:pPrChange`…, holding the old
properties). No Python library resolves them (python-docx does not see them; mammoth accepts them
silently; Pandoc does, but without saying where), so this module does, on the
XML of each story (the body, the footnotes): accepting keeps the new text and drops the
records, rejecting restores the old. Comments (`comments.xml`, anchored by
`w:commentRangeStart`/`End`) are listed with the text they anchor to.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

_INSERTED = {qn("w:ins"): "inserted", qn("w:moveTo"): "moved here"}
_DELETED = {qn("w:del"): "deleted", qn("w:moveFrom"): "moved away"}
_MARKERS = {qn(f"w:{name}") for name in ("moveFromRangeStart", "moveFromRangeEnd",
                                         "moveToRangeStart", "moveToRangeEnd")}
_PROPERTY_CHANGES = {qn(f"w:{name}") for name in (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
    "tblGridChange", "numberingChange")}
_P, _T, _DEL_TEXT = qn("w:p"), qn("w:t"), qn("w:delText")


@dataclass
class Change:
    kind: str  # inserted, deleted, moved here, moved away, formatting, paragraph mark …
    author: str
    where: str  # "paragraph 12" or "footnote 3, paragraph 1"
    text: str
    paragraph: str  # the start of the paragraph's text

    def __str__(self) -> str:
        text = f" {self.text!r}" if self.text else ""
        return f"{self.where} ({short(self.paragraph)!r}): {self.kind}{text} by {self.author}"


@dataclass
class Comment:
    author: str
    text: str
    anchor: str  # the commented text
    where: str

    def __str__(self) -> str:
        return f"{self.where}: comment by {self.author} on {short(self.anchor)!r}: {self.text}"


def changes(story, name: str = "paragraph") -> list[Change]:
    """The tracked changes of `story` (the body, or a footnote: `name` says which), in order."""
    found = []
    paragraphs = {p: n for n, p in enumerate(story.iter(_P), 1)}
    for element in story.iter(*_INSERTED, *_DELETED, *_PROPERTY_CHANGES):
        paragraph = next((a for a in element.iterancestors(_P)), None)
        parent = element.getparent()
        if element.tag in _PROPERTY_CHANGES:
            kind, text = "formatting changed", ""
        elif parent.tag == qn("w:trPr"):
            kind, text = f"table row {(_INSERTED | _DELETED)[element.tag]}", ""
            paragraph = next(element.iterancestors(qn("w:tr"))).find(f".//{_P}")
        elif parent.tag == qn("w:rPr"):
            kind = f"paragraph mark {(_INSERTED | _DELETED)[element.tag]}"
            text = ""
        else:
            kind = (_INSERTED | _DELETED)[element.tag]
            text = "".join(t.text or "" for t in element.iter(_T, _DEL_TEXT))
        number = paragraphs.get(paragraph, 0)
        found.append(Change(kind, element.get(qn("w:author"), "unknown"),
                            f"{name} {number}", text,
                            _text(paragraph) if paragraph is not None else ""))
    return found


def resolve(story, accept: bool) -> None:
    """Accept (or reject) every tracked change of `story`, in place."""
    keep, drop = (_INSERTED, _DELETED) if accept else (_DELETED, _INSERTED)
    for element in list(story.iter(*_MARKERS)):
        element.getparent().remove(element)
    merge = []
    for element in list(story.iter(*keep, *drop)):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag == qn("w:trPr"):  # a table row
            row = parent.getparent()
            if element.tag in drop:
                row.getparent().remove(row)
            else:
                parent.remove(element)
        elif parent.tag == qn("w:rPr"):  # the paragraph mark itself
            if element.tag in drop:  # a mark that goes: the paragraph joins the next
                merge.append(next(a for a in element.iterancestors(_P)))
            parent.remove(element)
        elif element.tag in drop:
            parent.remove(element)
        else:
            for text in element.iter(_DEL_TEXT):
                text.tag = _T
            for text in element.iter(qn("w:delInstrText")):
                text.tag = qn("w:instrText")
            _unwrap(element)
    for element in list(story.iter(*_PROPERTY_CHANGES)):
        properties = element.getparent()
        if not accept:  # the old properties replace the current ones
            old = element.find(properties.tag)
            for child in [c for c in properties if c is not element and c.tag != qn("w:rPr")]:
                properties.remove(child)
            for child in list(old if old is not None else element):
                properties.append(child)
        properties.remove(element)
    for paragraph in merge:
        following = paragraph.getnext()
        if following is not None and following.tag == _P:
            for child in list(following):
                if child.tag != qn("w:pPr"):
                    paragraph.append(child)
            following.getparent().remove(following)


def comments(document) -> list[Comment]:
    """The comments of the python-docx `document`, with the body text each is anchored to."""
    part = next((rel.target_part for rel in document.part.rels.values()
                 if rel.reltype.endswith("/comments") and not rel.is_external), None)
    if part is None:
        return []
    from docx.oxml.parser import parse_xml

    root = part.element if hasattr(part, "element") else parse_xml(part.blob)
    body = document.element.body
    paragraphs = {p: n for n, p in enumerate(body.iter(_P), 1)}
    starts = {e.get(qn("w:id")): e for e in body.iter(qn("w:commentRangeStart"))}
    found = []
    for comment in root.iter(qn("w:comment")):
        start = starts.get(comment.get(qn("w:id")))
        found.append(Comment(
            comment.get(qn("w:author"), "unknown"),
            " ".join(_text(p) for p in comment.iter(_P)).strip(),
            _anchored(start) if start is not None else "",
            f"paragraph {paragraphs.get(_paragraph(start), 0)}" if start is not None
            else "the document"))
    return found


def _anchored(start) -> str:
    """The text between a comment's range start and its end."""
    parts, inside, ident = [], False, start.get(qn("w:id"))
    for element in start.getroottree().iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"),
                                            _T):
        if element is start:
            inside = True
        elif element.tag == qn("w:commentRangeEnd") and element.get(qn("w:id")) == ident:
            break
        elif inside and element.tag == _T:
            parts.append(element.text or "")
    return "".join(parts)


def _paragraph(element):
    return next((a for a in element.iterancestors(_P)), None)


def _unwrap(element) -> None:
    parent, index = element.getparent(), element.getparent().index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_T, _DEL_TEXT))


def short(text: str, size: int = 60) -> str:
    """`text` on one line, cut to `size` characters."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"
