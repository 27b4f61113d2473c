"""Read-only views of stored entries, for the kiosk: the cache's JSON with attribute access.

The cache stores only entries that passed validation, written whole (every field, defaults
included: :func:`content.model.dump`), so reading one back needs no second validation. The kiosk
reads entries through these views and never imports the pydantic models (about a tenth of a
second and 11 MB on a kiosk's start). The attributes are the models' (``entry.place.city``,
``occurrence.effective_end`` ...), so code written against the models reads views unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class PlaceView:
    name: str
    street: str
    postcode: str
    city: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class ContactView:
    phone: str
    email: str
    website: str


@dataclass(frozen=True, slots=True)
class OccurrenceView:
    start: dt.datetime
    end: dt.datetime | None

    @property
    def effective_end(self) -> dt.datetime:
        """The end, or the start when the occurrence has no end (a moment, not a period)."""
        return self.end or self.start


@dataclass(frozen=True, slots=True)
class MediaView:
    sha256: str
    alt: dict[str, str]
    credit: str


@dataclass(frozen=True, slots=True)
class SourceView:
    name: str
    producer: str
    licence: str
    url: str


@dataclass(frozen=True, slots=True)
class SeasonView:
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class DetailsView:
    amenities: list[str]
    price: int | None
    stars: int | None
    labels: list[str]
    capacity: int | None
    season: list[SeasonView]
    booking_url: str

    @classmethod
    def from_dict(cls, d: dict | None) -> DetailsView:
        """Schema 2's details; an entry stored by schema 1 has none: every field empty."""
        d = d or {}
        return cls(
            amenities=list(d.get("amenities", [])),
            price=d.get("price"),
            stars=d.get("stars"),
            labels=list(d.get("labels", [])),
            capacity=d.get("capacity"),
            season=[SeasonView(s["start"], s["end"]) for s in d.get("season", [])],
            booking_url=d.get("booking_url", ""),
        )


@dataclass(frozen=True, slots=True)
class EntryView:
    id: str
    kind: str
    categories: list[str]
    commune: str
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]
    place: PlaceView | None
    contact: ContactView
    opening_hours: str
    occurrences: list[OccurrenceView]
    media: list[MediaView]
    featured: bool
    url: str
    source: SourceView
    updated_at: dt.datetime
    # A default, so that fields added after it by later schemas may have defaults too.
    details: DetailsView = field(default_factory=lambda: DetailsView.from_dict(None))
    public_url: str = ""

    @classmethod
    def from_json(cls, text: str) -> EntryView:
        """The view of one stored entry (``entries.data``); a field missing there is a broken cache: KeyError."""
        d = json.loads(text)
        place, contact, source = d["place"], d["contact"], d["source"]
        return cls(
            id=d["id"],
            kind=d["kind"],
            categories=d["categories"],
            commune=d["commune"],
            title=d["title"],
            summary=d["summary"],
            body=d["body"],
            place=None if place is None else PlaceView(**{k: place[k] for k in PlaceView.__slots__}),
            contact=ContactView(**{k: contact[k] for k in ContactView.__slots__}),
            opening_hours=d["opening_hours"],
            occurrences=[OccurrenceView(_when(o["start"]), _when(o["end"])) for o in d["occurrences"]],
            media=[MediaView(m["sha256"], m["alt"], m["credit"]) for m in d["media"]],
            featured=d["featured"],
            url=d["url"],
            source=SourceView(**{k: source[k] for k in SourceView.__slots__}),
            updated_at=_when(d["updated_at"]),
            details=DetailsView.from_dict(d.get("details")),
            public_url=d.get("public_url", ""),  # optional: caches written before it was in the contract
        )
