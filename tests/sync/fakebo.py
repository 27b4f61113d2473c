"""A tiny back office that follows the feed contract of DESIGN.md, on a real HTTP server.

It keeps entries, alerts and tombstones with change numbers like the real one (``seq``): a page
holds the ``limit`` lowest numbers above the cursor. Faults are queued per path and consumed in
order, so a test says exactly what the next requests get. Used by the tests and by the bench.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PREFIX = "/api/kiosk/v1/"


@dataclass
class Fault:
    """What to do instead of answering normally: ``kind`` is status, slow, malformed, schema,
    wrong-bytes, truncated, drop, store-then-fail."""

    kind: str
    status: int = 500
    headers: dict = field(default_factory=dict)
    seconds: float = 0.0


class FakeBackOffice:
    def __init__(self, token: str = "kiosk-token"):
        self.token = token
        self.lock = threading.Lock()
        self.seq = 0
        self.rows: dict[tuple[str, str], tuple[int, dict | None]] = {}  # (what, id) -> (seq, record | None)
        self.media: dict[str, bytes] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.log: list[dict] = []
        self.heartbeats: list[dict] = []
        self.batches: dict[str, list[dict]] = {}
        self.commands: list[str] = []
        #: This kiosk's ``settings`` in every page of changes (None: the key is not sent).
        self.settings: dict | None = None
        #: Release archives by sha256, served at ``release/<sha256>``.
        self.releases: dict[str, bytes] = {}
        self.wire_bytes = 0
        self.server: ThreadingHTTPServer | None = None

    # -- content ---------------------------------------------------------------------------------

    def _put(self, what: str, record_id: str, record: dict | None) -> None:
        with self.lock:
            self.seq += 1
            self.rows[(what, record_id)] = (self.seq, record)

    def put_entry(self, entry: dict) -> None:
        self._put("entry", entry["id"], entry)

    def delete_entry(self, entry_id: str) -> None:
        self._put("entry", entry_id, None)

    def put_alert(self, alert: dict) -> None:
        self._put("alert", alert["id"], alert)

    def delete_alert(self, alert_id: str) -> None:
        self._put("alert", alert_id, None)

    def add_media(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.media[sha] = data
        return sha

    def fail(self, path: str, kind: str, times: int = 1, **kw) -> None:
        """Queue a fault for the next ``times`` requests whose path starts with ``path`` (after the prefix)."""
        self.faults.setdefault(path, []).extend(Fault(kind, **kw) for _ in range(times))

    def _fault(self, path: str) -> Fault | None:
        with self.lock:
            for prefix, queue in self.faults.items():
                if path.startswith(prefix) and queue:
                    return queue.pop(0)
        return None

    def changes(self, since: int, limit: int) -> dict:
        with self.lock:
            rows = sorted((seq, what, rid, rec) for (what, rid), (seq, rec) in self.rows.items() if seq > since)
        page, more = rows[:limit], len(rows) > limit
        out = {"schema": 1, "entries": [], "alerts": [], "deleted": [], "deleted_alerts": []}
        for _seq, what, rid, rec in page:
            if rec is None:
                if since:
                    out["deleted" if what == "entry" else "deleted_alerts"].append(rid)
            else:
                out["entries" if what == "entry" else "alerts"].append(rec)
        out["cursor"] = str(page[-1][0] if page else since)
        out["more"] = more
        if self.settings is not None:
            out["settings"] = self.settings
        return out

    def etag(self, since: int, limit: int) -> str:
        own = hashlib.sha256(json.dumps(self.settings, sort_keys=True).encode()).hexdigest()[:8]
        return f'"{since}-{limit}-{self.seq}-{own}"'

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.log if r["path"].startswith(PREFIX + path)]

    @property
    def usage_totals(self) -> int:
        return sum(row["n"] for rows in self.batches.values() for row in rows)

    # -- serving ---------------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(_Handler):
            bo = fake

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-backoffice", daemon=True
        ).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client killed mid-request is expected here
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    bo: FakeBackOffice
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, *, gzip_ok: bool = False):
        headers = dict(headers or {})
        if gzip_ok and body and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.bo.wire_bytes += len(body)

    def _json(self, status: int, data, headers: dict | None = None):
        self._send(
            status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})}, gzip_ok=True
        )

    def _common(self, method: str) -> tuple[str, Fault | None] | None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.bo.log.append(
            {
                "method": method,
                "path": url.path,
                "query": parse_qs(url.query),
                "headers": dict(self.headers),
                "at": time.monotonic(),
            }
        )
        if self.headers.get("Authorization") != f"Bearer {self.bo.token}":
            self._json(401, {"ok": False, "error": "bad token"})
            return None
        path = url.path.removeprefix(PREFIX)
        fault = self.bo._fault(path)
        if fault is None:
            return path, None
        if fault.kind == "status":
            self._json(fault.status, {"ok": False, "error": "fault"}, fault.headers)
            return None
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return path, None
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return None
        return path, fault

    def do_GET(self):
        got = self._common("GET")
        if got is None:
            return
        path, fault = got
        query = parse_qs(urlsplit(self.path).query)
        if path == "changes":
            if fault and fault.kind == "malformed":
                self._send(200, b'{"schema": 1, "entries": [', {"Content-Type": "application/json"})
                return
            since = int((query.get("since") or ["0"])[0] or 0)
            limit = int((query.get("limit") or ["200"])[0])
            etag = self.bo.etag(since, limit)
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            data = self.bo.changes(since, limit)
            if fault and fault.kind == "schema":
                data["schema"] = 99
            self._json(200, data, {"ETag": etag})
        elif path.startswith("release/"):
            data = self.bo.releases.get(path.removeprefix("release/"))
            if data is None:
                self._json(404, {"error": "no such release"})
                return
            self._send(200, data, {"Content-Type": "application/zip"})
        elif path.startswith("media/"):
            data = self.bo.media.get(path.removeprefix("media/"))
            if data is None:
                self._json(404, {"error": "no such image"})
                return
            if fault and fault.kind == "wrong-bytes":
                data = data[:-10] + b"0123456789"
            if fault and fault.kind == "truncated":
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self._send(
                200,
                data,
                {"Content-Type": "application/octet-stream", "Cache-Control": "public, max-age=31536000, immutable"},
            )
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):
        got = self._common("POST")
        if got is None:
            return
        path, fault = got
        body = json.loads(self.body or b"{}")
        if path != "heartbeat":
            self._json(404, {"error": "not found"})
            return
        self.bo.heartbeats.append(body)
        acknowledged = []
        usage = body.get("usage") or {}
        if usage.get("batch_id"):
            with self.bo.lock:
                self.bo.batches.setdefault(usage["batch_id"], usage["rows"])  # a batch id is stored once
            acknowledged.append(usage["batch_id"])
        if fault and fault.kind == "store-then-fail":
            self._json(500, {"ok": False})
            return
        answer = {"ok": True, "acknowledged": acknowledged}
        if self.bo.commands:
            answer["commands"], self.bo.commands = self.bo.commands, []
        self._json(200, answer)


# -- fixtures' content ---------------------------------------------------------------------------


def image(n: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG, different for every ``n``."""
    from PIL import Image

    img = Image.new("RGB", size, ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def media_ref(data: bytes, size: tuple[int, int] = (64, 48)) -> dict:
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "mime": "image/jpeg",
        "width": size[0],
        "height": size[1],
        "bytes": len(data),
        "alt": {"fr": "photo"},
        "credit": "",
    }


def entry(n: int, *, title: str | None = None, kind: str = "place", media: list[dict] = (), **extra) -> dict:
    data = {
        "id": f"bo:{n}",
        "kind": kind,
        "categories": ["museum"] if kind == "place" else [],
        "commune": "15187",
        "title": {"fr": title or f"Lieu {n}", "en": f"Place {n}"},
        "summary": {"fr": f"Résumé du lieu {n}"},
        "body": {"fr": f"Texte du lieu {n}.\n\nDeuxième paragraphe."},
        "place": {"name": f"Lieu {n}", "city": "Saint-Flour", "lat": 45.03 + n / 1e4, "lon": 3.09},
        "opening_hours": "Mo-Sa 09:00-18:00",
        "media": list(media),
        "updated_at": "2026-11-01T10:00:00+01:00",
    }
    data.update(extra)
    return data


def event(n: int, start: str, end: str, **extra) -> dict:
    data = entry(n, kind="event", occurrences=[{"start": start, "end": end}], **extra)
    data["categories"] = ["concert"]
    return data


def alert(n: int, message: str = "Route barrée", level: str = "urgent", **extra) -> dict:
    data = {
        "id": f"bo-alert:{n}",
        "level": level,
        "message": {"fr": message},
        "from": "2020-01-01T00:00:00+00:00",
        "until": None,
        "communes": [],
    }
    data.update(extra)
    return data
