"""XLIFF files from translators' CAT tools, read safely: the entry point for importing
translations (`briefing translate import`).

XLIFF comes from outside hands. lxml parses it without loading a DTD, expanding entities or
touching the network, and a file that has a DOCTYPE at all is refused: XLIFF needs none, and a
DOCTYPE is what carries external-entity (XXE) and entity-expansion ("billion laughs") attacks.
Every problem is a SourceError at its line.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import files, limits
from ..errors import SourceError
from ..model import Location

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False)


@dataclass
class Unit:
    """One translation unit: `<trans-unit>` (XLIFF 1.2) or `<unit>` (XLIFF 2)."""
    id: str
    source: etree._Element
    target: etree._Element | None
    approved: str | None  # XLIFF 1.2: the trans-unit's `approved` ("yes", "no" or absent)
    location: Location


def parse(path: Path) -> etree._Element:
    """The root `<xliff>` element of a file, parsed safely."""
    data = files.read_inside(path, path.parent, limits.SOURCE_BYTES, "the XLIFF file")
    try:
        tree = etree.fromstring(data, _PARSER).getroottree()
    except etree.XMLSyntaxError as err:
        line, column = err.position
        raise SourceError(Location(path, line or 1, column + 1 if line else 1),
                          f"not well-formed XML: {err.msg}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        at = data.find(b"<!DOCTYPE")
        raise SourceError(Location(path, data.count(b"\n", 0, max(at, 0)) + 1),
                          "XLIFF files may not have a DOCTYPE: entities and DTDs are refused")
    root = tree.getroot()
    if etree.QName(root).localname != "xliff":
        raise SourceError(Location(path, root.sourceline or 1),
                          f"not an XLIFF file: the root element is <{etree.QName(root).localname}>")
    return root


def units(path: Path, root: etree._Element | None = None) -> list[Unit]:
    """The translation units of an XLIFF 1.2 or 2 file, in file order (`root`: the file as
    `parse` returned it, if already parsed)."""
    found = []
    for element in (parse(path) if root is None else root).iter("{*}trans-unit", "{*}unit"):
        location = Location(path, element.sourceline or 1)
        if not element.get("id"):
            raise SourceError(location, f"<{etree.QName(element).localname}> has no id")
        source, target = _child(element, "source"), _child(element, "target")
        if source is None:
            raise SourceError(location, f"unit '{element.get('id')}' has no <source>")
        found.append(Unit(element.get("id"), source, target, element.get("approved"), location))
    return found


def _child(unit: etree._Element, name: str) -> etree._Element | None:
    """The unit's own `<source>` or `<target>` (XLIFF 2: in its `<segment>`), never one of an
    `<alt-trans>` (a translation memory's suggestion)."""
    found = unit.find("{*}" + name)
    return found if found is not None else unit.find("{*}segment/{*}" + name)
