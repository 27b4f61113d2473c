"""Fixtures for the open-data tests (pytest-django): settings, media folder, a local image server."""

from __future__ import annotations

import os
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("django")
pytest.importorskip("pytest_django")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
os.environ.setdefault("BORNE_DATA_DIR", tempfile.mkdtemp(prefix="borne-bo-test-"))


def pytest_configure(config):
    import django

    django.setup()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKOFFICE_DIR = tmp_path / "backoffice"
    # The tests' feed and image servers listen on 127.0.0.1: the intranet a town would list here.
    settings.BORNE_FETCH_ALLOW = "127.0.0.1"


@pytest.fixture
def samples() -> Path:
    from tests.conftest import opendata_samples

    return opendata_samples()


@pytest.fixture
def image_server():
    """A real HTTP server on 127.0.0.1: ``server.files[path] = bytes``; ``server.url(path)``; ``server.hits``."""
    files: dict[str, bytes] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            body = files.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.files = files
    server.hits = hits
    server.url = lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def commune(db):
    from backoffice.catalog.models import Commune

    return Commune.objects.create(insee="50281", name="La Lucerne-d'Outremer")


@pytest.fixture
def kiosk_client(client, commune):
    from backoffice.fleet.models import Kiosk

    kiosk = Kiosk.objects.create(name="Abbaye", commune=commune)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {kiosk.issue_token()}"
    return client
