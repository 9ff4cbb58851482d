"""HTML writer: the document through the house style's Jinja2 templates, either for the
print stylesheet (the PDF's input) or as a standalone web page."""
from __future__ import annotations

from ..house import HouseStyle
from ..model import Document


def render(doc: Document, house: HouseStyle) -> str:
    """The HTML that the print stylesheet lays out (notes float to the page foot)."""
    return house.templates.get_template("document.html.j2").render(
        doc=doc, meta=doc.meta, notes=doc.notes, index=doc.meta.index, notes_at="foot",
        house=house, labels=house.labels(doc.lang), style_url=house.root.as_uri() + "/",
        token_css=house.token_css(),
    )
