"""Loading WeasyPrint's C libraries without needless work.

Importing WeasyPrint without running a compiler: it finds Pango, HarfBuzz, fontconfig and
GObject by trying several names for each through cffi, which asks `ctypes.util.find_library`,
and on Linux that runs `ldconfig -p`, then `gcc` and `ld` for every name it does not find:
some 50 processes and 0.3-0.5 s of every PDF build from a cold start, for names such as
`libpango-1.0-0` that exist only on Windows. While WeasyPrint is imported, `find_library`
asks the dynamic linker's cache alone (ldconfig, as its first step does); a name not there is
not found, and WeasyPrint goes on to the next, `libpango-1.0.so.0`, which the loader opens
directly (LD_LIBRARY_PATH too). The same libraries are loaded. Elsewhere nothing changes.

Parsing C types quickly: cffi parses each type string WeasyPrint asks for while it lays out
and writes (`ffi.new("PangoRectangle *")`) behind a declaration of every type name the
library declared, about 10 ms each and 0.1 s a PDF. A type name that a type string does not
use cannot change how it parses, so only the string's own names are declared: the same types
come back. This applies only over the cffi code it was written against (checked by its
source); another cffi is left as it is.
"""
from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import inspect
import re
import sys

import cffi.cparser


@contextlib.contextmanager
def found_by_ldconfig():
    """`ctypes.util.find_library` without the compiler and linker fallbacks, on Linux."""
    ldconfig = getattr(ctypes.util, "_findSoname_ldconfig", None)  # the first of its steps
    if not sys.platform.startswith("linux") or ldconfig is None:
        yield
        return
    find_library, ctypes.util.find_library = ctypes.util.find_library, ldconfig
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


_READ = "c150370f9f77692ff35f690bdf4eb27782b4d3499ea722da0bcb708e46e8f553"  # its source
_WORDS = re.compile(r"\w+")


def parse_types_quickly() -> None:
    """cffi's `Parser.parse_type_and_quals` declaring only the names a type string uses."""
    parser = cffi.cparser.Parser
    source = inspect.getsource(parser.parse_type_and_quals)
    if hashlib.sha256(source.encode()).hexdigest() != _READ:
        return

    def parse_type_and_quals(self, cdecl):  # cffi's, but for the names given to `_parse`
        used, known = set(_WORDS.findall(cdecl)), self._declarations
        self._declarations = {name: value for name, value in known.items()
                              if name.startswith("typedef ") and name[8:] in used}
        try:
            ast, macros = self._parse("void __dummy(\n%s\n);" % cdecl)[:2]
        finally:
            self._declarations = known
        assert not macros
        node = ast.ext[-1].type.args.params[0]
        if isinstance(node, cffi.cparser.pycparser.c_ast.ID):
            raise cffi.cparser.CDefError(f"unknown identifier '{node.name}'")
        return self._get_type_and_quals(node.type)

    parse_type_and_quals.__wrapped__ = parser.parse_type_and_quals
    parser.parse_type_and_quals = parse_type_and_quals
