"""Real Word footnotes on top of python-docx, which has no footnote API (python-docx issue #1,
open since 2014; the pull requests adding one were never merged, and the forks that add one
replace the `docx` module or number notes at random).

Built the way python-docx 1.2 builds comments: a `word/footnotes.xml` part related to the
document part, holding the two separator footnotes Word requires (ids -1 and 0); a
`w:footnotePr` naming them in the settings; and `w:footnoteReference` runs in the text.
Footnote bodies are ordinary python-docx paragraphs, so runs, emphasis and hyperlinks work
in them as in the body. Ids rise in document order: LibreOffice pairs calls and bodies by it.
"""
from __future__ import annotations

from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.parts.story import StoryPart
from docx.text.paragraph import Paragraph

_SEPARATORS = (
    f'<w:footnotes {nsdecls("w", "r")}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"'
    ' w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    '</w:footnote></w:footnotes>'
)

# Children of w:settings that come after w:footnotePr (ECMA-376 schema order).
_AFTER_FOOTNOTE_PR = ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
                      "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                      "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
                      "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
                      "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
                      "w:decimalSymbol", "w:listSeparator")


class FootnotesPart(StoryPart):
    """`word/footnotes.xml`: a story part, so paragraphs in it can hold hyperlinks."""


class Footnotes:
    """The footnotes of one python-docx `Document`; `add()` them in document order."""

    def __init__(self, document, text_style: str, reference_style: str):
        """`text_style` and `reference_style` are style ids."""
        self.text_style, self.reference_style = text_style, reference_style
        package = document.part.package
        self.part = FootnotesPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
                                  parse_xml(_SEPARATORS), package)
        document.part.relate_to(self.part, RT.FOOTNOTES)
        settings = document.settings.element
        footnote_pr = OxmlElement("w:footnotePr")
        for ident in ("-1", "0"):
            footnote_pr.append(element("w:footnote", {"w:id": ident}))
        settings.insert_element_before(footnote_pr, *_AFTER_FOOTNOTE_PR)
        self._count = 0

    def reference(self, paragraph: Paragraph) -> Paragraph:
        """Add the next footnote: its call at the end of `paragraph`; returns the first
        paragraph of its body (mark and a space already in it) for the caller to fill."""
        self._count += 1
        ident = str(self._count)
        call = OxmlElement("w:r")
        call.append(styled("w:rPr", "w:rStyle", self.reference_style))
        call.append(element("w:footnoteReference", {"w:id": ident}))
        paragraph._p.append(call)
        footnote = element("w:footnote", {"w:id": ident})
        self.part.element.append(footnote)
        return self.add_paragraph(footnote, mark=True)

    def add_paragraph(self, footnote=None, mark: bool = False) -> Paragraph:
        """A new paragraph in footnote `footnote` (default: the last one added)."""
        footnote = footnote if footnote is not None else self.part.element[-1]
        p = footnote.makeelement(qn("w:p"), {})
        footnote.append(p)
        paragraph = Paragraph(p, self.part)
        p.append(styled("w:pPr", "w:pStyle", self.text_style))
        if mark:
            mark_run = OxmlElement("w:r")
            mark_run.append(styled("w:rPr", "w:rStyle", self.reference_style))
            mark_run.append(OxmlElement("w:footnoteRef"))
            p.append(mark_run)
            paragraph.add_run(" ")
        return paragraph


def styled(properties: str, style_tag: str, style_id: str):
    """New properties (`w:pPr`, `w:rPr`) holding only a style, for a new paragraph or run:
    python-docx's style setters look through every possible sibling to place it."""
    made = OxmlElement(properties)
    made.append(element(style_tag, {"w:val": style_id}))
    return made


def element(tag: str, attrs: dict[str, str]):
    """An OOXML element with its (prefixed) attributes."""
    made = OxmlElement(tag)
    for name, value in attrs.items():
        made.set(qn(name), value)
    return made
