"""Regular expressions compiled once per project and kept, as Python keeps compiled modules.

A `briefing` command compiles 150 to 300 regular expressions (PyYAML's, markdown-it-py's and
linkify-it-py's, Jinja2's, WeasyPrint's, ours): about 35 ms of a 0.3 s DOCX or HTML build,
more than importing any one library. Python keeps a module's bytecode between runs, but
compiles every pattern again in every process. After `keep`, `re` compiles through `_compile`
here: a pattern compiled before comes from a table in the cache of the project's output
folder (`store`; also when `--out` names another), keyed by the interpreter's exact build; a
new one is compiled as `re` compiles it and added (its compile-time warnings, such as a
FutureWarning, come the first time only). The table stays with the project's outputs, like
the rest of its cache, because a pattern may hold a document's words (the PDF's hyphenation
keeps some whole).

Written by hand: no library keeps compiled patterns between processes. It calls `re`'s own
parser and code generator and `_sre.compile`, as `re._compiler.compile` does in CPython 3.11
to 3.13, where that function is the same; on any other interpreter `keep` does nothing.
"""
from __future__ import annotations

import marshal
import re
import sys
from functools import cache
from pathlib import Path

from . import store

SUPPORTED = ((3, 11), (3, 12), (3, 13))
LIMIT = 1000  # patterns; past it, the table keeps only what the last command compiled

_ORIGINAL = re._compiler.compile
_table: dict[tuple, tuple] = {}  # (bytes?, pattern, flags) -> _sre.compile's other arguments
_used: set[tuple] = set()
_added = False
_folder: Path | None = None


def keep(folder: Path) -> None:
    """Compile patterns through the table kept in the build cache `folder` (and add to it)
    until `save`."""
    global _folder
    if sys.implementation.name != "cpython" or sys.version_info[:2] not in SUPPORTED:
        return
    with store.kept_in(folder):
        kept = store.get(_key())
    try:
        _table.update(marshal.loads(kept) if kept else {})
    except (EOFError, ValueError, TypeError):  # the entry is intact: a bug, never a failure
        pass
    _folder = folder
    re._compiler.compile = _compile


def save() -> None:
    """Keep the table, if this process compiled patterns it did not hold."""
    if _folder is None or not _added:
        return
    table = _table if len(_table) <= LIMIT else {key: _table[key] for key in tuple(_used)}
    with store.kept_in(_folder):
        store.put(_key(), marshal.dumps(table))


@cache
def _key() -> str:
    return " ".join(["compiled patterns", store.file_key(Path(__file__)), sys.version,
                     sys.platform, sys.byteorder, str(re._compiler.MAGIC)])


def _compile(pattern, flags=0):
    """`re._compiler.compile`, with the compiling done once per project."""
    global _added
    compiler = re._compiler
    if type(pattern) not in (str, bytes) or flags & compiler.SRE_FLAG_DEBUG:
        return _ORIGINAL(pattern, flags)  # a parsed pattern (re.Scanner's), or debugging
    key = (type(pattern) is bytes, pattern, int(flags))  # as re's own cache: b"a" is not "a"
    kept = _table.get(key)
    if kept is not None:
        try:
            compiled = compiler._sre.compile(pattern, *kept)
        except Exception:  # an entry that reads well but is no code for it: compiled anew
            kept = None
    if kept is None:
        parsed = compiler._parser.parse(pattern, flags)
        names = [None] * parsed.state.groups
        for name, number in parsed.state.groupdict.items():
            names[number] = name
        code = list(map(int, compiler._code(parsed, flags)))  # marshal takes plain ints
        kept = (int(flags | parsed.state.flags), code, parsed.state.groups - 1,
                dict(parsed.state.groupdict), tuple(names))
        compiled = compiler._sre.compile(pattern, *kept)
        _table[key] = kept
        _added = True
    _used.add(key)
    return compiled
