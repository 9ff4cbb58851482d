"""The documents project: the folder holding `briefing.toml`, or a `pyproject.toml` with a
`[tool.briefing]` table, found by walking up from the working folder as git finds its
repository, so that every command gives the same answer from any subfolder.

Its settings, all optional: `source` (the document folders, default `source`), `output`
(default `output`), `style` (a house style: a folder of the project, or the name of a style
shipped with briefing; default `amnesty`), `registry` (an SQLite file of the project or a
`postgresql://` URL; default `registry.sqlite3`) and `site` (where `briefing site` writes the
document library; default `site`). Without a default: `scheduler`, the address of a Dask
scheduler to build on (`briefing build --scheduler`), and `tls_ca`, `tls_cert`, `tls_key`, the
certificate files (relative to the project) for a `tls://` one.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG = "briefing.toml"
DEFAULTS = {"source": "source", "output": "output", "style": "amnesty",
            "registry": "registry.sqlite3", "site": "site"}
OPTIONAL = ("scheduler", "tls_ca", "tls_cert", "tls_key")
TLS = {"ca": "tls_ca", "cert": "tls_cert", "key": "tls_key"}


class ProjectError(Exception):
    """No project where one is needed, or a project whose settings are wrong."""


@dataclass(frozen=True)
class Project:
    root: Path
    config: Path
    settings: dict

    @property
    def source(self) -> Path:
        return self.root / self.settings["source"]

    @property
    def output(self) -> Path:
        return self.root / self.settings["output"]

    @property
    def site(self) -> Path:
        return self.root / self.settings["site"]

    @property
    def style(self) -> str:
        """The house style as the settings name it: a folder of the project or a name."""
        return self.settings["style"]

    @property
    def registry(self) -> str:
        """A file path (absolute) or a `postgresql://` URL."""
        setting = self.settings["registry"]
        return setting if is_url(setting) else str(self.root / setting)

    @property
    def scheduler(self) -> str | None:
        return self.settings.get("scheduler")

    @property
    def tls(self) -> dict[str, str] | None:
        """The certificate files for a `tls://` scheduler (`ca`, `cert`, `key`), or None."""
        given = {name: self.settings.get(key) for name, key in TLS.items()}
        if not any(given.values()):
            return None
        missing = [TLS[name] for name, value in given.items() if not value]
        if missing:
            raise ProjectError(f"{self.config}: error: TLS also needs {', '.join(missing)}")
        return {name: str(self.root / value) for name, value in given.items()}


def is_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def find(start: Path | None = None) -> Project | None:
    """The project holding `start` (default: the working folder), or None."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        config = candidate / CONFIG
        if config.is_file():
            return Project(candidate, config, _settings(_toml(config), config))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _toml(pyproject).get("tool", {}).get("briefing")
            if table is not None:
                return Project(candidate, pyproject, _settings(table, pyproject))
    return None


def require(start: Path | None = None) -> Project:
    """The project holding `start`; ProjectError if there is none."""
    project = find(start)
    if project is None:
        raise ProjectError(f"not inside a briefing project (no {CONFIG}, and no pyproject.toml "
                           f"with [tool.briefing], in {(start or Path.cwd()).resolve()} or a "
                           "parent folder); run 'briefing init' to make one")
    return project


def _toml(path: Path) -> dict:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ProjectError(f"{path}: error: {err}") from None


def _settings(table: dict, path: Path) -> dict:
    for key, value in table.items():
        if key not in DEFAULTS and key not in OPTIONAL:
            import difflib

            known = [*DEFAULTS, *OPTIONAL]
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ProjectError(f"{path}: error: unknown setting '{key}'{hint} (settings: "
                               f"{', '.join(known)})")
        if not isinstance(value, str) or not value.strip():
            raise ProjectError(f"{path}: error: '{key}' must be a non-empty string")
    return {**DEFAULTS, **table}
