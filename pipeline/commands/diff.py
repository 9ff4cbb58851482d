"""Which pages of a PDF changed after an edit: a short report and side-by-side page images.

Pages are rasterised with pypdfium2 (PDFium, Chromium's PDF engine: a wheel, no system
package) and compared pixel by pixel with Pillow; page n of the old file is compared with page
n of the new one, and pages only one file has are added or removed. For each changed page a
PNG shows the old page (left) beside the new one (right), the changed area framed in red.
`since` builds a document as it was at a git revision (its folder at that revision, with the
current pipeline and house style) to compare with the current build.
"""
from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import SourceError
from ..files import write_atomic
from ..writers import PRINTED

SCALE = 1.5  # 108 dpi: enough to see a changed word, small enough to glance at
MARK = (220, 0, 0)


@dataclass
class Report:
    old: str  # what the files are, for the reader
    new: str
    old_pages: int = 0
    new_pages: int = 0
    changed: list[int] = field(default_factory=list)  # 1-based page numbers
    images: list[Path] = field(default_factory=list)

    @property
    def added(self) -> list[int]:
        return list(range(self.old_pages + 1, self.new_pages + 1))

    @property
    def removed(self) -> list[int]:
        return list(range(self.new_pages + 1, self.old_pages + 1))

    def __str__(self) -> str:
        lines = [f"{self.old} ({self.old_pages} pages) -> {self.new} ({self.new_pages} pages)"]
        if not (self.changed or self.added or self.removed):
            lines.append("no page changed")
        for name, pages in (("changed", self.changed), ("added", self.added),
                            ("removed", self.removed)):
            if pages:
                lines.append(f"{name}: {'page' if len(pages) == 1 else 'pages'} "
                             f"{', '.join(map(str, pages))}")
        lines += [f"  {image}" for image in self.images]
        return "\n".join(lines)


def _pages(path: Path) -> list:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as err:
        raise SourceError(path, f"not a readable PDF ({err})") from None
    try:
        return [page.render(scale=SCALE).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def _side_by_side(old, new, box):
    from PIL import Image, ImageDraw

    blank = old or new
    old = old or Image.new("RGB", blank.size, "lightgrey")
    new = new or Image.new("RGB", blank.size, "lightgrey")
    gap = 12
    image = Image.new("RGB", (old.width + gap + new.width, max(old.height, new.height)), "grey")
    image.paste(old, (0, 0))
    image.paste(new, (old.width + gap, 0))
    if box:
        draw = ImageDraw.Draw(image)
        left, top, right, bottom = box
        for offset in (0, old.width + gap):
            draw.rectangle((left + offset - 3, top - 3, right + offset + 2, bottom + 2),
                           outline=MARK, width=3)
    return image


def compare(old: Path, new: Path, images: Path | None = None) -> Report:
    """Compare two PDFs page by page; with `images`, write a PNG per changed page there."""
    from PIL import ImageChops

    before, after = _pages(old), _pages(new)
    report = Report(str(old), str(new), len(before), len(after))
    for number in range(1, max(len(before), len(after)) + 1):
        a = before[number - 1] if number <= len(before) else None
        b = after[number - 1] if number <= len(after) else None
        if a and b:
            box = ImageChops.difference(a, b).getbbox() if a.size == b.size else (0, 0, *b.size)
            if not box:
                continue
            report.changed.append(number)
        else:
            box = None
        if images:

            target = images / f"page-{number:03}.png"
            stream = io.BytesIO()
            _side_by_side(a, b, box).save(stream, "PNG")
            write_atomic(target, stream.getvalue())
            report.images.append(target)
    return report


def checkout(source: Path, revision: str, into: Path) -> Path:
    """The document folder of `source` as it was at `revision` of its git repository, written
    under `into` (same folder name); returns the source file's path there."""
    folder = source.resolve().parent
    top = Path(subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                              capture_output=True, text=True, check=True).stdout.strip())
    archive = subprocess.run(
        ["git", "-C", str(top), "archive", "--format=tar", revision,
         folder.relative_to(top).as_posix()], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:  # its files only, inside `into`
        for member in tar:  # (tarfile's filter="data" came with Python 3.11.4)
            name = PurePosixPath(member.name)
            if member.isfile() and not name.is_absolute() and ".." not in name.parts:
                target = into.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
    old = into / folder.relative_to(top) / source.name
    return old


def since(source: Path, revision: str, out: Path, house: Path, images: Path,
          registry: str | None = None) -> Report:
    """Build `source` as at `revision` and as now (incrementally, into `out`); compare."""
    from ..jobs import batch

    with tempfile.TemporaryDirectory(prefix="briefing-diff-") as work:
        work = Path(work)
        old_source = checkout(source, revision, work / "revision")
        if not old_source.is_file():
            raise FileNotFoundError(f"{source.name} is not in revision {revision}")
        pdfs = []
        for job in (batch.Job(old_source, PRINTED.name, work / "out", house, registry),
                    batch.Job(source, PRINTED.name, out, house, registry)):
            summary = batch.run([job], 1, progress=False)
            if summary.failed:
                raise RuntimeError(summary.failed[0].error)
            pdfs.append(summary.outputs[job])
        report = compare(*pdfs, images)
        report.old = f"{source} at {revision}"
        return report
