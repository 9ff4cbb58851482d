"""The print edition, for a commercial printer: the screen PDF's pages, notes and footer,
as PDF/X-4 (ISO 15930-7), the standard printers ask for.

Its colours are the house's printing inks (`print: colours` in tokens.yaml, `device-cmyk()`),
its output intent the printer's CMYK profile (`print: profile`, `print: condition`), and its
pages carry a bleed beyond the trimmed page and crop marks (`print: bleed`, `print: marks`);
WeasyPrint writes the TrimBox and BleedBox of every page. The screen PDF stays sRGB.

WeasyPrint's PDF/X-4 metadata has a random `xmpMM:DocumentID` (uuid4) and names the output
condition after the profile's file; `finish` makes the identifier a function of the document
(its index and language), so two builds give the same bytes, and names the condition as the
ICC's registry of characterizations does.
"""
from __future__ import annotations

import re
import uuid

import pydyf

from . import pdf
from ..house.style import HouseStyle
from ..model import Document

OPTIONS = {"pdf_variant": "pdf/x-4", "custom_metadata": True}


def render(doc: Document, house: HouseStyle) -> bytes:
    """The print edition of `doc`, as PDF/X-4 bytes."""
    document = pdf.layout(doc, house, "print", OPTIONS)
    condition = house.tokens["print"]["condition"]
    document_id = uuid.uuid5(uuid.NAMESPACE_URL, f"briefing:{doc.meta.index}:{doc.lang}:print")

    def finish(_, written: pydyf.PDF) -> None:
        for intent in written.catalog["OutputIntents"]:
            intent["OutputConditionIdentifier"] = pydyf.String(condition)
            intent["Info"] = pydyf.String(condition)
            intent["RegistryName"] = pydyf.String("http://www.color.org")
        metadata = written.objects[int(written.catalog["Metadata"].split()[0])]
        xmp = b"".join(metadata.stream)
        metadata.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}",
                                  f"xmp.did:{document_id}".encode(), xmp)]

    return document.write_pdf(finisher=finish, **OPTIONS)
