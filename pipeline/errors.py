"""Errors and warnings about source files, reported as `file:line:col: error: message`."""
from __future__ import annotations

import sys


class SourceError(Exception):
    """An error in a source file, reported as `file:line:col: error: message`."""

    def __init__(self, location, message):
        super().__init__(f"{location}: error: {message}")
        self.location, self.message = location, message


class LayoutError(Exception):
    """The PDF could not be laid out as the house style requires."""


def warn(location, message: str) -> None:
    """Report a problem that does not stop the build."""
    print(f"{location}: warning: {message}", file=sys.stderr)
