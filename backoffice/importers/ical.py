"""iCalendar feeds (VEVENT) -> event entries.

One entry per UID: RRULE/RDATE recurrences expanded for the coming ``months`` (EXDATE removed,
RECURRENCE-ID instances replace or cancel the instance they override), all-day events as
00:00-23:59 local days with DTEND exclusive, STATUS:CANCELLED events withdrawn. Times use each
property's TZID; floating times are in the town's zone; the feed's X-WR-TIMEZONE is ignored (it is
often wrong). Each fetch is a snapshot of the feed (``snapshot=True``).
Lenient: a broken event becomes a RecordProblem naming its UID and line; the rest is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from backoffice.importers.base import (
    ImageRef,
    ImportResult,
    RecordProblem,
    SourceFormatError,
    day_bounds,
    fetch_error,
    lang_key,
    occurrences,
    one_line,
    plain,
    source_fetcher,
    zone,
)
from backoffice.importers.ical_parse import (
    Component,
    ICalError,
    Prop,
    date_list,
    date_or_datetime,
    duration,
    parse,
    text_value,
)
from backoffice.importers.vocabulary import keyword_categories

log = logging.getLogger(__name__)

SOURCE = "ical"
MAX_BYTES = 10 * 1024 * 1024
_UID_RE = re.compile(r"^[A-Za-z0-9._:/@+-]{1,200}$")


def entry_id(uid: str) -> str:
    """``ical:<uid>`` when the UID fits an entry id, else ``ical:<sha256 of the UID, 32 hex>``."""
    uid = uid.strip()
    if _UID_RE.match(uid):
        return f"{SOURCE}:{uid}"
    return f"{SOURCE}:{hashlib.sha256(uid.encode()).hexdigest()[:32]}"


def import_file(path: str | Path, **options: Any) -> ImportResult:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    return map_calendar(raw, file=str(path), **options)


def fetch_calendar(url: str, *, fetcher=None, max_bytes: int = MAX_BYTES) -> bytes:
    """The feed's bytes. ``fetcher``: an :class:`outbound.Fetcher` (:func:`source_fetcher` when None).

    Raises FetchError naming the URL (not http(s), an internal address, HTTP error, too big, too slow).
    """
    from outbound import FetchError as OutboundError

    own = fetcher is None
    fetcher = fetcher or source_fetcher("Borne back office (iCalendar importer)")
    try:
        return fetcher.get_bytes(url, max_bytes=max_bytes)
    except OutboundError as exc:
        raise fetch_error(exc) from None
    finally:
        if own:
            fetcher.close()


def import_url(url: str, *, fetcher=None, **options: Any) -> ImportResult:
    """Fetch and map a feed; ``source_url`` defaults to ``url``."""
    options.setdefault("source_url", url)
    return map_calendar(fetch_calendar(url, fetcher=fetcher), file=url, **options)


def map_calendar(
    data: str | bytes,
    *,
    commune: str = "",
    months: int = 6,
    now: dt.datetime | None = None,
    tz: str = "Europe/Paris",
    lang: str = "fr",
    source_name: str = "",
    producer: str = "",
    licence: str = "",
    source_url: str = "",
    not_before: dt.datetime | None = None,
    file: str = "",
) -> ImportResult:
    """Map a feed's text.

    ``now`` (default: the current time) and ``months`` bound recurrence expansion: instances of a
    recurring event from ``now`` to ``now + months``. Single events are kept whatever their date
    unless ``not_before`` is given. ``lang``: the language of texts without a LANGUAGE parameter
    (copied to ``fr`` when the feed is not French, since a French title is required).
    """
    zinfo = zone(tz)
    now = now or dt.datetime.now(zinfo)
    if now.tzinfo is None:
        raise ValueError("now needs a time zone")
    where = file or "calendar"
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("cp1252", errors="replace")
    try:
        calendar, notes = parse(data)
    except ICalError as exc:
        raise SourceFormatError(str(exc), file=where) from None
    result = ImportResult(SOURCE, snapshot=True)
    result.problems.extend(RecordProblem(where, "", note) for note in notes)
    declared = calendar.get("X-WR-TIMEZONE")
    if declared and declared.value.strip() != tz:
        result.problems.append(
            RecordProblem(
                where,
                "X-WR-TIMEZONE",
                f"{declared.value.strip()!r} ignored: times follow each TZID, floating times are {tz}",
            )
        )
    calname = calendar.get("X-WR-CALNAME")
    source = {
        "name": source_name or (one_line(text_value(calname.value)) if calname else "") or "iCalendar",
        "producer": producer,
        "licence": licence,
        "url": source_url if re.match(r"^https?://\S+$", source_url) else "",
    }
    groups: dict[str, list[Component]] = {}
    for event in (c for c in calendar.children if c.name == "VEVENT"):
        uid_prop = event.get("UID")
        uid = uid_prop.value.strip() if uid_prop and uid_prop.value.strip() else ""
        if not uid:
            start = event.get("DTSTART")
            summary = event.get("SUMMARY")
            uid = (
                "nouid-"
                + hashlib.sha256(
                    f"{start.value if start else ''}|{summary.value if summary else ''}".encode()
                ).hexdigest()[:16]
            )
            result.problems.append(RecordProblem(f"line {event.line}", "UID", f"no UID: id {uid} made from DTSTART"))
        groups.setdefault(uid, []).append(event)
    window = (now, now + relativedelta(months=months))
    for uid in sorted(groups):
        rid = entry_id(uid)
        problems: list[RecordProblem] = []
        try:
            built = _entry(
                groups[uid],
                rid,
                uid,
                tz=zinfo,
                window=window,
                lang=lang,
                commune=commune,
                source=source,
                not_before=not_before,
                problems=problems,
            )
        except (_Skip, ICalError) as exc:
            result.problems.extend(problems)
            result.fail(rid, getattr(exc, "field", ""), f"UID {uid}: {exc}")
            continue
        if built is None:  # cancelled
            result.problems.extend(problems)
            result.seen_ids.add(rid)
            result.withdrawn.append(rid)
            continue
        result.add(rid, built, _images(groups[uid]), problems)
    result.withdrawn.sort()
    return result.finish()


class _Skip(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _status(event: Component) -> str:
    prop = event.get("STATUS")
    return prop.value.strip().upper() if prop else ""


def _entry(events, rid, uid, *, tz, window, lang, commune, source, not_before, problems) -> dict | None:
    def warn(field: str, message: str) -> None:
        problems.append(RecordProblem(rid, field, message))

    masters = [e for e in events if not e.get("RECURRENCE-ID")]
    overrides = [e for e in events if e.get("RECURRENCE-ID")]
    main = masters[0] if masters else overrides[0]
    if masters and _status(main) == "CANCELLED":
        warn("STATUS", "cancelled: withdrawn")
        return None
    for event in events:
        if event.truncated:
            warn("", f"the file ends inside this event (line {event.line}): its text may be incomplete")

    pairs: list[tuple[dt.datetime, dt.datetime | None]] = []
    for master in masters:
        pairs.extend(_instances(master, tz, window, warn))
    cancelled_ids: set = set()
    replaced: list[tuple[dt.datetime, dt.datetime | None]] = []
    for override in overrides:
        rec = _as_local(date_or_datetime(override.get("RECURRENCE-ID"), tz), tz)[0]
        cancelled_ids.add(rec)
        if _status(override) != "CANCELLED":
            replaced.extend(_instances(override, tz, None, warn))
    pairs = [p for p in pairs if p[0] not in cancelled_ids] + replaced
    if masters or replaced:
        occ, note = occurrences(pairs, not_before=not_before)
    else:
        occ, note = [], ""
    if note:
        warn("RRULE", note)
    if not occ:
        raise _Skip("DTSTART", "no occurrence left (past, outside the window, or every instance cancelled)")

    summary_prop = main.get("SUMMARY")
    text_lang = lang_key((summary_prop.params.get("LANGUAGE") if summary_prop else "") or lang) or "fr"
    title_text = one_line(text_value(summary_prop.value)) if summary_prop else ""
    if not title_text:
        raise _Skip("SUMMARY", f"no SUMMARY (line {main.line})")
    description = main.get("DESCRIPTION")
    body_text = plain(text_value(description.value)) if description else ""
    title = {text_lang: title_text, "fr": title_text} if text_lang != "fr" else {"fr": title_text}
    body = ({text_lang: body_text, "fr": body_text} if text_lang != "fr" else {"fr": body_text}) if body_text else {}
    categories_prop = [text_value(p.value) for p in main.all("CATEGORIES")]
    return {
        "id": rid,
        "kind": "event",
        "categories": keyword_categories(title_text, *categories_prop),
        "commune": commune,
        "title": title,
        "summary": {},
        "body": body,
        "place": _place(main, warn),
        "occurrences": occ,
        "media": [],
        "url": _url(main),
        "source": source,
        "updated_at": _updated(main, tz).isoformat(),
    }


def _as_local(value: dt.date | dt.datetime, tz) -> tuple[dt.datetime, bool]:
    """A DATE as local midnight (all_day=True) or a DATE-TIME in the town's zone."""
    if isinstance(value, dt.datetime):
        return value.astimezone(tz), False
    return dt.datetime.combine(value, dt.time(0, 0), tz), True


def _instances(event: Component, tz, window, warn) -> list[tuple[dt.datetime, dt.datetime | None]]:
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise _Skip("DTSTART", f"no DTSTART (event on line {event.line})")
    start = date_or_datetime(start_prop, tz)
    all_day = not isinstance(start, dt.datetime)
    end_prop, dur_prop = event.get("DTEND"), event.get("DURATION")
    length: dt.timedelta | None = None
    if end_prop is not None:
        end = date_or_datetime(end_prop, tz)
        if isinstance(end, dt.datetime) != (not all_day):
            raise ICalError(f"line {end_prop.line}: DTEND and DTSTART are not both dates or both date-times", "DTEND")
        length = end - start
    elif dur_prop is not None:
        length = duration(dur_prop.value)
    if length is not None and length < dt.timedelta(0):
        warn("DTEND", f"line {end_prop.line if end_prop else dur_prop.line}: ends before it starts: end left out")
        length = None
    if all_day and not length:
        length = dt.timedelta(days=1)

    starts: list[dt.date | dt.datetime] = [start]
    rule = event.get("RRULE")
    if rule is not None and window is not None:
        starts = _expand(rule, start, tz, window, length or dt.timedelta(0), warn)
    for rdate in event.all("RDATE"):
        try:
            starts.extend(date_list(rdate, tz))
        except ICalError as exc:
            warn("RDATE", f"{exc}: left out")
    excluded = set()
    for exdate in event.all("EXDATE"):
        try:
            excluded |= {_as_local(d, tz)[0] for d in date_list(exdate, tz)}
        except ICalError as exc:
            warn("EXDATE", f"{exc}: left out")
    pairs = []
    for value in starts:
        local, day = _as_local(value, tz)
        if local in excluded:
            continue
        if day:
            last_day = (local + (length or dt.timedelta(days=1)) - dt.timedelta(days=1)).date()
            pairs.append((day_bounds(local.date(), tz)[0], day_bounds(max(last_day, local.date()), tz)[1]))
        else:
            pairs.append((local, (local + length).astimezone(tz) if length is not None else None))
    return pairs


def _expand(rule: Prop, start, tz, window, length, warn) -> list:
    value = rule.value.strip()
    aware_start, all_day = _as_local(start, tz)
    dtstart = aware_start.replace(tzinfo=None) if all_day else start
    if not all_day:
        # UNTIL must be UTC when DTSTART has a zone; feeds often write it floating or as a date.
        def fix(m: re.Match) -> str:
            raw = m.group(1)
            if raw.endswith("Z"):
                return m.group(0)
            until = (
                dt.datetime.strptime(raw[:8], "%Y%m%d")
                if len(raw) == 8
                else dt.datetime.strptime(raw[:15], "%Y%m%dT%H%M%S")
            )
            if len(raw) == 8:
                until += dt.timedelta(days=1, seconds=-1)
            return "UNTIL=" + until.replace(tzinfo=start.tzinfo).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

        value = re.sub(r"UNTIL=([0-9TZ]+)", fix, value)
    else:
        value = re.sub(r"UNTIL=(\d{8})T\d{6}Z?", r"UNTIL=\1", value)
    try:
        rrule = rrulestr(value, dtstart=dtstart)
    except (ValueError, TypeError) as exc:
        raise ICalError(f"line {rule.line}: RRULE {value!r}: {exc}", "RRULE") from None
    lo, hi = window[0] - length, window[1]
    if all_day:
        lo, hi = lo.astimezone(tz).replace(tzinfo=None), hi.astimezone(tz).replace(tzinfo=None)
        return [d.date() for d in rrule.between(lo, hi, inc=True)]
    return list(rrule.between(lo, hi, inc=True))


def _place(event: Component, warn) -> dict | None:
    location, geo = event.get("LOCATION"), event.get("GEO")
    if not location and not geo:
        return None
    place = {"name": one_line(text_value(location.value)) if location else "", "lat": None, "lon": None}
    if geo:
        try:
            lat, lon = (float(x) for x in geo.value.replace(",", ";").split(";"))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            place["lat"], place["lon"] = lat, lon
        except ValueError:
            warn("GEO", f"line {geo.line}: unusable coordinates {geo.value!r}: left out")
    return place


def _url(event: Component) -> str:
    prop = event.get("URL")
    value = prop.value.strip() if prop else ""
    return value if re.match(r"^https?://\S+$", value) else ""


def _updated(event: Component, tz) -> dt.datetime:
    for name in ("LAST-MODIFIED", "DTSTAMP", "CREATED"):
        prop = event.get(name)
        if prop is None:
            continue
        try:
            return _as_local(date_or_datetime(prop, dt.UTC), tz)[0]
        except ICalError:
            continue
    raise _Skip("LAST-MODIFIED", f"no LAST-MODIFIED, DTSTAMP or CREATED (event on line {event.line})")


def _images(events: list[Component]) -> list[ImageRef]:
    """IMAGE (RFC 7986) and image ATTACH properties given by address."""
    main = next((e for e in events if not e.get("RECURRENCE-ID")), events[0])
    urls = []
    for prop in main.all("IMAGE") + main.all("ATTACH"):
        mime = prop.params.get("FMTTYPE", "").lower()
        value = prop.value.strip()
        is_image = prop.name == "IMAGE" or mime.startswith("image/")
        if is_image and prop.params.get("VALUE", "URI").upper() == "URI" and re.match(r"^https?://\S+$", value):
            urls.append(value)
    return [ImageRef(url) for url in dict.fromkeys(urls)]
