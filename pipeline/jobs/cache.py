"""What each output was built from, so that a rebuild skips the outputs whose inputs are unchanged.

The manifest `<out>/.briefing-cache.json` holds, per output file, the source and format it came
from, the options, the SHA-256 of the output itself and of every input: the source, its
bibliography and images, a translation's original and sync record, the house style files its
format uses (`writers.FORMATS`), the pipeline's code (its version) and the writer library's
version file. A file is re-hashed only when its size or mtime
changed, or when it was modified less than `RACY_NS` before it was hashed (a second edit within
the same clock tick keeps the mtime, as git's "racily clean" entries). Checking reads no
Markdown and imports no renderer. Deleting the manifest is safe: everything is built again.

Written by hand: make-like tools (doit, SCons) bring their own task runner and process model,
while what a briefing needs is one dictionary of hashes next to the outputs.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import time
from pathlib import Path
from stat import S_ISREG

from .. import limits
from ..files import write_atomic
from ..writers import FORMATS

MANIFEST = ".briefing-cache.json"
SCHEMA = 1
RACY_NS = 2_000_000_000

PIPELINE = Path(__file__).resolve().parent.parent


def file_digest(path: Path) -> str | None:
    """SHA-256 of the file's bytes; None when there is no such file, or it is no regular file
    (a FIFO or device is never read: it may never end) or larger than any input may be."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not S_ISREG(info.st_mode) or info.st_size > limits.IMAGE_BYTES:
            return None
        return hashlib.sha256(stream.read(limits.IMAGE_BYTES + 1)).hexdigest()


def static_inputs(house: Path, fmt: str) -> list[Path]:
    """The inputs every document of this format shares: house style files, code, renderer."""
    entry = FORMATS[fmt]
    style = sorted({path for pattern in entry.style_files
                    for path in house.glob(pattern) if path.is_file()})
    code = sorted(PIPELINE.rglob("*.py"))
    spec = importlib.util.find_spec(entry.renderer)
    return style + code + ([Path(spec.origin)] if spec and spec.origin else [])


def _well_formed(data: dict) -> bool:
    """Whether a manifest's entries have the types this module reads."""
    files, outputs = data.get("files", {}), data.get("outputs", {})
    entry_keys = {"source": str, "format": str, "options": dict, "inputs": dict, "extra": list,
                  "output": str}
    return (isinstance(files, dict) and isinstance(outputs, dict)
            and all(isinstance(value, list) and len(value) == 3
                    and isinstance(value[0], int) and isinstance(value[1], int)
                    for value in files.values())
            and all(isinstance(entry, dict) and all(isinstance(entry.get(key), kind)
                                                    for key, kind in entry_keys.items())
                    for entry in outputs.values()))


class Manifest:
    """The manifest of one output folder; `save()` writes it back (atomically)."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / MANIFEST
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            data = {}
        elif not _well_formed(data):  # a damaged manifest is a cache miss, not a crash
            print(f"briefing: warning: {self.path} is damaged: everything is built again",
                  file=sys.stderr)
            data = {}
        self.files: dict[str, list] = data.get("files", {})  # path -> [mtime_ns, size, sha256]
        self.outputs: dict[str, dict] = data.get("outputs", {})  # output (relative) -> entry
        self._digests: dict[str, str | None] = {}
        self._static: dict[tuple[Path, str], list[Path]] = {}
        self._dirty = False

    def digest(self, path: Path) -> str | None:
        """The file's SHA-256, from the manifest when its size and mtime are unchanged."""
        key = os.path.abspath(path)
        if key in self._digests:
            return self._digests[key]
        try:
            stat = os.stat(key)
        except FileNotFoundError:
            stat = None
        if stat is None or not S_ISREG(stat.st_mode) or stat.st_size > limits.IMAGE_BYTES:
            self._digests[key] = None  # a FIFO or device is never read (it may never end)
            return None
        known = self.files.get(key)
        if known and known[:2] == [stat.st_mtime_ns, stat.st_size]:
            digest = known[2]
        else:
            digest = file_digest(Path(key))
            if time.time_ns() - stat.st_mtime_ns > RACY_NS:
                self.files[key] = [stat.st_mtime_ns, stat.st_size, digest]
            else:
                self.files.pop(key, None)
            self._dirty = True
        self._digests[key] = digest
        return digest

    def inputs(self, source: Path, fmt: str, house: Path, extra=()) -> dict[str, str | None]:
        """Digests of the inputs of `source` in `fmt`, with `extra` (found when it was loaded)."""
        if (house, fmt) not in self._static:
            self._static[house, fmt] = static_inputs(house, fmt)
        paths = [source, *self._static[house, fmt], *extra]
        return {os.path.abspath(path): self.digest(path) for path in paths}

    def entry(self, source: Path, fmt: str) -> tuple[str, dict] | None:
        """The recorded output of `source` in `fmt`: (name under `out`, entry)."""
        key = os.path.abspath(source)
        for name, entry in self.outputs.items():
            if entry["source"] == key and entry["format"] == fmt:
                return name, entry
        return None

    def fresh(self, source: Path, fmt: str, house: Path, options: dict,
              registry: str | None = None) -> bool:
        """Whether the recorded output exists as written and its inputs are unchanged. The
        inputs found on loading lie in the source's folder (or are the `registry` file): a
        manifest naming any other file is a miss, and that file is never read."""
        found = self.entry(source, fmt)
        if not found:
            return False
        name, entry = found
        folder = os.path.dirname(os.path.abspath(source))
        allowed = {os.path.abspath(registry)} if registry else set()
        if not all(os.path.commonpath([folder, os.path.abspath(path)]) == folder
                   or os.path.abspath(path) in allowed for path in entry["extra"]):
            return False
        extra = [Path(path) for path in entry["extra"]]
        return (entry["options"] == options
                and self.digest(self.out / name) == entry["output"]
                and self.inputs(source, fmt, house, extra) == entry["inputs"])

    def record(self, source: Path, fmt: str, options: dict, output: Path, output_digest: str,
               inputs: dict[str, str | None], extra: dict[str, str | None]) -> None:
        """Note that `output` was built from `inputs` (digested before the build read them)."""
        old = self.entry(source, fmt)
        if old:
            del self.outputs[old[0]]
        self.outputs[output.relative_to(self.out).as_posix()] = {
            "source": os.path.abspath(source), "format": fmt, "options": options,
            "inputs": {**inputs, **extra}, "extra": sorted(extra), "output": output_digest,
        }
        self._digests[os.path.abspath(output)] = output_digest
        self._dirty = True

    def unchanged(self, name: str, inputs: dict[str, str | None]) -> bool:
        """Whether the file `name` (under `out`) exists as recorded, made from `inputs`: for
        outputs that are not one source in one format (the document library's pages)."""
        entry = self.outputs.get(name)
        return (entry is not None and entry["inputs"] == inputs
                and self.digest(self.out / name) == entry["output"])

    def note(self, name: str, inputs: dict[str, str | None], output_digest: str) -> None:
        """Note that the file `name` was written from `inputs` (see `unchanged`)."""
        self.outputs[name] = {"source": "", "format": "", "options": {}, "inputs": inputs,
                              "extra": [], "output": output_digest}
        self._digests[os.path.abspath(self.out / name)] = output_digest
        self._dirty = True

    def forget(self, name: str) -> None:
        """Drop the record of the file `name` (which is gone)."""
        if self.outputs.pop(name, None) is not None:
            self._dirty = True

    def save(self) -> None:
        """Write the manifest back if it changed; none is made for a folder with no output."""
        if self._dirty and (self.outputs or self.path.exists()):
            data = {"schema": SCHEMA, "files": self.files, "outputs": self.outputs}
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
            self._dirty = False
