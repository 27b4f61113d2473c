"""What an entry's public page shows, worked out from the entry's contract form (one rule for kiosk and phone)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from babel.dates import format_interval, format_skeleton, format_time

from backoffice.public.words import translator

MAX_DATES = 8


def _text(values: dict, lang: str) -> tuple[str, str]:
    """``(text, lang_used)``: the text in ``lang``, else in French."""
    if values.get(lang):
        return values[lang], lang
    return values.get("fr", ""), "fr"


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def status_line(hours: str, now: dt.datetime, tz: str, lang: str) -> tuple[str, str]:
    """``("open"|"closed"|"", words)``: the same sentences as the kiosk's detail page."""
    from content.hours import open_state

    _ = translator(lang)
    try:
        state = open_state(hours, now, tz)
    except ValueError:
        return "", ""
    if state.unknown:
        return "", ""
    change = state.changes_at
    if state.is_open:
        if change is None:
            return "open", _("Open")
        if change.date() == now.date() or change - now < dt.timedelta(hours=12):
            return "open", _("Open · closes at {time}", time=format_time(change, "short", locale=lang))
        return "open", _("Open until {day}", day=format_skeleton("MMMEd", change, locale=lang))
    if change is None:
        return "closed", _("Closed")
    hour = format_time(change, "short", locale=lang)
    if change.date() == now.date():
        return "closed", _("Closed · opens at {time}", time=hour)
    if change.date() == now.date() + dt.timedelta(days=1):
        return "closed", _("Closed · opens tomorrow at {time}", time=hour)
    return "closed", _("Closed · opens {day} at {time}", day=format_skeleton("EEEE", change, locale=lang), time=hour)


def week_lines(hours: str, lang: str, today: dt.date) -> list[str]:
    from content.hours import describe

    try:
        return describe(hours, lang, on=today)
    except ValueError:
        return [hours]


def date_lines(occurrences: list[dict], now: dt.datetime, lang: str) -> list[str]:
    """The coming dates, in the visitor's language and the town's time."""
    lines = []
    for occ in occurrences:
        start = dt.datetime.fromisoformat(occ["start"]).astimezone(now.tzinfo)
        end = dt.datetime.fromisoformat(occ["end"]).astimezone(now.tzinfo) if occ.get("end") else None
        if (end or start) < now:
            continue
        day = format_skeleton("yMMMEd", start, locale=lang)
        if end and end.date() == start.date() and end != start:
            lines.append(f"{day}, {format_interval(start, end, 'Hm', locale=lang)}")
        elif end and end != start:
            lines.append(
                f"{format_skeleton('yMMMEdHm', start, locale=lang)} – {format_skeleton('yMMMEdHm', end, locale=lang)}"
            )
        else:
            lines.append(format_skeleton("yMMMEdHm", start, locale=lang))
        if len(lines) >= MAX_DATES:
            break
    return lines


def osm_link(lat: float, lon: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"


def page_context(data: dict, *, lang: str, now: dt.datetime, tz: str, media_url) -> dict:
    """Everything the template shows for the entry ``data`` (its contract dict) in ``lang``.

    ``media_url(sha256)`` gives an image's address. Strings only: the template adds no logic."""
    _ = translator(lang)
    title, title_lang = _text(data["title"], lang)
    summary, summary_lang = _text(data["summary"], lang)
    body, body_lang = _text(data["body"], lang)
    place = data.get("place") or {}
    contact = data["contact"]
    state, status = status_line(data["opening_hours"], now, tz, lang) if data["opening_hours"] else ("", "")
    photos = [
        {
            "src": media_url(m["sha256"]),
            "width": m["width"],
            "height": m["height"],
            "alt": _text(m["alt"], lang)[0],
            "credit": _("Photo: {credit}", credit=m["credit"]) if m["credit"] else "",
        }
        for m in data["media"]
    ]
    links = []
    if contact["phone"]:
        links.append(
            {
                "href": "tel:" + "".join(c for c in contact["phone"] if c.isdigit() or c == "+"),
                "label": _("Call"),
                "text": contact["phone"],
            }
        )
    if contact["email"]:
        links.append(
            {"href": "mailto:" + quote(contact["email"], safe="@.+-_"), "label": _("Write"), "text": contact["email"]}
        )
    website = contact["website"] or data.get("url", "")
    if website:
        links.append({"href": website, "label": _("Web site"), "text": website.split("://", 1)[-1].rstrip("/")})
    directions = []
    if place.get("lat") is not None:
        lat, lon = place["lat"], place["lon"]
        directions = [
            {"href": f"geo:{lat:.6f},{lon:.6f}", "label": _("Directions")},
            {"href": osm_link(lat, lon), "label": _("Open the map")},
        ]
    town = " ".join(x for x in (place.get("postcode", ""), place.get("city", "")) if x)
    source = data["source"]
    credit_parts = [x for x in (source.get("producer") or source.get("name"), source.get("licence")) if x]
    return {
        "lang": lang,
        "title": title,
        "title_lang": title_lang,
        "summary": summary,
        "summary_lang": summary_lang,
        "body": paragraphs(body),
        "body_lang": body_lang,
        "fallback_note": _("Text available in French") if body_lang != lang or summary_lang != lang else "",
        "photos": photos,
        "address": list(dict.fromkeys(x for x in (place.get("name", ""), place.get("street", ""), town) if x)),
        "hours_state": state,
        "hours_status": status,
        "hours_week": week_lines(data["opening_hours"], lang, now.date()) if data["opening_hours"] else [],
        "dates": date_lines(data["occurrences"], now, lang) if data["kind"] == "event" else [],
        "links": links,
        "directions": directions,
        "source": _("Source: {source}", source=" · ".join(credit_parts)) if credit_parts else "",
        "source_url": source.get("url", "") if source.get("url", "").startswith(("http://", "https://")) else "",
        "labels": {
            "hours": _("Opening hours"),
            "dates": _("Dates"),
            "address": _("Address"),
            "contact": _("Contact"),
            "calendar": _("Add to calendar"),
            "from_kiosk": _("Information from the town's kiosk"),
            "languages": _("Languages"),
        },
    }
