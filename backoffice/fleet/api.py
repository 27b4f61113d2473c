"""The kiosk API: ``/api/kiosk/v1/changes``, ``/media/<sha256>``, ``/heartbeat``. Bearer token per kiosk."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from functools import wraps

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from backoffice.catalog.models import MediaFile
from backoffice.fleet import feed
from backoffice.fleet.models import Heartbeat, Kiosk, UsageBatch, UsageCounter

log = logging.getLogger(__name__)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_HEARTBEAT_BYTES = 1024 * 1024
MAX_USAGE_ROWS = 20_000
#: A feed page is keyed by the change number it was built at, so it never goes stale; this only bounds memory.
FEED_CACHE_SECONDS = 600
HEARTBEAT_HISTORY = dt.timedelta(days=31)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def kiosk_required(view):
    """Find the kiosk from ``Authorization: Bearer <token>``; 401 when missing, wrong or revoked."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        kiosk = Kiosk.by_token(token.strip()) if scheme.lower() == "bearer" else None
        if kiosk is None:
            response = _error(401, "missing, unknown or revoked kiosk token (Authorization: Bearer <token>)")
            response["WWW-Authenticate"] = 'Bearer realm="borne-kiosk"'
            return response
        request.kiosk = kiosk
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@gzip_page
@kiosk_required
def changes(request):
    try:
        req = feed.parse_request(request.GET.get("since"), request.GET.get("limit"))
    except feed.CursorError as exc:
        return _error(400, str(exc))
    commune = request.kiosk.commune_id
    etag = feed.etag_for(commune, req)
    wanted = [t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted:
        response = HttpResponse(status=304)
    else:
        # Every kiosk of a commune walking from the same cursor gets the same page: build it once.
        key = f"feed:{commune}:{etag}"
        body = cache.get(key)
        if body is None:
            body = json.dumps(feed.changes(commune, req), ensure_ascii=False, separators=(",", ":")).encode()
            cache.set(key, body, FEED_CACHE_SECONDS)
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Accept-Encoding"
    return response


@require_GET
def media(request, sha256: str):
    """Image bytes by content hash. Public and immutable, so any HTTP cache or CDN can hold them:
    the hash is unguessable and only published entries reference it."""
    if not SHA_RE.match(sha256):
        raise Http404("not a sha256")
    item = MediaFile.objects.filter(sha256=sha256).first()
    if item is None or not default_storage.exists(item.storage_name):
        raise Http404("no such image")
    if request.headers.get("If-None-Match", "").strip().strip('"').removeprefix('W/"') == sha256:
        response = HttpResponse(status=304)
    else:
        response = FileResponse(default_storage.open(item.storage_name, "rb"), content_type=item.mime)
        response["Content-Length"] = str(item.size)
    response["ETag"] = f'"{sha256}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class HeartbeatError(ValueError):
    pass


def _dt(value, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise HeartbeatError(f"{field}: {value!r} is not an ISO 8601 date and time") from None
    if parsed.tzinfo is None:
        raise HeartbeatError(f"{field}: {value!r} needs a UTC offset")
    return parsed


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HeartbeatError(f"{field}: {value!r} is not a number")
    return int(value)


def _str(value, field: str, max_len: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int) or len(str(value)) > max_len:
        raise HeartbeatError(f"{field}: expected text of at most {max_len} characters")
    return str(value)


def _usage_rows(usage: dict) -> list[dict]:
    rows = usage.get("rows") or []
    if not isinstance(rows, list) or len(rows) > MAX_USAGE_ROWS:
        raise HeartbeatError(f"usage.rows: expected a list of at most {MAX_USAGE_ROWS} rows")
    clean = []
    for i, row in enumerate(rows):
        where = f"usage.rows[{i}]"
        if not isinstance(row, dict):
            raise HeartbeatError(f"{where}: expected an object")
        hour = _dt(row.get("hour"), f"{where}.hour")
        n = _int(row.get("n"), f"{where}.n")
        if hour is None or n is None or n < 0:
            raise HeartbeatError(f"{where}: hour and a non-negative n are required")
        clean.append(
            {
                "hour": hour.replace(minute=0, second=0, microsecond=0),
                "screen": _str(row.get("screen"), f"{where}.screen", 40),
                "entry_id": _str(row.get("entry_id"), f"{where}.entry_id", 220),
                "category": _str(row.get("category"), f"{where}.category", 60),
                "lang": _str(row.get("lang"), f"{where}.lang", 8),
                "n": n,
            }
        )
    return clean


def record_heartbeat(kiosk: Kiosk, data: dict, remote_addr: str | None = None) -> dict:
    """Store a heartbeat and its usage batch; the answer for the kiosk."""
    errors = data.get("errors") or []
    if not isinstance(errors, list):
        errors = [errors]
    errors = [str(e)[:500] for e in errors[:50]]
    beat = Heartbeat(
        kiosk=kiosk,
        version=_str(data.get("version"), "version", 40),
        cursor=_str(data.get("cursor"), "cursor", 40),
        last_sync=_dt(data.get("last_sync"), "last_sync"),
        errors=errors,
        disk_free=_int(data.get("disk_free"), "disk_free"),
        uptime=_int(data.get("uptime"), "uptime"),
    )
    usage = data.get("usage") or {}
    if not isinstance(usage, dict):
        raise HeartbeatError("usage: expected an object {batch_id, rows}")
    batch_id = _str(usage.get("batch_id"), "usage.batch_id", 64)
    rows = _usage_rows(usage) if batch_id else []
    acknowledged = []
    with transaction.atomic():
        beat.save()
        # Keep a month of history per kiosk; the kiosk row holds the latest state.
        Heartbeat.objects.filter(kiosk=kiosk, received_at__lt=beat.received_at - HEARTBEAT_HISTORY).delete()
        kiosk.last_heartbeat = beat.received_at
        kiosk.version, kiosk.cursor, kiosk.last_sync = beat.version, beat.cursor, beat.last_sync
        kiosk.errors, kiosk.disk_free, kiosk.uptime = beat.errors, beat.disk_free, beat.uptime
        kiosk.remote_addr = remote_addr
        commands = ["sync_now"] if kiosk.sync_requested else []
        kiosk.sync_requested = False
        kiosk.save()
        if batch_id:
            try:
                with transaction.atomic():
                    UsageBatch.objects.create(kiosk=kiosk, batch_id=batch_id, rows=len(rows))
                    for row in rows:
                        n = row.pop("n")
                        counter, created = UsageCounter.objects.get_or_create(kiosk=kiosk, **row, defaults={"n": n})
                        if not created:
                            UsageCounter.objects.filter(pk=counter.pk).update(n=F("n") + n)
            except IntegrityError:
                log.info("kiosk %s: usage batch %s already stored", kiosk, batch_id)
            acknowledged.append(batch_id)
    answer = {"ok": True, "acknowledged": acknowledged, "server_time": timezone.now().isoformat()}
    if commands:
        answer["commands"] = commands
    return answer


@csrf_exempt
@require_POST
@kiosk_required
def heartbeat(request):
    if len(request.body) > MAX_HEARTBEAT_BYTES:
        return _error(413, f"heartbeat larger than {MAX_HEARTBEAT_BYTES} bytes")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"heartbeat is not JSON: {exc}")
    if not isinstance(data, dict):
        return _error(400, "heartbeat must be a JSON object")
    try:
        answer = record_heartbeat(request.kiosk, data, request.META.get("REMOTE_ADDR"))
    except HeartbeatError as exc:
        return _error(400, f"heartbeat refused: {exc}")
    return JsonResponse(answer)
