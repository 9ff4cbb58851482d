"""Writing files so that a reader sees the old file or the new one, never a partial one."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(target: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
