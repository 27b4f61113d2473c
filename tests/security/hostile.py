"""A hostile web server on a loopback address, for the security tests: each path is one attack."""

from __future__ import annotations

import contextlib
import gzip
import io
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: 1 GiB of zeros in about 1 MB of gzip, built once (streamed, never held whole).
BOMB_SIZE = 1024**3


def gzip_bomb(size: int = BOMB_SIZE) -> bytes:
    buf = io.BytesIO()
    block = b"\0" * (1024 * 1024)
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as fh:
        for _ in range(size // len(block)):
            fh.write(block)
    return buf.getvalue()


def deflate_bomb(size: int = BOMB_SIZE) -> bytes:
    obj = zlib.compressobj(9)
    block = b"{" * (1024 * 1024)
    return b"".join(obj.compress(block) for _ in range(size // len(block))) + obj.flush()


class Hostile(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1"):
        super().__init__((host, 0), _Handler)
        self.routes: dict[str, tuple[int, dict, bytes | None]] = {}
        self.hits: list[tuple[str, dict]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, body: bytes | None = b"", status: int = 200, **headers) -> str:
        self.routes[path] = (status, {k.replace("_", "-"): v for k, v in headers.items()}, body)
        return self.url + path

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are what these tests are about

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server: Hostile = self.server
        path = self.path.split("?", 1)[0]
        server.hits.append((path, dict(self.headers)))
        if path == "/drip":  # one byte every half second, forever (until the client gives up)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                return
            return
        if path == "/drip-headers":  # the status line and headers, a byte at a time
            try:
                for ch in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10000:
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                return
            return
        status, headers, body = server.routes.get(path, (404, {}, b"not here"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            with contextlib.suppress(OSError):
                self.wfile.write(body)

    do_POST = do_GET
