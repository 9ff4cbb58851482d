"""The reference validators of our output formats, run by the tests on real files:

- the Nu HTML Checker (`vnu.jar`, npm `vnu-jar`, Java): markup and CSS, errors and warnings;
- axe-core (npm `axe-core`) in Debian's Chromium through Playwright: accessibility;
- openxml-audit (PyPI): the Open XML SDK's schema and semantic checks of a DOCX;
- veraPDF (`scripts/verapdf`): PDF/A and PDF/UA.

`scripts/setup-machine test` installs Java, Chromium, the npm packages (pinned, in `.tools/`)
and veraPDF (in `.tools/verapdf`). Where one is missing, a test skips and says why; under CI (`CI=true`) it fails.
Each function returns the failures as readable lines, so a test asserts `== []`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".tools" / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VERAPDF = ROOT / "scripts" / "verapdf" / "check"
WIDTHS = (360, 1280)  # a phone and a desktop, in CSS pixels


def require(present: bool, reason: str) -> None:
    """Skip the test for a missing tool, or fail it under CI, which installs every tool."""
    if present:
        return
    reason += " (`scripts/setup-machine test` installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def vnu(paths: list[Path]) -> dict[Path, list[str]]:
    """The Nu HTML Checker's errors and warnings for each page (CSS checked too), from one
    Java process for all of them."""
    require(shutil.which("java") is not None, "Java is not installed (Debian default-jre-headless)")
    require(VNU.exists(), f"the Nu HTML Checker is not installed ({VNU.relative_to(ROOT)})")
    run = subprocess.run(["java", "-jar", str(VNU), "--also-check-css", "--format", "json",
                          "--exit-zero-always", *map(str, paths)],
                         capture_output=True, text=True, timeout=600)
    report = json.loads(run.stderr)
    found: dict[Path, list[str]] = {Path(path): [] for path in paths}
    by_file = {path.resolve(): path for path in found}
    for message in report["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue  # information, neither an error nor a warning
        kind = message.get("subType", message["type"])
        path = by_file.get(Path(unquote(urlsplit(message.get("url", "")).path)).resolve())
        line = f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}: {kind}: " \
               f"{message['message']} [{message.get('extract', '').strip()}]"
        if path is None:  # not about one page (the checker itself failed): every page fails
            for lines in found.values():
                lines.append(line)
        else:
            found[path].append(line)
    return found


def launch_chromium(playwright):
    """Debian's Chromium under Playwright (no browser download)."""
    require(Path(CHROMIUM).exists(), "Chromium is not installed (Debian chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


def axe(browser, path: Path, width: int) -> list[str]:
    """axe-core's violations on the page at `path`, `width` CSS pixels wide: every rule it
    runs by default (WCAG 2.0-2.2 A and AA, best practices), WCAG 2.2's target size too (off
    by default), at any impact. Its experimental rules are left out."""
    require(AXE.exists(), f"axe-core is not installed ({AXE.relative_to(ROOT)})")
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(path.resolve().as_uri())
        page.evaluate("document.fonts.ready")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations'],"
                               " rules: {'target-size': {enabled: true}}})")
    finally:
        page.close()
    return [f"{violation['id']} ({violation['impact']}): {node['target']} "
            f"{node['failureSummary']}"
            for violation in result["violations"] for node in violation["nodes"]]


def openxml_audit(path: Path) -> list[str]:
    """openxml-audit's errors (schema and semantics of every part) in the DOCX at `path`."""
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(path)
    return [f"{error.description} ({getattr(error, 'path', '')})" for error in result.errors]


def verapdf(flavour: str, pdfs: list[Path]) -> dict[Path, list[str]]:
    """veraPDF's failed rules for each PDF, by profile `flavour` ("2a": PDF/A-2a, "ua1":
    PDF/UA-1), from one Java process for all of them."""
    require(shutil.which("java") is not None, "Java is not installed (Debian default-jdk-headless)")
    require((ROOT / ".tools" / "verapdf" / "classpath").exists(), "veraPDF is not installed")
    run = subprocess.run([str(VERAPDF), flavour, *map(str, pdfs)], capture_output=True,
                         text=True, timeout=600)
    found: dict[Path, list[str]] = {Path(path): [] for path in pdfs}
    current = None
    for line in run.stdout.splitlines():
        if line.startswith("FILE "):
            current = Path(line.split()[1])
            if "compliant=true" not in line:
                found[current].append(line)
        elif line.startswith("  FAIL") and current is not None:
            found[current].append(line.strip())
    if run.returncode and not any(found.values()):
        return {path: [run.stdout + run.stderr] for path in found}
    return found
