"""The filters a visitor uses to choose a table or a bed, as pure functions over list cards.

A facet is a slug; :data:`FACETS` lists those each kind offers, in the order the kiosk shows them.
Eating: open now, open tonight, open on Sunday (hours), terrace, a price band (details). Sleeping:
open this season (the day, not the hour), stars, room for a group, wheelchair access, pets. A card
matches a set of facets when it matches each; what an entry does not say never matches (a
restaurant without a price is not "€").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from content.details import in_season

FACETS: dict[str, tuple[str, ...]] = {
    "food": ("open_now", "tonight", "sunday", "terrace", "price1", "price2", "price3"),
    "stay": ("in_season", "stars3", "group", "wheelchair", "pets"),
}
#: The evening a visitor means by "tonight", and the hours of a Sunday out (local, every half hour).
TONIGHT = (dt.time(19, 0), dt.time(21, 30))
SUNDAY = (dt.time(11, 0), dt.time(21, 30))
#: "Room for a group": sleeps at least this many people.
GROUP_SIZE = 10

IsOpen = Callable[[str, dt.datetime], bool]


def offered(kind: str) -> tuple[str, ...]:
    return FACETS.get(kind, ())


def _instants(day: dt.date, span: tuple[dt.time, dt.time], tzinfo: dt.tzinfo) -> list[dt.datetime]:
    start = dt.datetime.combine(day, span[0], tzinfo)
    end = dt.datetime.combine(day, span[1], tzinfo)
    out = []
    while start <= end:
        out.append(start)
        start += dt.timedelta(minutes=30)
    return out


def next_sunday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(6 - today.weekday()) % 7)


def matches(card: Any, facet: str, *, now: dt.datetime, is_open: IsOpen) -> bool:
    """Whether ``card`` (``opening_hours`` and ``details``) matches ``facet`` at ``now`` (aware, local).

    ``is_open(hours, moment)`` tells whether an opening-hours text is open at a moment."""
    details = card.details or {}
    hours = card.opening_hours
    if facet == "open_now":
        return bool(hours) and is_open(hours, now)
    if facet == "tonight":
        return bool(hours) and any(is_open(hours, t) for t in _instants(now.date(), TONIGHT, now.tzinfo))
    if facet == "sunday":
        day = next_sunday(now.date())
        return bool(hours) and any(is_open(hours, t) for t in _instants(day, SUNDAY, now.tzinfo))
    if facet in ("terrace", "wheelchair", "pets"):
        return facet in details.get("amenities", ())
    if facet.startswith("price"):
        return details.get("price") == int(facet.removeprefix("price"))
    if facet == "in_season":
        return in_season(details.get("season", []), now.date())
    if facet == "stars3":
        return (details.get("stars") or 0) >= 3
    if facet == "group":
        return (details.get("capacity") or 0) >= GROUP_SIZE
    raise ValueError(
        f"unknown facet {facet!r}: expected one of {', '.join(sorted({*FACETS['food'], *FACETS['stay']}))}"
    )


def apply(cards: Iterable[Any], facets: Iterable[str], *, now: dt.datetime, is_open: IsOpen) -> list[Any]:
    """The cards that match every facet."""
    wanted = list(dict.fromkeys(facets))
    return [c for c in cards if all(matches(c, f, now=now, is_open=is_open) for f in wanted)]
