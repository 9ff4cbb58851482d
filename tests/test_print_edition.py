"""The print edition (`--format print`): PDF/X-4 in the printer's CMYK, with bleed, crop
marks and the page boxes a printer reads, and the same pages as the screen PDF."""
from __future__ import annotations

import hashlib
from collections import Counter

import pikepdf
import pypdf
import pytest

from pipeline.commands.cli import main

from conftest import SAMPLE

MM = 72 / 25.4


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, tuple]:
    """lang -> (print edition, screen PDF), English and Arabic."""
    out = tmp_path_factory.mktemp("print")
    assert main(["build", str(SAMPLE / "en.md"), str(SAMPLE / "ar.md"), "--format", "print",
                 "--format", "pdf", "--out", str(out)]) == 0
    folder = out / SAMPLE.name
    return {lang: (folder / f"IOR5304122025{name}-print.pdf", folder / f"IOR5304122025{name}.pdf")
            for lang, name in (("en", "ENGLISH"), ("ar", "ARABIC"))}


def test_not_built_unless_asked(sample_outputs):
    assert not list(sample_outputs.glob("*print*"))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pdf_x4_with_the_printers_output_intent(editions, lang):
    with pikepdf.open(editions[lang][0]) as pdf:
        assert pdf.pdf_version == "1.6"
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.N == 4
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 001"
        assert str(intent.RegistryName) == "http://www.color.org"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_bleed_and_trim_on_every_page(editions, lang):
    with pikepdf.open(editions[lang][0]) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert trim == pytest.approx([0, 0, 210 * MM, 297 * MM], abs=0.01)
            assert bleed == pytest.approx([-3 * MM, -3 * MM, 213 * MM, 300 * MM], abs=0.01)


def _colour_spaces(pdf: pikepdf.Pdf) -> set[str]:
    """How each colour space the pages use is defined: /DeviceRGB, /ICCBased-3, /Lab..."""
    kinds = set()
    for page in pdf.pages:
        spaces = page.Resources.get("/ColorSpace", {})
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("rg", "RG"):
                kinds.add("/DeviceRGB")
            if str(operator) in ("cs", "CS"):
                name = str(operands[0])
                space = spaces.get(name)
                if space is None:
                    kinds.add(name)
                elif space[0] == "/ICCBased":
                    kinds.add(f"/ICCBased-{int(space[1].N)}")
                else:
                    kinds.add(str(space[0]))
    return kinds


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_only_cmyk_in_the_print_edition_and_srgb_on_screen(editions, lang):
    printed, screen = editions[lang]
    with pikepdf.open(printed) as pdf:
        assert _colour_spaces(pdf) <= {"/ICCBased-4", "/DeviceCMYK", "/DeviceGray"}
    with pikepdf.open(screen) as pdf:
        assert "/ICCBased-4" not in _colour_spaces(pdf)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_same_pages_footnotes_and_footer_as_the_screen_pdf(editions, lang):
    printed, screen = (pypdf.PdfReader(path) for path in editions[lang])
    assert len(printed.pages) == len(screen.pages)
    for page, same in zip(printed.pages, screen.pages):  # tagging changes the runs' order
        assert Counter("".join(page.extract_text().split())) == \
            Counter("".join(same.extract_text().split()))


def test_reproducible(editions, tmp_path):
    assert main(["build", str(SAMPLE / "en.md"), "--format", "print", "--out",
                 str(tmp_path)]) == 0
    (again,) = tmp_path.rglob("*-print.pdf")
    digest = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (editions["en"][0], again)]
    assert digest[0] == digest[1]
