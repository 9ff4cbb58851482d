"""Errors and warnings about source files, reported as `file:line:col: error: message`."""
from __future__ import annotations

import re
import sys

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SourceError(Exception):
    """An error in a source file, reported as `file:line:col: error: message`."""

    def __init__(self, location, message):
        super().__init__(f"{shown(location)}: error: {message}")
        self.location, self.message = location, message


class LayoutError(Exception):
    """The PDF could not be laid out as the house style requires."""


def warn(location, message: str) -> None:
    """Report a problem that does not stop the build."""
    print(f"{shown(location)}: warning: {message}", file=sys.stderr)


def shown(where) -> str:
    """A path (or location) as messages print it: a control character in a file or folder
    name (a newline) is escaped, so that a name can never forge a line of the log."""
    return _CONTROL.sub(lambda match: ascii(match.group())[1:-1], str(where))
