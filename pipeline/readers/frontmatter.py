"""The YAML front matter of a source: split off, parsed with line numbers, validated into `Meta`.

A translation names its original (`original: en`) and takes from it every key it does not
give itself: the shared ones (date, index, bibliography...) silently, the translatable ones
(title, kind, event, short title) with a warning.
"""
from __future__ import annotations

import datetime
import difflib
import re
from pathlib import Path

import yaml

from .. import files, limits
from ..errors import SourceError, warn
from ..model import Location, Meta

FIELDS = ("title", "kind", "event", "short_title", "date", "index", "unit", "bibliography",
          "status", "keywords", "original")
TRANSLATABLE = ("title", "kind", "event", "short_title")
REQUIRED = ("title", "date")  # and `index` where the house scheme requires one
STATUSES = ("draft", "final")

_FENCE = re.compile(r"^---[ \t]*$", re.M)
_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML with dates left as text, so that a bad date is our error at its line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def split(text: str, path: Path) -> str:
    """Return the YAML text of the front matter (which starts on the file's line 2)."""
    if not text.startswith("---"):
        raise SourceError(Location(path, 1), "the file must start with YAML front matter ('---')")
    first = _FENCE.match(text)
    end = _FENCE.search(text, first.end() + 1) if first else None
    if not end:
        raise SourceError(Location(path, 1), "front matter is not closed by a '---' line")
    return text[first.end() + 1:end.start()]


def load(yaml_text: str, path: Path) -> tuple[dict, dict]:
    """The mapping, its keys checked, and the locations of its values."""
    try:
        _refuse_aliases(yaml_text, path)
        node = yaml.compose(yaml_text, Loader=_Loader)
        data = yaml.load(yaml_text, Loader=_Loader) if node else {}
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise SourceError(Location(path, mark.line + 2, mark.column + 1),
                          f"malformed YAML front matter: {err.problem or err.context}") from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow
        before = yaml_text[:err.position]
        raise SourceError(Location(path, before.count("\n") + 2,
                                   err.position - (before.rfind("\n") + 1) + 1),
                          f"malformed YAML front matter: {err.reason} "
                          f"(character U+{err.character:04X})") from None
    start = Location(path, 1)
    if not isinstance(data, dict):
        raise SourceError(start, "front matter must be a mapping of 'key: value' lines")

    values = {}
    for key, value in node.value if node else []:
        name = key.value if isinstance(key, yaml.ScalarNode) else "?"
        if name not in FIELDS:
            close = difflib.get_close_matches(name, FIELDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(FIELDS)}"
            raise SourceError(Location(path, key.start_mark.line + 2, key.start_mark.column + 1),
                              f"unknown front-matter key '{name}'{hint}")
        values[name] = Location(path, value.start_mark.line + 2, value.start_mark.column + 1)
    return data, values


def parse(yaml_text: str, path: Path, house) -> Meta:
    """Validate the front matter, with the house style's units and identifier scheme; every
    problem is a `SourceError` at its line and column."""
    data, values = load(yaml_text, path)
    start = Location(path, 1)
    original = _inherit(data, values, path) if "original" in data else ""
    scheme = house.identifiers
    for key in REQUIRED + (("index",) if scheme.required else ()):
        if data.get(key) in (None, ""):
            raise SourceError(start, f"missing required front-matter field '{key}'")

    def text(key: str, default: str = "") -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)):
            raise SourceError(values[key], f"'{key}' must be text")
        return str(value).strip()

    try:
        when = datetime.date.fromisoformat(text("date"))
    except ValueError:
        raise SourceError(values["date"], "'date' must be a date like 2024-11-27, "
                          f"not {data['date']!r}") from None
    status = text("status", "final")
    if status not in STATUSES:
        raise SourceError(values["status"], f"'status' must be one of {', '.join(STATUSES)}")
    try:
        index = scheme.parse(text("index")) if text("index") else None
    except ValueError as err:
        raise SourceError(values["index"], str(err)) from None
    if index is not None and str(index) != text("index"):  # read leniently, printed strictly
        message = (f"the index is written {text('index')!r} but prints as '{index}': write it "
                   "in that form")
        if status == "final":
            raise SourceError(values["index"], message)
        warn(values["index"], message)
    keywords = data.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    if not isinstance(keywords, list) or not all(isinstance(k, (str, int)) for k in keywords):
        raise SourceError(values["keywords"], "'keywords' must be a list of words")
    unit = text("unit")
    bibliography = text("bibliography")

    return Meta(
        title=text("title"), date=when, index=index, kind=text("kind"),
        event=text("event"), short_title=text("short_title") or text("title"),
        unit=house.units.get(unit, unit or None), status=status,
        bibliography=Path(bibliography) if bibliography else None,
        keywords=[str(k) for k in keywords], original=original, locations=values,
    )


def is_language(code: str) -> bool:
    """Whether `code` has the shape of a BCP 47 language tag (`fr`, `pt-BR`)."""
    return bool(_LANG.fullmatch(code))


def original_source(path: Path, data: dict, values: dict) -> Path:
    """The source file of the original that the translation `path` names (`original: en`),
    from its loaded front matter: another language's file in the same folder."""
    lang = str(data["original"] or "").strip()
    source = path.with_name(f"{lang}.md") if is_language(lang) else None
    if lang == path.stem or not (source and source.is_file()):
        raise SourceError(values["original"], f"'original' must name another language of this "
                          f"document with its own source file, not {lang!r}")
    return source


def _inherit(data: dict, values: dict, path: Path) -> str:
    """Fill `data` with the original's keys it lacks; return the original's language."""
    source = original_source(path, data, values)
    lang = source.stem
    text = files.read_text_inside(source, path.parent, limits.SOURCE_BYTES, "the source file")
    original, original_values = load(split(text, source), source)
    if "original" in original:
        raise SourceError(original_values["original"], f"{path.name} names {source.name} as its "
                          "original, which is itself a translation")
    for key, value in original.items():
        if key in FIELDS and key not in data:
            data[key], values[key] = value, original_values[key]
            if key in TRANSLATABLE:
                warn(Location(path, 1), f"'{key}' is not translated: the original's is used")
    return lang


def _refuse_aliases(yaml_text: str, path: Path) -> None:
    """Anchors and aliases (`&a`, `*a`) have no use in front matter, and aliases of aliases
    expand exponentially ("billion laughs") in whatever walks the data: refuse them."""
    for event in yaml.parse(yaml_text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise SourceError(Location(path, mark.line + 2, mark.column + 1),
                              "YAML anchors and aliases (&name, *name) are not allowed in "
                              "front matter")
