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
from .word_changes import short

_MARKS = "\u200e\u200f"
_GAP = "\u2003\u2003"  # between the footer's parts
_P, _R, _T, _TBL = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tbl")
_NOTE_STYLES = ("footnote reference", "endnote reference")
_MASTHEAD = ("kind", "title", "subtitle", "unit")  # our writer's masthead lines, by style
_FRAMED = (*_MASTHEAD, "quote", "footer")  # ruled or shaded, but no box
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
        self.styles = _Styles(document)
        self.numbering = _Numbering(document)
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
                if kind in _MASTHEAD and not items:
                    masthead.setdefault(kind, []).append(element)
                elif kind in _MASTHEAD:  # a title style further down: text
                    items.append(("block", payload))
                elif kind:
                    items.append((kind, payload))
            elif element.tag not in _NO_CONTENT:
                self.warn(element, f"left out: {_what(element)}")
        return masthead, _group(items)

    def paragraph(self, p) -> tuple[str, object]:
        """What a body paragraph is: (kind, payload)."""
        name = self.styles.of(p)
        inlines = self.inlines(p)
        numbered = self.numbering.of(p, self.styles)
        if name in _MASTHEAD:
            return name, m.Paragraph(inlines)
        if not inlines and not _text(p).strip():
            if p.find(f".//{qn('w:txbxContent')}") is not None:
                self.warn(p, "a text box is left out; copy its text into the body")
            return "", None
        level = self.styles.heading_level(p)
        if self.styles.is_box(p) or name == "box title" or self.styles.based_on(p, "box title"):
            if level or name == "box title" or self.styles.based_on(p, "box title"):
                return "box", m.Heading(level or 3, inlines)
            return "box", m.Paragraph(inlines)
        if level:
            return "block", m.Heading(level, inlines)
        if numbered and not self.numbering.continued(p):
            return "item", (*numbered, m.Paragraph(inlines))
        if name.startswith("list"):  # a later paragraph of an item: by its indent
            return "more", (indent(p, self.styles) or 0, m.Paragraph(inlines))
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
                row.append(m.TableCell(_merged(inlines), align))
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
        return _merged(_nest(_within(atoms)))

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
            marks.add("bold emphasis")  # strong too, if what surrounds it is (`_within`)
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


class _Styles:
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


class _Numbering:
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

    def of(self, p, styles: _Styles):
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


def indent(p, styles: _Styles) -> int | None:
    """The left indent of a paragraph in twips, its own or its style's, if either sets one."""
    for ppr in [p.find(qn("w:pPr"))] + [e.find(qn("w:pPr")) for e in styles.chain(styles.ident(p))]:
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        if ind is not None and (ind.get(qn("w:left")) or ind.get(qn("w:start"))):
            return int(ind.get(qn("w:left")) or ind.get(qn("w:start")))
    return None


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


# Grouping paragraphs into blocks -------------------------------------------------------

def _group(items: list[tuple[str, object]]) -> list[m.Block]:
    """Consecutive box paragraphs into a Box (a list between two box paragraphs inside it; a
    box title starts another box), quote paragraphs into a BlockQuote, list paragraphs into
    nested lists."""
    blocks: list[m.Block] = []
    n = 0
    while n < len(items):
        kind, payload = items[n]
        end = n + 1  # after the items this block takes
        if kind == "box":
            while end < len(items):
                if items[end][0] == "box" and not isinstance(items[end][1], m.Heading):
                    end += 1
                elif items[end][0] in ("item", "more") and _list_end(items, end) < len(items) \
                        and items[_list_end(items, end)][0] == "box":
                    end = _list_end(items, end)
                else:
                    break
            blocks.append(m.Box(_group([("block" if k == "box" else k, v)
                                        for k, v in items[n:end]])))
        elif kind == "quote":
            while end < len(items) and items[end][0] == "quote":
                end += 1
            blocks.append(m.BlockQuote([v for _, v in items[n:end]]))
        elif kind in ("item", "more"):
            end = _list_end(items, n)
            blocks += _lists(items[n:end])
        else:
            blocks.append(payload)
        n = end
    return blocks


def _list_end(items, n: int) -> int:
    """The index after the list paragraphs starting at `n`."""
    while n < len(items) and items[n][0] in ("item", "more"):
        n += 1
    return n


def _lists(items) -> list[m.Block]:
    """Nested lists from items (ordered, level, list, start, paragraph), their depth the
    rank of their level among the items', and later paragraphs of an item (indent,
    paragraph), which go to the deepest item open at or left of their indent."""
    levels = sorted({payload[1] for kind, payload in items if kind == "item"})
    result: list[m.Block] = []
    stack: list[tuple] = []  # (depth, list, its numbering, indent)
    for kind, payload in items:
        if kind == "more":
            left, paragraph = payload
            if stack:
                target = next((s for s in reversed(stack) if s[3] <= left), stack[0])
                target[1].items[-1].blocks.append(paragraph)
            else:
                result.append(paragraph)
            continue
        ordered, level, numbering, start, paragraph = payload
        depth = levels.index(level)
        while stack and stack[-1][0] > depth:
            stack.pop()
        if stack and stack[-1][0] == depth and (
                isinstance(stack[-1][1], m.OrderedList) != ordered or ordered and (
                    stack[-1][2][0] != numbering[0]
                    or stack[-1][2][1] != numbering[1] and numbering[2])):
            stack.pop()  # another list at the same depth
        if not stack or stack[-1][0] < depth:
            made = m.OrderedList([], start) if ordered else m.BulletList([])
            if stack and stack[-1][1].items:
                stack[-1][1].items[-1].blocks.append(made)
            else:
                result.append(made)
            stack.append((depth, made, numbering, level[0]))
        stack[-1][1].items.append(m.ListItem([paragraph]))
    return result


# Inline helpers ------------------------------------------------------------------------

def _nest(atoms: list[tuple[m.Inline, frozenset]]) -> list[m.Inline]:
    """Flat runs with marks into nested inlines: at each point the mark that lasts longest
    wraps (links, then emphasis, on a tie)."""
    result: list[m.Inline] = []
    n = 0
    while n < len(atoms):
        node, marks = atoms[n]
        if not marks:
            result.append(node)
            n += 1
            continue
        if "code" in marks and isinstance(node, m.Text):
            end = n
            while end + 1 < len(atoms) and "code" in atoms[end + 1][1] and \
                    isinstance(atoms[end + 1][0], m.Text):
                end += 1
            text = "".join(a[0].text for a in atoms[n:end + 1])
            inner = [(m.Code(text), marks - {"code"})]
            result += _nest(inner)
            n = end + 1
            continue

        def length(mark) -> int:
            end = n
            while end < len(atoms) and mark in atoms[end][1]:
                end += 1
            return end - n

        order = sorted(marks, key=lambda k: (-length(k), 0 if isinstance(k, tuple) else
                                             1 if k == "emph" else 2))
        mark = order[0]
        span = length(mark)
        inner = _nest([(a, k - {mark}) for a, k in atoms[n:n + span]])
        if isinstance(mark, tuple):
            result.append(m.Link(mark[1], inner))
        elif mark == "emph":
            result.append(m.Emph(inner))
        elif mark == "strong":
            result.append(m.Strong(inner))
        else:
            result += inner
        n += span
    return result


def _within(atoms: list[tuple[m.Inline, frozenset]]) -> list[tuple[m.Inline, frozenset]]:
    """Where emphasis is bold (Arabic), emphasis between strong runs is inside them: the
    Word file cannot say, and `**strong *emphasis* strong**` is what authors write."""
    result = []
    for n, (node, marks) in enumerate(atoms):
        if "bold emphasis" in marks:
            around = [atoms[k][1] for k in (n - 1, n + 1) if 0 <= k < len(atoms)]
            marks = marks - {"bold emphasis"} | (
                {"strong"} if len(around) == 2 and all("strong" in a for a in around) else set())
        result.append((node, marks))
    return result


def _merged(inlines: list[m.Inline]) -> list[m.Inline]:
    """Adjacent texts as one; the same inside."""
    result: list[m.Inline] = []
    for node in inlines:
        if isinstance(node, (m.Emph, m.Strong, m.Link)):
            node.children = _merged(node.children)
        if isinstance(node, m.Text) and result and isinstance(result[-1], m.Text):
            result[-1] = m.Text(result[-1].text + node.text)
        elif not (isinstance(node, m.Text) and not node.text):
            result.append(node)
    return result


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


def _shaded(ppr) -> bool:
    shade = ppr.find(qn("w:shd"))
    return shade is not None and shade.get(qn("w:fill"), "auto").lower() not in ("auto", "ffffff")


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


def _indent(level) -> int:
    ppr = level.find(qn("w:pPr")) if level is not None else None
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    return int(ind.get(qn("w:left")) or ind.get(qn("w:start")) or 0) if ind is not None else 0


def _run_text(r) -> str:
    return "".join(c.text or "" if c.tag == _T else "\t" if c.tag == qn("w:tab") else ""
                   for c in r)


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(_T)) if p is not None else ""
