"""What a visitor choosing a table or a bed asks, beyond the page itself (contract schema 2).

The vocabulary of amenities with their names in every UI language, the price bands, and the one
rule of an open season (``MM-DD`` to ``MM-DD``, every year, possibly across the new year). The
pydantic model that carries them is :class:`content.model.Details`; the facets the kiosk filters by
are in :mod:`content.facets`.
"""

from __future__ import annotations

import datetime as dt
import re

# slug: (fr, en, de, es, it, nl)
# fmt: off
AMENITIES: dict[str, tuple[str, str, str, str, str, str]] = {
    "terrace": ("Terrasse", "Terrace", "Terrasse", "Terraza", "Dehors", "Terras"),
    "wheelchair": ("Accessible en fauteuil roulant", "Wheelchair accessible", "Rollstuhlgerecht",
                   "Accesible en silla de ruedas", "Accessibile in sedia a rotelle", "Rolstoeltoegankelijk"),
    "pets": ("Animaux acceptés", "Pets welcome", "Haustiere erlaubt", "Se admiten mascotas", "Animali ammessi",
             "Huisdieren welkom"),
    "wifi": ("Wi-Fi", "Wi-Fi", "WLAN", "Wifi", "Wi-Fi", "Wifi"),
    "parking": ("Parking", "Parking", "Parkplatz", "Aparcamiento", "Parcheggio", "Parkeerplaats"),
    "pool": ("Piscine", "Swimming pool", "Schwimmbad", "Piscina", "Piscina", "Zwembad"),
    "vegetarian": ("Plats végétariens", "Vegetarian dishes", "Vegetarische Gerichte", "Platos vegetarianos",
                   "Piatti vegetariani", "Vegetarische gerechten"),
}
# fmt: on
LANGUAGES = ("fr", "en", "de", "es", "it", "nl")

#: Price bands, cheapest first: 1 = "€" (a meal under 15 €, a night under 60 €) … 4 = "€€€€".
PRICE_BANDS = (1, 2, 3, 4)
MONTH_DAY_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def amenity_name(slug: str, lang: str) -> str:
    names = AMENITIES.get(slug)
    if names is None:
        return slug
    return dict(zip(LANGUAGES, names, strict=True)).get(lang) or names[0]


def price_text(band: int | None) -> str:
    """``€`` … ``€€€€``: read the same way in every language; empty when the price is not known."""
    return "€" * band if band else ""


def check_month_day(value: str) -> str:
    """``MM-DD`` (``04-01``): a day of every year; 02-29 is allowed (it is the 28th in other years)."""
    if not MONTH_DAY_RE.match(value):
        raise ValueError(f"{value!r} is not a day of the year written MM-DD (e.g. 04-01 for 1 April)")
    month, day = int(value[:2]), int(value[3:])
    if day > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        raise ValueError(f"{value!r} is not a day of the year (month {month} has no day {day})")
    return value


def in_span(day: dt.date, start: str, end: str) -> bool:
    """Whether ``day`` falls in the yearly span ``start``..``end`` (both ``MM-DD``, inclusive).

    A span whose end comes before its start runs across the new year (``11-15`` to ``03-15``)."""
    here = (day.month, day.day)
    first, last = (int(start[:2]), int(start[3:])), (int(end[:2]), int(end[3:]))
    if first <= last:
        return first <= here <= last
    return here >= first or here <= last


def in_season(season: list, day: dt.date) -> bool:
    """Open on ``day`` by its seasons (objects or dicts with ``start``/``end``); no season: all year."""
    if not season:
        return True
    for span in season:
        start, end = (span["start"], span["end"]) if isinstance(span, dict) else (span.start, span.end)
        if in_span(day, start, end):
            return True
    return False
