"""From WeasyPrint's tagged PDF to PDF/UA-1 (ISO 14289-1), beside PDF/A-2a.

WeasyPrint 70.0 tags the content (`pdf/tags.py::_build_box_tree`, one structure element per
box) but falls short of PDF/UA-1 in four ways that a screen reader notices:
- the running footer (margin boxes) is marked as content that no structure element holds,
  where PDF/UA-1 7.8 wants it an artifact (WeasyPrint: "only allowed in PDF 2.0", which is
  true only of artifacts *in the structure tree*; marked-content artifacts are PDF 1.7);
- an element with no content, such as the empty anchor `fnref-N` at each footnote call,
  becomes an empty `/Link` element;
- a footnote is a `/Span`, a table header cell has no `/Scope`, and an element's own `lang`
  (a citation in English inside a French text) is lost.
WeasyPrint has no option or hook for any of these, so `apply()` wraps `_build_box_tree`
(which recurses through the module global, so the wrapper sees every box with the structure
element made for it): margin box text becomes `/Artifact` marked content, empty elements are
left out, `role="doc-footnote"` becomes `/Note` (with the ID PDF/UA-1 7.9 asks for), `th`
gets its `/Scope`, and `lang` its `/Lang`. Like `pdf_footnotes`, it refuses to run on
another WeasyPrint version.

`claim()` is a `write_pdf` finisher that adds the PDF/UA-1 identification (`pdfuaid:part`)
to the XMP metadata, with the extension schema PDF/A-2 requires for it (ISO 19005-2 6.6.2.3).
"""
from __future__ import annotations

import weakref

import pydyf
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

PINNED_VERSION = "70.0"
_ORIGINAL = tags._build_box_tree
_FOOTNOTES: weakref.WeakSet = weakref.WeakSet()  # boxes of a footnote area: one per note part
_NOTE_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per PDF being written
_TABLE_PARTS = {"/TH", "/TD", "/TR"}  # kept when empty: the table's grid needs them
_UA_IDENTIFICATION = b"""<rdf:Description rdf:about=""
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag>
<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
"""


def apply() -> None:
    """Route WeasyPrint's structure tree through `_build_box_tree`; idempotent."""
    if weasyprint.__version__ != PINNED_VERSION:
        raise RuntimeError(
            f"pdf_tags wraps WeasyPrint {PINNED_VERSION}'s tagging, found "
            f"{weasyprint.__version__}: the pin changed, re-check PDF/UA with veraPDF")
    tags._build_box_tree = _build_box_tree


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, marks):
    """WeasyPrint's structure elements for `box` and its descendants, made PDF/UA-1."""
    if isinstance(box, boxes.MarginBox):
        mcids = {marks[text]["mcid"] for text in box.descendants() if text in marks}
        for _ in _ORIGINAL(box, parent, pdf, page_number, nums, annotations, marks):
            pass
        _mark_as_artifact(pdf, page_number, mcids, _pagination(box.at_keyword))
        for mcid in mcids:
            nums[mcid] = "null"
        return
    if isinstance(box, boxes.FootnoteAreaBox):
        _FOOTNOTES.update(box.children)
    for element in _ORIGINAL(box, parent, pdf, page_number, nums, annotations, marks):
        if not element["K"] and element["S"] not in _TABLE_PARTS:
            continue
        if box in _FOOTNOTES:
            _as_note(element, box.element.get("id") or "note", pdf)
        if box.element is not None and box.element_tag == box.element.tag:
            _describe(element, box.element)  # not for pseudo-elements (the note call)
        yield element


def _as_note(element: pydyf.Dictionary, base: str, pdf: pydyf.PDF) -> None:
    """Make a footnote's element a `/Note` with a unique ID (PDF/UA-1 7.9): the footnote's
    `id`, numbered for a part on a later page."""
    ids = _NOTE_IDS.setdefault(pdf, set())
    note_id, part = base, 1
    while note_id in ids:
        part += 1
        note_id = f"{base}-{part}"
    ids.add(note_id)
    element["S"] = "/Note"
    element["ID"] = pydyf.String(note_id)


def _describe(element: pydyf.Dictionary, html) -> None:
    """Give `element` what PDF/UA-1 asks of it, from its HTML element `html`."""
    if element["S"] == "/TH":
        element["A"]["Scope"] = "/Row" if html.get("scope") == "row" else "/Column"
    if html.get("lang"):
        element["Lang"] = pydyf.String(html.get("lang"))


def _pagination(at_keyword: str) -> pydyf.Dictionary:
    """The artifact properties of a margin box's content: a running header or footer."""
    properties = pydyf.Dictionary({"Type": "/Pagination"})
    for edge, subtype in (("@top", "/Header"), ("@bottom", "/Footer")):
        if at_keyword.startswith(edge):
            properties["Subtype"] = subtype
    return properties


def _mark_as_artifact(pdf: pydyf.PDF, page_number: int, mcids: set[int],
                      properties: pydyf.Dictionary) -> None:
    """Turn the marked content `mcids` of the page's content stream into artifacts."""
    page = pdf.objects[int(pdf.page_references[page_number].split()[0])]
    content = pdf.objects[int(page["Contents"].split()[0])].stream
    found = set()
    for i, item in enumerate(content):
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids:
            found.add(item["MCID"])
            content[i - 1], content[i] = "/Artifact", properties
    if found != mcids:
        raise RuntimeError(f"pdf_tags: marked content {sorted(mcids - found)} of a margin box "
                           f"is not in page {page_number + 1}'s content stream")


def claim(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """`write_pdf` finisher: identify the file as PDF/UA-1 in its XMP metadata."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    xmp = b"".join(metadata.stream)
    if xmp.count(b"</rdf:RDF>") != 1:
        raise RuntimeError("pdf_tags: WeasyPrint's XMP metadata has changed shape")
    metadata.stream = [xmp.replace(b"</rdf:RDF>", _UA_IDENTIFICATION + b"</rdf:RDF>")]
