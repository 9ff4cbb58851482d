"""Pandoc's bracketed citation syntax for markdown-it: `[@key]`, `[see @key, p. 12; @other]`,
and Pandoc's braces for a key with spaces: `[@{IOR 40/8247/2024}]`.

Hand-written because no markdown-it-py plugin parses Pandoc citations. The rule emits one
`cite` token whose `meta["items"]` holds (prefix, key, locator) triples and whose `content`
is the source text, so the reader can point at it.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_ITEM = re.compile(
    r"""^\s*(?P<prefix>(?:.*\s)?)-?@(?:\{(?P<braced>[^{}]+)\}|(?P<key>[\w][\w:.#$%&+?<>~/-]*?))
        \s*(?:,\s*(?P<locator>.*?))?\s*$""", re.X | re.S)

_UNCOMMAED = re.compile(r"^\s*(?P<prefix>(?:.*\s)?)@(?P<key>[\w][\w:.#$%&+?<>~/-]*[\w])"
                        r"\s+(?P<locator>[^,]+)$", re.S)


def _citation(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "[" or "@" not in src[pos:pos + 200]:
        return False
    end = src.find("]", pos)
    if end < 0 or "[" in src[pos + 1:end] or src[end + 1:end + 2] in ("(", "["):
        return False
    parts = src[pos + 1:end].split(";")
    items = [_ITEM.match(part) for part in parts]
    uncommaed = None
    if not all(items):
        # `[see @key para. 13]`: a citation whose locator lacks its comma, if `key` turns out
        # to be cited (the transforms decide, knowing the bibliography), else text
        uncommaed = len(parts) == 1 and _UNCOMMAED.match(parts[0])
        if not uncommaed:
            return False
    if not silent:
        token = state.push("cite", "", 0)
        token.content = src[pos:end + 1]
        if uncommaed:
            token.meta = {"items": [(uncommaed["prefix"].strip(), uncommaed["key"],
                                     uncommaed["locator"].strip())], "uncommaed": True}
        else:
            token.meta = {"items": [(m["prefix"].strip(), (m["braced"] or m["key"]).strip(),
                                     (m["locator"] or "").strip())
                                    for m in items]}
    state.pos = end + 1
    return True


def citation_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "citation", _citation)
