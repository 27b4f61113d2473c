"""An event's dates as an iCalendar file (RFC 5545), for the phone's "add to calendar"."""

from __future__ import annotations

import datetime as dt


def _escape(text: str) -> str:
    for plain, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"), ("\n", "\\n")):
        text = text.replace(plain, escaped)
    return text


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued on the next line after a space (RFC 5545 §3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(value: str) -> str:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    *, uid_base: str, title: str, description: str, location: str, url: str, occurrences: list[dict], stamp: dt.datetime
) -> str:
    """A VCALENDAR with one VEVENT per occurrence (``{"start", "end"}`` in ISO 8601 with offset)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Borne//public page//FR", "CALSCALE:GREGORIAN"]
    for n, occ in enumerate(occurrences):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid_base}-{n}",
            f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART:{_utc(occ['start'])}",
        ]
        if occ.get("end"):
            lines.append(f"DTEND:{_utc(occ['end'])}")
        lines.append(f"SUMMARY:{_escape(title)}")
        if description:
            lines.append(f"DESCRIPTION:{_escape(description)}")
        if location:
            lines.append(f"LOCATION:{_escape(location)}")
        if url:
            lines.append(f"URL:{url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
