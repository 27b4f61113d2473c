"""Every HTTP request Borne makes goes through one :class:`Fetcher`.

What it guarantees, for the importers, the images of imported records and the kiosk's sync alike:

- a **total deadline** per request (redirects, retries, a server that sends one byte every two
  seconds): when it passes, a watchdog cuts the connection and the request fails;
- a **byte cap on the body after decompression**, counted while it streams: the body is inflated
  here, a few kilobytes at a time, so a small gzip answer cannot grow into gigabytes in memory;
- **redirects followed one by one** (at most five), each new address checked again, and the kiosk's
  token never sent to another host;
- with an :class:`~outbound.addresses.AddressPolicy` (addresses that came from outside): only http(s),
  only public addresses, checked on the resolved names before and on the reached address after
  each connection; environment proxies are not used then.

Errors are :class:`FetchError` with a ``kind`` (``refused``, ``connect``, ``timeout``, ``deadline``,
``too-large``, ``status``, ``invalid``, ``network``) and a message naming the URL.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError

from outbound.addresses import AddressPolicy, AddressRefused

CHUNK = 64 * 1024
MAX_REDIRECTS = 5
#: The encodings this module inflates itself (one layer), so the cap holds after decompression.
ACCEPT_ENCODING = "gzip, deflate"


class FetchError(Exception):
    """A request failed; ``kind`` says how, ``url`` where, ``status`` the HTTP status if one came."""

    def __init__(self, message: str, *, url: str = "", kind: str = "network", status: int | None = None):
        super().__init__(message)
        self.url = url
        self.kind = kind
        self.status = status


# --- the deadline ---------------------------------------------------------------------------------

_local = threading.local()


class _Deadline:
    """A watchdog for one request: when ``seconds`` pass, every connection it used is cut."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._connections: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        _local.deadline = self
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        _local.deadline = None

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def watch(self, connection) -> None:
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            _cut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _cut(connection)


def _cut(connection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _watch(connection) -> None:
    deadline = getattr(_local, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


# --- connections that check where they landed -----------------------------------------------------


class _CheckedConnection:
    """Mixed into urllib3's connections: the reached address is checked, and the deadline watches it."""

    policy: AddressPolicy | None = None

    def connect(self):
        super().connect()
        if self.policy is not None:
            try:
                self.policy.check_peer(self.sock.getpeername()[0], self.host)
            except AddressRefused:
                self.close()
                raise
        _watch(self)

    def request(self, *args, **kwargs):
        _watch(self)
        return super().request(*args, **kwargs)


class _Adapter(HTTPAdapter):
    """requests' adapter whose pools make checked connections."""

    def __init__(self, policy: AddressPolicy | None, **kwargs):
        attrs = {"policy": policy}
        self._pools = {
            "http": type("CheckedPool", (HTTPConnectionPool,), {
                "ConnectionCls": type("CheckedHTTP", (_CheckedConnection, HTTPConnection), attrs),
            }),
            "https": type("CheckedHTTPSPool", (HTTPSConnectionPool,), {
                "ConnectionCls": type("CheckedHTTPS", (_CheckedConnection, HTTPSConnection), attrs),
            }),
        }  # fmt: skip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


class _Session(requests.Session):
    """A session that never walks redirects itself: requests would read a redirect's whole body
    (without any cap) to prepare ``Response.next``, even with ``allow_redirects=False``. The fetcher
    follows redirects itself, checking each address."""

    def resolve_redirects(self, *args, **kwargs):
        return iter(())


# --- bodies ---------------------------------------------------------------------------------------


class _Inflater:
    """Inflates one Content-Encoding layer, never more than CHUNK bytes out per step."""

    def __init__(self, encoding: str, url: str):
        self.encoding = encoding
        self.url = url
        self._gzip = encoding in ("gzip", "x-gzip")
        self._obj = self._new()
        self._first = True

    def _new(self):
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._obj.decompress(data, CHUNK)
            except zlib.error as exc:
                if self._first and not self._gzip:  # "deflate" sent raw, without the zlib header
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._first = False
                    continue
                raise FetchError(f"{self.url}: the {self.encoding} body is corrupt ({exc})", url=self.url,
                                 kind="invalid") from None  # fmt: skip
            self._first = False
            if out:
                yield out
            if self._obj.unconsumed_tail:
                data = self._obj.unconsumed_tail
            elif self._obj.eof and self._obj.unused_data and self._gzip:  # another gzip member follows
                data = self._obj.unused_data
                self._obj = self._new()
            else:
                data = b""


class Body:
    """An answer being read: ``status``, ``headers``, ``url`` (after redirects), and its bytes
    through :meth:`iter_bytes`, :meth:`read` or :meth:`json`, decompressed, capped, on the deadline."""

    def __init__(self, response: requests.Response, *, url: str, max_bytes: int, deadline: _Deadline):
        self.response = response
        self.status = response.status_code
        self.reason = response.reason or ""
        self.headers = response.headers
        self.url = url
        self.max_bytes = max_bytes
        self._deadline = deadline
        #: Bytes as they came on the wire (compressed), for traffic counters.
        self.wire_bytes = 0

    def _fail(self, message: str, kind: str) -> FetchError:
        return FetchError(f"{self.url}: {message}", url=self.url, kind=kind, status=self.status)

    def _inflater(self) -> _Inflater | None:
        codings = [c.strip().lower() for c in self.headers.get("Content-Encoding", "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if not codings:
            return None
        if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
            raise self._fail(f"the body is encoded as {', '.join(codings)!r}, which is not accepted", "invalid")
        return _Inflater(codings[0], self.url)

    def iter_bytes(self) -> Iterator[bytes]:
        """The body's bytes as they arrive; FetchError when over the cap, late or broken."""
        declared = self.headers.get("Content-Length", "")
        plain = "Content-Encoding" not in self.headers
        if plain and declared.isascii() and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._fail(
                f"{int(declared)} bytes announced, more than the {self.max_bytes} bytes allowed", "too-large"
            )
        inflater = self._inflater()
        raw = self.response.raw
        read = getattr(raw, "read1", None) or raw.read
        size = 0
        while True:
            try:
                data = read(CHUNK, decode_content=False)
            except Exception as exc:  # urllib3's protocol and socket errors, or the watchdog's cut
                if self._deadline.expired:
                    raise self._late() from None
                raise self._fail(f"the download broke off after {size} bytes ({_reason(exc)})", "network") from None
            if self._deadline.expired:
                raise self._late()
            if not data:
                break
            self.wire_bytes += len(data)
            for piece in inflater.feed(data) if inflater else (data,):
                size += len(piece)
                if size > self.max_bytes:
                    raise self._fail(f"more than the {self.max_bytes} bytes allowed (after decompression)", "too-large")
                yield piece
        if inflater is not None and not inflater._obj.eof and self.wire_bytes:
            raise self._fail(f"the {inflater.encoding} body ends before its end (truncated)", "invalid")

    def _late(self) -> FetchError:
        return self._fail(f"no complete answer within {self._deadline.seconds:g} s: abandoned", "deadline")

    def read(self) -> bytes:
        return b"".join(self.iter_bytes())

    def json(self, *, strict_numbers: bool = True) -> Any:
        """The body as JSON. NaN and Infinity are refused, and so is nesting too deep to read."""
        return loads_json(self.read(), where=self.url, strict_numbers=strict_numbers)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def loads_json(data: bytes | str, *, where: str, strict_numbers: bool = True) -> Any:
    """``json.loads`` that raises FetchError(kind="invalid") naming ``where`` for any malformed input."""
    try:
        return json.loads(data, parse_constant=_refuse_constant if strict_numbers else None)
    except RecursionError:
        raise FetchError(f"{where}: the JSON is nested too deep", url=where, kind="invalid") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"{where}: the answer is not valid JSON ({exc})", url=where, kind="invalid") from None


# --- the fetcher ----------------------------------------------------------------------------------


class Fetcher:
    """One ``requests.Session`` with Borne's limits. Safe to share between threads.

    ``policy``: check every address (for URLs that came from outside); None for a trusted, configured
    server (the kiosk's own back office). ``deadline``: seconds for a whole request, body included.
    ``max_bytes``: the body's cap after decompression. ``retries``: a urllib3 ``Retry`` or a count.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        policy: AddressPolicy | None = None,
        deadline: float = 120.0,
        max_bytes: int = 50 * 1024**2,
        timeout: tuple[float, float] = (10, 30),
        retries=0,
        headers: dict[str, str] | None = None,
    ):
        self.policy = policy
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.session = _Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
        if policy is not None:
            self.session.trust_env = False  # an environment proxy would hide the address reached
        adapter = _Adapter(policy, max_retries=retries, pool_connections=2, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextlib.contextmanager
    def open(
        self,
        method: str,
        url: str,
        *,
        params=None,
        headers: dict | None = None,
        json: Any = None,
        max_bytes: int | None = None,
        deadline: float | None = None,
    ) -> Iterator[Body]:
        """Send one request (following redirects of GET and HEAD); yields the :class:`Body` to read."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        with _Deadline(self.deadline if deadline is None else deadline) as watch:
            origin = _origin(url)
            headers = dict(headers or {})
            for _hop in range(MAX_REDIRECTS + 1):
                response = self._send(method, url, params=params, headers=headers, json=json, watch=watch)
                target = response.headers.get("Location") if response.is_redirect else None
                if target is None or method not in ("GET", "HEAD"):
                    break
                response.close()
                url, params = urljoin(response.url, target), None
                if _origin(url) != origin:  # credentials stay with the host they were meant for
                    headers["Authorization"] = None
            else:
                response.close()
                raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", url=url, kind="invalid")
            with response:
                yield Body(response, url=response.url or url, max_bytes=limit, deadline=watch)

    def _send(self, method, url, *, params, headers, json, watch: _Deadline) -> requests.Response:
        try:
            if self.policy is not None:
                self.policy.check_url(url)
            connect, read = self.timeout
            remaining = max(0.5, watch.remaining())
            return self.session.request(
                method,
                url,
                params=params,
                headers=headers,
                json=json,
                timeout=(min(connect, remaining), min(read, remaining)),
                stream=True,
                allow_redirects=False,
            )
        except AddressRefused as exc:
            raise FetchError(str(exc), url=url, kind="refused") from None
        except requests.exceptions.ConnectTimeout:
            kind = "deadline" if watch.expired else "connect"
            raise FetchError(f"{url}: no connection (timeout)", url=url, kind=kind) from None
        except requests.exceptions.Timeout:
            raise FetchError(f"{url}: the server is too slow (timeout)", url=url, kind="timeout") from None
        except requests.exceptions.ConnectionError as exc:
            if watch.expired:
                raise FetchError(f"{url}: no answer within {watch.seconds:g} s", url=url, kind="deadline") from None
            if isinstance(getattr(exc.args[0] if exc.args else None, "reason", None), ReadTimeoutError):
                raise FetchError(f"{url}: the server is too slow (timeout)", url=url, kind="timeout") from None
            raise FetchError(f"{url}: cannot reach the server ({_reason(exc)})", url=url, kind="connect") from None
        except (requests.exceptions.RequestException, ValueError) as exc:
            raise FetchError(f"{url}: the request failed ({_reason(exc)})", url=url, kind="invalid") from None

    def get_bytes(self, url: str, **kwargs) -> bytes:
        """The body of a ``200`` answer to GET ``url``; FetchError otherwise."""
        with self.open("GET", url, **kwargs) as body:
            if body.status != 200:
                raise FetchError(f"{body.url}: HTTP {body.status}", url=body.url, kind="status", status=body.status)
            return body.read()

    def get_json(self, url: str, **kwargs) -> Any:
        return loads_json(self.get_bytes(url, **kwargs), where=url)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _reason(exc: BaseException) -> str:
    """The innermost useful reason of a requests/urllib3 exception, short."""
    inner = exc
    for _ in range(5):
        nxt = getattr(inner, "reason", None) or (
            inner.args[0] if inner.args and isinstance(inner.args[0], BaseException) else None
        )
        if nxt is None or nxt is inner or not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner) or type(inner).__name__
    return text if len(text) < 200 else text[:197] + "..."
