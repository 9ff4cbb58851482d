"""HTML writer: the document through the house style's Jinja2 templates, either for the
print stylesheet (the PDF's input) or as a standalone web page.

The web page is one self-contained file: its styles are inlined, and so are its fonts, cut
down by fontTools to the characters the page uses (about 35 kB a face instead of 500 kB).
"""
from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from ..house import HouseStyle
from ..model import Document



def render(doc: Document, house: HouseStyle) -> str:
    """The HTML that the print stylesheet lays out (notes float to the page foot)."""
    return house.templates.get_template("document.html.j2").render(
        doc=doc, meta=doc.meta, notes=doc.notes, index=doc.meta.index, notes_at="foot",
        house=house, labels=house.labels(doc.lang), style_url=house.root.as_uri() + "/",
        token_css=house.token_css(),
    )


def page(doc: Document, house: HouseStyle) -> str:
    """The standalone web page: notes at the end, styles and fonts inlined."""
    template = house.templates.get_template("page.html.j2")
    context = dict(doc=doc, meta=doc.meta, notes=doc.notes, index=doc.meta.index,
                   notes_at="end", house=house, labels=house.labels(doc.lang),
                   screen_css=(house.root / "screen.css").read_text(encoding="utf-8"))
    text = template.render(**context, token_css="")
    characters = "".join(sorted(set(text + text.upper())))
    fonts = house.root / "fonts"
    return template.render(**context, token_css=house.token_css(
        lambda name: _font_data(fonts / name, characters)))


@cache
def _font_data(path: Path, characters: str) -> str:
    """A data: URL of the font at `path`, cut down to `characters`."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = TTFont(path, lazy=True, recalcTimestamp=False)  # same bytes on every build
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    data = io.BytesIO()
    font.save(data)
    return "data:font/ttf;base64," + base64.b64encode(data.getvalue()).decode("ascii")
