"""Images referenced from Markdown: PNG, JPEG or SVG files inside the document's folder.

Checked when the source is read, so `briefing check` reports a bad image at its Markdown line:
the address must be a relative file name, resolve (symbolic links followed) inside the
document's folder, name a file of a known kind and size, and an SVG may refer to nothing but
itself and `data:` URLs. The renderer's sandbox (`sandbox.py`) enforces the folder rule again;
this module gives the author an error at the right line. The SVG check is ours because no
library answers "does this SVG load anything from elsewhere"; lxml parses it (no entities, no
network).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from .. import limits
from ..errors import SourceError
from ..model import Location

SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
              ".jpeg": (b"\xff\xd8\xff",), ".svg": (b"<",)}
_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]*)""")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def check(url: str, folder: Path, location: Location) -> Path:
    """The file an image's `url` names, after the checks above (SourceError at `location`)."""
    def refuse(problem: str):
        raise SourceError(location, f"image '{url}' {problem}")

    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        refuse("must be a file name relative to the document folder, not an address")
    if not parts.path:
        refuse("has no file name")
    path = folder / unquote(parts.path)
    if not limits.inside(path, [folder]):
        refuse("lies outside the document folder")
    if not path.is_file():
        refuse("not found in the document folder")
    kind = path.suffix.lower()
    if kind not in SIGNATURES:
        refuse("must be a PNG, JPEG or SVG file")
    limits.check_size(path, limits.IMAGE_BYTES, "image", location)
    data = path.read_bytes()
    if not data.lstrip().startswith(SIGNATURES[kind]):
        refuse(f"is not a {kind[1:].upper()} file")
    if kind == ".svg":
        problem = _svg_problem(data)
        if problem:
            refuse(problem)
    return path


def _svg_problem(data: bytes) -> str | None:
    """Why this SVG cannot be used, or None."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        return f"is not well-formed SVG: {err}"
    if etree.QName(root).localname != "svg":
        return "is not an SVG file"
    for node in root.getroottree().iter():
        if isinstance(node, etree._ProcessingInstruction):
            return f"may not hold the processing instruction <?{node.target}?>"
        if not isinstance(node.tag, str):
            continue
        if etree.QName(node).localname in ("script", "foreignObject"):
            return f"may not hold a <{etree.QName(node).localname}> (an image runs no code)"
        handlers = [name for name in node.attrib if etree.QName(name).localname.startswith("on")]
        if handlers:
            return f"may not hold the event attribute '{etree.QName(handlers[0]).localname}'"
        for name, value in [*node.attrib.items(), (None, node.text or "")]:
            targets = _URL.findall(value)
            if name and etree.QName(name).localname == "href":
                targets.append(value.strip())
            if "@import" in value:
                return "may not use @import"
            for target in targets:
                if target and not target.startswith(("#", "data:")):
                    return f"may not refer to '{target}' (only to its own parts and data: URLs)"
    return None
