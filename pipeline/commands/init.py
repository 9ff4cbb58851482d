"""`briefing init [DIR]`: a new documents project: `briefing.toml`, `source/` with a sample
document from the house style's skeleton, and a `.gitignore` for what builds make."""
from __future__ import annotations

import datetime
import os
from pathlib import Path

from .. import project as projects
from ..house import style as houses
from .index import write_skeleton

SAMPLE = "sample"  # the sample document's folder under source/
GITIGNORE = "output/\nsite/\nregistry.sqlite3\n"


def init(folder: Path, style: str) -> int:
    """Make the project in `folder` (made if missing) with the house style `style`; refuse a
    folder that is a project already."""
    folder = folder.resolve()
    existing = projects.find(folder)
    if existing is not None and existing.root == folder:
        raise projects.ProjectError(f"{existing.config} already makes {folder} a briefing project")
    root = houses.locate(style, Path.cwd())
    house = houses.HouseStyle(root)
    setting = style if root.is_relative_to(houses.SHIPPED) else os.path.relpath(root, folder)
    today = datetime.date.today()
    example = house.identifier_settings.get("example", "").format(year=today.year)
    source = folder / projects.DEFAULTS["source"]
    sample = source / SAMPLE / "en.md"
    if sample.exists():
        raise projects.ProjectError(f"{sample} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / projects.CONFIG).write_text(
        "# A briefing documents project: `briefing build` renders source/ into output/.\n"
        f'style = "{setting}"\n', encoding="utf-8")
    write_skeleton(house, sample, title="Sample briefing", date=today,
                   index=house.identifiers.parse(example) if example else None)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    print(f"{folder}: a briefing project with the house style '{style}' and the sample "
          f"{sample.relative_to(folder)}; 'briefing build' renders it into output/")
    return 0
