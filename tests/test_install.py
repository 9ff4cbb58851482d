"""briefing installs like any Python tool: a wheel built from this repository, installed into
a fresh environment, runs `briefing init` and builds the sample in a folder outside the
repository, with the house styles it carries as package data."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.e2e


def run(*command, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", folder, ROOT,
        cwd=folder)
    (found,) = folder.glob("briefing-*.whl")
    return found


def test_the_wheel_carries_every_house_style_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    styles = ROOT / "styles"
    expected = {f"pipeline/styles/{path.relative_to(styles).as_posix()}"
                for path in styles.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert expected - names == set()
    assert "pipeline/commands/preview.js" in names


def test_installed_wheel_inits_and_builds_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    # The dependencies come from this environment's site-packages, appended after the new
    # environment's own (so `pipeline` is the wheel's, never this checkout's).
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                   cwd=tmp_path).strip())
    (own / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        wheel, cwd=tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "BRIEFING_REGISTRY"}
    work = tmp_path / "elsewhere"
    work.mkdir()
    briefing = venv / "bin" / "briefing"
    where = run(python, "-c", "import pipeline; print(pipeline.__file__)", cwd=work, env=env)
    assert where.startswith(str(own))
    run(briefing, "init", "reports", cwd=work, env=env)
    run(briefing, "build", cwd=work / "reports", env=env)
    built = sorted(path.name for path in (work / "reports" / "output" / "sample").iterdir())
    assert len(built) == 3 and {name.rsplit(".", 1)[1] for name in built} == {"pdf", "docx", "html"}
    assert not (work / "registry.sqlite3").exists()
