"""`briefing watch` and `briefing preview`: rebuild what a saved file affects.

Changes are noticed with watchfiles (inotify, no polling). `watch` re-runs the incremental
build, which renders only the outputs whose inputs changed. `preview` serves one document's
HTML on 127.0.0.1 and reloads the browser through server-sent events: on each save the HTML is
rendered first, in this process, and the page reloads; the PDF is built after it, by a warm
worker (replaced when the house style changes), and the page's link to it is refreshed. A stdlib HTTP server is enough for four routes and one
user; EventSource is built into browsers, so the page needs no script library.

Until a standalone HTML writer exists, the preview shows the HTML that `writers.html` makes for
the PDF (stylesheet URLs pointed at this server), so it is laid out by the print stylesheet.
"""
from __future__ import annotations

import mimetypes
import os
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import batch, build, house as houses
from .errors import LayoutError, SourceError

SCRIPT = Path(__file__).with_name("preview.js")
STEP_MS = 20  # changes closer together than this are one save (editors write in a few ms)


def _changes(paths: list[Path], out: Path, stop: threading.Event | None):
    """Sets of changed files under `paths` and the house style, outputs ignored."""
    import watchfiles

    ignore = [out.resolve()]
    return watchfiles.watch(*paths, houses.root(), stop_event=stop, raise_interrupt=False,
                            step=STEP_MS, watch_filter=watchfiles.DefaultFilter(ignore_paths=ignore))


def watch(paths: list[Path], langs: list[str], formats: list[str], out: Path,
          workers: int | None, stop: threading.Event | None = None) -> int:
    """Rebuild (incrementally) on every save until interrupted or `stop` is set."""
    print("watching for changes (Ctrl-C stops)", flush=True)
    try:
        for _ in _changes(paths, out, stop):
            try:
                sources = build.find_sources(paths, langs)
            except SourceError as err:
                print(err, file=sys.stderr, flush=True)
                continue
            summary = batch.run(batch.plan(sources, formats, out, houses.root()), workers)
            print(summary, flush=True)
    except KeyboardInterrupt:
        pass
    return 0


class Preview:
    """One document served at http://127.0.0.1:PORT/ while it is edited."""

    def __init__(self, source: Path, out: Path, port: int = 0):
        self.source, self.out = source, out
        self.html = b""
        self.house: houses.HouseStyle | None = None  # kept until a house style file changes
        self.workers = None  # one warm worker for the PDF, replaced if it dies or the style changes
        self.pdf: Path | None = None
        self.state = "building"  # of the PDF: building, ready, failed
        self._listeners: list[queue.Queue] = []
        self._lock = threading.Lock()
        self.stop = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
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

    def render_html(self) -> None:
        """The page, rendered here (no worker): the browser reloads before the PDF is done."""
        from .writers import html

        try:
            house = self.house = self.house or houses.HouseStyle(houses.root())
            doc = build.load(self.source, house)
            page = html.render(doc, house).replace(house.root.as_uri() + "/", "/style/")
        except (SourceError, OSError, LayoutError) as err:
            print(err, file=sys.stderr, flush=True)
            self.publish("failed", str(err))
            return
        self.html = page.replace("</body>", '<script src="/preview.js"></script>\n</body>').encode()
        self.publish("html")

    def render_pdf(self) -> None:
        self.state = "building"
        job = batch.Job(self.source, "pdf", self.out, houses.root())
        self.workers = self.workers or batch.pool(1)
        summary = batch.run([job], 1, progress=False, executor=self.workers)
        if any(result.retried for result in summary.built + summary.failed):
            self._retire_workers()  # it died
        self.pdf = summary.outputs.get(job, self.pdf)
        self.state = "failed" if summary.failed else "ready"
        self.publish("pdf", self.state)

    def _retire_workers(self) -> None:
        if self.workers:
            self.workers.shutdown(wait=False, cancel_futures=True)
            self.workers = None

    def rebuild(self) -> None:
        self.render_html()
        self.render_pdf()

    def serve(self) -> None:
        """Serve and rebuild on every save until `stop` is set."""
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        try:
            self.rebuild()
            style = str(houses.root().resolve())
            for changes in _changes([self.source.parent], self.out, self.stop):
                if any(path.startswith(style + os.sep) for _, path in changes):
                    self.house = None  # and the worker, whose caches hold the old style
                    self._retire_workers()
                self.rebuild()
        finally:
            self._retire_workers()
            self.stop.set()
            self.server.shutdown()
            self.server.server_close()


def _handler(preview: Preview):
    style = houses.root().resolve()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
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
            elif path.startswith("/style/"):
                file = os.path.realpath(style / path.removeprefix("/style/"))
                if os.path.commonpath([style, file]) == str(style) and os.path.isfile(file):
                    kind = mimetypes.guess_type(file)[0] or "application/octet-stream"
                    self._send(Path(file).read_bytes(), kind)
                else:
                    self.send_error(404)
            else:
                self.send_error(404)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            """Server-sent events: `html` (reload), `pdf` (its state), `failed` (an error)."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            listener = preview.listen()
            try:
                while not preview.stop.is_set():
                    try:
                        event, data = listener.get(timeout=1)
                        message = f"event: {event}\ndata: {data}\n\n"
                    except queue.Empty:
                        message = ": still here\n\n"  # finds out when the browser has gone
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except OSError:
                pass
            finally:
                preview.forget(listener)

        def log_message(self, *args):  # no line per request on the terminal
            pass

    return Handler


def preview(source: Path, out: Path, port: int) -> int:
    server = Preview(source, out, port)
    print(f"previewing {source} at http://127.0.0.1:{server.port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    return 0
