"""Word styles and list numbering, as the DOCX reader (`word.py`) needs them: a style's
name, bases, outline level and box formatting; a list paragraph's kind, level and list.
Read from the XML (`styles.xml`, `numbering.xml`): python-docx gives neither outline levels
nor numbering definitions."""
from __future__ import annotations

import re

from docx.oxml.ns import qn

MASTHEAD = ("kind", "title", "subtitle", "unit")  # our writer's masthead lines, by style
_FRAMED = (*MASTHEAD, "quote", "footer")  # ruled or shaded, but no box


class Styles:
    """Style names, bases, outline levels and box formatting, by style id."""

    def __init__(self, document):
        self.by_id = {}
        self.elements = {}
        for element in document.styles.element.findall(qn("w:style")):
            ident = element.get(qn("w:styleId"))
            name = element.find(qn("w:name"))
            self.by_id[ident] = name.get(qn("w:val")) if name is not None else ident
            self.elements[ident] = element
        self.default = next((e.get(qn("w:styleId")) for e in self.elements.values()
                             if e.get(qn("w:default")) == "1" and e.get(qn("w:type")) == "paragraph"),
                            "Normal")

    def name(self, ident: str) -> str:
        """The style's name in lower case (Word writes built-in ones so: "heading 1")."""
        return self.by_id.get(ident, ident).lower()

    def ident(self, p) -> str:
        ppr = p.find(qn("w:pPr")) if p is not None else None
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return style.get(qn("w:val")) if style is not None else self.default

    def of(self, p) -> str:
        return self.name(self.ident(p))

    def run_style(self, r) -> str:
        rpr = r.find(qn("w:rPr"))
        style = rpr.find(qn("w:rStyle")) if rpr is not None else None
        return self.name(style.get(qn("w:val"))) if style is not None else ""

    def chain(self, ident: str):
        seen = set()
        while ident and ident not in seen and ident in self.elements:
            seen.add(ident)
            yield self.elements[ident]
            based = self.elements[ident].find(qn("w:basedOn"))
            ident = based.get(qn("w:val")) if based is not None else None

    def based_on(self, p, name: str) -> bool:
        return any(self.name(e.get(qn("w:styleId"))) == name
                   for e in self.chain(self.ident(p)))

    def heading_level(self, p) -> int:
        """2 for Word's Heading 1 (the title is the document's level 1), by style name or
        outline level; 0 for body text."""
        match = re.fullmatch(r"heading (\d)", self.of(p))
        if match:
            return int(match.group(1)) + 1
        for ppr in [p.find(qn("w:pPr"))] + [e.find(qn("w:pPr")) for e in self.chain(self.ident(p))]:
            outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
            if outline is not None and outline.get(qn("w:val")).isdigit() \
                    and int(outline.get(qn("w:val"))) < 9:
                return int(outline.get(qn("w:val"))) + 2
        return 0

    def is_box(self, p) -> bool:
        """Boxed text: our Box style (or one based on it), or a border or shading."""
        if self.based_on(p, "box"):
            return True
        ppr = p.find(qn("w:pPr"))
        own = ppr is not None and (ppr.find(qn("w:pBdr")) is not None or _shaded(ppr))
        styled = any(e.find(qn("w:pPr")) is not None and (
            e.find(qn("w:pPr")).find(qn("w:pBdr")) is not None or _shaded(e.find(qn("w:pPr"))))
            and self.name(e.get(qn("w:styleId"))) not in _FRAMED
            for e in self.chain(self.ident(p)))
        return own or styled


class Numbering:
    """List paragraphs: bulleted or numbered, depth, list instance and start."""

    def __init__(self, document):
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            root = None
        self.abstract = {}
        self.nums = {}
        for abstract in root.findall(qn("w:abstractNum")) if root is not None else []:
            self.abstract[abstract.get(qn("w:abstractNumId"))] = abstract
        for num in root.findall(qn("w:num")) if root is not None else []:
            self.nums[num.get(qn("w:numId"))] = num

    def of(self, p, styles: Styles):
        """(ordered, level, list, start) of a list paragraph, else None. Its level is (left
        indent, list level): Word's "List Bullet 2" is a level 0 further in. Its list is
        (abstract numbering, numbering instance, whether that restarts the count): as in
        Word, instances of one abstract numbering continue one another unless one restarts."""
        numpr = None
        for ppr in [p.find(qn("w:pPr"))] + [e.find(qn("w:pPr")) for e in styles.chain(styles.ident(p))]:
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None:
                break
        if numpr is None:
            return None
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        num_id = num_id.get(qn("w:val")) if num_id is not None else None
        depth = int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        num = self.nums[num_id]
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = self.abstract.get(abstract_id)
        level = next((lvl for lvl in abstract.findall(qn("w:lvl"))
                      if lvl.get(qn("w:ilvl")) == str(depth)), None) if abstract is not None else None
        fmt = level.find(qn("w:numFmt")) if level is not None else None
        ordered = fmt is not None and fmt.get(qn("w:val")) not in ("bullet", "none")
        start = level.find(qn("w:start")) if level is not None else None
        start = int(start.get(qn("w:val"))) if start is not None else 1
        restarts = False
        for override in num.findall(qn("w:lvlOverride")):
            value = override.find(qn("w:startOverride"))
            if override.get(qn("w:ilvl")) == str(depth) and value is not None:
                start, restarts = int(value.get(qn("w:val"))), True
        own = indent(p, styles)
        return (ordered, (own if own is not None else _indent(level) or 0, depth),
                (abstract_id, num_id, restarts), start)

    @staticmethod
    def continued(p) -> bool:
        """A list paragraph numbered by its style only, with its own indent: a later
        paragraph of an item (as our writer makes them), not an item."""
        ppr = p.find(qn("w:pPr"))
        return ppr is not None and ppr.find(qn("w:numPr")) is None and \
            ppr.find(qn("w:ind")) is not None


def indent(p, styles: Styles) -> int | None:
    """The left indent of a paragraph in twips, its own or its style's, if either sets one."""
    for ppr in [p.find(qn("w:pPr"))] + [e.find(qn("w:pPr")) for e in styles.chain(styles.ident(p))]:
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        if ind is not None and (ind.get(qn("w:left")) or ind.get(qn("w:start"))):
            return int(ind.get(qn("w:left")) or ind.get(qn("w:start")))
    return None


def _shaded(ppr) -> bool:
    shade = ppr.find(qn("w:shd"))
    return shade is not None and shade.get(qn("w:fill"), "auto").lower() not in ("auto", "ffffff")


def _indent(level) -> int:
    ppr = level.find(qn("w:pPr")) if level is not None else None
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    return int(ind.get(qn("w:left")) or ind.get(qn("w:start")) or 0) if ind is not None else 0
