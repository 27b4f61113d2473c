"""The kiosk's sync against a hostile back office: a page of changes or an image that inflates, a
server that drips, JSON built to choke Python. The kiosk refuses, keeps its content and stays small."""

from __future__ import annotations

import threading

import pytest
from hostile import Hostile, gzip_bomb

from sync.client import FeedClient
from sync.errors import FeedError, SyncError

CHANGES = "/api/kiosk/v1/changes"


@pytest.fixture(scope="module")
def bomb():
    return gzip_bomb()


@pytest.fixture
def bo():
    with Hostile() as server:
        yield server


def client(bo, **kw) -> FeedClient:
    return FeedClient(bo.url, "token", version="t", retries=0, backoff_factor=0.01, **kw)


def test_a_gzip_bomb_as_a_page_of_changes_is_refused(bo, bomb):
    bo.route(CHANGES, bomb, Content_Encoding="gzip", Content_Type="application/json")
    with client(bo, max_feed_bytes=8 * 1024**2) as c, pytest.raises(SyncError, match="after decompression"):
        c.changes("", 10)


def test_a_gzip_bomb_as_an_image_is_refused_and_nothing_is_kept(bo, bomb, tmp_path):
    sha = "a" * 64
    bo.route(f"/api/kiosk/v1/media/{sha}", bomb, Content_Encoding="gzip")
    with client(bo) as c, pytest.raises(SyncError, match="allowed"):
        c.media(sha, tmp_path / sha, expected_bytes=1000)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"schema": 1, "cursor": NaN}', b'{"schema": Infinity}', b"\xfe\xff"],
)
def test_json_built_to_choke_is_a_feed_error(bo, body):
    bo.route(CHANGES, body, Content_Type="application/json")
    with client(bo) as c, pytest.raises(FeedError):
        c.changes("", 10)


def test_a_dripping_back_office_is_abandoned_at_the_deadline(bo):
    bo.route(CHANGES, None, 302, Location="/drip")
    errors = []

    def run():
        with client(bo, deadline=2, timeout=(2, 30)) as c:
            try:
                c.changes("", 10)
            except SyncError as exc:
                errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a guard for the test, far above the deadline
    assert not worker.is_alive() and errors
