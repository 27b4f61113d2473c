"""DATAtourisme JSON-LD fields read into contract values: texts, place, contact, hours, periods, images.

Every DATAtourisme value may be an array or a single value; these readers accept both.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from backoffice.importers import osm_hours
from backoffice.importers.base import ImageRef, day_bounds, lang_key, one_line, parse_date, parse_datetime, plain


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first(value: Any) -> Any:
    items = as_list(value)
    return items[0] if items else None


def dicts(value: Any) -> list[dict]:
    return [v for v in as_list(value) if isinstance(v, dict)]


def lang_map(value: Any, convert=plain) -> dict[str, str]:
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
        texts = [convert(v) for v in as_list(value[lang]) if isinstance(v, str)]
        texts = [t for t in texts if t]
        if code and texts and code not in out:
            out[code] = texts[0]
    return out


def place(record: dict, rid: str, warn) -> tuple[dict | None, str]:
    located = dicts(record.get("isLocatedAt"))
    if not located:
        return None, ""
    loc = located[0]
    address = next(iter(dicts(loc.get("schema:address"))), {})
    city = address.get("hasAddressCity") if isinstance(address.get("hasAddressCity"), dict) else {}
    insee = str(city.get("insee") or "").strip()
    place = {
        "name": one_line(first(loc.get("schema:name")) or ""),
        "street": ", ".join(one_line(s) for s in as_list(address.get("schema:streetAddress")) if isinstance(s, str)),
        "postcode": one_line(str(first(address.get("schema:postalCode")) or "")),
        "city": one_line(first(address.get("schema:addressLocality")) or "")
        or lang_map(city.get("rdfs:label"), one_line).get("fr", ""),
        "lat": None,
        "lon": None,
    }
    geo = next(iter(dicts(loc.get("schema:geo"))), None)
    if geo:
        try:
            lat = float(first(geo.get("schema:latitude")))
            lon = float(first(geo.get("schema:longitude")))
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


def contact(record: dict, warn) -> dict:
    contact = {"phone": "", "email": "", "website": ""}
    keys = {"phone": "schema:telephone", "email": "schema:email", "website": "foaf:homepage"}
    for agent in dicts(record.get("hasContact")):
        for field, key in keys.items():
            if contact[field]:
                continue
            value = one_line(first(agent.get(key)) or "")
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


def producer(record: dict) -> str:
    for agent in dicts(record.get("hasBeenCreatedBy")):
        name = one_line(first(agent.get("schema:legalName")) or "")
        if name:
            return name
        label = lang_map(agent.get("rdfs:label"), one_line)
        if label:
            return label.get("fr") or next(iter(label.values()))
    return ""


def updated_at(record: dict, tz) -> dt.datetime | None:
    for key in ("lastUpdateDatatourisme", "lastUpdate", "creationDate"):
        value = first(record.get(key))
        try:
            if isinstance(value, str) and len(value.strip()) == 10:
                return dt.datetime.combine(parse_date(value), dt.time(0, 0), tz)
            return parse_datetime(value, tz)
        except ValueError:
            continue
    return None


def hours(record: dict, warn) -> str:
    raw = []
    for loc in dicts(record.get("isLocatedAt")):
        raw.extend(dicts(loc.get("schema:openingHoursSpecification")))
    raw.extend(dicts(record.get("schema:openingHoursSpecification")))
    if not raw:
        return ""
    specs = []
    try:
        for spec in raw:
            days = frozenset(
                osm_hours.day_code(d["@id"] if isinstance(d, dict) else d)
                for d in as_list(spec.get("schema:dayOfWeek"))
                if isinstance(d, dict | str)
            )
            opens, closes = spec.get("schema:opens"), spec.get("schema:closes")
            specs.append(
                osm_hours.Spec(
                    days=days,
                    opens=osm_hours.hhmm(first(opens)) if opens else None,
                    closes=osm_hours.hhmm(first(closes), closing=True) if closes else None,
                    valid_from=date_or_none(spec.get("schema:validFrom")),
                    valid_through=date_or_none(spec.get("schema:validThrough")),
                )
            )
        return osm_hours.merge_specs(specs)
    except (osm_hours.HoursError, ValueError) as exc:
        warn("openingHoursSpecification", f"{exc}: opening hours left out")
        return ""


def date_or_none(value: Any) -> dt.date | None:
    value = first(value)
    if value in (None, ""):
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise osm_hours.HoursError(f"{value!r} is not a date") from None


def periods(record: dict, tz, warn) -> list[tuple[dt.datetime, dt.datetime | None]]:
    periods = dicts(record.get("takesPlaceAt"))
    if not periods:  # older exports: parallel schema:startDate / schema:endDate lists
        starts, ends = as_list(record.get("schema:startDate")), as_list(record.get("schema:endDate"))
        periods = [{"startDate": s, "endDate": e} for s, e in zip(sorted(starts), sorted(ends), strict=False)]
    pairs = []
    for n, period in enumerate(periods):
        try:
            pairs.append(one_period(period, tz))
        except (ValueError, TypeError) as exc:
            warn(f"takesPlaceAt[{n}]", f"{exc}: period left out")
    return pairs


def one_period(period: dict, tz) -> tuple[dt.datetime, dt.datetime]:
    start_day = parse_date(first(period.get("startDate")))
    end_day = parse_date(first(period.get("endDate")) or start_day.isoformat())
    if end_day < start_day:
        raise ValueError(f"ends ({end_day}) before it starts ({start_day})")
    start_time, end_time = first(period.get("startTime")), first(period.get("endTime"))
    start = dt.datetime.combine(start_day, time_of_day(start_time), tz) if start_time else day_bounds(start_day, tz)[0]
    if end_time:
        end = dt.datetime.combine(end_day, time_of_day(end_time), tz)
        if end < start:  # 21:00 to 01:00: the next morning
            end += dt.timedelta(days=1)
    else:
        end = day_bounds(end_day, tz)[1]
    return start, end


def time_of_day(value: Any) -> dt.time:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time of day")
    return dt.time.fromisoformat(value.strip()[:8])


def images(record: dict) -> list[ImageRef]:
    images: list[ImageRef] = []
    seen: set[str] = set()
    for key in ("hasMainRepresentation", "hasRepresentation"):
        for rep in dicts(record.get(key)):
            notes = dicts(rep.get("ebucore:hasAnnotation"))
            credit = ", ".join(
                dict.fromkeys(one_line(c) for n in notes for c in as_list(n.get("credits")) if isinstance(c, str))
            )
            licence = next((one_line(first(n.get("ebucore:isCoveredBy")) or "") for n in notes), "")
            alt: dict[str, str] = {}
            for note in notes:
                for lang, value in lang_map(note.get("ebucore:title"), one_line).items():
                    alt.setdefault(lang, value)
            for resource in dicts(rep.get("ebucore:hasRelatedResource")):
                for url in as_list(resource.get("ebucore:locator")):
                    if isinstance(url, str) and re.match(r"^https?://\S+$", url.strip()) and url not in seen:
                        seen.add(url)
                        images.append(ImageRef(url.strip(), credit, licence, alt))
    return images
