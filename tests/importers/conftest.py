import json
from pathlib import Path

import pytest

from tests.conftest import opendata_samples


@pytest.fixture
def opendata() -> Path:
    return opendata_samples()


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def http_server(monkeypatch):
    """A real HTTP server on 127.0.0.1, which imports may reach (``BORNE_FETCH_ALLOW``, as for an intranet).

    ``routes[path]`` is ``(status, bytes)`` or a function returning it; ``requests`` lists what was asked.
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    routes: dict[str, tuple[int, bytes]] = {}
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append(self.path)
            path = self.path.split("?", 1)[0]
            answer = routes.get(path, (404, b"not found"))
            status, body = answer() if callable(answer) else answer
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    monkeypatch.setenv("BORNE_FETCH_ALLOW", "127.0.0.1")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    server.routes, server.requests = routes, seen
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)
