"""The URL fetcher WeasyPrint renders with: `data:` URLs, the document's images from the bytes
read (and checked) with the source, and files under the allowed folders (the house style's),
never the network. Refusals are collected so the build can fail with a clear message."""
from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..limits import inside


class SandboxFetcher(URLFetcher):
    def __init__(self, roots: list[Path], files: dict[str, bytes] | None = None):
        """`files`: bytes served for these absolute paths, which are not read."""
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = [os.path.realpath(root) for root in roots]
        self.files = files or {}
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = os.path.normpath(unquote(parts.path))
            if path in self.files:
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, self.files[path], {"Content-Type": kind})
            path = os.path.realpath(path)
            if inside(path, self.roots):
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        raise ValueError(f"outside the document and house style folders: {url}")
