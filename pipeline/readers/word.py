"""DOCX reader: a Word file (ours after editing, or one written in Word, LibreOffice or Google
Docs) becomes a `Document`, for `briefing import` to write back as Markdown.

Why python-docx and our own mapping, after trying the field's readers on our DOCX, on
LibreOffice's and on one with tracked changes and a comment: Pandoc's DOCX reader (PyPI
`pypandoc-binary`, a 162 MB binary) keeps real footnotes, lists and emphasis, and accepts,
rejects or marks tracked changes (with their author), but drops our house styles (Kind,
Title, Unit and Box become plain paragraphs, Heading 1 becomes `#`), locates nothing by
paragraph, and its AST is tied to one pandoc version; mammoth turns footnotes into endnote
links, needs a style map for every custom style, and accepts tracked changes silently.
python-docx (which the writer uses) gives the package, styles, numbering, relationships and
properties, but reads only runs directly in a paragraph (not those in links, fields or
tracked changes) and has no footnotes; so the body and the notes are read from their XML
here, by style name and outline level: our styles map back exactly, and foreign built-in
ones (Title, Heading n, List Bullet/Number, numbered paragraphs, Quote) too.

What our writer adds for print is taken off again: the masthead and footer become front
matter, the left-to-right marks around isolated runs go (the Markdown reader isolates
again), the title's no-break space before its last word goes. Whatever cannot be carried
into Markdown is reported with its paragraph number and text, never dropped silently.
"""
from __future__ import annotations

import datetime
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from .. import model as m
from ..errors import SourceError
from ..house import locale
from . import word_changes, word_package
from .word_blocks import group, merged, nest, within
from .word_changes import short
from .word_styles import MASTHEAD, Numbering, Styles, indent

_MARKS = "\u200e\u200f"
_GAP = "\u2003\u2003"  # between the footer's parts
_P, _R, _T, _TBL = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tbl")
_NOTE_STYLES = ("footnote reference", "endnote reference")
_WRAPPERS = {qn(f"w:{name}") for name in ("smartTag", "customXml", "fldSimple", "ins", "moveTo",
                                          "dir", "bdo")}  # runs inside: read through
# Elements that hold nothing to carry over: marks, ranges, properties, page layout.
_NO_CONTENT = {qn(f"w:{name}") for name in (
    "sectPr", "pPr", "rPr", "bookmarkStart", "bookmarkEnd", "proofErr", "commentRangeStart",
    "commentRangeEnd", "permStart", "permEnd", "del", "moveFrom", "moveFromRangeStart",
    "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "lastRenderedPageBreak")}
_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}


@dataclass
class Imported:
    """What a Word file holds: the document, its pictures, comments and tracked changes."""
    doc: m.Document
    pictures: dict[str, bytes] = field(default_factory=dict)  # file name -> its bytes
    comments: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # the tracked changes resolved


def read(path: Path, house, lang: str, changes: str = "refuse") -> Imported:
    """Read the Word file `path` as a document in language `lang`. Tracked changes:
    `refuse` (a SourceError listing each), `accept` or `reject` them. Warnings (what could
    not be carried over, front matter not found) are printed."""
    document = word_package.open_document(path)
    reader = _Reader(path, document, house, lang)
    found = reader.tracked()
    if found and changes == "refuse":
        raise SourceError(path, f"{len(found)} tracked change(s) not accepted or rejected; "
                          "import with --accept-changes or --reject-changes:\n  "
                          + "\n  ".join(str(change) for change in found))
    if found:
        reader.resolve(changes == "accept")
    doc = reader.result()
    return Imported(doc, reader.pictures, word_changes.comments(document), found)


class _Reader:
    def __init__(self, path: Path, document, house, lang: str):
        self.path, self.document, self.house, self.lang = path, document, house, lang
        self.labels = house.labels(lang)
        self.rtl = locale.direction(lang) == "rtl"
        self.body = document.element.body
        self.styles = Styles(document)
        self.numbering = Numbering(document)
        self._parts = {document.element: document.part}  # story root -> its package part
        self.footnotes = self._part("/footnotes")
        self.endnotes = self._part("/endnotes")
        self.notes: list[m.Note] = []
        self.pictures: dict[str, bytes] = {}
        self.numbers = {p: n for n, p in enumerate(self.body.iter(_P), 1)}  # as Word counts
        self.current = None  # the body's paragraph or table being read

    def _part(self, suffix: str):
        """The parsed XML of the notes part related by `suffix` (python-docx has no class for
        it), remembered with the part for its relationships."""
        for rel in self.document.part.rels.values():
            if not rel.is_external and rel.reltype.endswith(suffix):
                root = parse_xml(rel.target_part.blob)
                self._parts[root] = rel.target_part
                return root
        return None

    def stories(self):
        yield self.body, "paragraph"
        for root, kind in ((self.footnotes, "footnote"), (self.endnotes, "endnote")):
            for note in root.iter(qn(f"w:{kind}")) if root is not None else []:
                yield note, f"{kind} {note.get(qn('w:id'))}, paragraph"

    def tracked(self) -> list:
        return [change for story, name in self.stories()
                for change in word_changes.changes(story, name)]

    def resolve(self, accept: bool) -> None:
        for story, _ in self.stories():
            word_changes.resolve(story, accept)

    def warn(self, element, message: str, whole: bool = False) -> None:
        """Print a warning at `element` (a paragraph, or in one), else at the body's paragraph
        being read; `whole`: about the whole file."""
        if whole:
            print(f"{self.path}: warning: {message}", file=sys.stderr)
            return
        paragraph = element if element is not None and element.tag == _P else next(
            (a for a in element.iterancestors(_P)), None) if element is not None else None
        if paragraph not in self.numbers:  # a note's paragraph, or a table: where it is
            paragraph = self.current if self.current is None or self.current.tag == _P \
                else self.current.find(f".//{_P}")
        text = short(_text(paragraph)) if paragraph is not None else ""
        where = f"paragraph {self.numbers.get(paragraph, 0)}" + (f" ({text!r})" if text else "")
        print(f"{self.path}: {where}: warning: {message}", file=sys.stderr)

    # The document ----------------------------------------------------------------------

    def result(self) -> m.Document:
        masthead, blocks = self.blocks()
        meta = self.meta(masthead)
        return m.Document(source=self.path, lang=self.lang, slug=self.path.stem, meta=meta,
                          blocks=blocks, notes=self.notes)

    def blocks(self) -> tuple[dict, list[m.Block]]:
        """The masthead's lines by style, and the body's blocks."""
        masthead: dict[str, list] = {}
        items = []  # (kind, payload) per paragraph or table, grouped below
        for element in _contents(self.body):
            self.current = element
            if element.tag == _TBL:
                items.append(("block", self.table(element)))
            elif element.tag == _P:
                kind, payload = self.paragraph(element)
                if kind in MASTHEAD and not items:
                    masthead.setdefault(kind, []).append(element)
                elif kind in MASTHEAD:  # a title style further down: text
                    items.append(("block", payload))
                elif kind:
                    items.append((kind, payload))
            elif element.tag not in _NO_CONTENT:
                self.warn(element, f"left out: {_what(element)}")
        return masthead, group(items)

    def paragraph(self, p) -> tuple[str, object]:
        """What a body paragraph is: (kind, payload)."""
        name = self.styles.of(p)
        inlines = self.inlines(p)
        numbered = self.numbering.of(p, self.styles)
        if name in MASTHEAD:
            return name, m.Paragraph(inlines)
        if not inlines and not _text(p).strip():
            if p.find(f".//{qn('w:txbxContent')}") is not None:
                self.warn(p, "a text box is left out; copy its text into the body")
            return "", None
        level = self.styles.heading_level(p)
        item = None  # a list paragraph: (kind, payload)
        if numbered and not self.numbering.continued(p):
            item = "item", (*numbered, m.Paragraph(inlines))
        elif name.startswith("list"):  # a later paragraph of an item: by its indent
            item = "more", (indent(p, self.styles) or 0, m.Paragraph(inlines))
        if self.styles.is_box(p) or name == "box title" or self.styles.based_on(p, "box title"):
            if level or name == "box title" or self.styles.based_on(p, "box title"):
                return "box", m.Heading(level or 3, inlines)
            if item:  # a list in the box
                return f"box {item[0]}", item[1]
            return "box", m.Paragraph(inlines)
        if level:
            return "block", m.Heading(level, inlines)
        if item:
            return item
        if name in ("quote", "intense quote", "block text"):
            return "quote", m.Paragraph(inlines)
        code = _code_block(inlines)
        if code is not None:
            return "block", code
        if _text(p).strip() == "\u2014" and _centred(p):
            return "block", m.ThematicBreak()
        return "block", m.Paragraph(inlines)

    def table(self, tbl) -> m.Table:
        head, body = [], []
        for tr in tbl.findall(qn("w:tr")):
            trpr = tr.find(qn("w:trPr"))
            row = []
            for tc in tr.findall(qn("w:tc")):
                tcpr = tc.find(qn("w:tcPr"))
                if tcpr is not None and (tcpr.find(qn("w:gridSpan")) is not None
                                         or tcpr.find(qn("w:vMerge")) is not None):
                    self.warn(tc.find(_P), "merged table cells are split: Markdown tables "
                              "have none")
                if tc.find(_TBL) is not None:
                    self.warn(tc.find(_P), "a table inside a table cell is left out")
                paragraphs = [(p, self.inlines(p)) for p in tc.findall(_P)]
                paragraphs = [(p, inlines) for p, inlines in paragraphs if inlines]
                inlines: list[m.Inline] = []
                for n, (p, more) in enumerate(paragraphs):
                    if n:
                        inlines.append(m.Text(" "))
                        self.warn(p, "a table cell's paragraphs are joined into one")
                    inlines += more
                align = _alignment(paragraphs[0][0]) if paragraphs else ""
                row.append(m.TableCell(merged(inlines), align))
            cells = tr.findall(qn("w:tc"))
            header = (trpr is not None and trpr.find(qn("w:tblHeader")) is not None) or bool(
                cells) and all(self.styles.of(tc.find(_P)) == "table heading" for tc in cells)
            (head if header and not body else body).append(row)
        if not head and body:
            head.append(body.pop(0))  # a Markdown table has a head row
        return m.Table(head, body)

    # Inlines ---------------------------------------------------------------------------

    def inlines(self, p) -> list[m.Inline]:
        atoms: list[tuple[m.Inline, frozenset]] = []
        self._collect(p, frozenset(), atoms, p)
        return merged(nest(within(atoms)))

    def _collect(self, parent, marks: frozenset, atoms: list, p) -> None:
        field_link: list = []  # HYPERLINK field being read: [url, in result]
        for child in parent:
            tag = child.tag
            if tag == _R:
                instr = child.find(qn("w:instrText"))
                char = child.find(qn("w:fldChar"))
                if instr is not None:
                    url = re.match(r'\s*HYPERLINK\s+"([^"]+)"', instr.text or "")
                    if url:
                        field_link[:] = [url.group(1)]
                    continue
                if char is not None:
                    if char.get(qn("w:fldCharType")) == "end":
                        field_link.clear()
                    continue
                run_marks = marks | self._run_marks(child)
                if field_link:
                    run_marks |= {("link", field_link[0])}
                self._run(child, run_marks, atoms, p)
            elif tag == qn("w:hyperlink"):
                url = self._hyperlink(child)
                self._collect(child, marks | ({("link", url)} if url else set()), atoms, p)
            elif tag in _WRAPPERS:
                self._collect(child, marks, atoms, p)
            elif tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._collect(content, marks, atoms, p)
            elif tag not in _NO_CONTENT:
                self.warn(p, f"left out: {_what(child)}")

    def _hyperlink(self, element) -> str:
        rel_id = element.get(qn("r:id"))
        anchor = element.get(qn("w:anchor"))
        if rel_id:
            rel = self._rels(element).get(rel_id)
            return rel.target_ref if rel is not None else ""
        return f"#{anchor}" if anchor else ""

    def _rels(self, element):
        """The relationships of the part (body, footnotes) that `element` is in."""
        return self._parts[element.getroottree().getroot()].rels

    def _run_marks(self, r) -> frozenset:
        marks = set()
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            return frozenset()
        style = rpr.find(qn("w:rStyle"))
        name = self.styles.name(style.get(qn("w:val"))) if style is not None else ""
        if _on(rpr, "w:i") or name == "emphasis":
            marks.add("emph")
        # where emphasis is bold (Arabic), our writer marks it with the style Emphasis
        if _on(rpr, "w:b") and not (name == "emphasis" and self.emphasis_bold) \
                or name in ("strong", "strong emphasis"):
            marks.add("strong")
        elif _on(rpr, "w:b"):
            marks.add("bold emphasis")  # strong too, if what surrounds it is (`word_blocks.within`)
        if name in ("code", "html code", "source text", "verbatim char"):
            marks.add("code")
        if name in _NOTE_STYLES:
            marks.add("noteref")
        return frozenset(marks)

    @property
    def emphasis_bold(self) -> bool:
        fonts = self.house.tokens["fonts"]
        script = fonts["arabic"] if self.rtl else fonts["body"]
        return script.get("emphasis", "italic") == "bold"

    def _run(self, r, marks: frozenset, atoms: list, p) -> None:
        text = []

        def flush():
            if text:
                chunk = "".join(text)
                text.clear()
                if self.rtl:  # our writer's marks around left-to-right runs (LibreOffice
                    chunk = chunk.replace("\u200e", "")  # joins them to the run's text)
                if chunk.strip(_MARKS) == "":
                    return  # the marks around an isolated run: the reader isolates again
                if "noteref" in marks and chunk.strip().isdigit():
                    atoms.append((self._second_call(int(chunk.strip())), frozenset()))
                    return
                atoms.append((m.Text(chunk), marks - {"noteref"}))

        for child in r:
            tag = child.tag
            if tag == _T:
                text.append(child.text or "")
            elif tag == qn("w:tab"):
                text.append("\t")
            elif tag == qn("w:noBreakHyphen"):
                text.append("\u2011")
            elif tag == qn("w:softHyphen"):
                text.append("\u00ad")
            elif tag in (qn("w:br"), qn("w:cr")):
                if child.get(qn("w:type")) in (None, "textWrapping"):
                    flush()
                    atoms.append((m.LineBreak(), frozenset()))
            elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
                flush()
                atoms.append((self._note(child), frozenset()))
            elif tag == qn("w:drawing"):
                flush()
                image = self._picture(child, p)
                if image is not None:
                    atoms.append((image, marks))
            elif tag in (qn("w:pict"), qn("w:object"), _ALTERNATE):
                flush()
                self.warn(p, "an embedded object or text box is left out")
        flush()

    # Notes -----------------------------------------------------------------------------

    def _note(self, reference) -> m.NoteRef:
        kind = "endnote" if reference.tag == qn("w:endnoteReference") else "footnote"
        ident = reference.get(qn("w:id"))
        label = str(len(self.notes) + 1)
        root = self.footnotes if kind == "footnote" else self.endnotes
        body = next((n for n in root.iter(qn(f"w:{kind}")) if n.get(qn("w:id")) == ident),
                    None) if root is not None else None
        blocks = []
        for p in body.iter(_P) if body is not None else []:
            inlines = _strip_mark(self.inlines(p))
            if inlines:
                blocks.append(m.Paragraph(inlines))
        if kind == "endnote":
            self.warn(None, f"endnote {label} becomes a footnote")
        self.notes.append(m.Note(label, blocks, m.Location(self.path, 1)))
        return m.NoteRef(label)

    def _second_call(self, number: int) -> m.Inline:
        """Our writer's second call of note `number`: its number in the note call style."""
        if 0 < number <= len(self.notes):
            return m.NoteRef(self.notes[number - 1].label)
        return m.Text(str(number))

    def _picture(self, drawing, p) -> m.Image | None:
        blip = drawing.find(f".//{qn('a:blip')}")
        described = drawing.find(f".//{qn('wp:docPr')}")
        alt = (described.get("descr") or described.get("title") or "") if described is not None else ""
        rel = self._rels(drawing).get(blip.get(qn("r:embed"))) if blip is not None else None
        if drawing.find(f".//{qn('w:txbxContent')}") is not None:
            self.warn(p, "a text box is left out; copy its text into the body")
            return None
        if rel is None or rel.is_external:
            self.warn(p, "a picture that is not inside the file is left out")
            return None
        part = rel.target_part
        suffix = _IMAGE_TYPES.get(part.content_type)
        if not suffix:
            self.warn(p, f"a picture in {part.content_type} is left out (PNG and JPEG only)")
            return None
        name = f"image-{PurePosixPath(part.partname).stem.removeprefix('image')}{suffix}"
        self.pictures[name] = part.blob
        return m.Image(name, alt, m.Location(self.path, 1))

    # Front matter ----------------------------------------------------------------------

    def meta(self, masthead: dict) -> m.Meta:
        core = self.document.core_properties
        scheme = self.house.identifiers

        def line(kind: str) -> str:
            return " ".join(_text(p).strip() for p in masthead.get(kind, [])).strip()

        title = _unwidowed(line("title")) or (core.title or "").strip()
        kind = line("kind") or (core.category or "").strip()
        footer = self._footer()
        short_title = footer[0] if footer else ""
        index = self._index(footer, core)
        when = self._date(footer[1] if len(footer) > 1 else "",
                          core.created.date() if core.created else None)
        self._left_in_margins(index)
        if core.language and core.language.split("-")[0].lower() != self.lang.split("-")[0]:
            self.warn(None, f"the Word file's language is {core.language}; read as "
                      f"'{self.lang}' (--lang)", whole=True)
        keywords = self._keywords(core.keywords or "", index)
        missing = [key for key, value in (("title", title), ("date", when)) if not value]
        if scheme.required and index is None:
            missing.append("index")
        for key in missing:
            self.warn(None, f"no {key} found for the front matter: add '{key}:' by hand",
                      whole=True)
        return m.Meta(title=title, date=when, index=index, kind=kind, event=line("subtitle"),
                      short_title=short_title if short_title != title else "",
                      unit=self._unit(masthead.get("unit", [])), keywords=keywords)

    def _keywords(self, text: str, index) -> list[str]:
        """The keywords property without the index our writer puts first. LibreOffice saves
        them joined by spaces: then they are one keyword, with a warning."""
        if index is not None and text.startswith(f"{index} "):
            self.warn(None, "the Word file's keywords have lost their commas (LibreOffice "
                      "joins them with spaces): check 'keywords:'", whole=True)
            text = text[len(f"{index} "):]
        return [k.strip() for k in re.split("[,;]", text) if k.strip() and k.strip() != str(index)]

    def _date(self, written: str, created):
        """The footer's long date (what an editor would change), else the file's creation
        date: the day near it whose long date in the language is the footer's."""
        if not written or created and locale.long_date(created, self.lang, self.labels) == written:
            return created
        around = (created or datetime.date.today()).year
        first = datetime.date(around - 3, 1, 1)
        for offset in range((datetime.date(around + 4, 1, 1) - first).days):
            day = first + datetime.timedelta(offset)
            if locale.long_date(day, self.lang, self.labels) == written:
                return day
        self.warn(None, f"the footer's date {written!r} is not a date in this language; the "
                  "front matter takes the file's" + (f", {created}" if created else ""),
                  whole=True)
        return created

    def _left_in_margins(self, index) -> None:
        """Warn of header and footer text that is not our footer line or the index."""
        for section in self.document.sections:
            for where, part in (("header", section.header), ("footer", section.footer)):
                for p in part.paragraphs:
                    text = p.text.strip(_MARKS + " \t")
                    ours = _GAP in text or text == self.labels.get("outdated") or (
                        index is not None and str(index) in text)
                    if text and not ours and not part.is_linked_to_previous:
                        self.warn(None, f"the {where}'s text {short(text)!r} is left out",
                                  whole=True)

    def _footer(self) -> list[str]:
        """The footer line's parts: short title, date, labelled index (page number dropped)."""
        for section in self.document.sections:
            for p in (paragraph._p for paragraph in section.footer.paragraphs):
                text = "".join(_run_text(r) for r in p.iter(_R)).strip(_MARKS + " ")
                if _GAP in text:
                    text = text.split("\t")[0]
                    return [part.strip().strip(_MARKS) for part in text.split(_GAP)]
        return []

    def _index(self, footer: list[str], core):
        scheme = self.house.identifiers
        label = self.labels.get("index", "")
        candidates = [part[len(label):].strip() if label and part.startswith(label) else part
                      for part in footer[2:]]
        candidates += [(core.identifier or "").strip()]
        candidates += [k.strip() for k in (core.keywords or "").split(",")[:1]]
        for section in self.document.sections:  # another tool's footer or header line
            for part in (section.footer, section.header):
                candidates += [_text(p._p).strip() for p in part.paragraphs]
        for candidate in candidates:
            if candidate:
                try:
                    return scheme.parse(candidate.strip(_MARKS))
                except ValueError:
                    continue
        return None

    def _unit(self, paragraphs: list):
        if not paragraphs:
            return None
        names = [r for p in paragraphs for r in p.iter(_R)
                 if self.styles.run_style(r) == "unit name"]
        name = "".join(_run_text(r) for r in names).strip() or _text(paragraphs[0]).strip()
        for key, unit in self.house.units.items():
            if name.casefold() in (unit.get("name", "").casefold(),
                                   unit.get("names", {}).get(self.lang, "").casefold()):
                return unit
        return name


def _contents(body):
    """The body's paragraphs, tables and others, content controls and custom XML opened
    (but a table of contents, which the PDF's bookmarks replace)."""
    for element in body:
        if element.tag == qn("w:customXml"):
            yield from _contents(element)
        elif element.tag == qn("w:sdt"):
            gallery = element.find(f".//{qn('w:docPartGallery')}")
            if gallery is not None and "Contents" in gallery.get(qn("w:val"), ""):
                continue
            content = element.find(qn("w:sdtContent"))
            yield from _contents(content if content is not None else [])
        else:
            yield element


def _what(element) -> str:
    """An element's name for a warning: `w:altChunk`, `m:oMath`."""
    namespace, _, name = element.tag.rpartition("}")
    prefix = {"http://schemas.openxmlformats.org/officeDocument/2006/math": "m"}.get(
        namespace.lstrip("{"), "w")
    return f"{prefix}:{name}"


def _strip_mark(inlines: list[m.Inline]) -> list[m.Inline]:
    """A footnote paragraph without the space (LibreOffice: tab) put after the mark."""
    if inlines and isinstance(inlines[0], m.Text):
        stripped = inlines[0].text.lstrip(" \t")
        return ([m.Text(stripped)] if stripped else []) + inlines[1:]
    return inlines


def _code_block(inlines: list[m.Inline]) -> m.CodeBlock | None:
    """A paragraph of code only (our writer's code block: code runs and line breaks)."""
    if not inlines or not any(isinstance(n, m.Code) for n in inlines) or not all(
            isinstance(n, (m.Code, m.LineBreak)) for n in inlines):
        return None
    text = "".join(n.text if isinstance(n, m.Code) else "\n" for n in inlines)
    return m.CodeBlock(text + "\n")


def _unwidowed(title: str) -> str:
    """The title without the no-break space our writer puts before its last word."""
    head, _, last = title.rpartition("\u00a0")
    return f"{head} {last}" if head and " " not in last else title


def _on(rpr, tag: str) -> bool:
    element = rpr.find(qn(tag))
    return element is not None and element.get(qn("w:val"), "true") not in ("0", "false", "off")


def _centred(p) -> bool:
    ppr = p.find(qn("w:pPr"))
    jc = ppr.find(qn("w:jc")) if ppr is not None else None
    return jc is not None and jc.get(qn("w:val")) == "center"


def _alignment(p) -> str:
    ppr = p.find(qn("w:pPr"))
    jc = ppr.find(qn("w:jc")) if ppr is not None else None
    value = jc.get(qn("w:val")) if jc is not None else ""
    return {"left": "left", "start": "left", "center": "center", "right": "right",
            "end": "right"}.get(value, "")


def _run_text(r) -> str:
    return "".join(c.text or "" if c.tag == _T else "\t" if c.tag == qn("w:tab") else ""
                   for c in r)


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(_T)) if p is not None else ""
