"""Images referenced from Markdown: PNG, JPEG or SVG files inside the document's folder.

Checked and read once, when the source is read, so `briefing check` reports a bad image at
its Markdown line and every format gets the same checked bytes (`Image.data`), never the
file again: the address must be a relative file name of a known kind, the file a regular
file inside the document's folder (`files.read_inside`: no symbolic link, no FIFO or device,
within the size limit); a PNG or JPEG must decode (Pillow) to at most `limits.IMAGE_PIXELS`
pixels, counted before decoding (a small file can unpack to gigabytes); an SVG may refer to
nothing but itself and `data:` URLs. The SVG check is ours because no library answers "does
this SVG load anything from elsewhere"; lxml parses it (no entities, no network).
"""
from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import files, limits
from ..errors import SourceError
from ..model import Location

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]*)""")


def check(url: str, folder: Path, location: Location) -> bytes:
    """The bytes of the file an image's `url` names, after the checks above (SourceError at
    `location`)."""
    def refuse(problem: str):
        raise SourceError(location, f"image '{url}' {problem}")

    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        refuse("must be a file name relative to the document folder, not an address")
    if not parts.path:
        refuse("has no file name")
    data = files.read_inside(folder / unquote(parts.path), folder, limits.IMAGE_BYTES,
                             f"image '{url}'", location)
    kind = kind_of(url)
    if kind is None:
        refuse("must be a PNG, JPEG or SVG file")
    problem = _svg_problem(data) if kind == "SVG" else _raster_problem(data, kind)
    if problem:
        refuse(problem)
    return data


def kind_of(url: str) -> str | None:
    """The image format its address names by its extension: PNG, JPEG, SVG, or None."""
    return FORMATS.get(Path(unquote(urlsplit(url).path)).suffix.lower())


def _raster_problem(data: bytes, kind: str) -> str | None:
    """Why these bytes are no usable PNG or JPEG, or None: the pixels are counted from the
    header, then the whole image is decoded, refusing a truncated one (which WeasyPrint, once
    imported, has Pillow accept in the whole process)."""
    from PIL import Image as Pillow, ImageFile  # only for a document with an image

    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Pillow.DecompressionBombWarning)
            with Pillow.open(io.BytesIO(data), formats=[kind]) as image:
                pixels = image.width * image.height
                if pixels > limits.IMAGE_PIXELS:
                    return (f"has {image.width} x {image.height} pixels, more than the "
                            f"{limits.IMAGE_PIXELS // 1_000_000} million limit")
                image.load()
    except Pillow.DecompressionBombError:
        return f"has more than the {limits.IMAGE_PIXELS // 1_000_000} million pixels limit"
    except Exception:  # Pillow raises what its decoders raise (OSError, SyntaxError…)
        return f"is not a readable {kind} file"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return None


def _svg_problem(data: bytes) -> str | None:
    """Why this SVG cannot be used, or None (lxml imported here: most documents have none)."""
    from lxml import etree

    if not data.lstrip().startswith(b"<"):
        return "is not a SVG file"
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                      load_dtd=False))
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
