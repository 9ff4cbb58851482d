"""`briefing watch` and `briefing preview` (`--site`): rebuild what a saved file affects.

Changes are noticed with watchfiles (inotify, no polling). `watch` re-runs the incremental
build, which renders only the outputs whose inputs changed. `preview` serves one document's
standalone web page (the HTML output) on 127.0.0.1 and reloads the browser through
server-sent events: on each save one warm worker (replaced if it dies or the house style
changes) writes the web page first, and the page reloads; it writes the PDF after it, and the
page's link to it is refreshed. Both are incremental builds into the output folder, within
the limits of any build. `preview --site` serves the document library instead, made again
(incrementally) on each save. A stdlib HTTP server is enough for a few routes and one user;
EventSource is built into browsers, so the page needs no script library.
"""
from __future__ import annotations

import mimetypes
import os
import queue
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import files, limits
from ..jobs import batch, build
from ..errors import SourceError
from ..writers import PRINTED, WEB_PAGE

SCRIPT = Path(__file__).with_name("preview.js")
SITE_SCRIPT = Path(__file__).with_name("preview-site.js")
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
_HOST = re.compile(r"(\[[^\]]*\]|[^:]*)(?::(\d+))?")
STEP_MS = 20  # changes closer together than this are one save (editors write in a few ms)


def _changes(paths: list[Path], house: Path, out: Path, stop: threading.Event | None):
    """Sets of changed files under `paths` and the house style, outputs ignored."""
    import watchfiles

    ignore = [out.resolve()]
    return watchfiles.watch(*paths, house, stop_event=stop, raise_interrupt=False,
                            step=STEP_MS, watch_filter=watchfiles.DefaultFilter(ignore_paths=ignore))


def watch(paths: list[Path], langs: list[str], formats: list[str], out: Path,
          workers: int | None, house: Path, registry: str | None = None,
          stop: threading.Event | None = None) -> int:
    """Rebuild (incrementally) on every save until interrupted or `stop` is set."""
    print("watching for changes (Ctrl-C stops)", flush=True)
    try:
        for _ in _changes(paths, house, out, stop):
            try:
                sources = build.find_sources(paths, langs)
            except SourceError as err:
                print(err, file=sys.stderr, flush=True)
                continue
            summary = batch.run(batch.plan(sources, formats, out, house, registry), workers)
            print(summary, flush=True)
    except KeyboardInterrupt:
        pass
    return 0


class _Live:
    """A server on 127.0.0.1 that tells its pages (server-sent events) when to reload, and
    rebuilds in one warm worker on every save of the files it watches."""

    def __init__(self, port: int, handler, watched: list[Path], house: Path, out: Path):
        self.watched, self.house, self.out = watched, house, out
        self.workers: batch.Workers | None = None  # one, kept warm across saves
        self._listeners: list[queue.Queue] = []
        self._lock = threading.Lock()
        self.stop = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def publish(self, event: str, data: str = "") -> None:
        with self._lock:
            for listener in self._listeners:
                listener.put((event, data))

    def listen(self) -> queue.Queue:
        listener: queue.Queue = queue.Queue()
        with self._lock:
            self._listeners.append(listener)
        return listener

    def forget(self, listener: queue.Queue) -> None:
        with self._lock:
            self._listeners.remove(listener)

    def pool(self) -> batch.Workers:
        self.workers = self.workers or batch.Workers(1)
        return self.workers

    def _retire_workers(self) -> None:
        if self.workers:
            self.workers.close()
            self.workers = None

    def rebuild(self) -> None:
        raise NotImplementedError

    def serve(self) -> None:
        """Serve and rebuild on every save until `stop` is set."""
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        try:
            self.rebuild()
            style = str(self.house.resolve())
            for changes in _changes(self.watched, self.house, self.out, self.stop):
                if any(path.startswith(style + os.sep) for _, path in changes):
                    self._retire_workers()  # its caches hold the old house style
                self.rebuild()
        finally:
            self._retire_workers()
            self.stop.set()
            self.server.shutdown()
            self.server.server_close()


class Preview(_Live):
    """One document served at http://127.0.0.1:PORT/ while it is edited."""

    def __init__(self, source: Path, out: Path, house: Path, port: int = 0,
                 registry: str | None = None):
        self.source = source  # before the handler is made: it serves the source's folder
        super().__init__(port, _handler, [source.parent], house, out)
        self.jobs = {entry: batch.Job(source, entry.name, out, house, registry)
                     for entry in (WEB_PAGE, PRINTED)}
        self.html = b""
        self.pdf: Path | None = None
        self.state = "building"  # of the PDF: building, ready, failed

    def _build(self, entry) -> batch.Summary:
        return batch.run([self.jobs[entry]], 1, progress=False, pool=self.pool())

    def render_html(self) -> None:
        """The web page, with the reload script; an error is shown on the last good page."""
        summary = self._build(WEB_PAGE)
        if summary.failed:
            self.publish("failed", summary.failed[0].error)
            return
        page = summary.outputs[self.jobs[WEB_PAGE]].read_text(encoding="utf-8")
        self.html = page.replace("</body>", '<script src="/preview.js"></script>\n</body>').encode()
        self.publish("page")

    def render_pdf(self) -> None:
        self.state = "building"
        summary = self._build(PRINTED)
        self.pdf = summary.outputs.get(self.jobs[PRINTED], self.pdf)
        self.state = "failed" if summary.failed else "ready"
        self.publish("print", self.state)

    def rebuild(self) -> None:
        self.render_html()
        self.render_pdf()


class _LiveHandler(BaseHTTPRequestHandler):
    """What both servers answer alike: this machine's names only, server-sent events."""
    live: _Live

    def request_path(self) -> str | None:
        """The path asked for; None (an error sent) for a foreign host or a NUL."""
        # Only this machine's own names: a page elsewhere whose name points here (DNS
        # rebinding) must not read the draft.
        host = _HOST.fullmatch(self.headers.get("Host") or "")
        if not host or host[1] not in LOCAL_NAMES or host[2] not in (None, str(self.live.port)):
            self.send_error(403)
            return None
        path = unquote(urlsplit(self.path).path)
        if "\0" in path:
            self.send_error(404)
            return None
        return path

    def _send(self, body: bytes, kind: str, image: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if image:  # an SVG from the document folder runs no script on our origin
            self.send_header("Content-Security-Policy", "default-src 'none'; "
                             "style-src 'unsafe-inline'; sandbox")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: `page` (reload), `print` (the PDF's state), `failed` (an
        error)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        listener = self.live.listen()
        try:
            while not self.live.stop.is_set():
                try:
                    event, data = listener.get(timeout=1)
                    # each line its own field: a line of the data cannot forge an event
                    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
                    message = f"event: {event}\n{lines}\n"
                except queue.Empty:
                    message = ": still here\n\n"  # finds out when the browser has gone
                self.wfile.write(message.encode())
                self.wfile.flush()
        except OSError:
            pass
        finally:
            self.live.forget(listener)

    def log_message(self, *args):  # no line per request on the terminal
        pass


def _handler(preview: Preview):
    folder = preview.source.parent.resolve()  # the page's images are relative to it

    class Handler(_LiveHandler):
        live = preview

        def do_GET(self):
            path = self.request_path()
            if path is None:
                return
            if path == "/":
                self._send(preview.html, "text/html; charset=utf-8")
            elif path == "/preview.js":
                self._send(SCRIPT.read_bytes(), "text/javascript")
            elif path == "/pdf" and preview.pdf and preview.pdf.is_file():
                self._send(preview.pdf.read_bytes(), "application/pdf")
            elif path == "/state":
                self._send(preview.state.encode(), "text/plain")
            elif path == "/events":
                self._events()
            else:
                kind = mimetypes.guess_type(path)[0] or ""
                try:  # the checked opener: no link, FIFO or device, inside the folder
                    body = kind.startswith("image/") and files.read_inside(
                        folder / path.lstrip("/"), folder, limits.IMAGE_BYTES, "image")
                except SourceError:
                    body = None
                if body:
                    self._send(body, kind, image=True)
                else:
                    self.send_error(404)

    return Handler


class SitePreview(_Live):
    """The document library of `paths` served at http://127.0.0.1:PORT/ while its documents
    are edited (drafts included, web pages only): made into `<out>/.site-preview` (with this
    server's address in its links), incrementally, and reloaded in the browser on each save."""

    FOLDER = ".site-preview"

    def __init__(self, paths: list[Path], out: Path, house: Path, port: int = 0,
                 registry: str | None = None):
        self.paths, self.registry = paths, registry
        self.site = out / self.FOLDER
        super().__init__(port, _site_handler, paths, house, out)

    def rebuild(self) -> None:
        from ..site import catalogue, publish

        try:
            report = publish.publish(
                build.find_sources(self.paths, []), self.out, self.site, self.house,
                formats=[WEB_PAGE.name], base_url=f"http://127.0.0.1:{self.port}/",
                drafts=True, registry=self.registry, workers=1, pool=self.pool(), verbosity=-1,
                progress=False)
        except (SourceError, catalogue.CatalogueError, ValueError, RuntimeError) as err:
            self.publish("failed", str(err))
            print(err, file=sys.stderr, flush=True)
            return
        if report.failed:  # the build has printed the errors
            self.publish("failed", "\n".join(report.failed))
            return
        print(report, flush=True)
        self.publish("page")


def _site_handler(preview: SitePreview):
    class Handler(_LiveHandler):
        live = preview

        def do_GET(self):
            path = self.request_path()
            if path is None:
                return
            if path == "/__briefing/events":
                self._events()
                return
            if path == "/__briefing/reload.js":
                self._send(SITE_SCRIPT.read_bytes(), "text/javascript")
                return
            site = os.path.realpath(preview.site)
            file = os.path.realpath(os.path.join(site, path.lstrip("/")))
            if os.path.isdir(file):
                file = os.path.join(file, "index.html")
            if os.path.commonpath([site, file]) != site or not os.path.isfile(file):
                self.send_error(404)
                return
            body = Path(file).read_bytes()
            kind = mimetypes.guess_type(file)[0] or "application/octet-stream"
            if kind == "text/html":
                body = body.replace(b"</body>", b'<script src="/__briefing/reload.js"></script>'
                                    b"\n</body>")
                kind += "; charset=utf-8"
            self._send(body, kind)

    return Handler


def preview_site(paths: list[Path], out: Path, port: int, house: Path,
                 registry: str | None = None) -> int:
    return _run(lambda: SitePreview(paths, out, house, port, registry), port, "the library")


def preview(source: Path, out: Path, port: int, house: Path,
            registry: str | None = None) -> int:
    return _run(lambda: Preview(source, out, house, port, registry), port, str(source))


def _run(make, port: int, what: str) -> int:
    try:
        server = make()
    except (OSError, OverflowError) as err:  # in use, not allowed, or out of range
        print(f"briefing: error: cannot serve on 127.0.0.1:{port}: "
              f"{getattr(err, 'strerror', None) or err}", file=sys.stderr)
        return 1
    print(f"previewing {what} at http://127.0.0.1:{server.port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    return 0
