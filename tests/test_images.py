"""Images from the document folder: PNG, JPEG and SVG printed in the PDF with their alt text."""
from __future__ import annotations

import pikepdf
import pytest
from PIL import Image

from conftest import write_doc
from pipeline.commands.cli import main

TEXT = """\
---
title: Images
date: 2024-11-27
index: IOR 53/8787/2024
---
A photograph: ![A red rectangle](red.png)

A JPEG: ![A green rectangle](green.jpg) and a chart: ![A blue chart](chart%20one.svg)

A banner: ![A wide banner](wide.png)
"""
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
       '<rect width="200" height="100" fill="#0000ff"/></svg>')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images") / "doc"
    source = write_doc(folder, TEXT)
    Image.new("RGB", (200, 100), (255, 0, 0)).save(folder / "red.png")
    Image.new("RGB", (200, 100), (0, 255, 0)).save(folder / "green.jpg")
    Image.new("RGB", (4000, 100), (0, 0, 0)).save(folder / "wide.png", dpi=(72, 72))
    (folder / "chart one.svg").write_text(SVG)
    out = folder.parent / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    (pdf,) = out.rglob("*.pdf")
    return pdf


def test_png_and_jpeg_are_embedded(built):
    with pikepdf.open(built) as pdf:
        images = [pikepdf.PdfImage(image) for image in pdf.pages[0].get_images().values()]
        assert sorted((image.width, image.height, str(image.filters[0]))
                      for image in images) == [(200, 100, "/DCTDecode"), (200, 100, "/FlateDecode"),
                                 (4000, 100, "/FlateDecode")]


def test_images_carry_their_alt_text(built):
    with pikepdf.open(built) as pdf:
        alts = {str(obj.Alt) for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj}
    assert alts == {"A red rectangle", "A green rectangle", "A blue chart", "A wide banner"}


def test_the_svg_is_drawn_as_vectors(built):
    with pikepdf.open(built) as pdf:
        fills = [[float(value) for value in operands]
                 for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])
                 if str(operator) == "rg"]
    assert [0.0, 0.0, 1.0] in fills  # the chart's blue rectangle


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + b"not really a PNG",
    "truncated",  # a valid header whose pixels stop short: found only by decoding
])
def test_a_corrupt_image_is_an_error_at_its_line(fmt, data, tmp_path, capsys):
    folder = tmp_path / "doc"
    source = write_doc(folder, TEXT.split("A JPEG")[0])
    if data == "truncated":
        Image.effect_noise((300, 300), 50).save(folder / "red.png")
        data = (folder / "red.png").read_bytes()[:-2000]
    (folder / "red.png").write_bytes(data)
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", fmt, "--out", str(out)]) == 1
    assert capsys.readouterr().err == (f"{source}:6:34: error: image 'red.png' is not a "
                                       "readable PNG file\n")
    assert not any(out.rglob(f"*.{fmt}"))


def test_word_file_holds_the_pictures_within_the_text_width(built):
    import docx
    from validators import openxml_audit
    (path,) = built.parent.glob("*.docx")
    assert openxml_audit(path) == []
    document = docx.Document(path)
    section = document.sections[0]
    room = section.page_width - section.left_margin - section.right_margin
    shapes = {shape._inline.docPr.get("descr"): shape for shape in document.inline_shapes}
    assert set(shapes) == {"A red rectangle", "A green rectangle", "A wide banner"}
    red = shapes["A red rectangle"]
    assert red.width < room and red.width == 2 * red.height
    wide = shapes["A wide banner"]  # 4000 px at 72 dpi: scaled down to the text width
    assert wide.width == room and abs(wide.width / wide.height - 40) < 0.01
    blobs = {rel.target_part.blob[:8] for rel in document.part.rels.values()
             if "image" in rel.reltype}
    assert blobs == {b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00\x10JF"}
    assert any(p.text.endswith("and a chart: [A blue chart]") for p in document.paragraphs)


def test_web_page_holds_its_images(built):
    import base64
    import io
    import re
    (path,) = built.parent.glob("*.html")
    page = path.read_text(encoding="utf-8")
    found = dict((alt, src) for src, alt in re.findall(r'<img src="([^"]*)" alt="([^"]*)"', page))
    assert set(found) == {"A red rectangle", "A green rectangle", "A blue chart", "A wide banner"}
    red = found["A red rectangle"]
    assert red.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(red.split(",", 1)[1])))
    assert image.size == (200, 100) and image.getpixel((10, 10)) == (255, 0, 0)
    assert found["A blue chart"].startswith("data:image/svg+xml;base64,")
    assert b"#0000ff" in base64.b64decode(found["A blue chart"].split(",", 1)[1])
