"""One source of truth for the look: a change to tokens.yaml reaches the PDF, the DOCX and
the web page alike."""
from __future__ import annotations

import base64
import io
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
import yaml
from fontTools.ttLib import TTFont

from conftest import write_doc
from pipeline.jobs import build
from pipeline.house import style as houses
from pipeline.writers import render

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
GREEN = "#0a7a3d"


def font_family(data: bytes) -> str:
    return TTFont(io.BytesIO(data))["name"].getDebugName(1)


def pdf_facts(data: bytes) -> tuple[set, set]:
    """The fill and stroke colours painted, and the families of the embedded fonts."""
    colours, families = set(), set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("rg", "RG"):
                    colours.add(tuple(round(float(v) * 255) for v in operands))
            for font in page.Resources.Font.values():
                for descendant in font.get("/DescendantFonts", [font]):
                    program = descendant.FontDescriptor.get("/FontFile2")
                    if program is not None:
                        families.add(font_family(program.read_bytes()))
    return colours, families


def docx_styles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/styles.xml").decode()


def html_facts(data: bytes) -> tuple[str, str]:
    """The accent custom property and the family of the inlined regular body font."""
    text = data.decode()
    accent = re.search(r"--accent:\s*([^;]+);", text).group(1)
    font = re.search(r'font-family: "House Sans"; src: url\(data:font/ttf;base64,([^)]+)\); '
                     r"font-weight: normal; font-style: normal;", text).group(1)
    return accent, font_family(base64.b64decode(font))


@pytest.fixture(scope="module")
def changed_house(tmp_path_factory) -> houses.HouseStyle:
    """A copy of the house style with another accent colour and body font, set in tokens.yaml
    only."""
    if not (DEJAVU / "DejaVuSans.ttf").exists():
        pytest.fail("fonts-dejavu-core is not installed (.ci/run installs it)")
    root = tmp_path_factory.mktemp("styles") / "amnesty"
    shutil.copytree(houses.locate("amnesty"), root)
    files = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf",
             "italic": "DejaVuSans-Oblique.ttf", "bold-italic": "DejaVuSans-BoldOblique.ttf"}
    for name in files.values():
        shutil.copy(DEJAVU / name, root / "fonts" / name)
    tokens = yaml.safe_load((root / "tokens.yaml").read_text(encoding="utf-8"))
    tokens["colours"]["accent"] = GREEN
    tokens["fonts"]["body"].update(family="DejaVu Sans", files=files)
    (root / "tokens.yaml").write_text(yaml.safe_dump(tokens, allow_unicode=True), encoding="utf-8")
    return houses.HouseStyle(root)


@pytest.mark.parametrize("which", ["default", "changed"])
def test_tokens_reach_all_three_outputs(which, changed_house, house_style, tmp_path):
    house = changed_house if which == "changed" else house_style
    accent, family = (GREEN, "DejaVu Sans") if which == "changed" else ("#ffff00", "Noto Sans")
    rgb = tuple(int(accent[i:i + 2], 16) for i in (1, 3, 5))
    doc = build.load(write_doc(tmp_path / "doc"), house)

    colours, families = pdf_facts(render(doc, house, "pdf"))
    assert rgb in colours
    assert family in families

    styles = docx_styles(render(doc, house, "docx"))
    assert f'w:color="{accent[1:].upper()}"' in styles
    assert f'w:ascii="{family}"' in styles

    assert html_facts(render(doc, house, "html")) == (accent, family)
