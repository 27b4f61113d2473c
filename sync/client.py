"""The kiosk's HTTP client for the back office feed: one session, retries, timeouts, own errors.

Endpoints (DESIGN.md, "The contract"): ``GET changes?since=&limit=`` (gzip, ETag/304),
``GET media/<sha256>`` (immutable bytes), ``POST heartbeat``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from content.validation import SchemaVersionError, check_schema
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


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, Retry().parse_retry_after(value))
    except Exception:
        return None


class FeedClient:
    """Talks to one back office with one kiosk token. Safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        version: str,
        timeout: tuple[float, float] = (5, 30),
        session: requests.Session | None = None,
        retries: int = 3,
        backoff_factor: float = 1.0,
        max_retry_wait: float = 60.0,
        max_media_bytes: int = 30 * 1024**2,
    ):
        base = base_url.rstrip("/")
        if not base.endswith(API_PREFIX):
            base += API_PREFIX
        self.base = base
        self.timeout = timeout
        self.max_media_bytes = max_media_bytes
        self.session = session or requests.Session()
        self.session.headers.update(
            {"User-Agent": f"Borne-kiosk/{version}", "Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        retry_cls = type("_BorneRetry", (_Retry,), {"max_wait": max_retry_wait})
        retry = retry_cls(
            total=retries + 1,
            connect=retries,
            read=1,
            status=retries,
            other=0,
            backoff_factor=backoff_factor,
            backoff_max=60,
            backoff_jitter=backoff_factor / 2,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._lock = threading.Lock()
        #: Bytes received on the wire (bodies, compressed as sent), for the heartbeat and the bench.
        self.bytes_received = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- plumbing --------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def _request(self, method: str, url: str, **kw) -> requests.Response:
        kw.setdefault("timeout", self.timeout)
        try:
            return self.session.request(method, url, **kw)
        except requests.exceptions.ConnectTimeout:
            raise SyncError(f"{method} {url}: the back office did not answer (connect timeout)", url=url) from None
        except requests.exceptions.ReadTimeout:
            raise SyncError(f"{method} {url}: the back office is too slow (read timeout)", url=url) from None
        except requests.exceptions.ConnectionError as exc:
            raise SyncError(f"{method} {url}: cannot reach the back office ({_reason(exc)})", url=url) from None
        except requests.exceptions.RequestException as exc:
            raise SyncError(f"{method} {url}: request failed ({_reason(exc)})", url=url) from None

    def _count(self, response: requests.Response) -> None:
        try:
            n = response.raw.tell()
        except Exception:
            n = len(response.content or b"")
        with self._lock:
            self.bytes_received += n

    def _fail(self, method: str, response: requests.Response) -> SyncError:
        status = response.status_code
        retry_after = _retry_after(response) if status in (429, 503) else None
        hint = ""
        if status in (401, 403):
            hint = ": the kiosk token was refused (check BORNE_KIOSK_TOKEN)"
        elif retry_after is not None:
            hint = f": asked to come back in {retry_after:.0f} s"
        return SyncError(
            f"{method} {response.url}: the back office answered {status} {response.reason or ''}".rstrip() + hint,
            url=response.url,
            status=status,
            retry_after=retry_after,
        )

    def _json(self, method: str, response: requests.Response) -> Any:
        try:
            data = response.json()
        except (ValueError, requests.exceptions.RequestException) as exc:
            raise FeedError(
                f"{method} {response.url}: the answer is not valid JSON ({exc})",
                url=response.url,
                status=response.status_code,
            ) from None
        finally:
            self._count(response)
        return data

    # -- endpoints -------------------------------------------------------------------------------

    def changes(self, since: str, limit: int, etag: str | None = None) -> Page | NotModified:
        """One page of what changed since ``since``; ``NotModified`` when ``etag`` still matches."""
        url = self.url("changes")
        headers = {"If-None-Match": etag} if etag else {}
        response = self._request("GET", url, params={"since": since or "", "limit": int(limit)}, headers=headers)
        with response:
            if response.status_code == 304:
                self._count(response)
                return NotModified(response.headers.get("ETag") or etag)
            if response.status_code != 200:
                raise self._fail("GET", response)
            data = self._json("GET", response)
            return _page(data, response.url, response.headers.get("ETag"))

    def media(self, sha256: str, dest_path: str | Path, *, expected_bytes: int | None = None) -> Path:
        """Download one image to ``dest_path``, verified by its hash; nothing is kept when it fails."""
        if len(sha256) != SHA256_LEN or any(c not in "0123456789abcdef" for c in sha256):
            raise SyncError(f"media {sha256!r}: not a sha256")
        dest = Path(dest_path)
        url = self.url(f"media/{sha256}")
        cap = self.max_media_bytes
        if expected_bytes is not None:
            cap = min(cap, int(expected_bytes))
        response = self._request("GET", url, stream=True)
        with response:
            if response.status_code != 200:
                self._count(response)
                raise self._fail("GET", response)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise SyncError(f"GET {url}: {declared} bytes announced, more than the {cap} allowed", url=url)
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".dl-{sha256[:12]}-", dir=dest.parent)
            digest, size = hashlib.sha256(), 0
            try:
                with os.fdopen(fd, "wb") as fh:
                    for chunk in response.iter_content(CHUNK):
                        size += len(chunk)
                        if size > cap:
                            raise SyncError(f"GET {url}: more than the {cap} bytes allowed: refused", url=url)
                        digest.update(chunk)
                        fh.write(chunk)
                if digest.hexdigest() != sha256:
                    raise SyncError(
                        f"GET {url}: the {size} bytes received do not match the hash (wrong or truncated file)",
                        url=url,
                    )
                os.replace(tmp, dest)
            except requests.exceptions.RequestException as exc:
                Path(tmp).unlink(missing_ok=True)
                raise SyncError(
                    f"GET {url}: download broken off after {size} bytes ({_reason(exc)})", url=url
                ) from None
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            finally:
                with self._lock:
                    self.bytes_received += size
        return dest

    def heartbeat(self, payload: dict) -> dict:
        """Post the kiosk's status and usage counters; return the answer (``acknowledged``, ``commands``)."""
        url = self.url("heartbeat")
        response = self._request("POST", url, json=payload)
        with response:
            if not 200 <= response.status_code < 300:
                self._count(response)
                raise self._fail("POST", response)
            if response.status_code == 204 or not response.content:
                return {}
            data = self._json("POST", response)
        if not isinstance(data, dict):
            raise FeedError(f"POST {url}: the answer is not a JSON object", url=url)
        return data


def _reason(exc: Exception) -> str:
    """The innermost useful reason of a requests/urllib3 exception, short."""
    inner = exc
    for _ in range(5):
        nxt = getattr(inner, "reason", None) or (
            inner.args[0] if inner.args and isinstance(inner.args[0], Exception) else None
        )
        if nxt is None or nxt is inner:
            break
        inner = nxt
    text = str(inner) or type(inner).__name__
    return text if len(text) < 200 else text[:197] + "..."


def _page(data: Any, url: str, etag: str | None) -> Page:
    if not isinstance(data, dict):
        raise FeedError(f"GET {url}: the feed is not a JSON object", url=url)
    try:
        check_schema(data.get("schema"), f"the feed from {url}")
    except SchemaVersionError as exc:
        raise FeedError(str(exc), url=url) from None
    lists = {}
    for key in ("entries", "alerts", "deleted", "deleted_alerts"):
        value = data.get(key, [])
        if not isinstance(value, list):
            raise FeedError(f"GET {url}: '{key}' is not a list", url=url)
        lists[key] = value
    for key in ("deleted", "deleted_alerts"):
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
    )
