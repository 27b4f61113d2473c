"""OpenAgenda API v2 events -> contract entries, and a small client that pages through an agenda.

Input shapes (:func:`map_response`): one event (``{"success": true, "event": {...}}`` or the bare
event), a list response (``{"events": [...], "after": ...}``) or a list of events. OpenAgenda is
incremental, not a snapshot: withdrawals come as ``{"uid": …, "removed": true}`` and as cancelled
events (``status`` 6), both listed in :attr:`ImportResult.withdrawn`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from backoffice.importers.base import (
    FetchError,
    ImageRef,
    ImportResult,
    RecordProblem,
    SourceFormatError,
    fetch_error,
    lang_key,
    occurrences,
    one_line,
    parse_datetime,
    plain,
    source_fetcher,
    zone,
)
from backoffice.importers.vocabulary import keyword_categories

log = logging.getLogger(__name__)

SOURCE = "openagenda"
NAME = "OpenAgenda"
LICENCE = "Licence Ouverte"
API_URL = "https://api.openagenda.com/v2"
STATUS_CANCELLED = 6
_INSEE_RE = re.compile(r"^\d[0-9AB]\d{3}$")
_UID_RE = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


def import_file(path: str | Path, **options: Any) -> ImportResult:
    """Map a saved API response (JSON file). Options as :func:`map_response`."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(f"not JSON: {exc}", file=str(path)) from None
    return map_response(data, file=str(path), **options)


def events_of(data: Any, *, file: str = "") -> tuple[list[Any], str]:
    """The events of a response and its ``after`` cursor (JSON text, "" when none)."""
    if isinstance(data, list):
        return data, ""
    if not isinstance(data, dict):
        raise SourceFormatError(f"expected an OpenAgenda response object, got {type(data).__name__}", file=file)
    if data.get("success") is False:
        raise SourceFormatError(f"the API answered an error: {data.get('message') or data.get('error')!r}", file=file)
    if "events" in data:
        if not isinstance(data["events"], list):
            raise SourceFormatError("'events' is not a list", file=file)
        after = data.get("after")
        return data["events"], "" if after in (None, [], "") else json.dumps(after)
    if isinstance(data.get("event"), dict):
        return [data["event"]], ""
    if "uid" in data:
        return [data], ""
    raise SourceFormatError("neither 'events', 'event' nor an event 'uid' in the response", file=file)


def map_response(
    data: Any,
    *,
    tz: str = "Europe/Paris",
    commune: str = "",
    not_before: dt.datetime | None = None,
    retrieved_at: dt.datetime | None = None,
    agenda_title: str = "",
    file: str = "",
) -> ImportResult:
    """Map one API response.

    ``commune``: INSEE code when the location has none. ``retrieved_at``: ``updated_at`` for events
    without ``updatedAt``/``createdAt`` (list responses without ``detailed=1``). ``agenda_title``:
    the producer shown in the attribution when events do not carry ``originAgenda.title``.
    """
    zinfo = zone(tz)
    events, after = events_of(data, file=file)
    result = ImportResult(SOURCE, snapshot=False, cursor=after)
    for index, event in enumerate(events):
        label = f"{file}#{index}" if file else f"#{index}"
        if not isinstance(event, dict):
            result.problems.append(
                RecordProblem(label, "", f"expected an event object, got {type(event).__name__}", "error")
            )
            continue
        uid = str(event.get("uid", "")).strip()
        if not _UID_RE.match(uid):
            result.problems.append(
                RecordProblem(label, "uid", f"missing or unusable uid {event.get('uid')!r}", "error")
            )
            continue
        rid = f"{SOURCE}:{uid}"
        if event.get("removed") is True:
            result.withdrawn.append(rid)
            result.seen_ids.add(rid)
            continue
        if event.get("status") == STATUS_CANCELLED:
            result.withdrawn.append(rid)
            result.seen_ids.add(rid)
            result.problems.append(RecordProblem(rid, "status", "cancelled (status 6): withdrawn"))
            continue
        problems: list[RecordProblem] = []
        try:
            entry = _entry(
                event,
                rid,
                tz=zinfo,
                commune=commune,
                not_before=not_before,
                retrieved_at=retrieved_at,
                agenda_title=agenda_title,
                problems=problems,
            )
        except _Skip as exc:
            result.problems.extend(problems)
            result.fail(rid, exc.field, str(exc))
            continue
        result.add(rid, entry, _images(event), problems)
    result.withdrawn = sorted(set(result.withdrawn))
    return result.finish()


class _Skip(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _texts(value: Any, convert=plain) -> dict[str, str]:
    if isinstance(value, str):
        value = {"fr": value}
    if not isinstance(value, dict):
        return {}
    out = {}
    for lang in sorted(value):
        code = lang_key(lang)
        text = convert(value[lang]) if isinstance(value[lang], str) else ""
        if code and text and code not in out:
            out[code] = text
    return out


def _entry(event, rid, *, tz, commune, not_before, retrieved_at, agenda_title, problems) -> dict:
    def warn(field: str, message: str) -> None:
        problems.append(RecordProblem(rid, field, message))

    title = _texts(event.get("title"), one_line)
    if not title:
        raise _Skip("title", "no title in any language")
    if "fr" not in title:
        other = "en" if "en" in title else sorted(title)[0]
        title["fr"] = title[other]
        warn("title", f"no French title: the {other} title is used for fr")
    summary = _texts(event.get("description"))
    body = {k: v for k, v in _texts(event.get("longDescription")).items() if v != summary.get(k)}

    pairs = []
    timings = event.get("timings")
    if not isinstance(timings, list):
        timings = [t for t in (event.get("firstTiming"), event.get("lastTiming")) if isinstance(t, dict)]
        if timings:
            warn("timings", "no timings in the response (ask with detailed=1): first and last timing used")
    for n, timing in enumerate(timings):
        try:
            start = parse_datetime(timing.get("begin"), tz).astimezone(tz)
            end = parse_datetime(timing["end"], tz).astimezone(tz) if timing.get("end") else None
            if end is not None and end < start:
                raise ValueError(f"ends ({end}) before it begins ({start})")
            pairs.append((start, end))
        except (ValueError, AttributeError, TypeError) as exc:
            warn(f"timings[{n}]", f"{exc}: timing left out")
    occ, note = occurrences(pairs, not_before=not_before)
    if note:
        warn("timings", note)

    updated = None
    for key in ("updatedAt", "createdAt"):
        try:
            updated = parse_datetime(event.get(key), dt.UTC)
            break
        except (ValueError, TypeError):
            continue
    if updated is None:
        if retrieved_at is None:
            raise _Skip("updatedAt", "no updatedAt or createdAt (pass retrieved_at, or ask with detailed=1)")
        updated = retrieved_at

    keywords = event.get("keywords") if isinstance(event.get("keywords"), dict) else {}
    words = [w for values in keywords.values() if isinstance(values, list) for w in values if isinstance(w, str)]
    place, found_commune = _place(event.get("location"), warn)
    agenda = event.get("originAgenda") if isinstance(event.get("originAgenda"), dict) else {}
    slug, agenda_slug = event.get("slug"), agenda.get("slug")
    return {
        "id": rid,
        "kind": "event",
        "categories": keyword_categories(*title.values(), *words),
        "commune": found_commune or commune,
        "title": title,
        "summary": summary,
        "body": body,
        "place": place,
        "contact": _contact(event.get("registration"), warn),
        "occurrences": occ,
        "media": [],
        "featured": False,
        "url": "",
        "source": {
            "name": NAME,
            "producer": one_line(agenda.get("title") or agenda_title or ""),
            "licence": LICENCE,
            "url": f"https://openagenda.com/{agenda_slug}/events/{slug}"
            if isinstance(slug, str) and isinstance(agenda_slug, str) and slug and agenda_slug
            else "",
        },
        "updated_at": updated.isoformat(),
    }


def _place(location: Any, warn) -> tuple[dict | None, str]:
    if not isinstance(location, dict):
        return None, ""
    place = {
        "name": one_line(location.get("name") or ""),
        "street": one_line(location.get("address") or ""),
        "postcode": one_line(str(location.get("postalCode") or "")),
        "city": one_line(location.get("city") or ""),
        "lat": None,
        "lon": None,
    }
    lat, lon = location.get("latitude"), location.get("longitude")
    if lat is not None or lon is not None:
        try:
            lat, lon = float(lat), float(lon)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            place["lat"], place["lon"] = lat, lon
        except (TypeError, ValueError):
            warn("location", f"unusable coordinates {lat!r}, {lon!r}: left out")
    insee = str(location.get("insee") or "").strip()
    if insee and not _INSEE_RE.match(insee):
        warn("location.insee", f"{insee!r} is not an INSEE code: left out")
        insee = ""
    return place, insee


def _contact(registration: Any, warn) -> dict:
    contact = {"phone": "", "email": "", "website": ""}
    for item in registration if isinstance(registration, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            continue
        kind, value = item.get("type"), item["value"].strip()
        if kind == "email" and not contact["email"] and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            contact["email"] = value
        elif kind == "phone" and not contact["phone"]:
            contact["phone"] = one_line(value)
        elif kind == "link" and not contact["website"] and re.match(r"^https?://\S+$", value):
            contact["website"] = value
    return contact


def _images(event: dict) -> list[ImageRef]:
    image = event.get("image")
    if not isinstance(image, dict) or not isinstance(image.get("filename"), str):
        return []
    base = image.get("base") if isinstance(image.get("base"), str) else "https://cdn.openagenda.com/main/"
    url = base.rstrip("/") + "/" + image["filename"].lstrip("/")
    if not re.match(r"^https?://\S+$", url):
        return []
    credit = one_line(event.get("imageCredits") or "") if isinstance(event.get("imageCredits"), str) else ""
    return [ImageRef(url, credit, "", _texts(event.get("title"), one_line))]


# --- client -------------------------------------------------------------------------------------


def fetch_pages(
    agenda_uid: int | str,
    *,
    key: str,
    fetcher=None,
    base_url: str = API_URL,
    after: str = "",
    updated_since: dt.datetime | None = None,
    page_size: int = 100,
    max_pages: int = 100,
) -> Iterator[dict]:
    """Yield the agenda's event list responses page by page (``detailed=1``, removed events included).

    ``after``: the cursor of a previous result (:attr:`ImportResult.cursor`) to resume from.
    ``fetcher``: an :class:`outbound.Fetcher` (:func:`source_fetcher` when None): each page has its
    deadline and its byte cap after decompression.
    Raises FetchError naming the URL on network errors, HTTP errors or a body that is not JSON.
    """
    from outbound import FetchError as OutboundError

    own = fetcher is None
    fetcher = fetcher or source_fetcher("Borne back office (OpenAgenda importer)")
    url = f"{base_url.rstrip('/')}/agendas/{agenda_uid}/events"
    cursor = json.loads(after) if after else None
    try:
        for _ in range(max_pages):
            params: list[tuple[str, Any]] = [("key", key), ("size", page_size), ("detailed", 1), ("removed", 1)]
            if updated_since is not None:
                params.append(("updatedAt[gte]", updated_since.isoformat()))
            for value in cursor if isinstance(cursor, list) else ([cursor] if cursor else []):
                params.append(("after[]", value))
            try:
                with fetcher.open("GET", url, params=params) as body:
                    if body.status != 200:
                        raise FetchError(f"{url}: HTTP {body.status}")
                    page = body.json()
            except OutboundError as exc:
                raise fetch_error(exc) from None
            yield page
            cursor = page.get("after") if isinstance(page, dict) else None
            if not cursor or not page.get("events"):
                return
        log.warning("OpenAgenda agenda %s: stopped after %d pages", agenda_uid, max_pages)
    finally:
        if own:
            fetcher.close()


def import_agenda(
    agenda_uid: int | str, *, key: str, fetcher=None, fetch_options: dict | None = None, **options: Any
) -> ImportResult:
    """Fetch every page of an agenda and map it; ``cursor`` of the result resumes the next import."""
    result = ImportResult(SOURCE)
    for n, page in enumerate(fetch_pages(agenda_uid, key=key, fetcher=fetcher, **(fetch_options or {}))):
        result.extend(map_response(page, file=f"agenda {agenda_uid} page {n + 1}", **options))
    return result.finish()
