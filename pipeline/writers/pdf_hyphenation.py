"""Hyphenation patterns parsed once for all builds. WeasyPrint hyphenates with Pyphen, which
parses a language's pattern file (`hyph_en_US.dic`: 11,000 patterns) in every new process:
0.15 s of a cold PDF build. The parsed patterns are kept in the build's cache (`store`), as
JSON, by the file's content and Pyphen's version, and put into Pyphen's own cache of
dictionaries (`pyphen.hdcache`) before WeasyPrint asks for them: the same patterns, so the
same hyphenation.
"""
from __future__ import annotations

import json

import pyphen

from .. import store


def preload(lang: str) -> None:
    """Pyphen's dictionary for `lang` (as WeasyPrint looks it up), from the cache if kept."""
    name = pyphen.language_fallback(lang)
    path = pyphen.LANGUAGES.get(name) if name else None
    if path is None or path in pyphen.hdcache:
        return
    key = f"hyphenation {store.file_key(path)} pyphen {pyphen.__version__} lists"
    patterns, alternatives = json.loads(store.cached(key, lambda: _parsed(path)))
    dictionary = pyphen.HyphDict.__new__(pyphen.HyphDict)  # its patterns, not parsed again
    # Pyphen reads a pattern as `offset, values`: a list of two serves as its tuple
    dictionary.patterns = patterns
    dictionary.patterns.update({
        tags: (start, tuple(pyphen.DataInt(value, tuple(data)) if data else value
                            for value, data in values))
        for tags, (start, values) in alternatives.items()})
    dictionary.cache = {}
    dictionary.maxlen = max(len(tags) for tags in dictionary.patterns)
    pyphen.hdcache[path] = dictionary


def _parsed(path) -> bytes:
    """The patterns of the file at `path` as Pyphen parses them, as JSON: those of plain
    hyphenation points (`[start, [value, ...]]`), then those with a non-standard
    hyphenation among them (`[start, [[value, data], ...]]`)."""
    patterns = pyphen.HyphDict(path).patterns
    plain = {tags: [start, list(values)] for tags, (start, values) in patterns.items()
             if not any(getattr(value, "data", None) for value in values)}
    alternatives = {tags: [start, [[int(value), getattr(value, "data", None)]
                                   for value in values]]
                    for tags, (start, values) in patterns.items() if tags not in plain}
    return json.dumps([plain, alternatives], ensure_ascii=False, sort_keys=True).encode()
