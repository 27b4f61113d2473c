"""The open-data export of published content: JSON (the contract's wire form), CSV and iCalendar.

Everything here reads the same rows the kiosk feed sends (``fleet.feed.visible_snapshot``) and turns
them into a file; the views only add HTTP headers.

Licence: the town's own entries are published under the Licence Ouverte / Etalab 2.0; an imported
entry keeps its own source, producer and licence (DATAtourisme and OpenAgenda are Licence Ouverte
themselves). An imported entry whose source states no licence is left out: the town cannot
re-publish what it was not licensed to.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from backoffice import csvsafe
from backoffice.catalog.models import Entry
from backoffice.fleet.feed import visible_snapshot
from content.contract import SCHEMA_VERSION

LICENCE = "Licence Ouverte / Etalab 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def exportable(entry: Entry) -> bool:
    """The town's own entries (no source), and entries of another source that carry a licence."""
    has_source = any(v.strip() for v in (entry.source_name, entry.source_producer, entry.source_url))
    return not has_source or bool(entry.source_licence.strip())


def published(commune: str | None = None) -> tuple[list[Entry], int]:
    """Published entries to export (ordered by id) and how many were left out for want of a licence."""
    entries, _alerts = visible_snapshot(commune or None)
    keep = [e for e in entries if exportable(e)]
    return sorted(keep, key=lambda e: e.wire_id), len(entries) - len(keep)


def with_attribution(data: dict, *, publisher: str) -> dict:
    """A wire dict with its attribution filled for the town's own entries (source left empty)."""
    if not any(data["source"].values()):
        data = {**data, "source": {"name": publisher, "producer": publisher, "licence": LICENCE, "url": ""}}
    return data


def json_document(entries: list[Entry], *, publisher: str, media_url: str) -> dict:
    """``{schema, generated_at, publisher, licence, media_url, entries}``; entries in wire form."""
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "publisher": publisher,
        "licence": {"name": LICENCE, "url": LICENCE_URL},
        "note": "Each entry keeps the attribution of its source (source.name, producer, licence, url).",
        "media_url": media_url,
        "entries": [e.to_contract() for e in entries],
    }


CSV_COLUMNS = [
    "id",
    "kind",
    "categories",
    "commune",
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "place_name",
    "street",
    "postcode",
    "city",
    "lat",
    "lon",
    "phone",
    "email",
    "website",
    "opening_hours",
    "dates",
    "url",
    "images",
    "source_name",
    "source_producer",
    "source_licence",
    "source_url",
    "updated_at",
]


def csv_text(entries: list[Entry], *, publisher: str, media_url: str) -> str:
    """One row per entry, UTF-8 with a BOM (spreadsheets then read the accents right); text that a
    spreadsheet would run as a formula is written as text (``backoffice.csvsafe``)."""
    return csvsafe.text(CSV_COLUMNS, (_csv_row(e, publisher=publisher, media_url=media_url) for e in entries))


def _csv_row(entry: Entry, *, publisher: str, media_url: str) -> list:
    d = with_attribution(entry.to_contract(), publisher=publisher)
    place = d["place"] or {}
    values = {
        "id": d["id"],
        "kind": d["kind"],
        "categories": " ".join(d["categories"]),
        "commune": d["commune"],
        "title_fr": d["title"].get("fr", ""),
        "title_en": d["title"].get("en", ""),
        "summary_fr": d["summary"].get("fr", ""),
        "summary_en": d["summary"].get("en", ""),
        "place_name": place.get("name", ""),
        "street": place.get("street", ""),
        "postcode": place.get("postcode", ""),
        "city": place.get("city", ""),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "phone": d["contact"]["phone"],
        "email": d["contact"]["email"],
        "website": d["contact"]["website"],
        "opening_hours": d["opening_hours"],
        "dates": " ; ".join(f"{o['start']}/{o['end'] or ''}" for o in d["occurrences"]),
        "url": d["url"],
        "images": " ".join(media_url.replace("{sha256}", m["sha256"]) for m in d["media"]),
        "source_name": d["source"]["name"],
        "source_producer": d["source"]["producer"],
        "source_licence": d["source"]["licence"],
        "source_url": d["source"]["url"],
        "updated_at": d["updated_at"],
    }
    return [values[column] for column in CSV_COLUMNS]


# --- iCalendar (RFC 5545) -------------------------------------------------------------------------


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (never cutting a UTF-8 character)."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode())
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_text(entries: list[Entry], *, publisher: str, host: str, now: dt.datetime | None = None) -> str:
    """A VEVENT per coming occurrence of each published event (those that ended are left out)."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Borne//open data//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(publisher)}",
    ]
    for entry in entries:
        if entry.kind != "event":
            continue
        d = with_attribution(entry.to_contract(), publisher=publisher)
        place = d["place"] or {}
        where = ", ".join(p for p in (place.get("name"), place.get("street"), place.get("city")) if p)
        src = d["source"]
        attribution = f"Source : {src['name']}" + (f" ({src['producer']})" if src["producer"] else "")
        attribution += f" · {src['licence']}" + (f" · {src['url']}" if src["url"] else "")
        description = "\n\n".join(t for t in (d["summary"].get("fr", ""), attribution) if t)
        for occ in entry.occurrences.all():
            end = occ.end or occ.start
            if end < now:
                continue
            lines += [
                "BEGIN:VEVENT",
                f"UID:{d['id']}@{_utc(occ.start)}.{host}",
                f"DTSTAMP:{_utc(entry.updated_at)}",
                f"LAST-MODIFIED:{_utc(entry.updated_at)}",
                f"DTSTART:{_utc(occ.start)}",
                f"DTEND:{_utc(end)}",
                f"SUMMARY:{_escape(d['title']['fr'])}",
                f"DESCRIPTION:{_escape(description)}",
            ]
            if where:
                lines.append(f"LOCATION:{_escape(where)}")
            if place.get("lat") is not None and place.get("lon") is not None:
                lines.append(f"GEO:{place['lat']:.6f};{place['lon']:.6f}")
            if d["categories"]:
                lines.append("CATEGORIES:" + ",".join(_escape(c) for c in d["categories"]))
            if d["url"] or src["url"]:
                lines.append(f"URL:{d['url'] or src['url']}")
            lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
