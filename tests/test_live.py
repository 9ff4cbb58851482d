"""`briefing watch` and `briefing preview`, driven by saving files and read over real HTTP."""
from __future__ import annotations

import pytest

import http.client
import io
import threading
import time

from pypdf import PdfReader

from conftest import MINIMAL, write_doc
from pipeline.commands import live
from pipeline.house import style as house
from pipeline.commands.cli import main

pytestmark = pytest.mark.e2e  # real worker processes: make test-all


def wait_for(condition, what: str, tries: int = 120, pause: float = 0.5, poke=None):
    """Poll `condition` (calling `poke` between tries) until it holds, at most `tries` times."""
    for _ in range(tries):
        if condition():
            return
        if poke:
            poke()
        time.sleep(pause)
    raise AssertionError(f"timed out waiting for {what}")


def test_watch_rebuilds_the_saved_language_only(tmp_path):
    source = tmp_path / "source"
    write_doc(source / "brief")
    fr = write_doc(source / "brief", name="fr.md")
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out)]) == 0
    english, french = out / "brief" / "IOR5387872024ENGLISH.pdf", out / "brief" / "IOR5387872024FRENCH.pdf"
    before = english.stat().st_ino, french.stat().st_ino
    stop = threading.Event()
    watcher = threading.Thread(target=live.watch, args=([source], [], ["pdf"], out, 1, house.locate(), None, stop))
    watcher.start()
    edits = iter(range(1000))

    def save():  # until the watcher, which starts asynchronously, has seen a save
        fr.write_text(MINIMAL.replace("More text.", f"Plus de texte ({next(edits)})."))

    try:
        save()
        wait_for(lambda: french.stat().st_ino != before[1], "the French PDF", poke=save)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert english.stat().st_ino == before[0]
    assert "Plus de texte" in PdfReader(french).pages[0].extract_text()


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_preview_reloads_the_html_before_the_pdf_is_done(tmp_path):
    source = write_doc(tmp_path / "doc")
    preview = live.Preview(source, tmp_path / "out", house.locate())
    server = threading.Thread(target=preview.serve)
    server.start()
    try:
        wait_for(lambda: get(preview.port, "/state") == (200, b"ready"), "the first PDF")
        status, page = get(preview.port, "/")
        assert status == 200 and b"A minimal briefing" in page
        # The standalone web page of the HTML output, with the reload script.
        (written,) = (tmp_path / "out").rglob("*.html")
        assert page == written.read_bytes().replace(
            b"</body>", b'<script src="/preview.js"></script>\n</body>')
        assert b"<style>" in page and b"data:font/ttf;base64," in page
        (source.parent / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # an image beside it
        assert get(preview.port, "/chart.png") == (200, b"\x89PNG\r\n\x1a\n")
        assert get(preview.port, "/en.md")[0] == 404  # images only
        assert get(preview.port, "/%2e%2e/%2e%2e/pyproject.toml")[0] == 404
        assert b"EventSource" in get(preview.port, "/preview.js")[1]

        events = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=30)
        events.request("GET", "/events")
        stream = events.getresponse()
        assert stream.getheader("Content-Type") == "text/event-stream"
        edits = iter(range(1000))
        seen: list[str] = []

        def save():
            write_doc(source.parent, MINIMAL.replace("More text.", f"Edited text {next(edits)}."))

        save()
        for _ in range(240):  # lines of the stream; a keep-alive comes every second
            line = stream.fp.readline().decode().strip()
            if line == ": still here" and not seen:
                save()  # the watcher may have started after the first save
            if line.startswith("event: "):
                seen.append(line.removeprefix("event: "))
                if seen[-1] == "page":
                    assert b"Edited text" in get(preview.port, "/")[1]
                if seen[-1] == "print":
                    break
        assert seen[-2:] == ["page", "print"]
        status, pdf = get(preview.port, "/pdf")
        assert status == 200 and "Edited text" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

        # A broken save is reported in the page; the last good HTML and PDF stay served.
        write_doc(source.parent, MINIMAL.replace("date: 2024-11-27\n", ""))
        for _ in range(120):
            line = stream.fp.readline().decode().strip()
            if line.startswith("data: ") and "missing required front-matter field" in line:
                break
        else:
            raise AssertionError("no error event")
        events.close()
        assert b"Edited text" in get(preview.port, "/")[1]
        assert get(preview.port, "/pdf")[1] == pdf
    finally:
        preview.stop.set()
        server.join(timeout=30)
    assert not server.is_alive()
