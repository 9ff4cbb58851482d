"""Images from the document folder: PNG, JPEG and SVG printed in the PDF with their alt text."""
from __future__ import annotations

import pikepdf
import pytest
from PIL import Image

from conftest import write_doc
from pipeline.cli import main

TEXT = """\
---
title: Images
date: 2024-11-27
index: IOR 53/8787/2024
---
A photograph: ![A red rectangle](red.png)

A JPEG: ![A green rectangle](green.jpg) and a chart: ![A blue chart](chart%20one.svg)
"""
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
       '<rect width="200" height="100" fill="#0000ff"/></svg>')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images") / "doc"
    source = write_doc(folder, TEXT)
    Image.new("RGB", (200, 100), (255, 0, 0)).save(folder / "red.png")
    Image.new("RGB", (200, 100), (0, 255, 0)).save(folder / "green.jpg")
    (folder / "chart one.svg").write_text(SVG)
    out = folder.parent / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    (pdf,) = out.rglob("*.pdf")
    return pdf


def test_png_and_jpeg_are_embedded(built):
    with pikepdf.open(built) as pdf:
        images = [pikepdf.PdfImage(image) for image in pdf.pages[0].get_images().values()]
        assert sorted((image.width, image.height, str(image.filters[0]))
                      for image in images) == [(200, 100, "/DCTDecode"), (200, 100, "/FlateDecode")]


def test_images_carry_their_alt_text(built):
    with pikepdf.open(built) as pdf:
        alts = {str(obj.Alt) for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj}
    assert alts == {"A red rectangle", "A green rectangle", "A blue chart"}


def test_the_svg_is_drawn_as_vectors(built):
    with pikepdf.open(built) as pdf:
        fills = [[float(value) for value in operands]
                 for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])
                 if str(operator) == "rg"]
    assert [0.0, 0.0, 1.0] in fills  # the chart's blue rectangle


def test_a_corrupt_image_is_an_error_at_its_line(tmp_path, capsys):
    folder = tmp_path / "doc"
    source = write_doc(folder, TEXT.replace("![A green rectangle](green.jpg) and ", ""))
    (folder / "red.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a PNG")
    (folder / "chart one.svg").write_text(SVG)
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:6:34: error: image 'red.png': Failed to load image"), err
    assert not any(out.rglob("*.pdf"))
