"""DOCX writer: the document as a Word file in the house style, for editors and translators.

python-docx builds the package from its default template; the house's named styles are
rebuilt from `docx.yaml` in terms of the design tokens (`tokens.yaml`), so the Word file, the
PDF and the web page share one look. Footnotes are real Word footnotes (`docx_notes`).
Arabic (or any right-to-left) sources get right-to-left paragraphs and runs with
complex-script formatting, which python-docx has no API for; their left-to-right stretches
(`Isolate`: URLs, index numbers, Latin citations) are runs without `w:rtl`, between
left-to-right marks so that their edge punctuation stays with them in Word and LibreOffice.
Complex-script text takes the house's Arabic font, and a right-to-left document its sizes and
leading (a token `sizes.body` reads `sizes.body-rtl` where the house has one), as in the PDF.
The house fonts the text uses are embedded (`docx_fonts`). The zip is written with fixed
member dates, so the bytes depend only on the inputs.
"""
from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.image.exceptions import (InvalidImageStreamError, UnexpectedEndOfFileError,
                                   UnrecognizedImageError)
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from ..readers import images
from ..house import locale
from .. import model as m, store
from ..errors import SourceError, warn
from ..files import trusted_yaml
from ..house.style import HouseStyle
from . import docx_fonts, docx_notes
from .docx_notes import Footnotes, element as _el, styled

_LENGTH = re.compile(r"^(-?[\d.]+)(pt|mm|em)$")


def render(doc: m.Document, house: HouseStyle) -> bytes:
    """The DOCX file's bytes."""
    return _Writer(doc, house).write()


class _Writer:
    def __init__(self, doc: m.Document, house: HouseStyle):
        self.doc, self.meta, self.house = doc, doc.meta, house
        self.tokens = house.tokens
        self.labels = house.labels(doc.lang)
        self.lang_tag = house.language_tag(doc.lang)
        self.rtl = locale.direction(doc.lang) == "rtl"
        fonts = house.tokens["fonts"]
        self.emphasis = (fonts["arabic"] if self.rtl else fonts["body"]).get("emphasis", "italic")
        folder = house.root / "fonts"
        self.font_files = {  # the house's vendored faces, by role (body, arabic)
            role: {face: folder / name for face, name in font.get("files", {}).items()}
            for role, font in fonts.items()}
        self.fallback = self._fallback() if self.rtl else None
        self.body_pt = self.length("sizes.body")
        template = self._template_key()
        kept = store.get(template)
        self.document = docx.Document(io.BytesIO(kept) if kept else None)
        self._lists = _Numbering(self.document, self.tokens, self.length)
        if kept is None:
            _drop_legacy_parts(self.document)
            self._build_styles()
            saved = io.BytesIO()
            self.document.save(saved)
            store.put(template, saved.getvalue())
        # Style ids by name, looked up once: python-docx scans every style on each lookup.
        self.ids = {style.name: style.style_id for style in self.document.styles}
        self.notes = Footnotes(self.document, self.ids["Footnote Text"],
                               self.ids["Footnote Reference"])

    def _fallback(self) -> _Fallback | None:
        """Where the Arabic font lacks characters the body font has: which it covers."""
        arabic, body = self.font_files["arabic"], self.font_files["body"]
        if not (arabic and body):
            return None
        return _Fallback(_characters(arabic["regular"]), self.tokens["fonts"]["body"]["family"])

    # Tokens ----------------------------------------------------------------------------

    def token(self, value):
        """`sizes.title` -> the token's value (in a right-to-left document, `sizes.title-rtl`
        where the house has one); anything else as it is."""
        if isinstance(value, str) and "." in value and value.split(".")[0] in self.tokens:
            group, name = value.split(".", 1)
            group = self.tokens[group]
            return group.get(f"{name}-rtl", group[name]) if self.rtl else group[name]
        return value

    def length(self, value) -> float:
        """A CSS length (or a token naming one) in points."""
        number, unit = _LENGTH.match(str(self.token(value)).split()[0]).groups()
        factor = {"pt": 1, "mm": 72 / 25.4, "em": getattr(self, "body_pt", 0)}[unit]
        return float(number) * factor

    def colour(self, value) -> str:
        return str(self.token(value)).lstrip("#").upper()

    # Styles ----------------------------------------------------------------------------

    def _template_key(self) -> str:
        """The build cache's key of the package this writer starts from: python-docx's default
        template without its legacy parts, with the house's list numbering and named styles
        (`_build_styles`). Building the styles, and parsing the template's 430 KB of styles
        that they replace, take longer than writing a briefing's text; kept, they are made
        once per house style, language and python-docx version."""
        return " ".join([
            "docx template", store.file_key(Path(__file__)),
            store.file_key(Path(docx_notes.__file__)), store.library_key("docx"),
            store.library_key("lxml"), store.file_key(self.house.root / "docx.yaml"),
            json.dumps(self.tokens, sort_keys=True, default=str), self.lang_tag, str(self.rtl)])

    def _build_styles(self) -> None:
        styles = self.document.styles
        spec = _style_spec(self.house.root / "docx.yaml")
        fonts = self.tokens["fonts"]
        defaults = styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for old in run_defaults.findall(qn("w:rFonts")) + run_defaults.findall(qn("w:lang")):
            run_defaults.remove(old)
        run_defaults.insert(0, _el("w:rFonts", {
            "w:ascii": fonts["body"]["family"], "w:hAnsi": fonts["body"]["family"],
            "w:eastAsia": fonts["body"]["family"], "w:cs": fonts["arabic"]["family"]}))
        complex_script = self.lang_tag if self.rtl else fonts["arabic"]["language"]
        run_defaults.append(_el("w:lang", {"w:val": self.lang_tag, "w:bidi": complex_script}))
        _sort_run_properties(run_defaults)
        for element in styles.element.findall(qn("w:style")):
            if element.get(qn("w:type")) == "table" and element.get(qn("w:default")) != "1":
                styles.element.remove(element)  # the template's 140 coloured table styles
        existing = {style.name: style for style in styles}
        for name, props in spec.items():
            kind = {"character": WD_STYLE_TYPE.CHARACTER}.get(props.get("type"),
                                                              WD_STYLE_TYPE.PARAGRAPH)
            style = existing.get(name) or styles.add_style(name, kind)
            self._apply(style, props)

    def _apply(self, style, props: dict) -> None:
        element = style.element
        for child in element.findall(qn("w:pPr")) + element.findall(qn("w:rPr")):
            element.remove(child)  # the template's look (theme fonts, blue rules) goes
        style.quick_style = True
        if "based-on" in props:
            style.base_style = self.document.styles[props["based-on"]]
        elif style.base_style is None and style.type == WD_STYLE_TYPE.PARAGRAPH \
                and style.name != "Normal":  # else Word takes the document defaults' look
            style.base_style = self.document.styles["Normal"]
        font = style.font
        if "font" in props:  # Latin text; complex-script text keeps the Arabic font
            fonts = self.tokens["fonts"]
            font.name = fonts[props["font"]]["family"]
            element.get_or_add_rPr().rFonts.set(qn("w:cs"), fonts["arabic"]["family"])
        if "size" in props:
            font.size = Pt(self.length(props["size"]))
            element.get_or_add_rPr().append(_el("w:szCs", {"w:val": str(round(font.size.pt * 2))}))
        for flag, attr in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps"),
                           ("superscript", "superscript")):
            if flag in props:  # false too: a character style may turn off its paragraph's caps
                setattr(font, attr, bool(props[flag]))
        for flag, cs in (("bold", "w:bCs"), ("italic", "w:iCs")):
            if props.get(flag):
                element.get_or_add_rPr().append(OxmlElement(cs))
        if "colour" in props:
            font.color.rgb = RGBColor.from_string(self.colour(props["colour"]))
        if "shade-runs" in props:
            element.get_or_add_rPr().append(_shading(self.colour(props["shade-runs"])))
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            _sort_run_properties(element.rPr)
            return
        para = style.paragraph_format
        if "before" in props:
            para.space_before = Pt(self.length(props["before"]))
        if "after" in props:
            para.space_after = Pt(self.length(props["after"]))
        if "leading" in props:
            size = self.length(props.get("size", "sizes.body"))
            para.line_spacing = Pt(size * float(self.token(props["leading"])))
        if props.get("keep-next"):
            para.keep_with_next = True
        if "indent" in props:
            para.left_indent = Pt(self.length(props["indent"]))
        ppr = element.get_or_add_pPr()
        if "numbering" in props:
            ppr.append(self._lists.reference(props["numbering"]))
        borders = [(edge, props[f"border-{edge}"]) for edge in ("top", "left")
                   if f"border-{edge}" in props]
        if borders:
            pbdr = OxmlElement("w:pBdr")
            for edge, (width, colour, gap) in borders:
                if self.rtl and edge == "left":  # a box's edge is on the side text starts
                    edge = "right"
                pbdr.append(_el(f"w:{edge}", {
                    "w:val": "single", "w:sz": str(round(self.length(width) * 8)),
                    "w:space": str(round(self.length(gap))), "w:color": self.colour(colour)}))
            ppr.append(pbdr)
        if "shade" in props:
            ppr.append(_shading(self.colour(props["shade"])))
        if "outline" in props:
            ppr.append(_el("w:outlineLvl", {"w:val": str(props["outline"])}))
        if self.rtl:
            ppr.append(OxmlElement("w:bidi"))
        _sort_paragraph_properties(ppr)
        _sort_run_properties(element.rPr)

    # Document --------------------------------------------------------------------------

    def write(self) -> bytes:
        self._page()
        self._masthead()
        self._outdated()
        self.blocks(self.doc.blocks)
        self._footer()
        self._properties()
        fonts = docx_fonts.embed(self.document, self._fonts_used())
        return _package(self.document, datetime.combine(self.meta.date, time()), fonts)

    def _fonts_used(self) -> dict:
        """The house font families the text uses, with their files: the body font, and the
        Arabic font in a right-to-left document or where it has a character of the text
        that the body font lacks."""
        fonts, files = self.tokens["fonts"], self.font_files
        used = {fonts["body"]["family"]: files["body"]} if files["body"] else {}
        if files["arabic"] and (self.rtl or self._text() & (
                _characters(files["arabic"]["regular"]) - _characters(files["body"]["regular"]))):
            used[fonts["arabic"]["family"]] = files["arabic"]
        return used

    def _text(self) -> set[str]:
        """Every character of the document's text: body, notes and footer."""
        parts = (self.document.element, self.notes.part.element,
                 self.document.sections[0].footer.part.element)
        return set("".join(t.text or "" for part in parts for t in part.iter(qn("w:t"))))

    def _page(self) -> None:
        page, section = self.tokens["page"], self.document.sections[0]
        section.page_width = Pt(self.length(page["width"]))
        section.page_height = Pt(self.length(page["height"]))
        for edge in ("top", "right", "bottom", "left"):
            setattr(section, f"{edge}_margin", Pt(self.length(page[f"margin-{edge}"])))
        footer_height = self.length("sizes.footer") * 1.4
        section.footer_distance = Pt(self.length(page["margin-bottom"])
                                     - self.length("spacing.footer-gap")
                                     - footer_height)
        if self.rtl:
            section._sectPr.insert_element_before(OxmlElement("w:bidi"), "w:rtlGutter",
                                                  "w:docGrid", "w:printerSettings",
                                                  "w:sectPrChange")

    def _masthead(self) -> None:
        meta = self.meta
        self._display(meta.kind, "Kind")
        self._display(meta.title, "Title", widow=True)
        if meta.event:
            self._display(meta.event, "Subtitle")
        if isinstance(meta.unit, dict):
            unit = self.paragraph("", "Unit")
            self.run(unit, meta.unit["name"], style="Unit Name")
            if meta.unit.get("web"):
                unit.add_run().add_break()
                self.inlines(unit, [self._ltr(m.Link(f"https://{meta.unit['web']}",
                                                     [m.Text(meta.unit["web"])]))])
            if meta.unit.get("social"):
                self.inlines(unit, [m.Text(f" {self.labels['social']} "),
                                    self._ltr(m.Text(meta.unit["social"]))])
        elif meta.unit:
            self.run(self.paragraph("", "Unit"), str(meta.unit), style="Unit Name")

    def _display(self, text: str, style: str, widow: bool = False) -> None:
        """A masthead line, its ordinal suffixes in the style Ordinal (`locale.display_parts`)."""
        paragraph = self.paragraph("", style)
        for piece, ordinal in locale.display_parts(text, self.labels, widow):
            self.run(paragraph, piece, style="Ordinal" if ordinal else None)

    def _footer(self) -> None:
        section = self.document.sections[0]
        footer = section.footer.paragraphs[0]
        footer._p.style = self.ids["Footer"]
        self._bidi(footer)
        width = section.page_width - section.left_margin - section.right_margin
        footer.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        gap = "\u2003\u2003"
        parts = [m.Text(self.meta.short_title or self.meta.title), m.Text(gap),
                 m.Text(locale.long_date(self.meta.date, self.doc.lang, self.labels))]
        if self.meta.index is not None:
            parts += [m.Text(f"{gap}{self.labels['index']} "),
                      self._ltr(m.Text(str(self.meta.index)))]
        self.inlines(footer, parts)
        self.run(footer, "\t")
        self._page_field(footer)
        if self.doc.outdated:  # on a line of its own above: the footer line is full
            mark = footer.insert_paragraph_before()
            mark._p.style = self.ids["Footer"]
            self._bidi(mark)
            self.run(mark, self.labels["outdated"], bold=True)

    def _page_field(self, paragraph) -> None:
        """A PAGE field: Word and LibreOffice print the page number there."""
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                           ("end", None)):
            run = self.run(paragraph, "" if kind or text == " PAGE " else text, bold=True)
            if kind:
                run.append(_el("w:fldChar", {"w:fldCharType": kind}))
            elif text == " PAGE ":
                instr = _el("w:instrText", {"xml:space": "preserve"})
                instr.text = text
                run.append(instr)

    def _outdated(self) -> None:
        """A draft translation behind its original: which passages no longer match."""
        if not self.doc.outdated:
            return
        note = self.paragraph("", "Box")
        self.run(note, f"{self.labels['outdated']}. ", bold=True)
        self.run(note, self.labels["outdated_note"])
        for passage in self.doc.outdated:
            self.paragraph(passage, "Box")

    def _ltr(self, node: m.Inline) -> m.Inline:
        """`node` as a left-to-right run where the document runs right to left."""
        return m.Isolate([node]) if self.rtl else node

    def _properties(self) -> None:
        core, meta = self.document.core_properties, self.meta
        moment = datetime.combine(meta.date, time())
        core.title = meta.title
        core.subject = f"{meta.kind}: {meta.title}"  # as in the PDF
        identifier = [] if meta.index is None else [str(meta.index)]
        core.keywords = ", ".join(identifier + meta.keywords)
        core.language = self.lang_tag
        core.author = core.last_modified_by = self.house.organisation
        core.identifier = "".join(identifier)
        core.category = meta.kind
        core.comments = core.content_status = ""
        core.created = core.modified = moment
        core.last_printed = moment
        core.revision = 1

    # Blocks ----------------------------------------------------------------------------

    def paragraph(self, text: str = "", style: str = "Normal"):
        paragraph = self.document.add_paragraph()
        paragraph._p.append(styled("w:pPr", "w:pStyle", self.ids[style]))
        self._bidi(paragraph)
        if text:
            self.run(paragraph, text)
        return paragraph

    def blocks(self, blocks: list[m.Block], context: str = "", depth: int = 0) -> None:
        for block in blocks:
            self.block(block, context, depth)

    def block(self, block: m.Block, context: str, depth: int) -> None:
        if isinstance(block, m.Paragraph):
            self.inlines(self.paragraph("", context or "Normal"), block.children)
        elif isinstance(block, m.Heading):
            level = min(block.level - 1, 3)
            paragraph = self.paragraph("", "Box Title" if context == "Box" else f"Heading {level}")
            if context == "Box":  # a heading as in the PDF and HTML, at its level
                ppr = paragraph._p.get_or_add_pPr()
                ppr.append(_el("w:outlineLvl", {"w:val": str(level - 1)}))
                _sort_paragraph_properties(ppr)
            self.inlines(paragraph, block.children)
        elif isinstance(block, (m.BulletList, m.OrderedList)):
            self.list(block, depth, context)
        elif isinstance(block, m.BlockQuote):
            self.blocks(block.blocks, "Quote", depth)
        elif isinstance(block, m.Box):
            self.blocks(block.blocks, "Box", depth)
        elif isinstance(block, m.Table):
            self.table(block)
        elif isinstance(block, m.CodeBlock):
            paragraph = self.paragraph("", context or "Normal")
            for number, line in enumerate(block.text.rstrip("\n").split("\n")):
                if number:
                    paragraph.add_run().add_break()
                self.run(paragraph, line, style="Code")
        elif isinstance(block, m.ThematicBreak):
            self.paragraph("\u2014", context or "Normal").alignment = 1  # centred em dash

    def list(self, block, depth: int, context: str = "") -> None:
        ordered = isinstance(block, m.OrderedList)
        style = "List Number" if ordered else "List Bullet"
        numbering = self._lists.new(block.start) if ordered else None
        for item in block.items:
            for index, child in enumerate(item.blocks):
                if isinstance(child, (m.BulletList, m.OrderedList)):
                    self.list(child, depth + 1, context)
                    continue
                if not isinstance(child, m.Paragraph):
                    self.block(child, "", depth)
                    continue
                paragraph = self.paragraph("", style)
                ppr = paragraph._p.get_or_add_pPr()
                if index == 0:
                    ppr.append(self._lists.reference("number" if ordered else "bullet", depth,
                                                     numbering))
                if context == "Box":
                    self._boxed(ppr, depth, marked=index == 0)
                elif index:  # a later paragraph of the item: no marker, same indent
                    paragraph.paragraph_format.left_indent = self._lists.indent(depth + 1)
                _sort_paragraph_properties(ppr)
                self.inlines(paragraph, child.children)

    def _boxed(self, ppr, depth: int, marked: bool) -> None:
        """A list paragraph inside a box: the Box style's shading and edge, indented from
        the box's indent (what the reader takes back into the box)."""
        box = self.document.styles["Box"].element.pPr
        for name in ("w:pBdr", "w:shd"):
            found = box.find(qn(name)) if box is not None else None
            if found is not None:
                ppr.append(copy.deepcopy(found))
        ind = box.find(qn("w:ind")) if box is not None else None
        left = int(ind.get(qn("w:left"), 0)) if ind is not None else 0
        attributes = {"w:left": str(left + self._lists.indent(depth + 1).twips)}
        if marked:
            attributes["w:hanging"] = str(self._lists.step.twips)
        ppr.append(_el("w:ind", attributes))

    def table(self, block: m.Table) -> None:
        rows = block.head + block.body
        width = max(len(row) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        _table_rules(table, self.colour("colours.muted"), self.colour("colours.ink"),
                     len(block.head))
        # Row by row through the XML: python-docx's table.cell() and row.cells walk the whole
        # table on each call (1,000 rows took over 120 s).
        for r, (row, tr) in enumerate(zip(rows, table._tbl.tr_lst)):
            heading = r < len(block.head)
            if heading:
                tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell, tc in zip(row, tr.tc_lst):
                paragraph = Paragraph(tc.p_lst[0], table)
                paragraph._p.style = self.ids["Table Heading" if heading else "Table Text"]
                if cell.align:
                    paragraph.alignment = {"left": 0, "center": 1, "right": 2}[cell.align]
                self._bidi(paragraph)
                self.inlines(paragraph, cell.children)
        self.paragraph("", "Normal")  # Word needs a paragraph between a table and what follows

    # Inlines ---------------------------------------------------------------------------

    def inlines(self, paragraph, nodes: list[m.Inline], **formatting) -> None:
        for node in nodes:
            if isinstance(node, m.Text):
                self.run(paragraph, node.text, **formatting)
            elif isinstance(node, m.SoftBreak):
                self.run(paragraph, " ", **formatting)
            elif isinstance(node, m.LineBreak):
                paragraph.add_run().add_break()
            elif isinstance(node, m.Code):
                self.run(paragraph, node.text, style="Code", **formatting)
            elif isinstance(node, m.Emph):  # in the script's convention (tokens: emphasis);
                # where that is bold, the style Emphasis tells it from strong (for import)
                marked = {"marked": True} if self.emphasis != "italic" else {}
                self.inlines(paragraph, node.children,
                             **{**formatting, self.emphasis: True, **marked})
            elif isinstance(node, m.Strong):
                self.inlines(paragraph, node.children, **{**formatting, "bold": True})
            elif isinstance(node, m.Link):
                self.link(paragraph, node, formatting)
            elif isinstance(node, m.NoteRef):
                self.note_call(paragraph, node)
            elif isinstance(node, m.Image):
                self.image(paragraph, node)
            elif isinstance(node, m.Foreign):
                self.inlines(paragraph, node.children, **{**formatting, "lang": node.lang})
            elif isinstance(node, m.Isolate):
                ltr = node.dir == "ltr"
                mark = "\u200e" if ltr else "\u200f"
                self.run(paragraph, mark, ltr=ltr)
                self.inlines(paragraph, node.children, **{**formatting, "ltr": ltr})
                self.run(paragraph, mark, ltr=ltr)

    def _bidi(self, paragraph) -> None:
        """Make `paragraph` right-to-left when the document is."""
        if self.rtl:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(OxmlElement("w:bidi"))
            _sort_paragraph_properties(ppr)

    def run(self, paragraph, text: str, style: str | None = None, bold=False, italic=False,
            caps=False, ltr=False, lang="", font: str | None = None, marked=False):
        """Append a run (`w:r`, the last one returned) of plain `text` (a tab becomes
        `w:tab`), right to left in a right-to-left document unless `ltr`, in the language
        `lang` if given, in the style Emphasis if `marked`. Built directly in XML:
        python-docx's text setter goes character by character. Right-to-left text that the
        Arabic font has no glyphs for (Noto Naskh has no `/` or `–`) goes in runs of its own
        in the body font, as the PDF falls back to it."""
        rtl = self.rtl and not ltr
        if rtl and font is None and self.fallback and text:
            covered = self.fallback.covered
            pieces = _split_by(text, covered)
            if len(pieces) > 1 or text[0] not in covered:
                for piece in pieces:
                    r = self.run(paragraph, piece, style, bold, italic, caps, ltr, lang,
                                 font="" if piece[0] in covered else self.fallback.family,
                                 marked=marked)
                return r
        r = OxmlElement("w:r")
        style = style or ("Emphasis" if marked else None)
        flags = [tag for on, tags in ((bold, ("w:b", "w:bCs")), (italic, ("w:i", "w:iCs")),
                                      (caps, ("w:caps",)), (rtl, ("w:rtl",)))
                 if on for tag in tags]
        if style or flags or font or lang:
            rpr = OxmlElement("w:rPr")
            if style:
                rpr.append(_el("w:rStyle", {"w:val": self.ids[style]}))
            if font:
                rpr.append(_el("w:rFonts", {"w:cs": font}))
            for tag in flags:
                rpr.append(OxmlElement(tag))
            if lang:
                rpr.append(_el("w:lang", {"w:val": lang}))
            r.append(rpr)
        for number, part in enumerate(text.split("\t")):
            if number:
                r.append(OxmlElement("w:tab"))
            if part:
                t = _el("w:t", {"xml:space": "preserve"})
                t.text = part
                r.append(t)
        paragraph._p.append(r)
        return r

    def image(self, paragraph, node: m.Image) -> None:
        """The picture, no wider than the text, with its alt text as its description. Word
        takes an SVG only with a PNG copy, which nothing here makes: its alt text stands in."""
        if images.kind_of(node.url) == "SVG":
            warn(node.location, f"image '{node.url}': SVG is not placed in the Word file; its "
                 "alt text stands in")
            self.run(paragraph, f"[{node.alt}]")
            return
        try:
            picture = paragraph.add_run().add_picture(io.BytesIO(node.data))
        except (InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError):
            raise SourceError(node.location, f"image '{node.url}' is not a readable "
                              "image file") from None
        section = self.document.sections[0]
        room = section.page_width - section.left_margin - section.right_margin
        if picture.width > room:
            picture.width, picture.height = room, int(picture.height * room / picture.width)
        picture._inline.docPr.set("descr", node.alt)

    def link(self, paragraph, node: m.Link, formatting: dict) -> None:
        part = paragraph.part
        rel = part.relate_to(node.url, RT.HYPERLINK, is_external=True)
        hyperlink = _el("w:hyperlink", {"r:id": rel})
        paragraph._p.append(hyperlink)
        before = len(paragraph._p)
        self.inlines(paragraph, node.children, **formatting)
        for r in list(paragraph._p)[before:]:  # move the runs just added into the link
            rpr = r.get_or_add_rPr()
            if rpr.find(qn("w:rStyle")) is None:  # one style a run: Emphasis stays
                rpr.insert(0, _el("w:rStyle", {"w:val": self.ids["Hyperlink"]}))
            hyperlink.append(r)

    def note_call(self, paragraph, ref: m.NoteRef) -> None:
        if not ref.first:  # a second call of a note: its number, as the PDF prints it
            self.run(paragraph, str(ref.number), style="Footnote Reference")
            return
        note = self.doc.notes[ref.number - 1]
        body = self.notes.reference(paragraph)
        if self.rtl:
            for run in body.runs:
                run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
        for number, block in enumerate(note.blocks):
            target = body if number == 0 else self.notes.add_paragraph()
            self._bidi(target)
            self.inlines(target, block.children)


@dataclass(frozen=True)
class _Fallback:
    covered: frozenset[str]  # the characters of the Arabic font
    family: str  # the font for the others


def _split_by(text: str, covered: frozenset[str]) -> list[str]:
    """`text` in pieces, each wholly in `covered` or wholly out of it."""
    pieces, start = [], 0
    for index in range(1, len(text) + 1):
        if index == len(text) or (text[index] in covered) != (text[start] in covered):
            pieces.append(text[start:index])
            start = index
    return pieces


class _Numbering:
    """The list numbering of the house: one bulleted and one numbered definition in
    `word/numbering.xml` (replacing the template's), and a restart for each numbered list."""

    LEVELS = 3

    def __init__(self, document, tokens: dict, length):
        self.element = document.part.numbering_part.element
        for child in list(self.element):
            self.element.remove(child)
        self.step = Pt(length(tokens["spacing"]["list-indent"]))
        marker_font = tokens["fonts"]["body"]["family"]
        for ident, (fmt, text) in enumerate((("bullet", tokens["lists"]["bullet"]),
                                             ("decimal", "%{level}."))):
            abstract = _el("w:abstractNum", {"w:abstractNumId": str(ident)})
            abstract.append(_el("w:multiLevelType", {"w:val": "multilevel"}))
            for level in range(self.LEVELS):
                lvl = _el("w:lvl", {"w:ilvl": str(level)})
                lvl.append(_el("w:start", {"w:val": "1"}))
                lvl.append(_el("w:numFmt", {"w:val": fmt}))
                lvl.append(_el("w:lvlText", {"w:val": text.format(level=level + 1)}))
                lvl.append(_el("w:lvlJc", {"w:val": "left"}))
                ppr = OxmlElement("w:pPr")
                ppr.append(_el("w:ind", {"w:left": str(self.indent(level + 1).twips),
                                         "w:hanging": str(self.step.twips)}))
                lvl.append(ppr)
                rpr = OxmlElement("w:rPr")  # the marker in the body font, in any script
                rpr.append(_el("w:rFonts", {f"w:{script}": marker_font
                                            for script in ("ascii", "hAnsi", "cs")}))
                lvl.append(rpr)
                abstract.append(lvl)
            self.element.append(abstract)
        self.count = 0
        self.kinds = {"bullet": self.new(abstract_id=0), "number": self.new(abstract_id=1)}

    def indent(self, levels: int):
        return Pt(self.step.pt * levels)

    def new(self, start: int = 1, abstract_id: int = 1) -> int:
        """A new numbering instance (a numbered list that starts at `start`)."""
        self.count += 1
        num = _el("w:num", {"w:numId": str(self.count)})
        num.append(_el("w:abstractNumId", {"w:val": str(abstract_id)}))
        if self.count > 2:
            override = _el("w:lvlOverride", {"w:ilvl": "0"})
            override.append(_el("w:startOverride", {"w:val": str(start)}))
            num.append(override)
        self.element.append(num)
        return self.count

    def reference(self, kind: str, level: int = 0, num_id: int | None = None):
        """A `w:numPr` for a list paragraph."""
        numpr = OxmlElement("w:numPr")
        numpr.append(_el("w:ilvl", {"w:val": str(min(level, self.LEVELS - 1))}))
        numpr.append(_el("w:numId", {"w:val": str(num_id or self.kinds[kind])}))
        return numpr


# XML helpers -----------------------------------------------------------------------------

def _shading(fill: str):
    return _el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill})


# Schema order of the children of w:pPr and w:rPr (ECMA-376 Part 1, 17.3.1.26 and 17.3.2.28).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
              "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
              "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"]
_RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
              "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
              "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
              "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
              "lang", "eastAsianLayout", "specVanish", "oMath"]


def _sort_children(element, order: list[str]) -> None:
    rank = {qn(f"w:{name}"): n for n, name in enumerate(order)}
    children = sorted(element, key=lambda child: rank.get(child.tag, len(order)))
    for child in children:
        element.append(child)


def _sort_paragraph_properties(ppr) -> None:
    if ppr is not None:
        _sort_children(ppr, _PPR_ORDER)


def _sort_run_properties(rpr) -> None:
    if rpr is not None:
        _sort_children(rpr, _RPR_ORDER)


def _table_rules(table, rule: str, heavy: str, head_rows: int) -> None:
    """Horizontal rules only, as in print: thin between rows, heavier under the head."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        visible = edge in ("bottom", "insideH")
        borders.append(_el(f"w:{edge}", {"w:val": "single" if visible else "nil",
                                         **({"w:sz": "4", "w:space": "0", "w:color": rule}
                                            if visible else {})}))
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                "w:tblCaption", "w:tblDescription")
    if head_rows:
        for cell in table.rows[head_rows - 1].cells:
            tcpr = cell._tc.get_or_add_tcPr()
            tcborders = OxmlElement("w:tcBorders")
            tcborders.append(_el("w:bottom", {"w:val": "single", "w:sz": "8", "w:space": "0",
                                              "w:color": heavy}))
            tcpr.append(tcborders)


def _drop_legacy_parts(document) -> None:
    """Drop the template's `stylesWithEffects.xml` (a Word 2010 leftover that validators flag
    once styles change) and its thumbnail (a picture of some other document)."""
    for source in (document.part, document.part.package):
        for rel_id, rel in list(source.rels.items()):
            if not rel.is_external and rel.target_part.partname in (
                    "/word/stylesWithEffects.xml", "/docProps/thumbnail.jpeg"):
                del source.rels[rel_id]


@cache
def _characters(path) -> frozenset[str]:
    """The characters the font file at `path` has glyphs for (kept in the build's cache)."""
    key = f"characters {store.file_key(path)} {store.library_key('fontTools')}"
    return frozenset(map(chr, json.loads(store.cached(key, lambda: _code_points(path)))))


def _code_points(path) -> bytes:
    from fontTools.ttLib import TTFont

    return json.dumps(sorted(TTFont(path, lazy=True).getBestCmap())).encode()


@cache
def _style_spec(path) -> dict:
    return trusted_yaml(path)


def _package(document, moment: datetime, stored: dict[str, bytes]) -> bytes:
    """The zip of `document`'s package, as python-docx's `save` writes it but with every
    member dated `moment` (ZIP dates start in 1980: an older document's members are dated
    then; its date stays in the core properties), so equal inputs give equal bytes; the
    members named in `stored` hold those bytes, uncompressed. Written once: saving, then
    re-dating the saved zip would compress every member twice."""
    package = document.part.package
    for part in package.parts:  # the steps of python-docx's `PackageWriter.write`, into our zip
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        members = _DatedMembers(target, max(moment, datetime(1980, 1, 1)), stored)
        PackageWriter._write_content_types_stream(members, package.parts)
        PackageWriter._write_pkg_rels(members, package.rels)
        PackageWriter._write_parts(members, package.parts)
    return out.getvalue()


@dataclass
class _DatedMembers:
    """Where python-docx's package writer puts each member (its zip writer's one method)."""
    target: zipfile.ZipFile
    moment: datetime
    stored: dict[str, bytes]

    def write(self, uri, blob: bytes) -> None:
        member = zipfile.ZipInfo(uri.membername, date_time=self.moment.timetuple()[:6])
        member.compress_type = zipfile.ZIP_STORED if uri.membername in self.stored \
            else zipfile.ZIP_DEFLATED
        self.target.writestr(member, self.stored.get(uri.membername, blob))
