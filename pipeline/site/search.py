"""Full-text search without a server: Pagefind (PyPI `pagefind[bin]`, its binary in a wheel)
indexes the document pages (marked `data-pagefind-body`) once they are written, and the
search page loads the index in the browser, in fragments.

Why Pagefind: it keeps one index per page language (`<html lang>`), so the Arabic search
page searches the Arabic documents; it stems the languages Snowball covers (Arabic, French,
Spanish, English among them) and indexes any other language by its words. A bundle is made
beside the site and swapped in whole, so a failed run leaves the previous index.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BUNDLE = "pagefind"
ENTRY = f"{BUNDLE}/pagefind.js"  # what the search page loads


def index(site: Path) -> None:
    """Index the pages of `site` into `site/pagefind/`; RuntimeError if Pagefind fails."""
    import pagefind_bin

    fresh, old = site / f".{BUNDLE}.new", site / f".{BUNDLE}.old"
    for folder in (fresh, old):
        shutil.rmtree(folder, ignore_errors=True)
    run = subprocess.run([str(pagefind_bin.get_executable()), "--site", str(site),
                          "--output-path", str(fresh), "--silent"],
                         capture_output=True, text=True, timeout=600)
    if run.returncode or not (fresh / "pagefind.js").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        raise RuntimeError(f"Pagefind could not index {site}: {run.stderr.strip() or run.stdout.strip()}")
    if (site / BUNDLE).exists():
        (site / BUNDLE).rename(old)
    fresh.rename(site / BUNDLE)
    shutil.rmtree(old, ignore_errors=True)
