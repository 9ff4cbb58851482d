"""The PDF meets PDF/A-2a and PDF/UA-1: veraPDF (the PDF Association's reference validator)
says so for every language and both house styles, and pikepdf reads what PDF/UA asks of the
structure: the running footer an artifact, footnotes as `/Note`, no empty links, header
cells with a scope."""
from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from pipeline.commands.cli import main

from conftest import SAMPLE
from validators import verapdf


@pytest.fixture(scope="module")
def plain_pdf(tmp_path_factory) -> Path:
    """The English sample in the other house style, `plain`."""
    out = tmp_path_factory.mktemp("plain")
    assert main(["build", str(SAMPLE / "en.md"), "--style", "plain", "--format", "pdf",
                 "--out", str(out)]) == 0
    (pdf,) = out.rglob("*.pdf")
    return pdf


@pytest.mark.parametrize("flavour", ["2a", "ua1"])
def test_verapdf_finds_every_pdf_compliant(flavour, sample_pdfs, plain_pdf):
    failures = verapdf(flavour, [*sample_pdfs.values(), plain_pdf])
    assert failures and not any(failures.values()), failures


def _elements(pdf: pikepdf.Pdf):
    """Every structure element reachable from the structure tree root."""
    def walk(node):
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            yield node
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                yield from walk(kid)
    for top in pdf.Root.StructTreeRoot.K:
        yield from walk(top)


@pytest.mark.parametrize("lang", ["ENGLISH", "FRENCH", "ARABIC"])
def test_structure_is_what_pdf_ua_asks(lang, sample_pdfs, sample_doc):
    with pikepdf.open(sample_pdfs[lang]) as pdf:
        elements = list(_elements(pdf))
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1" and meta["pdfaid:part"] == "2"
        notes = [str(e.ID) for e in elements if e.S == "/Note"]
        assert notes == [f"fn-{n}" for n in range(1, len(sample_doc.notes) + 1)]
        assert not [e for e in elements if e.S in ("/Link", "/Span") and len(e.get("/K", [])) == 0]
        if lang != "ENGLISH":  # the sample cites 6 English sources
            assert len([e for e in elements if str(e.get("/Lang", "")) == "en"]) >= 6
        headers = [e for e in elements if e.S == "/TH"]
        assert headers and all(e.A.Scope == "/Column" for e in headers)
        reachable = {e.objgen for e in elements}
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        for number, page in enumerate(pdf.pages):
            kinds = [_marked(operands) for operands, operator
                     in pikepdf.parse_content_stream(page, "BDC")]
            assert "footer" in kinds, f"page {number + 1}: the running footer is not an artifact"
            mcids = [kind for kind in kinds if isinstance(kind, int)]
            mapped = parents[2 * number + 1]
            assert all(mapped[mcid].objgen in reachable for mcid in mcids), \
                f"page {number + 1}: content outside the structure tree"


def _marked(operands) -> int | str:
    """What a marked-content sequence is: its MCID, or "footer" for a running footer."""
    tag, properties = operands
    if tag == "/Artifact":
        return "footer" if properties.get("/Subtype") == "/Footer" else "artifact"
    return int(properties.MCID)
