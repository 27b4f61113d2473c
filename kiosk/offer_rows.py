"""What the food and stay lists and pages show beyond the other kinds: pure functions, no Kivy.

The facet chips (content.facets) with their names, stars in words, and a page's "good to know"
lines (price, stars, labels, capacity, amenities, open season). :mod:`kiosk.rows` uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from babel.dates import format_skeleton

from content.details import amenity_name, price_text
from content.facets import offered

Gettext = Callable[[str], str]


def stars_text(stars: int, _: Gettext) -> str:
    """ "3 stars": in words, as the interface's font has no star glyph and a classification is read aloud so."""
    return (_("1 star") if stars == 1 else _("{count} stars")).format(count=stars)


def facet_titles(_: Gettext) -> dict[str, str]:
    """The filter chips of the food and stay lists (content.facets), as a visitor reads them."""
    return {
        "open_now": _("Open now"),
        "tonight": _("Open tonight"),
        "sunday": _("Open on Sunday"),
        "terrace": _("Terrace"),
        "price1": price_text(1),
        "price2": price_text(2),
        "price3": price_text(3),
        "in_season": _("Open this season"),
        "stars3": _("3 stars or more"),
        "group": _("For groups"),
        "wheelchair": _("Wheelchair access"),
        "pets": _("Pets welcome"),
    }


def facet_chips(kind: str, active: Iterable[str], *, _: Gettext) -> list[dict]:
    """The facet chips a list of ``kind`` offers (none for other kinds), with those chosen lit."""
    titles, chosen = facet_titles(_), set(active)
    return [{"key": f, "text": titles[f], "active": f in chosen} for f in offered(kind)]


def season_lines(season: Iterable[Any], *, lang: str, _: Gettext) -> list[str]:
    """ "Open from 1 April to 30 September", once per span (a leap year, so 29 February reads)."""
    lines = []
    for span in season:
        start, end = (span.start, span.end) if hasattr(span, "start") else (span["start"], span["end"])
        first = format_skeleton("dMMMM", dt.date(2000, int(start[:2]), int(start[3:])), locale=lang)
        last = format_skeleton("dMMMM", dt.date(2000, int(end[:2]), int(end[3:])), locale=lang)
        lines.append(_("Open from {start} to {end}").format(start=first, end=last))
    return lines


def detail_facts(entry: Any, *, lang: str, _: Gettext) -> list[str]:
    """The "good to know" lines of a place to eat or stay: price, stars, labels, capacity, amenities, season."""
    d = getattr(entry, "details", None)
    if d is None or entry.kind not in ("food", "stay"):
        return []
    lines = []
    if d.price:
        lines.append(_("Prices: {band}").format(band=price_text(d.price)))
    if d.stars:
        lines.append(_("Classified: {stars}").format(stars=stars_text(d.stars, _)))
    lines += list(d.labels)
    if d.capacity:
        lines.append(_("Up to {count} people").format(count=d.capacity))
    if d.amenities:
        lines.append(" · ".join(amenity_name(a, lang) for a in d.amenities))
    lines += season_lines(d.season, lang=lang, _=_)
    return lines
