"""What the screens show, computed from content: pure functions, no Kivy.

Each function takes content (cards, entries, alerts), the visitor's language, the time and a
``_`` gettext function, and returns plain dicts of widget properties: RecycleView rows, the
lines of a detail page, the alert banner. The screens only bind these to widgets, so everything a
visitor reads can be unit-tested without a window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_skeleton, format_time

from content.categories import CATEGORIES
from content.contract import public_page
from content.details import in_season, price_text
from kiosk.offer_rows import detail_facts, stars_text

Gettext = Callable[[str], str]

#: One symbol per kind, all present in DejaVu Sans (checked on screen: no tofu boxes).
KIND_ICONS = {
    "place": "✿",
    "heritage": "♜",
    "event": "♫",
    "shop": "☕",
    "service": "ℹ",
    "search": "⚲",
    "food": "☕",
    "stay": "⌂",
}
ALERT_ORDER = {"urgent": 0, "warning": 1, "info": 2}
#: "Touch the screen" in each language, written as that language says it (not translated by the catalogue).
TOUCH_PROMPTS = (
    "Touchez l'écran",
    "Touch to start",
    "Bildschirm berühren",
    "Toque la pantalla",
    "Tocca lo schermo",
    "Raak het scherm aan",
)
#: The attract loop's word on audio mode (kiosk/audio.py), with the prompt, in the same order of languages.
AUDIO_PROMPTS = (
    "Appui long\u00a0: lecture à voix haute",
    "Press and hold: hear the screen",
    "Lange drücken: Vorlesen",
    "Mantenga pulsado: escuchar la pantalla",
    "Tieni premuto: ascolta lo schermo",
    "Lang indrukken: voorlezen",
)
PERIODS = ("today", "weekend", "month")


def kind_titles(_: Gettext) -> dict[str, str]:
    return {
        "place": _("Discover"),
        "heritage": _("Heritage"),
        "event": _("What's on"),
        "shop": _("Shops"),
        "service": _("Practical info"),
        "food": _("Eat & drink"),
        "stay": _("Stay"),
    }


def period_titles(_: Gettext) -> dict[str, str]:
    return {"today": _("Today"), "weekend": _("This weekend"), "month": _("This month")}


def pick(values: dict[str, str] | None, lang: str) -> tuple[str, bool]:
    """The text in ``lang``, else French: ``(text, fell_back_to_french)``."""
    values = values or {}
    if values.get(lang):
        return values[lang], False
    return values.get("fr", ""), lang != "fr" and bool(values.get("fr"))


def category_name(slug: str, lang: str) -> str:
    cat = CATEGORIES.get(slug)
    return cat.name(lang) if cat else slug


def local(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return value.astimezone(tz)


def when_text(start: dt.datetime, end: dt.datetime | None, *, now: dt.datetime, lang: str, _: Gettext) -> str:
    """An event's next date as a visitor reads it: "Today · 21:00", "Sat 14 Jul · 21:00"."""
    tz = now.tzinfo
    start = local(start, tz)
    if start.date() == now.date():
        day = _("Today")
    elif start.date() == now.date() + dt.timedelta(days=1):
        day = _("Tomorrow")
    else:
        day = format_skeleton("MMMEd", start, locale=lang)
    if end is not None:
        end = local(end, tz)
        if end.date() != start.date():
            until = format_skeleton("MMMEd", end, locale=lang)
            if start <= now:
                return _("Until {date}").format(date=until)
            return f"{day} – {until}"
    if start.hour == 0 and start.minute == 0 and (end is None or end.hour in (0, 23)):
        return day  # a whole day
    hour = format_time(start, "short", locale=lang)
    if end is not None and end.date() == start.date() and end > start:
        hour = f"{hour} – {format_time(end, 'short', locale=lang)}"
    return f"{day} · {hour}"


def card_row(card: Any, *, lang: str, thumb_path: Callable[[str], str] = lambda sha: "") -> dict:
    """One list card's light data: title, symbol, thumbnail, and the card its line is computed from.

    The line under the title (category, opening status or next date) costs Babel formatting: the
    row's view asks :func:`card_line` for it when it is shown, so a list of thousands of entries
    opens at once and only the rows on screen are ever formatted.
    """
    title, _fallback = pick(card.title, lang)
    return {
        "viewclass": "CardRow",
        "entry_id": card.id,
        "kind": card.kind,
        "title": title,
        "icon": KIND_ICONS.get(card.kind, "•"),
        "thumb": thumb_path(card.thumb) if card.thumb else "",
        "card": card,
    }


def card_line(
    card: Any,
    *,
    lang: str,
    now: dt.datetime,
    _: Gettext,
    hours_status: Callable[[Any], tuple[str, str]] = lambda card: ("", ""),
) -> tuple[str, str]:
    """A list card's ``(state, line)``: state "open", "closed" or "" (the coloured dot), and its one line."""
    parts = []
    if card.categories:
        parts.append(category_name(card.categories[0], lang))
    state = ""
    details = getattr(card, "details", None) or {}
    if card.kind == "food" and details.get("price"):
        parts.append(price_text(details["price"]))
    if card.kind == "stay":
        # A visitor choosing a bed asks whether it is open this season, not whether the desk is open now.
        if details.get("stars"):
            parts.append(stars_text(details["stars"], _))
        if details.get("season"):
            state = "open" if in_season(details["season"], now.date()) else "closed"
            parts.append(_("Open this season") if state == "open" else _("Closed for the season"))
        return state, " · ".join(parts)
    if card.kind == "event" and getattr(card, "next_start", None):
        parts.append(when_text(card.next_start, card.next_end, now=now, lang=lang, _=_))
    elif card.opening_hours:
        state, text = hours_status(card)
        if text:
            parts.append(text)
    return state, " · ".join(parts)


def card_rows(cards: Iterable[Any], **kwargs) -> list[dict]:
    return [card_row(card, **kwargs) for card in cards]


def grouped_rows(cards: Iterable[Any], *, _: Gettext, **kwargs) -> list[dict]:
    """Search results grouped by kind, with a header row per group.

    The groups come in the order of their best result (the cache ranks titles first), so "cath"
    opens on Heritage with the cathedral, not on whichever kind the home screen lists first.
    """
    by_kind: dict[str, list] = {}
    for card in cards:
        by_kind.setdefault(card.kind, []).append(card)
    titles = kind_titles(_)
    rows: list[dict] = []
    for kind, group in by_kind.items():
        rows.append({"viewclass": "HeaderRow", "text": f"{titles.get(kind, kind)} ({len(group)})"})
        rows.extend(card_row(card, **kwargs) for card in group)
    return rows


def chip_rows(slugs: Iterable[str], *, lang: str, selected: str, _: Gettext) -> list[dict]:
    """Category chips: "All" first, then the categories in use, sorted by their name."""
    chips = [{"key": "", "text": _("All"), "active": selected == ""}]
    named = sorted(((category_name(s, lang), s) for s in slugs), key=lambda t: t[0].casefold())
    chips += [{"key": slug, "text": name, "active": slug == selected} for name, slug in named]
    return chips


def empty_text(kind: str, *, filtered: bool, _: Gettext) -> str:
    if filtered:
        return _("Nothing matches these filters right now.\nTry another category or period.")
    if kind == "event":
        return _("No events are planned for now.\nCome back soon!")
    return _("Nothing to show here yet.")


def alert_banner(alerts: Iterable[Any], *, lang: str) -> dict:
    """The banner for the most severe active alert (urgent first), or an empty one."""
    ranked = sorted(alerts, key=lambda a: (ALERT_ORDER.get(a.level, 9), a.starts), reverse=False)
    if not ranked:
        return {"text": "", "level": "", "more": 0}
    top = ranked[0]
    text, _fallback = pick(top.message, lang)
    return {"text": text, "level": top.level, "more": len(ranked) - 1}


def attract_cards(featured: Iterable[Any], today: Iterable[Any]) -> list[Any]:
    """The attract loop's entries: today's events first, then featured entries (each once)."""
    cards, seen = [], set()
    for card in [*today, *featured]:
        if card.id not in seen:
            seen.add(card.id)
            cards.append(card)
    return cards


def attract_slide(
    card: Any,
    *,
    lang: str,
    now: dt.datetime,
    _: Gettext,
    thumb_path: Callable[[str], str] = lambda sha: "",
) -> dict:
    """One slide of the attract loop, worked out when it is shown (an event's line is its next date)."""
    title, _fb = pick(card.title, lang)
    if card.kind == "event" and getattr(card, "next_start", None):
        line = when_text(card.next_start, card.next_end, now=now, lang=lang, _=_)
    else:
        line, _fb = pick(card.summary, lang)
    return {
        "entry_id": card.id,
        "title": title,
        "line": line,
        "image": thumb_path(card.thumb) if card.thumb else "",
        "icon": KIND_ICONS.get(card.kind, "•"),
    }


def osm_link(lat: float, lon: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"


def qr_target(entry: Any, lang: str = "fr") -> str:
    """What the QR code carries: a place's booking page, else the entry's public page in ``lang`` when the
    back office gave one, else its page on the town's site, else a map link from its coordinates, else ""."""
    details = getattr(entry, "details", None)
    if details is not None and details.booking_url:
        return details.booking_url
    if public := getattr(entry, "public_url", ""):
        return public_page(public, lang)
    if entry.url:
        return entry.url
    if entry.place is not None and entry.place.lat is not None:
        return osm_link(entry.place.lat, entry.place.lon)
    return ""


def qr_caption(entry: Any, _: Gettext) -> str:
    details = getattr(entry, "details", None)
    if details is not None and details.booking_url:
        return _("Scan to book on your phone")
    return _("Scan to take this page with you on your phone")


def address_lines(place: Any) -> list[str]:
    if place is None:
        return []
    town = " ".join(x for x in (place.postcode, place.city) if x)
    return list(dict.fromkeys(x for x in (place.name, place.street, town) if x))


def date_lines(occurrences: Iterable[Any], *, now: dt.datetime, lang: str, _: Gettext, limit: int = 8) -> list[str]:
    coming = sorted((o for o in occurrences if o.effective_end >= now), key=lambda o: o.start)
    lines = [when_text(o.start, o.end, now=now, lang=lang, _=_) for o in coming[:limit]]
    if len(coming) > limit:
        lines.append(_("and {count} more dates").format(count=len(coming) - limit))
    return lines


def source_line(source: Any, _: Gettext) -> str:
    parts = [x for x in (source.producer or source.name, source.licence) if x]
    return _("Source: {source}").format(source=" · ".join(parts)) if parts else ""


def detail_view(
    entry: Any,
    *,
    lang: str,
    now: dt.datetime,
    _: Gettext,
    hours: Callable[[Any], tuple[str, str, list[str]]] = lambda e: ("", "", []),
) -> dict:
    """Everything the detail page shows for ``entry``, as strings and lists of strings.

    ``hours(entry)`` returns ``(state, status_text, week_lines)`` from content.hours.
    """
    title, fb_title = pick(entry.title, lang)
    summary, fb_summary = pick(entry.summary, lang)
    body, fb_body = pick(entry.body, lang)
    state, status, week = hours(entry) if entry.opening_hours else ("", "", [])
    contact = entry.contact
    contact_lines = [x for x in (contact.phone, contact.email, contact.website) if x]
    cats = " · ".join(category_name(c, lang) for c in entry.categories)
    return {
        "entry_id": entry.id,
        "kind": entry.kind,
        "icon": KIND_ICONS.get(entry.kind, "•"),
        "title": title,
        "categories": cats,
        "summary": summary,
        "body": body,
        "fallback_note": _("Text available in French") if (fb_title or fb_summary or fb_body) else "",
        "address": address_lines(entry.place),
        "hours_state": state,
        "hours_status": status,
        "hours_week": week,
        "dates": date_lines(entry.occurrences, now=now, lang=lang, _=_) if entry.kind == "event" else [],
        "contact": contact_lines,
        "qr": qr_target(entry, lang),
        "qr_caption": qr_caption(entry, _),
        "facts": detail_facts(entry, lang=lang, _=_),
        "source": source_line(entry.source, _),
        "media": [m.sha256 for m in entry.media],
    }


def clock_texts(now: dt.datetime, lang: str) -> tuple[str, str]:
    """Home screen's date and time in the visitor's language."""
    day = format_date(now, "full", locale=lang)
    return day[:1].upper() + day[1:], format_time(now, "short", locale=lang)


def status_text(state: Any, *, now: dt.datetime, lang: str, _: Gettext) -> tuple[str, str]:
    """An OpenState as a visitor reads it: ``("open", "Open · closes at 19:00")``; ``("", "")`` if unknown.

    Worked out once per (state, language, minute): a list of shops sharing a few schedules
    formats each distinct line once.
    """
    if state is None or getattr(state, "unknown", False):
        return "", ""
    minute = now.replace(second=0, microsecond=0)
    return _status_text(bool(state.is_open), state.changes_at, minute, now.tzinfo, lang, _)


@lru_cache(maxsize=1024)
def _status_text(
    is_open: bool, changes_at: dt.datetime | None, now: dt.datetime, zone: dt.tzinfo, lang: str, _: Gettext
) -> tuple[str, str]:
    # ``zone`` is in the key because aware datetimes at the same instant are equal whatever their zone
    change = changes_at.astimezone(zone) if changes_at else None
    if is_open:
        if change is None:
            return "open", _("Open")
        if change.date() == now.date() or change - now < dt.timedelta(hours=12):
            return "open", _("Open · closes at {time}").format(time=format_time(change, "short", locale=lang))
        return "open", _("Open until {day}").format(day=format_skeleton("MMMEd", change, locale=lang))
    if change is None:
        return "closed", _("Closed")
    hour = format_time(change, "short", locale=lang)
    if change.date() == now.date():
        return "closed", _("Closed · opens at {time}").format(time=hour)
    if change.date() == now.date() + dt.timedelta(days=1):
        return "closed", _("Closed · opens tomorrow at {time}").format(time=hour)
    day = format_skeleton("MMMEd", change, locale=lang)
    return "closed", _("Closed · opens {day} at {time}").format(day=day, time=hour)
