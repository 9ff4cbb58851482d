"""Importing WeasyPrint without running a compiler: it finds Pango, HarfBuzz, fontconfig and
GObject by trying several names for each through cffi, which asks `ctypes.util.find_library`,
and on Linux that runs `ldconfig -p`, then `gcc` and `ld` for every name it does not find:
some 50 processes and 0.3-0.5 s of every PDF build from a cold start, for names such as
`libpango-1.0-0` that exist only on Windows. While WeasyPrint is imported, `find_library`
asks the dynamic linker's cache alone (ldconfig, as its first step does); a name not there is
not found, and WeasyPrint goes on to the next, `libpango-1.0.so.0`, which the loader opens
directly (LD_LIBRARY_PATH too). The same libraries are loaded. Elsewhere nothing changes.
"""
from __future__ import annotations

import contextlib
import ctypes.util
import sys


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
