"""The kiosk's HTTP client for the back office feed: Borne's outbound fetcher, retries, own errors.

Endpoints (DESIGN.md, "The contract"): ``GET changes?since=&limit=`` (gzip, ETag/304),
``GET media/<sha256>`` (immutable bytes), ``POST heartbeat``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from content.contract import SCHEMA_VERSION
from content.validation import SchemaVersionError, check_schema
from outbound import Body, Fetcher, FetchError, loads_json
from sync.errors import FeedError, SyncError

log = logging.getLogger(__name__)

API_PREFIX = "/api/kiosk/v1"
CHUNK = 1 << 16
SHA256_LEN = 64


@dataclass(frozen=True)
class Page:
    """One page of the ``changes`` feed, its records still raw dicts (validated by the job)."""

    schema: int
    entries: list[dict]
    alerts: list[dict]
    deleted: list[str]
    cursor: str
    more: bool
    etag: str | None = None
    deleted_alerts: list[str] = field(default_factory=list)
    #: The back office started the kiosk over (restored from a backup): the walk is a full snapshot.
    reset: bool = False
    #: Official notices (content.notice) and the ids of withdrawn ones; absent from older back offices.
    notices: list[dict] = field(default_factory=list)
    deleted_notices: list[str] = field(default_factory=list)
    #: The town map announced (raw ``map`` key, checked by the job), or None when the feed has none.
    town_map: Any = None
    #: This kiosk's own settings (``content.kiosk_settings``), raw; None when the back office sends none.
    settings: dict | None = None


@dataclass(frozen=True)
class NotModified:
    """``304``: nothing changed since the cursor (the ETag still holds)."""

    etag: str | None = None


class _Retry(Retry):
    """Retry that will not sit inside one call for a Retry-After longer than ``max_wait``.

    A longer Retry-After ends the retries: the response goes back to the client, which raises a
    SyncError carrying ``retry_after`` so that the job postpones its next attempt instead.
    """

    max_wait: float = 60.0

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if response is not None and self.respect_retry_after_header:
            try:
                wait = self.get_retry_after(response)
            except Exception:  # an unreadable Retry-After: ordinary backoff
                wait = None
            if wait is not None and wait > self.max_wait:
                raise MaxRetryError(_pool, url, None)
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, Retry().parse_retry_after(value))
    except Exception:
        return None


class FeedClient:
    """Talks to one back office with one kiosk token. Safe to share between threads.

    Every request goes through Borne's outbound fetcher (:mod:`outbound`): retries with backoff, a
    total ``deadline`` per request (body included), and bodies capped after decompression
    (``max_feed_bytes`` for a page of changes, ``max_media_bytes`` for an image). The back office's
    address is the one configured on the kiosk: it is trusted as it is (no address filter).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str,
        timeout: tuple[float, float] = (5, 30),
        retries: int = 3,
        backoff_factor: float = 1.0,
        max_retry_wait: float = 60.0,
        max_media_bytes: int = 30 * 1024**2,
        max_feed_bytes: int = 64 * 1024**2,
        deadline: float = 300.0,
    ):
        base = base_url.rstrip("/")
        if not base.endswith(API_PREFIX):
            base += API_PREFIX
        self.base = base
        self.max_media_bytes = max_media_bytes
        self.max_feed_bytes = max_feed_bytes
        retry_cls = type("_BorneRetry", (_Retry,), {"max_wait": max_retry_wait})
        retry = retry_cls(
            total=retries + 1,
            connect=retries,
            read=1,
            status=retries,
            other=0,
            redirect=0,
            backoff_factor=backoff_factor,
            backoff_max=60,
            backoff_jitter=backoff_factor / 2,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            raise_on_status=False,
            raise_on_redirect=False,
            respect_retry_after_header=True,
        )
        self.fetcher = Fetcher(
            user_agent=f"Borne-kiosk/{version}",
            policy=None,
            deadline=deadline,
            max_bytes=max_feed_bytes,
            timeout=timeout,
            retries=retry,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        self._lock = threading.Lock()
        #: Bytes received on the wire (bodies, compressed as sent), for the heartbeat and the bench.
        self.bytes_received = 0

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- plumbing --------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    @contextlib.contextmanager
    def _open(self, method: str, url: str, **kw) -> Iterator[Body]:
        try:
            with self.fetcher.open(method, url, **kw) as body:
                try:
                    yield body
                finally:
                    with self._lock:
                        self.bytes_received += body.wire_bytes
        except FetchError as exc:
            raise _sync_error(method, url, exc) from None

    def _fail(self, method: str, body: Body) -> SyncError:
        status = body.status
        retry_after = _retry_after(body.headers) if status in (429, 503) else None
        hint = ""
        if status in (401, 403):
            hint = ": the kiosk token was refused (check BORNE_KIOSK_TOKEN)"
        elif retry_after is not None:
            hint = f": asked to come back in {retry_after:.0f} s"
        return SyncError(
            f"{method} {body.url}: the back office answered {status} {body.reason}".rstrip() + hint,
            url=body.url,
            status=status,
            retry_after=retry_after,
        )

    # -- endpoints -------------------------------------------------------------------------------

    def changes(self, since: str, limit: int, etag: str | None = None) -> Page | NotModified:
        """One page of what changed since ``since``; ``NotModified`` when ``etag`` still matches."""
        url = self.url("changes")
        headers = {"If-None-Match": etag} if etag else {}
        # ``schema``: the contract version this kiosk reads; a back office serves older kiosks an older one.
        params = {"since": since or "", "limit": int(limit), "schema": SCHEMA_VERSION}
        with self._open("GET", url, params=params, headers=headers) as body:
            if body.status == 304:
                return NotModified(body.headers.get("ETag") or etag)
            if body.status != 200:
                raise self._fail("GET", body)
            data = body.json()
            return _page(data, body.url, body.headers.get("ETag"))

    def media(self, sha256: str, dest_path: str | Path, *, expected_bytes: int | None = None) -> Path:
        """Download one image to ``dest_path``, verified by its hash; nothing is kept when it fails."""
        cap = self.max_media_bytes
        if expected_bytes is not None:
            cap = min(cap, int(expected_bytes))
        return self._verified(f"media/{sha256}", sha256, Path(dest_path), cap)

    def release(self, sha256: str, dest_path: str | Path, *, size: int) -> Path:
        """Download a software release's archive (``size`` bytes at most), verified by its hash."""
        return self._verified(f"release/{sha256}", sha256, Path(dest_path), int(size))

    def _verified(self, path: str, sha256: str, dest: Path, cap: int) -> Path:
        if len(sha256) != SHA256_LEN or any(c not in "0123456789abcdef" for c in sha256):
            raise SyncError(f"{path}: {sha256!r} is not a sha256")
        url = self.url(path)
        with self._open("GET", url, max_bytes=cap) as body:
            if body.status != 200:
                raise self._fail("GET", body)
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".dl-{sha256[:12]}-", dir=dest.parent)
            digest, size = hashlib.sha256(), 0
            try:
                with os.fdopen(fd, "wb") as fh:
                    for chunk in body.iter_bytes():
                        size += len(chunk)
                        digest.update(chunk)
                        fh.write(chunk)
                if digest.hexdigest() != sha256:
                    raise SyncError(
                        f"GET {url}: the {size} bytes received do not match the hash (wrong or truncated file)",
                        url=url,
                    )
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return dest

    def heartbeat(self, payload: dict) -> dict:
        """Post the kiosk's status and usage counters; return the answer (``acknowledged``, ``commands``)."""
        url = self.url("heartbeat")
        with self._open("POST", url, json=payload) as body:
            if not 200 <= body.status < 300:
                raise self._fail("POST", body)
            raw = body.read()
            if body.status == 204 or not raw:
                return {}
            data = loads_json(raw, where=url)
        if not isinstance(data, dict):
            raise FeedError(f"POST {url}: the answer is not a JSON object", url=url)
        return data


def _sync_error(method: str, url: str, exc: FetchError) -> SyncError:
    """The sync's own error for a failed request, in the words the maintenance panel shows."""
    detail = str(exc).removeprefix(f"{exc.url}: ")
    where = exc.url or url
    if exc.kind == "connect" and "timeout" in detail:
        message = f"{method} {where}: the back office did not answer (connect timeout)"
    elif exc.kind == "connect":
        message = f"{method} {where}: cannot reach the back office ({detail.removeprefix('cannot reach the server ')})"
    elif exc.kind == "timeout":
        message = f"{method} {where}: the back office is too slow (read timeout)"
    elif exc.kind == "invalid" and "JSON" in detail:
        return FeedError(f"{method} {where}: {detail}", url=where, status=exc.status)
    else:
        message = f"{method} {where}: {detail}"
    return SyncError(message, url=where, status=exc.status if exc.kind == "status" else None)


def _page(data: Any, url: str, etag: str | None) -> Page:
    if not isinstance(data, dict):
        raise FeedError(f"GET {url}: the feed is not a JSON object", url=url)
    try:
        check_schema(data.get("schema"), f"the feed from {url}")
    except SchemaVersionError as exc:
        raise FeedError(str(exc), url=url) from None
    lists = {}
    # Keys this kiosk does not know are ignored (a newer back office may send more record types).
    for key in ("entries", "alerts", "deleted", "deleted_alerts", "notices", "deleted_notices"):
        value = data.get(key, [])
        if not isinstance(value, list):
            raise FeedError(f"GET {url}: '{key}' is not a list", url=url)
        lists[key] = value
    for key in ("deleted", "deleted_alerts", "deleted_notices"):
        if not all(isinstance(i, str) for i in lists[key]):
            raise FeedError(f"GET {url}: '{key}' must list ids (strings)", url=url)
    cursor = data.get("cursor")
    if not isinstance(cursor, str | int) or isinstance(cursor, bool):
        raise FeedError(f"GET {url}: 'cursor' is missing or not a string", url=url)
    more = data.get("more", False)
    if not isinstance(more, bool):
        raise FeedError(f"GET {url}: 'more' is not true or false", url=url)
    return Page(
        schema=data["schema"],
        entries=lists["entries"],
        alerts=lists["alerts"],
        deleted=lists["deleted"],
        deleted_alerts=lists["deleted_alerts"],
        cursor=str(cursor),
        more=more,
        etag=etag,
        reset=data.get("reset") is True,
        notices=lists["notices"],
        deleted_notices=lists["deleted_notices"],
        town_map=data.get("map"),
        settings=data["settings"] if isinstance(data.get("settings"), dict) else None,
    )
