"""What the map screen shows, computed from content: markers, filters and the route's words. No Kivy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from babel.numbers import format_decimal

from content import geo

Gettext = Callable[[str], str]

#: Filter chips, in order: ``(key, kinds it shows)``.
FILTERS = ("all", "heritage", "event", "food", "stay", "shop", "service", "place")
#: Icon (kiosk.icons name) of a service by its category; other kinds by kind.
SERVICE_ICONS = {"pharmacy": "pharmacy", "toilets": "toilets", "parking": "parking", "town-hall": "mairie"}
KIND_ICONS = {
    "place": "discover",
    "heritage": "heritage",
    "event": "event",
    "food": "eat",
    "stay": "stay",
    "shop": "shop",
    "service": "service",
}
#: Marker colour name (kiosk.theme) by kind; shops take ``open`` or ``closed`` when their hours say.
KIND_COLOURS = {
    "place": "tile1",
    "heritage": "tile2",
    "event": "tile3",
    "food": "tile7",
    "stay": "tile8",
    "shop": "tile4",
    "service": "tile5",
}


def filter_titles(_: Gettext) -> dict[str, str]:
    return {
        "all": _("All"),
        "heritage": _("Heritage"),
        "event": _("What's on"),
        "food": _("Eat & drink"),
        "stay": _("Stay"),
        "shop": _("Shops"),
        "service": _("Practical info"),
        "place": _("Discover"),
    }


def icon_name(card: Any) -> str:
    if card.kind == "service":
        for slug in card.categories:
            if slug in SERVICE_ICONS:
                return SERVICE_ICONS[slug]
    return KIND_ICONS.get(card.kind, "place")


def markers(
    cards: Iterable[Any], town: geo.TownMap, *, kind: str = "all", open_state: Callable[[Any], str] = lambda c: ""
) -> list[dict]:
    """One marker per card with a position inside the map: ``{id, x, y, icon, colour}`` (x, y in metres).

    ``open_state(card)`` is ``"open"``, ``"closed"`` or ``""`` (shops: their colour says it).
    """
    out = []
    seen: set[tuple[float, float]] = set()
    for card in cards:
        if card.lat is None or card.lon is None or not town.contains(card.lat, card.lon):
            continue
        if kind != "all" and card.kind != kind:
            continue
        x, y = town.projection.to_xy(card.lat, card.lon)
        while (round(x), round(y)) in seen:  # two places at one address: side by side, not hidden
            x += 9
        seen.add((round(x), round(y)))
        colour = KIND_COLOURS.get(card.kind, "tile1")
        if card.kind in ("shop", "food"):
            colour = {"open": "open", "closed": "closed"}.get(open_state(card), colour)
        out.append({"id": card.id, "x": x, "y": y, "icon": icon_name(card), "colour": colour})
    return out


def route_text(route: geo.Route, *, lang: str, _: Gettext) -> str:
    """ "650 m · 9 min walk" in the visitor's language."""
    if route.length_m >= 1000:
        length = format_decimal(round(route.length_m / 1000, 1), locale=lang) + " km"
    else:
        length = f"{round(route.length_m / 10) * 10:.0f} m"
    return _("{length} · {minutes} min walk").format(length=length, minutes=route.minutes)


def no_route_text(reason: str, *, _: Gettext) -> str:
    if reason == "outside":
        return _("This place is outside the town map: here is its address.")
    if reason == "no_position":
        return _("This kiosk's position is not set: no walking route from here.")
    return _("No walking route on the map: here is the address.")


def clusters(markers: list[dict], *, scale: float, reach_px: float, keep: Any = None) -> list[list[dict]]:
    """Markers gathered into groups whose discs would overlap at ``scale`` (pixels per metre).

    In screen space: each marker starts alone, then the two closest groups (centre: the mean of
    their members) closer than ``reach_px`` merge, until none are. Panning moves every marker alike,
    so the groups only change with the scale. The marker ``keep`` (the selected one) stands alone.
    """
    # first the markers that share a grid cell small enough that they overlap anyway: the pairwise
    # merging below then has tens of groups to compare, not every marker
    cell = reach_px / 1.5
    buckets: dict[tuple[int, int], list[dict]] = {}
    groups = []
    for m in sorted(markers, key=lambda m: (m["x"], m["y"], str(m["id"]))):
        if keep is not None and m["id"] == keep:
            groups.append([m])
        else:
            buckets.setdefault((int(m["x"] * scale // cell), int(m["y"] * scale // cell)), []).append(m)
    groups += buckets.values()
    centres = [(sum(m["x"] for m in g) * scale / len(g), sum(m["y"] for m in g) * scale / len(g)) for g in groups]
    alone = [keep is not None and g[0]["id"] == keep for g in groups]
    while True:
        best, pair = reach_px**2, None
        for i in range(len(groups)):
            if alone[i]:
                continue
            xi, yi = centres[i]
            for j in range(i + 1, len(groups)):
                if alone[j]:
                    continue
                d = (centres[j][0] - xi) ** 2 + (centres[j][1] - yi) ** 2
                if d < best:
                    best, pair = d, (i, j)
        if pair is None:
            return groups
        i, j = pair
        ni, nj = len(groups[i]), len(groups[j])
        centres[i] = (
            (centres[i][0] * ni + centres[j][0] * nj) / (ni + nj),
            (centres[i][1] * ni + centres[j][1] * nj) / (ni + nj),
        )
        groups[i] += groups.pop(j)
        centres.pop(j)
        alone.pop(j)
