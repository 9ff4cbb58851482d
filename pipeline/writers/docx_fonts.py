"""The house fonts embedded in a Word file, so that Word and LibreOffice show the house type
on a machine without it (ECMA-376 Part 1, 17.8.1 and 17.8.3): each face is an obfuscated
TrueType part (`word/fonts/fontN.odttf`) of the font table, named by `w:embedRegular`,
`w:embedBold`… with its key. No Python library writes them (python-docx has no API for the
font table), hence this module, on python-docx's parts.

Obfuscation: the first 32 bytes of the font XORed with the key, a GUID, its 16 bytes in
reverse order. The key is derived from the font file's bytes, so equal inputs give equal
files. The parts are added with empty bodies and their bytes handed back: the writer stores
them uncompressed in the zip (deflating megabytes of fonts on every build would cost more
than the rest of the document).
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory, XmlPart
from docx.oxml.ns import qn

from .docx_notes import element as _el

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FACES = {"regular": "w:embedRegular", "bold": "w:embedBold", "italic": "w:embedItalic",
         "bold-italic": "w:embedBoldItalic"}  # in the schema's order

# The children of w:settings before w:embedTrueTypeFonts (ECMA-376 Part 1, 17.15.1.78).
_BEFORE_EMBEDDING = {qn(f"w:{name}") for name in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData")}

# The font table as XML (python-docx loads it as bytes); set before any document is opened.
PartFactory.part_type_for[CT.WML_FONT_TABLE] = XmlPart


def embed(document, families: dict[str, dict[str, Path]]) -> dict[str, bytes]:
    """Embed each family's faces ({family: {"regular": path, …}}, faces as in tokens.yaml)
    in `document`; the zip member name and bytes of each font part."""
    (font_table,) = [rel.target_part for rel in document.part.rels.values()
                     if rel.reltype == RT.FONT_TABLE]
    settings = document.settings.element
    if settings.find(qn("w:embedTrueTypeFonts")) is None:
        after = next((child for child in settings if child.tag not in _BEFORE_EMBEDDING), None)
        flag = _el("w:embedTrueTypeFonts", {})
        settings.append(flag) if after is None else after.addprevious(flag)
    fonts = font_table.element
    members = {}
    for family, faces in families.items():
        for old in fonts.findall(qn("w:font")):
            if old.get(qn("w:name")) == family:
                fonts.remove(old)
        font = _el("w:font", {"w:name": family})
        fonts.append(font)
        for face, tag in FACES.items():
            if face not in faces:
                continue
            key, data = _obfuscated(faces[face])
            name = f"/word/fonts/font{len(members) + 1}.odttf"
            part = Part(PackURI(name), OBFUSCATED_FONT, b"", document.part.package)
            font.append(_el(tag, {"r:id": font_table.relate_to(part, RT.FONT),
                                  "w:fontKey": key}))
            members[name.lstrip("/")] = data
    return members


@cache
def _obfuscated(path: Path) -> tuple[str, bytes]:
    """The font at `path` obfuscated, and its key (`{XXXXXXXX-…}`)."""
    data = path.read_bytes()
    key = hashlib.sha256(data).digest()[:16]  # a GUID's 16 bytes, written as 8-4-4-4-12
    mask = key[::-1] * 2
    head = bytes(byte ^ bit for byte, bit in zip(data[:32], mask))
    digits = key.hex().upper()
    return (f"{{{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}}}",
            head + data[32:])
