"""Serve a built site on 127.0.0.1 under a sub-path, as GitHub Pages serves a project site:
unknown paths get the site's 404 page, text is gzipped and responses may be cached for ten
minutes. Used by the tests and by `make audit`."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".bib", ".ris", ".csv")


class _Handler(http.server.SimpleHTTPRequestHandler):
    sub_path = "/"

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):  # noqa: N802
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().do_GET()  # redirects to the address with a slash
            path = path / "index.html"
        if ("gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file()
                or path.suffix not in COMPRESSIBLE):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.sub_path):
            return str(Path(self.directory) / "__outside_sub_path__")
        return super().translate_path("/" + path[len(self.sub_path):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closes a connection early (a cancelled download, a page left before
        it finished loading) is normal here, not an error to print."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(site_dir: Path, sub_path: str = "/"):
    """Yield the base URL (http://127.0.0.1:PORT/sub-path/) while the site is served."""
    handler = type("Handler", (_Handler,), {"sub_path": sub_path})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{sub_path}"
    finally:
        server.shutdown()
        server.server_close()
