"""Reading and writing files safely: every file a document names is read once, through
`read_inside`, and its bytes are handed on; outputs are written so that a reader sees the old
file or the new one, never a partial one.

`read_inside` is ours because the checks must hold for the file actually read, not for the
name a moment earlier (another process may swap a file for a symbolic link between a check
and a read): it opens without following a final symbolic link and without blocking, then
checks the open file itself (a regular file, its real path inside the folder, its size).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .errors import SourceError
from .model import Location


def read_inside(path: Path, folder: Path, limit: int, what: str,
                location: Location | None = None) -> bytes:
    """The bytes of `path`, a regular file (not a symbolic link, FIFO or device) whose real
    path lies inside `folder`, of at most `limit` bytes. Otherwise a SourceError at `location`
    (where the file is named), or at the file's start, saying what is wrong with the `what`."""
    where = location or Location(path, 1)

    def refuse(problem: str):
        raise SourceError(where, f"{what} {problem}")

    root = os.path.realpath(folder)
    if not _under(os.path.abspath(folder), os.path.abspath(path)):  # `../` in the name
        refuse("lies outside the document folder")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        refuse("not found in the document folder")
    except OSError as err:
        if os.path.islink(path):
            refuse("is a symbolic link: copy the file into the document folder")
        refuse(f"cannot be read: {err.strerror}")
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            refuse("is not a regular file")
        if not _under(root, os.readlink(f"/proc/self/fd/{fd}")):  # the file actually open
            refuse("lies outside the document folder")
        if info.st_size > limit:
            refuse(f"is {_mib(info.st_size)}, more than the {_mib(limit)} limit")
        data = stream.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        refuse(f"is more than the {_mib(limit)} limit")
    return data


def _under(folder: str, path: str) -> bool:
    return os.path.commonpath([folder, path]) == folder


# what XML 1.0 (DOCX, XLIFF) cannot hold: C0 controls but tab and line ends, U+FFFE, U+FFFF
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_text_inside(path: Path, folder: Path, limit: int, what: str,
                     location: Location | None = None) -> str:
    """The text of `path`, read as `read_inside` does: UTF-8 (a byte-order mark is dropped),
    any line endings, no control character; a SourceError at the offending line and column."""
    data = read_inside(path, folder, limit, what, location)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise SourceError(Location(path, line, column), "the file is not valid UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        start = control.start()
        raise SourceError(Location(path, text.count("\n", 0, start) + 1,
                                   start - (text.rfind("\n", 0, start) + 1) + 1),
                          f"the control character U+{ord(control.group()):04X} is not allowed "
                          "in text")
    return text


def _mib(size: int) -> str:
    mib = 1024 * 1024
    return f"{size / mib:.1f} MiB" if size % mib else f"{size // mib} MiB"


def write_atomic(target: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def trusted_yaml(path: Path):
    """The data of a YAML file of the house style (trusted, unlike sources), through libyaml's
    safe loader where PyYAML has it: the pure-Python one took half of a no-change build."""
    import yaml  # not at the top: `commands.start` imports this module before
    # `regex_cache` keeps the patterns that importing PyYAML compiles

    return yaml.load(path.read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
