"""The kiosk API: ``/api/kiosk/v1/changes``, ``/media/<sha256>``, ``/heartbeat``. Bearer token per kiosk."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
from functools import wraps

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from backoffice.catalog.models import MediaFile
from backoffice.fleet import feed, settings_feed, wire
from backoffice.fleet.models import Heartbeat, Kiosk, Release, UsageBatch, UsageCounter
from backoffice.geo import service as geo_service
from backoffice.storage import open_stream
from backoffice.throttle import client_address

log = logging.getLogger(__name__)
SHA_RE = re.compile(r"[0-9a-f]{64}")
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
            response = _error(401, "jeton de borne absent, inconnu ou révoqué (Authorization: Bearer <jeton>)")
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
        req = feed.parse_request(request.GET.get("since"), request.GET.get("limit"), request.GET.get("schema"))
    except wire.WireError as exc:
        return _error(400, str(exc))
    request.kiosk.note_feed_contact()  # a kiosk that only syncs (sync --once) shows on the fleet page
    commune = request.kiosk.commune_id
    town_map = geo_service.announcement(request.kiosk)
    # The map and the kiosk's position are the kiosk's own: they change the ETag and the cached body.
    own = settings_feed.encode(settings_feed.settings_for(request.kiosk))  # this kiosk's, not the commune's
    page_etag = feed.etag_for(commune, req, town_map)
    etag = settings_feed.with_tag(page_etag, own)
    wanted = [t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted:
        response = HttpResponse(status=304)
    else:
        # Every kiosk of a commune walking from the same cursor gets the same page: build it once.
        key = f"feed:{commune}:{page_etag}"
        body = cache.get(key)
        if body is None:
            page = feed.changes(commune, req)
            if town_map is not None:
                page["map"] = town_map
            body = json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()
            cache.set(key, body, FEED_CACHE_SECONDS)
        response = HttpResponse(settings_feed.add_to_page(body, own), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Accept-Encoding"
    return response


@require_GET
def media(request, sha256: str):
    """Image bytes by content hash. Public and immutable, so any HTTP cache or CDN can hold them:
    the hash is unguessable and only published entries reference it."""
    if not SHA_RE.fullmatch(sha256):
        raise Http404("not a sha256")
    item = MediaFile.objects.filter(sha256=sha256).first()
    if item is None:
        return _map_blob(request, sha256)
    if request.headers.get("If-None-Match", "").strip().strip('"').removeprefix('W/"') == sha256:
        response = HttpResponse(status=304)
    else:
        # Streamed from the storage (local file or bucket), not redirected to the bucket: kiosks keep
        # one address and one token, the bucket stays private, and nginx's cache holds the bytes.
        stream = open_stream(item.storage_name)
        if stream is None:
            raise Http404("no such image")
        response = FileResponse(stream, content_type=item.mime)
        response["Content-Length"] = str(item.size)
    response["ETag"] = f'"{sha256}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _map_blob(request, sha256: str):
    """A town map blob (``backoffice.geo``), served like an image: by hash, immutable."""
    blob = geo_service.blob_for(sha256)
    if blob is None:
        raise Http404("no such image or map")
    if request.headers.get("If-None-Match", "").strip().strip('"').removeprefix('W/"') == sha256:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(blob, content_type="application/gzip")
    response["ETag"] = f'"{sha256}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_GET
@kiosk_required
def release(request, sha256: str):
    """A software release's archive, for the kiosks it is published to (their token required)."""
    if not SHA_RE.fullmatch(sha256):
        raise Http404("not a sha256")
    item = Release.for_kiosk(request.kiosk)
    if item is None or item.sha256 != sha256:
        raise Http404("no such release for this kiosk")
    response = FileResponse(item.archive.open("rb"), content_type="application/zip")
    response["Content-Length"] = str(item.size)
    response["Cache-Control"] = "private, max-age=86400, immutable"
    return response


HeartbeatError = wire.WireError
#: Ranges of the heartbeat's numbers: generous for any real kiosk, small enough for a 64-bit column.
MAX_BYTES = 2**60  # an exbibyte of disk
MAX_UPTIME = 100 * 366 * 86400  # a century, in seconds
MAX_VIEWS = 10**6  # views counted in one hour, one row (a kiosk shows a few hundred screens an hour)
MAX_COUNTER = 2**31 - 1  # a counter column (PositiveIntegerField): sums stop there instead of overflowing


def _usage_rows(usage: dict) -> list[dict]:
    rows = usage.get("rows")
    if rows is None:
        return []
    if not isinstance(rows, list) or len(rows) > MAX_USAGE_ROWS:
        raise HeartbeatError(f"usage.rows : liste de {MAX_USAGE_ROWS} lignes au plus attendue")
    clean = []
    for i, row in enumerate(rows):
        where = f"usage.rows[{i}]"
        row = wire.obj(row, where)
        hour = wire.moment(row.get("hour"), f"{where}.hour")
        n = wire.integer(row.get("n"), f"{where}.n", high=MAX_VIEWS)
        if hour is None or n is None:
            raise HeartbeatError(f"{where} : hour et n (nombre de vues, 0 ou plus) sont obligatoires")
        clean.append(
            {
                "hour": hour.replace(minute=0, second=0, microsecond=0),
                "screen": wire.text(row.get("screen"), f"{where}.screen", 40),
                "entry_id": wire.text(row.get("entry_id"), f"{where}.entry_id", 220),
                "category": wire.text(row.get("category"), f"{where}.category", 60),
                "lang": wire.text(row.get("lang"), f"{where}.lang", 8),
                "n": n,
            }
        )
    return clean


def _errors(value) -> list[str]:
    """The kiosk's current errors: texts (a single text is one error), at most 50 kept, 500 characters each."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [wire.text(e, f"errors[{i}]", 100_000, code=False)[:500] for i, e in enumerate(items[:50])]


def _bundle(value) -> dict:
    """The last USB bundle the kiosk imported: ``{name, imported_at, signed, verified}`` (``{}`` if none)."""
    data = wire.obj(value, "bundle")
    if not data:
        return {}
    imported_at = wire.moment(data.get("imported_at"), "bundle.imported_at")
    signed = wire.boolean(data.get("signed"), "bundle.signed")
    verified = wire.boolean(data.get("verified"), "bundle.verified")
    if verified and not signed:
        raise HeartbeatError("bundle : verified vaut true alors que signed vaut false")
    return {
        "name": wire.text(data.get("name"), "bundle.name", 200),
        "imported_at": imported_at.isoformat() if imported_at else None,
        "signed": bool(signed),
        "verified": bool(verified),
    }


MAX_SCREENSHOT_BYTES = 512 * 1024
SCREEN_STATES = ("on", "off", "unknown")
UPDATE_RESULTS = ("downloaded", "installed", "healthy", "rolled_back", "refused", "failed")


def _screen(value) -> dict:
    """The screen's power as the kiosk saw it: ``{backend, state, action, at, error}``."""
    data = wire.obj(value, "screen")
    state = wire.text(data.get("state"), "screen.state", 10)
    if state and state not in SCREEN_STATES:
        raise HeartbeatError(f"screen.state : {', '.join(SCREEN_STATES)} attendu")
    at = wire.moment(data.get("at"), "screen.at")
    return {
        "backend": wire.text(data.get("backend"), "screen.backend", 40),
        "state": state,
        "action": wire.text(data.get("action"), "screen.action", 200, code=False),
        "at": at.isoformat() if at else None,
        "error": wire.text(data.get("error"), "screen.error", 500, code=False),
    }


def _update(value) -> dict:
    """The last software update the kiosk tried: ``{version, result, at, message}``."""
    data = wire.obj(value, "update")
    result = wire.text(data.get("result"), "update.result", 20)
    if result and result not in UPDATE_RESULTS:
        raise HeartbeatError(f"update.result : {', '.join(UPDATE_RESULTS)} attendu")
    at = wire.moment(data.get("at"), "update.at")
    return {
        "version": wire.text(data.get("version"), "update.version", 40),
        "result": result,
        "at": at.isoformat() if at else None,
        "message": wire.text(data.get("message"), "update.message", 500, code=False),
    }


def _screenshot(value) -> tuple[bytes, dt.datetime] | None:
    """A JPEG of the kiosk's screen (base64), and when it was taken."""
    data = wire.obj(value, "screenshot")
    if not data:
        return None
    encoded = wire.text(data.get("jpeg"), "screenshot.jpeg", MAX_SCREENSHOT_BYTES * 4 // 3 + 4)
    try:
        jpeg = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise HeartbeatError("screenshot.jpeg : base64 attendu") from None
    if not jpeg.startswith(b"\xff\xd8\xff"):
        raise HeartbeatError("screenshot.jpeg : ce n'est pas une image JPEG")
    taken = wire.moment(data.get("taken_at"), "screenshot.taken_at") or timezone.now()
    return jpeg, taken


def record_heartbeat(kiosk: Kiosk, data: dict, remote_addr: str | None = None) -> dict:
    """Store a heartbeat and its usage batch; the answer for the kiosk.

    Every field is checked before anything is written (``wire``): a bad one refuses the whole
    heartbeat with HeartbeatError, and the kiosk's last good status stays as it was. Fields this
    back office does not know are ignored (the contract's rule)."""
    beat = Heartbeat(
        kiosk=kiosk,
        version=wire.text(data.get("version"), "version", 40),
        cursor=wire.text(data.get("cursor"), "cursor", 40),
        last_sync=wire.moment(data.get("last_sync"), "last_sync"),
        errors=_errors(data.get("errors")),
        disk_free=wire.integer(data.get("disk_free"), "disk_free", high=MAX_BYTES),
        uptime=wire.integer(data.get("uptime"), "uptime", high=MAX_UPTIME),
    )
    disk_total = wire.integer(data.get("disk_total"), "disk_total", high=MAX_BYTES)
    bundle = _bundle(data.get("bundle")) if "bundle" in data else None
    screen = _screen(data.get("screen")) if "screen" in data else None
    update = _update(data.get("update")) if "update" in data else None
    screenshot = _screenshot(data.get("screenshot"))
    usage = wire.obj(data.get("usage"), "usage")
    batch_id = wire.text(usage.get("batch_id"), "usage.batch_id", 64)
    rows = _usage_rows(usage) if batch_id else []
    acknowledged = []
    with transaction.atomic():
        beat.save()
        # Keep a month of history per kiosk; the kiosk row holds the latest state.
        Heartbeat.objects.filter(kiosk=kiosk, received_at__lt=beat.received_at - HEARTBEAT_HISTORY).delete()
        kiosk.last_heartbeat = beat.received_at
        kiosk.version, kiosk.cursor, kiosk.last_sync = beat.version, beat.cursor, beat.last_sync
        kiosk.errors, kiosk.disk_free, kiosk.uptime = beat.errors, beat.disk_free, beat.uptime
        kiosk.disk_total = disk_total
        if bundle is not None:  # a kiosk that does not send it (older version) keeps what it sent before
            kiosk.bundle = bundle
        kiosk.remote_addr = remote_addr
        if screen is not None:
            kiosk.screen_state = screen
        if update is not None:
            kiosk.update_state = update
        if screenshot is not None:
            kiosk.screenshot, kiosk.screenshot_at = screenshot
            kiosk.screenshot_requested = False
        commands = ["sync_now"] if kiosk.sync_requested else []
        if kiosk.screenshot_requested:
            commands.append("screenshot")
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
                            UsageCounter.objects.filter(pk=counter.pk).update(n=Least(F("n") + n, MAX_COUNTER))
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
    too_big = _error(413, f"heartbeat refusé : plus de {MAX_HEARTBEAT_BYTES} octets")
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isascii() or not declared.isdigit() or int(declared) > MAX_HEARTBEAT_BYTES:
        return too_big
    try:
        body = request.body
    except RequestDataTooBig:
        return too_big
    if len(body) > MAX_HEARTBEAT_BYTES:
        return too_big
    try:
        data = wire.load_json(body, "heartbeat")
        if not isinstance(data, dict):
            raise HeartbeatError("heartbeat : un objet JSON {…} est attendu (JSON object)")
        answer = record_heartbeat(request.kiosk, data, client_address(request))  # behind nginx: X-Real-IP
    except HeartbeatError as exc:
        return _error(400, f"heartbeat refusé : {exc}")
    return JsonResponse(answer)
