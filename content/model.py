"""The content contract: entries, alerts and the change set that carries them.

One model travels everywhere: back office -> feed or bundle -> sync -> cache -> screen.
These are pydantic models so that validation errors carry the path of the field that is wrong;
``content.validation`` turns those into :class:`EntryError` messages naming the entry and field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from content import text
from content.categories import CATEGORIES
from content.contract import ID_RE, INSEE_RE, LANG_RE, SHA256_RE
from content.details import AMENITIES, PRICE_BANDS, check_month_day

Kind = Literal["place", "heritage", "event", "shop", "service", "food", "stay"]


def _plain_map(value: dict[str, str]) -> dict[str, str]:
    clean = {}
    for lang, s in value.items():
        if not LANG_RE.match(lang):
            raise ValueError(f"{lang!r} is not a language code (two or three lower-case letters)")
        clean[lang] = text.check_plain(s)
    return {lang: s for lang, s in clean.items() if s}


def _plain(value: str) -> str:
    return text.check_plain(value)


#: A per-language text: ``{"fr": "…", "en": "…"}``, plain text only.
LangText = Annotated[dict[str, str], AfterValidator(_plain_map)]
PlainStr = Annotated[str, AfterValidator(_plain)]


def _web_address(value: str) -> str:
    if value and not re.match(r"^https?://\S+$", value):
        raise ValueError(f"{value!r} is not a web address (http:// or https://)")
    return value


#: A page's address: empty, or http(s)://… (no javascript: or file: links reach the QR code).
WebAddress = Annotated[str, AfterValidator(_plain), AfterValidator(_web_address)]


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("date and time needs a UTC offset (ISO 8601, e.g. 2026-07-14T21:00:00+02:00)")
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]


class _Model(BaseModel):
    # Unknown fields of a known schema are ignored, as DESIGN.md asks.
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class Place(_Model):
    name: PlainStr = ""
    street: PlainStr = ""
    postcode: PlainStr = ""
    city: PlainStr = ""
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both_coordinates(self):
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: give both or neither")
        return self


class Contact(_Model):
    phone: PlainStr = ""
    email: PlainStr = ""
    website: WebAddress = ""

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if v and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", v):
            raise ValueError(f"{v!r} is not an e-mail address")
        return v


class Occurrence(_Model):
    start: AwareDatetime
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self

    @property
    def effective_end(self) -> dt.datetime:
        """The end, or the start when the occurrence has no end (a moment, not a period)."""
        return self.end or self.start


class Media(_Model):
    sha256: str = Field(pattern=SHA256_RE.pattern)
    mime: Literal["image/jpeg", "image/png", "image/webp", "image/gif"]
    width: int = Field(gt=0, le=20000)
    height: int = Field(gt=0, le=20000)
    bytes: int = Field(gt=0, le=50 * 1024 * 1024)
    alt: LangText = Field(default_factory=dict)
    credit: PlainStr = ""


class Source(_Model):
    name: PlainStr = ""
    producer: PlainStr = ""
    licence: PlainStr = ""
    url: PlainStr = ""


class Season(_Model):
    """Open every year from ``start`` to ``end`` (``MM-DD``, inclusive; may run across the new year)."""

    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _month_day(cls, v: str) -> str:
        return check_month_day(v)


class Details(_Model):
    """Schema 2: what eating and sleeping places say; every field optional (empty: not known)."""

    amenities: list[str] = Field(default_factory=list, max_length=len(AMENITIES))
    price: int | None = Field(default=None, description="price band, 1 (€) to 4 (€€€€)")
    stars: int | None = Field(default=None, ge=1, le=5, description="official classification (hotel, campsite)")
    labels: list[PlainStr] = Field(default_factory=list, max_length=12)
    capacity: int | None = Field(default=None, ge=1, le=100_000, description="people it can sleep or seat")
    season: list[Season] = Field(default_factory=list, max_length=12)
    booking_url: WebAddress = ""

    @field_validator("amenities")
    @classmethod
    def _known_amenities(cls, v: list[str]) -> list[str]:
        unknown = [a for a in v if a not in AMENITIES]
        if unknown:
            raise ValueError(f"unknown amenity {', '.join(map(repr, unknown))}: use {', '.join(AMENITIES)}")
        return list(dict.fromkeys(v))

    @field_validator("price")
    @classmethod
    def _band(cls, v: int | None) -> int | None:
        if v is not None and v not in PRICE_BANDS:
            raise ValueError(f"price band {v!r} is not one of 1 (€) to 4 (€€€€)")
        return v

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(x for x in v if x))

    def is_empty(self) -> bool:
        return self == Details()


class Entry(_Model):
    id: str = Field(pattern=ID_RE.pattern)
    kind: Kind
    categories: list[str] = Field(default_factory=list)
    commune: str = Field(default="", description="INSEE code; empty means shared by every commune")
    title: LangText
    summary: LangText = Field(default_factory=dict)
    body: LangText = Field(default_factory=dict)
    place: Place | None = None
    contact: Contact = Field(default_factory=Contact)
    opening_hours: str = ""
    occurrences: list[Occurrence] = Field(default_factory=list, max_length=5000)
    media: list[Media] = Field(default_factory=list, max_length=50)
    featured: bool = False
    visible_from: AwareDatetime | None = None
    visible_until: AwareDatetime | None = None
    url: WebAddress = ""
    #: The entry's public page on the back office, without a language (see content.contract.public_page).
    public_url: WebAddress = ""
    source: Source = Field(default_factory=Source)
    updated_at: AwareDatetime
    #: Schema 2: what a visitor choosing a table or a bed asks (price, stars, terrace, season, booking).
    details: Details = Field(default_factory=Details)

    @field_validator("title")
    @classmethod
    def _french_title(cls, v: dict[str, str]) -> dict[str, str]:
        if not v.get("fr"):
            raise ValueError("a French title (fr) is required")
        return v

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown category {', '.join(map(repr, unknown))}")
        return list(dict.fromkeys(v))

    @field_validator("commune")
    @classmethod
    def _insee(cls, v: str) -> str:
        if v and not INSEE_RE.match(v):
            raise ValueError(f"{v!r} is not an INSEE commune code (five characters, e.g. 15187)")
        return v

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        from content.hours import check_opening_hours

        return check_opening_hours(v) if v else v

    @model_validator(mode="after")
    def _coherent(self):
        if self.kind == "event" and not self.occurrences:
            raise ValueError("an event needs at least one occurrence")
        if self.visible_from and self.visible_until and self.visible_until < self.visible_from:
            raise ValueError("visible_until is before visible_from")
        return self

    def text(self, field: str, lang: str) -> tuple[str, str]:
        """The text of ``field`` in ``lang``, falling back to French: ``(text, lang_used)``."""
        values: dict[str, str] = getattr(self, field)
        if values.get(lang):
            return values[lang], lang
        return values.get("fr", ""), "fr"


class Alert(_Model):
    # ``from`` is a Python keyword: the field is ``starts`` in code, ``from`` on the wire.
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, str_strip_whitespace=True)

    id: str = Field(pattern=ID_RE.pattern)
    level: Literal["info", "warning", "urgent"]
    message: LangText
    starts: AwareDatetime = Field(alias="from")
    until: AwareDatetime | None = None
    communes: list[str] = Field(default_factory=list)

    @field_validator("message")
    @classmethod
    def _french_message(cls, v: dict[str, str]) -> dict[str, str]:
        if not v.get("fr"):
            raise ValueError("a French message (fr) is required")
        return v

    @model_validator(mode="after")
    def _ordered(self):
        if self.until is not None and self.until < self.starts:
            raise ValueError("until is before from")
        return self

    def is_active(self, now: dt.datetime) -> bool:
        return self.starts <= now and (self.until is None or now < self.until)


def dump(model: BaseModel) -> dict:
    """The wire form of an entry or alert (JSON-ready, aliases such as ``from`` applied)."""
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=False)
