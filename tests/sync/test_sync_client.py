"""The feed client against a real HTTP server: headers, retries, timeouts, errors, media checks."""

import hashlib
import socket

import pytest
from fakebo import alert, entry, image

from sync.client import FeedClient, NotModified, Page
from sync.errors import FeedError, SyncError


def test_every_request_carries_the_token_and_the_version(bo, client):
    bo.put_entry(entry(1))
    client.changes("", 10)
    headers = bo.requests_to("changes")[0]["headers"]
    assert headers["Authorization"] == "Bearer kiosk-token"
    assert headers["User-Agent"] == "Borne-kiosk/9.9"


def test_a_page_of_changes(bo, client):
    bo.put_entry(entry(1))
    bo.put_alert(alert(1))
    page = client.changes("", 10)
    assert isinstance(page, Page)
    assert [e["id"] for e in page.entries] == ["bo:1"]
    assert [a["id"] for a in page.alerts] == ["bo-alert:1"]
    assert page.cursor == "2" and page.more is False


def test_same_etag_gets_not_modified(bo, client):
    bo.put_entry(entry(1))
    page = client.changes("1", 10)
    assert isinstance(client.changes("1", 10, etag=page.etag), NotModified)
    bo.put_entry(entry(2))
    assert isinstance(client.changes("1", 10, etag=page.etag), Page)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(bo, client, status):
    bo.fail("changes", "status", status=status, times=2)
    page = client.changes("", 10)
    assert isinstance(page, Page)
    assert len(bo.requests_to("changes")) == 3


@pytest.mark.parametrize("status", [500, 503])
def test_a_lasting_server_error_is_a_sync_error_naming_url_and_status(bo, client, status):
    bo.fail("changes", "status", status=status, times=10)
    with pytest.raises(SyncError) as err:
        client.changes("", 10)
    assert err.value.status == status
    assert str(status) in str(err.value) and "/api/kiosk/v1/changes" in str(err.value)


def test_429_retry_after_is_honoured(bo, client):
    bo.fail("changes", "status", status=429, headers={"Retry-After": "1"})
    assert isinstance(client.changes("", 10), Page)
    first, second = bo.requests_to("changes")
    assert second["at"] - first["at"] >= 0.9  # the server said one second


def test_a_long_retry_after_ends_the_call_and_is_handed_to_the_job(bo, client):
    bo.fail("changes", "status", status=429, headers={"Retry-After": "3600"}, times=5)
    with pytest.raises(SyncError) as err:
        client.changes("", 10)
    assert err.value.retry_after == 3600
    assert len(bo.requests_to("changes")) == 1


def test_read_timeout(bo):
    bo.fail("changes", "slow", seconds=1.5, times=3)
    c = FeedClient(bo.url, bo.token, version="1", timeout=(1, 0.3), backoff_factor=0.01)
    with pytest.raises(SyncError, match="read timeout"):
        c.changes("", 10)


def test_unreachable_back_office():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = FeedClient(f"http://127.0.0.1:{port}", "t", version="1", retries=1, backoff_factor=0.01)
    with pytest.raises(
        SyncError, match=f"cannot reach the back office.*127.0.0.1:{port}|127.0.0.1:{port}.*cannot reach"
    ):
        c.changes("", 10)


def test_refused_token_says_so(bo):
    c = FeedClient(bo.url, "wrong", version="1")
    with pytest.raises(SyncError, match="token") as err:
        c.changes("", 10)
    assert err.value.status == 401


def test_malformed_json(bo, client):
    bo.fail("changes", "malformed")
    with pytest.raises(FeedError, match="not valid JSON"):
        client.changes("", 10)


def test_unknown_schema_is_refused_with_a_clear_message(bo, client):
    bo.fail("changes", "schema")
    with pytest.raises(FeedError, match="schema version 99 .* not supported"):
        client.changes("", 10)


@pytest.mark.parametrize(
    "body",
    [
        {"schema": 1, "entries": {}, "cursor": "1"},
        {"schema": 1, "cursor": None},
        {"schema": 1, "cursor": "1", "more": "yes"},
    ],
)
def test_a_feed_of_the_wrong_shape_is_refused(body):
    from sync.client import _page

    with pytest.raises(FeedError):
        _page(body, "http://x/changes", None)


def test_media_download_verified(bo, client, tmp_path):
    data = image(1)
    sha = bo.add_media(data)
    path = client.media(sha, tmp_path / sha)
    assert path.read_bytes() == data


@pytest.mark.parametrize("fault", ["wrong-bytes", "truncated"])
def test_bad_media_download_keeps_nothing(bo, client, tmp_path, fault):
    sha = bo.add_media(image(2))
    bo.fail("media/", fault, times=3)
    with pytest.raises(SyncError, match=sha[:12]):
        client.media(sha, tmp_path / sha)
    assert list(tmp_path.iterdir()) == []


def test_media_larger_than_announced_is_refused(bo, client, tmp_path):
    data = image(3)
    sha = bo.add_media(data)
    with pytest.raises(SyncError, match="allowed"):
        client.media(sha, tmp_path / sha, expected_bytes=len(data) - 1)
    assert list(tmp_path.iterdir()) == []


def test_bytes_on_the_wire_are_counted(bo, client, tmp_path):
    data = image(4)
    sha = bo.add_media(data)
    client.media(sha, tmp_path / sha)
    assert client.bytes_received == len(data)
    assert hashlib.sha256((tmp_path / sha).read_bytes()).hexdigest() == sha
