"""What DATAtourisme says of a place to eat or to stay, read into the contract's ``details``.

Read: amenities from ``hasFeature`` (terrace, Wi-Fi, car park, pool) with ``petsAllowed`` and
``reducedMobilityAccess``; stars from a ``hasReview`` scale rating in stars, the other ratings and
labels (épis, clés, Gîtes de France, Logis…) as labels; ``allowedPersons`` as the capacity; the
booking contact's web page; for a stay, the opening periods' dates as its season; for a table, a
price band from its offers' prices. What a record does not say stays empty.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from backoffice.importers.base import one_line
from backoffice.importers.datatourisme_fields import as_list, date_or_none, dicts, first, lang_map
from backoffice.importers.vocabulary import class_name

#: DATAtourisme amenity (``kb:…``) -> the contract's amenity.
AMENITIES = {
    "Terrace": "terrace",
    "Wifi": "wifi",
    "InternetAccess": "wifi",
    "CarPark": "parking",
    "Parking": "parking",
    "PrivateParking": "parking",
    "SwimmingPool": "pool",
    "IndoorPool": "pool",
    "OutdoorPool": "pool",
    "HeatedSwimmingPool": "pool",
}
_STARS_RE = re.compile(r"ScaleRating_(\d)etoiles?$", re.IGNORECASE)
#: Price bands by the lowest price a table states (a meal, in euros): under 15, 30, 60, and above.
PRICE_LIMITS = (15, 30, 60)


def details(record: dict, kind: str, warn) -> dict:
    """The ``details`` of a food or stay record (``{}`` for other kinds or when nothing is said)."""
    if kind not in ("food", "stay"):
        return {}
    out: dict[str, Any] = {}
    amenities = _amenities(record)
    if amenities:
        out["amenities"] = amenities
    stars, labels = _ratings(record)
    if stars:
        out["stars"] = stars
    if labels:
        out["labels"] = labels[:12]
    capacity = _positive_int(first(record.get("allowedPersons")))
    if capacity:
        out["capacity"] = capacity
    booking = _booking_url(record)
    if booking:
        out["booking_url"] = booking
    if kind == "stay":
        season = _season(record)
        if season:
            out["season"] = season
    if kind == "food":
        band = _price_band(record, warn)
        if band:
            out["price"] = band
    return out


def _located(record: dict) -> list[dict]:
    return [record, *dicts(record.get("isLocatedAt")), *dicts(record.get("hasFeature"))]


def _amenities(record: dict) -> list[str]:
    found = []
    for spec in dicts(record.get("hasFeature")):
        for feature in dicts(spec.get("features")):
            slug = AMENITIES.get(class_name(str(feature.get("@id", ""))))
            if slug:
                found.append(slug)
    if any(first(part.get("petsAllowed")) is True for part in _located(record)):
        found.append("pets")
    if any(first(part.get("reducedMobilityAccess")) is True for part in _located(record)):
        found.append("wheelchair")
    return list(dict.fromkeys(found))


def _ratings(record: dict) -> tuple[int | None, list[str]]:
    stars, labels = None, []
    for review in dicts(record.get("hasReview")):
        for value in dicts(review.get("hasReviewValue")):
            match = _STARS_RE.search(str(value.get("@id", "")))
            if match and 1 <= int(match.group(1)) <= 5:
                stars = max(stars or 0, int(match.group(1)))
                continue
            names = lang_map(value.get("rdfs:label"), one_line)
            name = names.get("fr") or next(iter(names.values()), "")
            if name:
                labels.append(name)
    return stars, list(dict.fromkeys(labels))


def _positive_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 100_000 else None


def _booking_url(record: dict) -> str:
    for agent in dicts(record.get("hasBookingContact")):
        for page in as_list(agent.get("foaf:homepage")):
            if isinstance(page, str) and re.match(r"^https?://\S+$", page.strip()):
                return page.strip()
    return ""


def _season(record: dict) -> list[dict]:
    """The yearly opening periods (``MM-DD`` to ``MM-DD``); none when a period covers the whole year."""
    spans = []
    for loc in [record, *dicts(record.get("isLocatedAt"))]:
        for spec in dicts(loc.get("schema:openingHoursSpecification")):
            start = date_or_none(spec.get("schema:validFrom"))
            end = date_or_none(spec.get("schema:validThrough"))
            if start is None or end is None or end < start:
                continue
            if end - start >= dt.timedelta(days=364):
                return []
            spans.append((start.strftime("%m-%d"), end.strftime("%m-%d")))
    unique = sorted(set(spans))
    return [{"start": a, "end": b} for a, b in unique[:12]]


def _price_band(record: dict, warn) -> int | None:
    prices = []
    for offer in dicts(record.get("offers")):
        for spec in dicts(offer.get("schema:priceSpecification")):
            for key in ("schema:minPrice", "schema:price", "schema:maxPrice"):
                for value in as_list(spec.get(key)):
                    try:
                        prices.append(float(str(value).replace(",", ".")))
                    except ValueError:
                        warn(f"offers.{key}", f"{value!r} is not a price: left out")
    prices = [p for p in prices if p > 0]
    if not prices:
        return None
    lowest = min(prices)
    return 1 + sum(lowest >= limit for limit in PRICE_LIMITS)
