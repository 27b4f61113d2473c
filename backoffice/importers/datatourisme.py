"""DATAtourisme JSON-LD records -> contract entries.

Input shapes: one record object per file, a list of records, a flux object with ``@graph``, or a
zip of such files (the DATAtourisme "objects" export; ``index.json`` members are skipped).
A zip or an ``@graph`` flux is a full snapshot of the feed (records missing from it were withdrawn)
unless the caller says otherwise.

Mapping (see docs in the report): kind and categories from ``@type`` (``vocabulary``); texts per
language from ``rdfs:label`` / ``rdfs:comment`` / ``hasDescription``; place and commune from
``isLocatedAt``; contact from ``hasContact``; ``openingHoursSpecification`` merged into one OSM
string (``osm_hours``); ``takesPlaceAt`` periods as occurrences in the town's time zone; images
from ``hasMainRepresentation`` then ``hasRepresentation`` as :class:`ImageRef`; attribution
"DATAtourisme", producer from ``hasBeenCreatedBy``, licence Etalab 2.0, url ``@id``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

from backoffice.importers import osm_hours
from backoffice.importers.base import (
    ImageRef,
    ImporterError,
    ImportResult,
    RecordProblem,
    SourceFormatError,
    day_bounds,
    lang_key,
    occurrences,
    one_line,
    parse_date,
    parse_datetime,
    plain,
    zone,
)
from backoffice.importers.vocabulary import kind_and_categories
from content.text import MAX_TEXT

log = logging.getLogger(__name__)

SOURCE = "datatourisme"
NAME = "DATAtourisme"
LICENCE = "Licence Ouverte / Etalab 2.0"
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 100_000
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ID_TAIL_RE = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


# --- reading ------------------------------------------------------------------------------------


def read_records(data: Any, *, file: str = "") -> tuple[list[Any], bool]:
    """The records held by parsed JSON: ``(records, is_flux)``. Raises SourceFormatError."""
    if isinstance(data, dict) and "@graph" in data:
        graph = data["@graph"]
        if not isinstance(graph, list):
            raise SourceFormatError("@graph is not a list of records", file=file)
        return graph, True
    if isinstance(data, dict):
        return [data], False
    if isinstance(data, list):
        return data, False
    raise SourceFormatError(f"expected a JSON-LD object or a list of them, got {type(data).__name__}", file=file)


def _load_json(raw: bytes, *, file: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file) from None
    except json.JSONDecodeError as exc:
        raise SourceFormatError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file) from None


def import_file(
    path: str | Path,
    *,
    snapshot: bool | None = None,
    tz: str = "Europe/Paris",
    commune: str = "",
    not_before: dt.datetime | None = None,
) -> ImportResult:
    """Map a ``.json`` file or a ``.zip`` of them. ``snapshot=None``: True for a zip or ``@graph`` flux.

    Raises SourceFormatError (naming the file and zip member) when the input cannot be read at all.
    """
    path = Path(path)
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    records: list[tuple[str, Any]] = []
    if is_zip:
        is_flux = True
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir() and i.filename.endswith(".json")]
            if len(members) > MAX_MEMBERS:
                raise SourceFormatError(f"{len(members)} files in the zip, more than {MAX_MEMBERS}", file=str(path))
            for info in sorted(members, key=lambda i: i.filename):
                if Path(info.filename).name == "index.json":
                    continue
                where = f"{path}!{info.filename}"
                if info.file_size > MAX_MEMBER_BYTES:
                    raise SourceFormatError(f"{info.file_size} bytes, more than {MAX_MEMBER_BYTES}", file=where)
                items, _ = read_records(_load_json(archive.read(info), file=where), file=where)
                records.extend((where, item) for item in items)
        if not records:
            raise SourceFormatError("no DATAtourisme record (*.json) in the zip", file=str(path))
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
        items, is_flux = read_records(_load_json(raw, file=str(path)), file=str(path))
        records = [(str(path), item) for item in items]
    return map_records(
        records,
        snapshot=is_flux if snapshot is None else snapshot,
        tz=tz,
        commune=commune,
        not_before=not_before,
    )


def map_records(
    records: list[Any] | list[tuple[str, Any]],
    *,
    snapshot: bool = False,
    tz: str = "Europe/Paris",
    commune: str = "",
    not_before: dt.datetime | None = None,
) -> ImportResult:
    """Map parsed records (dicts, or ``(file, dict)`` pairs so problems can name the file).

    ``commune``: INSEE code used when a record has none. ``not_before``: drop occurrences that ended
    before it (default: keep every occurrence; the kiosk hides past ones itself).
    """
    zinfo = zone(tz)
    result = ImportResult(SOURCE, snapshot=snapshot)
    for index, item in enumerate(records):
        file, record = item if isinstance(item, tuple) else ("", item)
        _map_one(result, record, index=index, file=file, tz=zinfo, commune=commune, not_before=not_before)
    return result.finish()


# --- JSON-LD helpers ----------------------------------------------------------------------------


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    items = _list(value)
    return items[0] if items else None


def _dicts(value: Any) -> list[dict]:
    return [v for v in _list(value) if isinstance(v, dict)]


def _lang_map(value: Any, convert=plain) -> dict[str, str]:
    """``{"fr": ["…"], "en": "…"}`` (or a bare string, taken as French) -> ``{"fr": "…"}``."""
    if isinstance(value, str):
        value = {"fr": value}
    if isinstance(value, list):  # [{"@language": "fr", "@value": "…"}] (expanded JSON-LD)
        value = {v.get("@language", "fr"): v.get("@value") for v in value if isinstance(v, dict)}
    out: dict[str, str] = {}
    if not isinstance(value, dict):
        return out
    for lang in sorted(value):
        code = lang_key(lang)
        texts = [convert(v) for v in _list(value[lang]) if isinstance(v, str)]
        texts = [t for t in texts if t]
        if code and texts and code not in out:
            out[code] = texts[0]
    return out


def _clip(texts: dict[str, str], field: str, rid: str, problems: list[RecordProblem]) -> dict[str, str]:
    for lang, value in texts.items():
        if len(value) > MAX_TEXT:
            problems.append(RecordProblem(rid, f"{field}.{lang}", f"text cut at {MAX_TEXT} characters"))
            texts[lang] = value[: MAX_TEXT - 1].rstrip() + "…"
    return texts


def entry_id(record: dict) -> str:
    """``datatourisme:<uuid>`` from ``@id``; raises ValueError."""
    raw = record.get("@id")
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("no @id")
    found = _UUID_RE.findall(raw)
    if found:
        return f"{SOURCE}:{found[-1].lower()}"
    tail = raw.rstrip("/").rsplit("/", 1)[-1]
    if _ID_TAIL_RE.match(tail):
        return f"{SOURCE}:{tail}"
    raise ValueError(f"@id {raw!r} holds no usable identifier")


# --- one record ---------------------------------------------------------------------------------


def _map_one(result, record, *, index, file, tz, commune, not_before) -> None:
    label = f"#{index}" if not file else f"{file}#{index}"
    if not isinstance(record, dict):
        result.problems.append(
            RecordProblem(label, "", f"expected a JSON-LD object, got {type(record).__name__}", "error")
        )
        result.incomplete = True
        return
    try:
        rid = entry_id(record)
    except ValueError as exc:
        result.problems.append(RecordProblem(label, "@id", str(exc), "error"))
        result.incomplete = True
        return
    problems: list[RecordProblem] = []
    try:
        data, images = _entry(record, rid, tz=tz, commune=commune, not_before=not_before, problems=problems)
    except _Skip as exc:
        result.problems.extend(problems)
        result.fail(rid, exc.field, exc.message)
        return
    result.add(rid, data, images, problems)


class _Skip(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _entry(record: dict, rid: str, *, tz, commune, not_before, problems: list[RecordProblem]):
    def warn(field: str, message: str) -> None:
        problems.append(RecordProblem(rid, field, message))

    types = [t for t in _list(record.get("@type")) if isinstance(t, str)]
    kind, categories, unknown = kind_and_categories(types)
    if unknown and not categories and kind == "place":
        warn("@type", f"no known class among {', '.join(unknown)}: mapped as a place")

    title = _clip(_lang_map(record.get("rdfs:label"), one_line), "title", rid, problems)
    if not title:
        raise _Skip("rdfs:label", "no title (rdfs:label) in any language")
    if "fr" not in title:
        other = sorted(title)[0] if "en" not in title else "en"
        title["fr"] = title[other]
        warn("rdfs:label", f"no French title: the {other} title is used for fr")
    descriptions = _dicts(record.get("hasDescription"))
    summary = _lang_map(record.get("rdfs:comment"))
    body: dict[str, str] = {}
    for desc in descriptions:
        for lang, value in _lang_map(desc.get("shortDescription")).items():
            summary.setdefault(lang, value)
        for lang, value in _lang_map(desc.get("dc:description")).items():
            body.setdefault(lang, value)
    body = {lang: value for lang, value in body.items() if value != summary.get(lang)}

    place, found_commune = _place(record, rid, warn)
    hours = _hours(record, warn)
    occ: list[dict] = []
    if kind == "event":
        occ, note = occurrences(_periods(record, tz, warn), not_before=not_before)
        if note:
            warn("takesPlaceAt", note)
    updated = _updated_at(record, tz)
    if updated is None:
        raise _Skip("lastUpdateDatatourisme", "no lastUpdateDatatourisme, lastUpdate or creationDate")
    data = {
        "id": rid,
        "kind": kind,
        "categories": categories,
        "commune": found_commune or commune,
        "title": title,
        "summary": _clip(summary, "summary", rid, problems),
        "body": _clip(body, "body", rid, problems),
        "place": place,
        "contact": _contact(record, warn),
        "opening_hours": hours,
        "occurrences": occ,
        "media": [],
        "url": "",
        "source": {
            "name": NAME,
            "producer": _producer(record),
            "licence": LICENCE,
            "url": record["@id"].strip() if record["@id"].startswith("http") else "",
        },
        "updated_at": updated.isoformat(),
    }
    return data, _images(record)


def _place(record: dict, rid: str, warn) -> tuple[dict | None, str]:
    located = _dicts(record.get("isLocatedAt"))
    if not located:
        return None, ""
    loc = located[0]
    address = next(iter(_dicts(loc.get("schema:address"))), {})
    city = address.get("hasAddressCity") if isinstance(address.get("hasAddressCity"), dict) else {}
    insee = str(city.get("insee") or "").strip()
    place = {
        "name": one_line(_first(loc.get("schema:name")) or ""),
        "street": ", ".join(one_line(s) for s in _list(address.get("schema:streetAddress")) if isinstance(s, str)),
        "postcode": one_line(str(_first(address.get("schema:postalCode")) or "")),
        "city": one_line(_first(address.get("schema:addressLocality")) or "")
        or _lang_map(city.get("rdfs:label"), one_line).get("fr", ""),
        "lat": None,
        "lon": None,
    }
    geo = next(iter(_dicts(loc.get("schema:geo"))), None)
    if geo:
        try:
            lat = float(_first(geo.get("schema:latitude")))
            lon = float(_first(geo.get("schema:longitude")))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            place["lat"], place["lon"] = lat, lon
        except (TypeError, ValueError):
            warn(
                "isLocatedAt.schema:geo",
                f"unusable coordinates {geo.get('schema:latitude')!r}, {geo.get('schema:longitude')!r}: left out",
            )
    if insee and not re.match(r"^\d[0-9AB]\d{3}$", insee):
        warn("hasAddressCity.insee", f"{insee!r} is not an INSEE code: left out")
        insee = ""
    return place, insee


def _contact(record: dict, warn) -> dict:
    contact = {"phone": "", "email": "", "website": ""}
    keys = {"phone": "schema:telephone", "email": "schema:email", "website": "foaf:homepage"}
    for agent in _dicts(record.get("hasContact")):
        for field, key in keys.items():
            if contact[field]:
                continue
            value = one_line(_first(agent.get(key)) or "")
            if field == "email" and value and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
                warn(f"hasContact.{key}", f"{value!r} is not an e-mail address: left out")
                continue
            if field == "website" and value and not re.match(r"^https?://\S+$", value):
                if re.match(r"^www\.\S+$", value):
                    value = f"https://{value}"
                else:
                    warn(f"hasContact.{key}", f"{value!r} is not a web address: left out")
                    continue
            contact[field] = value
    return contact


def _producer(record: dict) -> str:
    for agent in _dicts(record.get("hasBeenCreatedBy")):
        name = one_line(_first(agent.get("schema:legalName")) or "")
        if name:
            return name
        label = _lang_map(agent.get("rdfs:label"), one_line)
        if label:
            return label.get("fr") or next(iter(label.values()))
    return ""


def _updated_at(record: dict, tz) -> dt.datetime | None:
    for key in ("lastUpdateDatatourisme", "lastUpdate", "creationDate"):
        value = _first(record.get(key))
        try:
            if isinstance(value, str) and len(value.strip()) == 10:
                return dt.datetime.combine(parse_date(value), dt.time(0, 0), tz)
            return parse_datetime(value, tz)
        except ValueError:
            continue
    return None


def _hours(record: dict, warn) -> str:
    raw = []
    for loc in _dicts(record.get("isLocatedAt")):
        raw.extend(_dicts(loc.get("schema:openingHoursSpecification")))
    raw.extend(_dicts(record.get("schema:openingHoursSpecification")))
    if not raw:
        return ""
    specs = []
    try:
        for spec in raw:
            days = frozenset(
                osm_hours.day_code(d["@id"] if isinstance(d, dict) else d)
                for d in _list(spec.get("schema:dayOfWeek"))
                if isinstance(d, dict | str)
            )
            opens, closes = spec.get("schema:opens"), spec.get("schema:closes")
            specs.append(
                osm_hours.Spec(
                    days=days,
                    opens=osm_hours.hhmm(_first(opens)) if opens else None,
                    closes=osm_hours.hhmm(_first(closes), closing=True) if closes else None,
                    valid_from=_date_or_none(spec.get("schema:validFrom")),
                    valid_through=_date_or_none(spec.get("schema:validThrough")),
                )
            )
        return osm_hours.merge_specs(specs)
    except (osm_hours.HoursError, ValueError) as exc:
        warn("openingHoursSpecification", f"{exc}: opening hours left out")
        return ""


def _date_or_none(value: Any) -> dt.date | None:
    value = _first(value)
    if value in (None, ""):
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise osm_hours.HoursError(f"{value!r} is not a date") from None


def _periods(record: dict, tz, warn) -> list[tuple[dt.datetime, dt.datetime | None]]:
    periods = _dicts(record.get("takesPlaceAt"))
    if not periods:  # older exports: parallel schema:startDate / schema:endDate lists
        starts, ends = _list(record.get("schema:startDate")), _list(record.get("schema:endDate"))
        periods = [{"startDate": s, "endDate": e} for s, e in zip(sorted(starts), sorted(ends), strict=False)]
    pairs = []
    for n, period in enumerate(periods):
        try:
            pairs.append(_period(period, tz))
        except (ValueError, TypeError) as exc:
            warn(f"takesPlaceAt[{n}]", f"{exc}: period left out")
    return pairs


def _period(period: dict, tz) -> tuple[dt.datetime, dt.datetime]:
    start_day = parse_date(_first(period.get("startDate")))
    end_day = parse_date(_first(period.get("endDate")) or start_day.isoformat())
    if end_day < start_day:
        raise ValueError(f"ends ({end_day}) before it starts ({start_day})")
    start_time, end_time = _first(period.get("startTime")), _first(period.get("endTime"))
    start = dt.datetime.combine(start_day, _time(start_time), tz) if start_time else day_bounds(start_day, tz)[0]
    if end_time:
        end = dt.datetime.combine(end_day, _time(end_time), tz)
        if end < start:  # 21:00 to 01:00: the next morning
            end += dt.timedelta(days=1)
    else:
        end = day_bounds(end_day, tz)[1]
    return start, end


def _time(value: Any) -> dt.time:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time of day")
    return dt.time.fromisoformat(value.strip()[:8])


def _images(record: dict) -> list[ImageRef]:
    images: list[ImageRef] = []
    seen: set[str] = set()
    for key in ("hasMainRepresentation", "hasRepresentation"):
        for rep in _dicts(record.get(key)):
            notes = _dicts(rep.get("ebucore:hasAnnotation"))
            credit = ", ".join(
                dict.fromkeys(one_line(c) for n in notes for c in _list(n.get("credits")) if isinstance(c, str))
            )
            licence = next((one_line(_first(n.get("ebucore:isCoveredBy")) or "") for n in notes), "")
            alt: dict[str, str] = {}
            for note in notes:
                for lang, value in _lang_map(note.get("ebucore:title"), one_line).items():
                    alt.setdefault(lang, value)
            for resource in _dicts(rep.get("ebucore:hasRelatedResource")):
                for url in _list(resource.get("ebucore:locator")):
                    if isinstance(url, str) and re.match(r"^https?://\S+$", url.strip()) and url not in seen:
                        seen.add(url)
                        images.append(ImageRef(url.strip(), credit, licence, alt))
    return images


__all__ = ["ImporterError", "SourceFormatError", "entry_id", "import_file", "map_records", "read_records"]
