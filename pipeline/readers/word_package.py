"""Opening a Word file from outside hands: what must be refused before any XML is parsed.

A `.docx` is a zip of XML parts. Before python-docx sees it, the whole file is checked within
the limits of `limits.py`: its size; every entry inflated by streaming, counting the bytes
actually produced (a zip's stated sizes can lie), so a zip bomb stops at the limit; no
encrypted entry; the main part a WordprocessingML document and not a macro-enabled one
(`.docm`, or a VBA project inside); no XML part with a DOCTYPE (entity expansion, external
entities). A password-protected Word file is not a zip at all but an OLE compound file
holding an `EncryptionInfo` stream, and an old `.doc` is one without: each gets its own
message. python-docx then parses the parts with entities unresolved.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from .. import files, limits
from ..errors import SourceError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E\x00")
_CHUNK = 64 * 1024


def open_document(path: Path):
    """The python-docx `Document` of the Word file `path`, once the file passed every check;
    a `SourceError` at the file naming the first it fails."""
    where = path
    if path.suffix.lower() == ".docm":
        raise SourceError(where, "a macro-enabled Word file (.docm) is not imported: save it "
                          "as a Word document (.docx)")
    data = files.read_inside(path, path.parent, limits.WORD_BYTES, "the Word file", where)
    if data.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise SourceError(where, "the Word file is password-protected: remove the password "
                              "(File > Info > Protect Document) and save it again")
        raise SourceError(where, "an old Word 97-2003 file (.doc): save it as a Word document "
                          "(.docx)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SourceError(where, "not a Word file (.docx): it is not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _inflate(archive, where)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as err:
        raise SourceError(where, f"not a readable Word file: damaged zip archive ({err})") from None
    types = parts.get("[Content_Types].xml", b"")
    if _MACRO.encode() in types or any(name.lower().endswith("vbaproject.bin") for name in parts):
        raise SourceError(where, "a macro-enabled Word file is not imported: save it as a "
                          "Word document (.docx) without macros")
    if _MAIN.encode() not in types:
        raise SourceError(where, "a zip archive but not a Word document (no WordprocessingML "
                          "main part)")
    for name, content in parts.items():
        if name.endswith((".xml", ".rels")) and _DOCTYPE.search(content[:4096]):
            raise SourceError(where, f"the Word file's part {name} declares a DOCTYPE, which no "
                              "Word document needs: refused (entity expansion)")
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError) as err:
        raise SourceError(where, f"not a readable Word file: {err}") from None


def _inflate(archive: zipfile.ZipFile, where: Path) -> dict[str, bytes]:
    """Every entry's bytes, inflated within the limits (counting what inflation yields)."""
    parts, total = {}, 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise SourceError(where, "the Word file is encrypted (password-protected zip entry "
                              f"{info.filename})")
        limit = limits.WORD_PART_BYTES
        chunks, size = [], 0
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > limit or total > limits.WORD_INFLATED_BYTES:
                    what = "inflates" if size > limit else "brings the inflated file"
                    limit = limit if size > limit else limits.WORD_INFLATED_BYTES
                    raise SourceError(where, f"the Word file's entry {info.filename} {what} "
                                      f"past the {limit // limits.MiB} MiB limit: refused as a "
                                      "zip bomb")
                chunks.append(chunk)
        parts[info.filename] = b"".join(chunks)
    return parts
