"""Bibliographies and citations: `.bib` entries formatted as notes in the house style.

`load_bibliography` reads a BibTeX file with bibtexparser 2, maps each entry to CSL-JSON
(the data model of the Citation Style Language) and remembers the line it starts on, so that
errors and warnings can point at it. `Bibliography.format` renders one citation, that is one
or more `CiteItem`s, with citeproc-py and the house style's `citation.csl`, and returns
model inlines (`Text`, `Emph`, `Link`...). `resolve` is the transform step: citations in the
text become notes, citations in notes are formatted in place.

A bibliography's entries (by the file's content) and each formatted citation (by its
sources, prefixes and locators, language and style) are kept in the build's cache (`store`):
a warm build imports neither bibtexparser nor citeproc-py, about 0.2 s of a cold start.

Why CSL and citeproc-py: CSL is the standard way to describe a citation style (Zotero, Pandoc
and Mendeley use it), so the house style is a data file, adapted from the published OSCOLA
style, that can be read, diffed and replaced without touching code; citeproc-py is the CSL
processor for Python. It renders through a small output format of our own that marks
italics and bold with private-use characters, which are then turned into inlines.

What falls short:
- citeproc-py implements CSL 1.0 only in part; the style works around the gaps it hit (see
  the comment at the top of the .csl).
- Each citation is formatted on its own and in full: no "ibid", short forms or
  disambiguation across notes.
- LaTeX in fields is decoded to plain text, so `\\emph{...}` loses its italics; titles are
  printed as written, and the braces that protect their case in BibTeX are simply dropped.
- A citation of sources in another language is marked as that language as a whole: a prefix
  ("voir") or a locator's label in the document's language inside it is marked so too.
- A locator's label must be one of those in `_LOCATOR_LABELS`; an unknown label ("annex 2")
  is printed as written, a bare number ("12") is a page.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

from ..errors import SourceError, warn
from ..house import locale
from .. import files, limits, model as m, store
from ..model import CiteItem, Emph, Inline, Link, Location, Strong, Text
from .tree import map_inlines

_TYPES = {
    "report": "report", "techreport": "report", "article": "article-journal", "book": "book",
    "misc": "document", "online": "webpage", "jurisdiction": "legal_case", "legal": "legal_case",
    "legislation": "legislation",
}
# CSL variable: the BibTeX fields it is taken from, the first one present winning.
_FIELDS = {
    "title": ("title",), "number": ("number",), "DOI": ("doi",),
    "publisher": ("publisher", "institution", "organization"),
    "container-title": ("journal", "journaltitle", "booktitle"),
    "volume": ("volume",), "page": ("pages",), "authority": ("authority",),
    "edition": ("edition",),
}
_VERBATIM = {"url", "doi"}  # not LaTeX: kept as written
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_LOCATOR_LABELS = {alias: label for label, aliases in {
    "page": "p pp page pages",
    "paragraph": "para paras paragraph paragraphs ¶ ¶¶",
    "article-locator": "art arts article articles",
    "section": "s ss sec section sections",
    "chapter": "ch chap chapter chapters",
    "note": "n nn note notes",
    "volume": "vol vols volume volumes",
    "part": "pt pts part parts",
    "figure": "fig figs figure figures",
    "line": "l ll line lines",
}.items() for alias in aliases.split()}
_LATEX_SPECIALS = re.compile(r"[\\{}~$%&#^_-]")


def _latex(value: str) -> str:
    """Field text with LaTeX decoded (the decoder is slow: skip it for plain text)."""
    return _decoder().latex_to_text(value) if _LATEX_SPECIALS.search(value) else value


@cache
def _decoder():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text()


@cache
def _code() -> str:
    """The part of a cache key for what this module and its libraries make."""
    return " ".join([store.file_key(Path(__file__)), store.file_key(Path(locale.__file__)),
                     store.library_key("bibtexparser"),
                     store.library_key("citeproc", "_version.py"),
                     store.library_key("pylatexenc", "version.py")])


def resolve(doc: m.Document, context) -> None:
    """Citations in the text become notes holding the formatted reference (the house's CSL
    style); citations in a note are formatted in place. A cited key that is a document
    identifier of the house and no entry's key cites that document."""
    house = context.house
    bibliography = _cite_documents(doc, _bibliography(doc, house.identifiers, context.titles),
                                   house, context.titles)
    style = house.citation_style
    used: set[str] = set()

    def formatted(cite: m.Cite) -> list[m.Inline]:
        if bibliography is None:
            raise SourceError(cite.location, "citation but no bibliography: add references.bib "
                              "beside the source or a 'bibliography:' front-matter field")
        for item in cite.items:
            if item.key not in bibliography.keys():
                raise SourceError(cite.location, f"unknown citation key '@{item.key}'")
            used.add(item.key)
        return bibliography.format(cite.items, doc.lang, style)

    def uncommaed(inlines: list[m.Inline]) -> list[m.Inline]:
        """`[see @key para. 13]`: an error if `key` is cited, else the text as written."""
        result = []
        for node in inlines:
            if isinstance(node, m.Cite) and node.uncommaed:
                key = node.items[0].key
                if bibliography is not None and key in bibliography.keys():
                    fixed = node.uncommaed.replace(f"@{key}", f"@{key},", 1)
                    raise SourceError(node.location, f"citation '{node.uncommaed}' has a locator "
                                      f"without its comma: write '{fixed}'")
                node = m.Text(node.uncommaed)
            result.append(node)
        return result

    def in_text(inlines: list[m.Inline]) -> list[m.Inline]:
        result = []
        for node in inlines:
            if isinstance(node, m.Cite):
                label = f"@{len(doc.notes)}"
                doc.notes.append(m.Note(label, [m.Paragraph(_capitalised(formatted(node)))],
                                        node.location))
                node = m.NoteRef(label)
                if result and isinstance(result[-1], m.Text):  # "text [@key]." -> "text¹."
                    result[-1] = m.Text(result[-1].text.rstrip())
            result.append(node)
        return result

    def in_note(inlines: list[m.Inline]) -> list[m.Inline]:
        result: list[m.Inline] = []
        for node, after in zip(inlines, inlines[1:] + [None]):
            if not isinstance(node, m.Cite):
                result.append(node)
                continue
            parts = formatted(node)
            last = parts[-1] if parts else None
            if (isinstance(last, m.Text) and last.text.endswith(".")
                    and isinstance(after, m.Text) and after.text.startswith(".")):
                parts[-1] = m.Text(last.text[:-1])  # "[@key]." ends with one full stop
            result += parts
        return result

    map_inlines(doc.blocks, uncommaed)
    for note in doc.notes:
        map_inlines(note.blocks, uncommaed)
    for note in list(doc.notes):
        starts_with_citation = bool(note.blocks and note.blocks[0].children) and isinstance(
            note.blocks[0].children[0], m.Cite)
        map_inlines(note.blocks, in_note)
        if starts_with_citation:  # "[^1]: [see @key]." starts "See …"
            note.blocks[0].children = _capitalised(note.blocks[0].children)
    map_inlines(doc.blocks, in_text)
    if bibliography is not None:
        for key in sorted(set(bibliography.keys()) - used):
            warn(bibliography.location(key), f"bibliography entry '{key}' is never cited")

def _capitalised(inlines: list[m.Inline]) -> list[m.Inline]:
    """A note's text starting with a capital letter ("see …" from a citation's prefix)."""
    first = inlines[0] if inlines else None
    if isinstance(first, m.Text) and first.text[:1].islower():
        return [m.Text(first.text[0].upper() + first.text[1:]), *inlines[1:]]
    return inlines


def bibliography_path(doc: m.Document) -> Path:
    """The bibliography named in the front matter, else `references.bib` (which may not exist)."""
    return doc.source.parent / (doc.meta.bibliography or "references.bib")


def _bibliography(doc: m.Document, scheme, titles=None) -> Bibliography | None:
    folder = doc.source.parent
    path = bibliography_path(doc)
    location = doc.meta.locations["bibliography"] if doc.meta.bibliography else Location(path, 1)
    if not doc.meta.bibliography and not os.path.lexists(path):
        return None
    name = doc.meta.bibliography or path.name
    return load_bibliography(path, scheme, titles, folder, location, f"bibliography file '{name}'")


def _cite_documents(doc: m.Document, bibliography: Bibliography | None, house,
                    titles=None) -> Bibliography | None:
    """The bibliography, with an entry for each cited key that is a document identifier
    (`[@{IOR 40/8247/2024}]`) and no entry's key: a document of the house's organisation,
    titled as the registry knows it."""
    known = set(bibliography.keys()) if bibliography else set()
    documents = {key: house.identifiers.parse_key(key) for key in _cited_keys(doc)
                 if key not in known}
    documents = {key: identifier for key, identifier in documents.items() if identifier}
    if not documents:
        return bibliography
    bibliography = bibliography or Bibliography({}, {})
    for key, identifier in documents.items():
        bibliography.add_document(key, identifier, house.identifiers, house.organisation,
                                  titles(identifier) if titles else "")
    return bibliography


def _cited_keys(doc: m.Document) -> list[str]:
    keys: list[str] = []

    def collect(inlines: list[m.Inline]) -> list[m.Inline]:
        keys.extend(item.key for node in inlines if isinstance(node, m.Cite)
                    for item in node.items)
        return inlines

    map_inlines(doc.blocks, collect)
    for note in doc.notes:
        map_inlines(note.blocks, collect)
    return keys


class Bibliography:
    """The entries of one .bib file, as CSL-JSON items, and where each one starts."""

    def __init__(self, items: dict[str, dict], locations: dict[str, Location]):
        self._items, self._locations = items, locations

    def keys(self) -> list[str]:
        """The entry keys, in file order."""
        return list(self._items)

    def location(self, key: str) -> Location:
        return self._locations[key]

    def add_document(self, key: str, identifier, scheme, author: str, title: str = "") -> None:
        """An entry for the document `identifier` (of the house's `scheme`) of `author`,
        under the key `key`."""
        item = {"type": "report", "author": [{"literal": author}], "publisher": author,
                "number": str(identifier)}
        if scheme.url(identifier):
            item["URL"] = scheme.url(identifier)
        if scheme.year(identifier):
            item["issued"] = {"date-parts": [[scheme.year(identifier)]]}
        self._items[key] = {**item, "title": title} if title else item

    def format(self, items: list[CiteItem], lang: str, style: Path) -> list[Inline]:
        """One citation in the CSL `style` (the house style's), ending with a full stop; a
        `Foreign` run if its sources are all in one language (field `langid` or `language`)
        other than `lang`.

        Raises KeyError for a key that is not in the bibliography.
        """
        sources = [self._items[item.key] for item in items]
        cited = json.dumps([sources, [(item.prefix, item.locator) for item in items], lang])
        key = (f"citation {hashlib.sha256(cited.encode()).hexdigest()} "
               f"{store.file_key(style)} {_code()}")
        marked = store.cached(key, lambda: _cited(sources, items, lang, style).encode())
        inlines = _inlines(marked.decode())
        languages = {self._items[item.key].get("language") for item in items}
        if len(languages) == 1 and None not in languages \
                and _primary(languages.pop()) != _primary(lang):
            return [m.Foreign(inlines, self._items[items[0].key]["language"])]
        return inlines


def _cited(sources: list[dict], items: list[CiteItem], lang: str, style: Path) -> str:
    """One citation of the CSL-JSON `sources` by citeproc-py, marked up as `_Marked`."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    # citeproc-py lower-cases ids: number the items instead of passing the keys.
    source = CiteProcJSON([{**item, "id": str(n)} for n, item in enumerate(sources)])
    citation = Citation([CitationItem(str(n), **_cite_options(item))
                         for n, item in enumerate(items)])
    bibliography = CitationStylesBibliography(_style(style, lang), source, _Marked)
    bibliography.register(citation)
    return str(bibliography.cite(citation, None))


def _primary(lang: str) -> str:
    """The language of a language tag, without its region or script: `en` for `en-GB`."""
    return lang.split("-")[0].lower()


def load_bibliography(path: Path, scheme, titles=None, folder: Path | None = None,
                      location: Location | None = None, what: str = "bibliography file"
                      ) -> Bibliography:
    """Read a .bib file inside `folder` (default: its own), as `files.read_text_inside` does
    (a problem with the file is a SourceError at `location`, about the `what`); raises
    SourceError at the first block that cannot be read. An entry's `index` field is a
    document identifier of the house's `scheme`; `titles(index)`, if given, titles the
    entries that have one but no title."""
    text = files.read_text_inside(path, folder or path.parent, limits.SOURCE_BYTES, what, location)
    kept = f"bibliography {hashlib.sha256(text.encode()).hexdigest()} {_code()}"
    entries = json.loads(store.cached(kept, lambda: json.dumps(_entries(text, path)).encode()))
    return Bibliography({key: _indexed(entry, path, scheme, titles)
                         for key, entry in entries.items()},
                        {key: Location(path, entry["line"]) for key, entry in entries.items()})


def _entries(text: str, path: Path) -> dict[str, dict]:
    """The entries of the BibTeX `text` (of the file `path`) by key: its CSL-JSON item, its
    line, its type and, if it has one, its `index` field and that field's line."""
    import logging

    import bibtexparser
    from bibtexparser.middlewares import NormalizeFieldKeys, SeparateCoAuthors, SplitNameParts

    # bibtexparser logs each block it fails to parse; we report the first one as a SourceError.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    library = bibtexparser.parse_string(
        text, append_middleware=[NormalizeFieldKeys(), SeparateCoAuthors(), SplitNameParts()])
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise SourceError(Location(path, block.start_line + 1), _failure(block))
    entries = {}
    for entry in library.entries:
        entries[entry.key] = {"item": _csl_item(entry, path), "line": entry.start_line + 1,
                              "type": entry.entry_type}
        if "index" in entry:
            entries[entry.key]["index"] = [_latex(entry["index"]).strip(),
                                           entry.fields_dict["index"].start_line + 1]
    return entries


def _failure(block) -> str:
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    if isinstance(block, DuplicateBlockKeyBlock):
        return (f"duplicate entry key '{block.key}' "
                f"(first used on line {block.previous_block.start_line + 1})")
    if isinstance(block, DuplicateFieldKeyBlock):
        return f"duplicate field in entry: {', '.join(sorted(block.duplicate_keys))}"
    return getattr(block.error, "abort_reason", None) or str(block.error)


def _csl_item(entry, path: Path) -> dict:
    """The CSL-JSON item for a bibtexparser entry, without its id and what its `index`
    field gives (`_indexed`)."""
    def text(name: str) -> str:
        value = entry[name]
        return (value if name in _VERBATIM else _latex(value)).strip()

    def where(name: str) -> Location:
        return Location(path, entry.fields_dict[name].start_line + 1)

    item = {"type": _TYPES.get(entry.entry_type, "document")}
    for variable, names in _FIELDS.items():
        present = [name for name in names if name in entry]
        if present:
            item[variable] = text(present[0])
    for variable in ("author", "editor"):
        if variable in entry:
            item[variable] = [_name(parts) for parts in entry[variable]]
    if "date" in entry:
        item["issued"] = _date(text("date"), where("date"))
    elif "year" in entry:
        item["issued"] = _date(text("year"), where("year"))
        if "month" in entry:
            item["issued"]["date-parts"][0].append(_month(text("month"), where("month")))
    if "urldate" in entry:
        item["accessed"] = _date(text("urldate"), where("urldate"))
    if "url" in entry:
        item["URL"] = text("url")
    for name in ("langid", "language"):  # biblatex's field, then BibTeX's
        if name in entry:
            try:
                item["language"] = locale.language_code(text(name))
            except ValueError as error:
                raise SourceError(where(name), f"{error}: write a language code such as 'en' "
                                  "or a biblatex language name such as 'english'") from None
            break
    return item


def _indexed(entry: dict, path: Path, scheme, titles=None) -> dict:
    """The CSL-JSON item of one of `_entries`, with what its `index` field (a document
    identifier of the house's `scheme`) gives: its number, address and registry title."""
    item = dict(entry["item"])
    if "index" in entry:
        text, line = entry["index"]
        try:
            index = scheme.parse(text)
        except ValueError as error:
            raise SourceError(Location(path, line), str(error)) from None
        item["number"] = str(index)
        if scheme.url(index):
            item.setdefault("URL", scheme.url(index))
        if "title" not in item and titles and titles(index):
            item["title"] = titles(index)
    if entry["type"] == "misc" and "URL" in item and not {"publisher", "number"} & set(item):
        item["type"] = "webpage"
    return item


def _name(parts) -> dict:
    """A CSL name from bibtexparser's NameParts; `{Amnesty International}` is a literal."""
    if not (parts.first or parts.von or parts.jr) and len(parts.last) == 1 \
            and parts.last[0].startswith("{") and parts.last[0].endswith("}"):
        return {"literal": _latex(parts.last[0])}
    name = {"given": parts.first, "non-dropping-particle": parts.von, "family": parts.last,
            "suffix": parts.jr}
    return {key: _latex(" ".join(words)) for key, words in name.items() if words}


def _date(text: str, location: Location) -> dict:
    """A CSL date from `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (the start of a `/` range)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:/.*)?", text)
    if not match:
        raise SourceError(location, f"cannot read the date '{text}': "
                                    "expected YYYY, YYYY-MM or YYYY-MM-DD")
    return {"date-parts": [[int(part) for part in match.groups() if part]]}


def _month(text: str, location: Location) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    if text[:3].lower() in _MONTHS:
        return _MONTHS.index(text[:3].lower()) + 1
    raise SourceError(location, f"cannot read the month '{text}'")


def _cite_options(item: CiteItem) -> dict:
    options = {}
    if item.prefix:
        options["prefix"] = item.prefix.strip() + " "
    if item.locator:
        options["locator"] = _locator(item.locator)
    return options


def _locator(text: str):
    """`p. 12`, `paras 4-5`, `art. 27`... as a citeproc locator; a bare number is a page."""
    from citeproc import Locator

    match = re.fullmatch(r"([^\W\d]+|¶+)\.?\s*(.+)", text.strip())
    if match and match[1].lower() in _LOCATOR_LABELS:
        return Locator(_LOCATOR_LABELS[match[1].lower()], match[2])
    # Unknown label: no term to print, so the text comes out as written.
    return Locator("" if match else "page", text.strip())


@cache
def _style(path: Path, lang: str):
    """The CSL style in `path` for `lang` ("en" keeps the style's own default locale, en-GB)."""
    from citeproc import PRIMARY_DIALECTS, CitationStylesStyle

    return CitationStylesStyle(str(path), locale=None if lang == "en"
                               else PRIMARY_DIALECTS.get(lang, lang))


_EMPH, _STRONG, _END = "\ue000", "\ue001", "\ue002"
_NODES = {_EMPH: Emph, _STRONG: Strong}
_URL = re.compile(r"(https?://[^\s<>]+)")


class _Marked:
    """A citeproc-py output format: plain text, italics and bold between the marks above."""
    preformat = staticmethod(lambda text: text)
    Italic = Oblique = staticmethod(lambda text: f"{_EMPH}{text}{_END}")
    Bold = staticmethod(lambda text: f"{_STRONG}{text}{_END}")
    Light = Underline = Superscript = Subscript = SmallCaps = staticmethod(str)


def _inlines(marked: str) -> list[Inline]:
    """Inlines from `_Marked` output, with each URL as a Link."""
    stack: list[tuple[type | None, list[Inline]]] = [(None, [])]
    for token in re.split(f"([{_EMPH}{_STRONG}{_END}])", marked):
        if token in _NODES:
            stack.append((_NODES[token], []))
        elif token == _END:
            node, children = stack.pop()
            stack[-1][1].append(node(children))
        else:
            stack[-1][1].extend(Link(part, [Text(part)]) if n % 2 else Text(part)
                                for n, part in enumerate(_URL.split(token)) if part)
    return stack[0][1]
