"""What every importer returns, its errors, and the helpers the mappings share.

An importer turns records of an open-data format into entry dicts of the content contract. It
never drops silently: a record that cannot be mapped becomes a :class:`RecordProblem` with
``severity="error"`` (and no entry); a field that cannot be mapped becomes a ``"warning"`` and the
rest of the record is kept. Every entry in :attr:`ImportResult.entries` has passed
``content.validation.parse_entry``.

Pure Python: no Django. The fetch helpers go through :func:`source_fetcher` (Borne's outbound fetcher:
a total deadline, a byte cap after decompression, no internal address unless ``BORNE_FETCH_ALLOW``
lists it) or a fetcher the caller passes.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from content import text
from content.model import Entry, dump
from content.validation import EntryError, parse_entry

log = logging.getLogger(__name__)

#: The most occurrences an entry may carry (content.model.Entry.occurrences max_length).
MAX_OCCURRENCES = 5000
#: The most images kept per record: the back office downloads each one.
MAX_IMAGES = 10


class ImporterError(ValueError):
    """Base of the importers' errors: the whole input could not be read."""


class SourceFormatError(ImporterError):
    """The input is not the format it should be. Names the file and, when known, the record."""

    def __init__(self, message: str, *, file: str = "", record: str = ""):
        self.file = file
        self.record = record
        where = ", ".join(part for part in (file and f"file {file}", record and f"record {record}") if part)
        super().__init__(f"{where}: {message}" if where else message)


class FetchError(ImporterError):
    """Fetching a source over HTTP failed (network, HTTP status, body that is not the format)."""


#: A whole source download (all its bytes, redirects included) must end within this many seconds.
SOURCE_DEADLINE = 300.0
#: The most bytes a source's answer may hold, after decompression.
SOURCE_MAX_BYTES = 100 * 1024 * 1024


def source_fetcher(user_agent: str, *, allow: str | None = None, deadline: float = SOURCE_DEADLINE,
                   max_bytes: int = SOURCE_MAX_BYTES):  # fmt: skip
    """An outbound fetcher for addresses that come from outside (a feed, a URL typed by staff).

    ``allow``: the internal hosts or networks that may be reached (comma-separated); None reads
    ``BORNE_FETCH_ALLOW`` from the environment.
    """
    import os

    from outbound import AddressPolicy, Fetcher

    if allow is None:
        allow = os.environ.get("BORNE_FETCH_ALLOW", "")
    return Fetcher(
        user_agent=user_agent, policy=AddressPolicy.from_setting(allow), deadline=deadline, max_bytes=max_bytes
    )


def fetch_error(exc) -> FetchError:
    """The importers' FetchError for an :class:`outbound.FetchError`."""
    return FetchError(str(exc))


@dataclass(frozen=True)
class RecordProblem:
    """Something in one record that could not be mapped.

    ``severity`` is ``"error"`` when the record produced no entry, ``"warning"`` when the entry was
    kept without the field named.
    """

    record_id: str
    field: str
    message: str
    severity: Literal["error", "warning"] = "warning"

    def __str__(self) -> str:
        where = f"{self.record_id} {self.field}" if self.field else self.record_id
        return f"{self.severity}: {where}: {self.message}"


@dataclass(frozen=True)
class ImageRef:
    """An image to download for an entry; the entry's ``media`` stays empty until it is stored."""

    url: str
    credit: str = ""
    licence: str = ""
    alt: dict[str, str] = field(default_factory=dict, hash=False, compare=True)


@dataclass
class ImportResult:
    """What one import produced.

    - ``entries``: valid contract entry dicts (``content.model.dump`` form, JSON-ready), sorted by id;
    - ``images``: entry id -> images to download for it, in display order;
    - ``problems``: what could not be mapped, per record and field;
    - ``withdrawn``: ids the source itself withdrew (OpenAgenda ``removed``, cancelled events);
    - ``seen_ids``: every record id present in the input, mapped or not;
    - ``snapshot``: the input is the source's full set, so an id absent from ``seen_ids`` was withdrawn;
    - ``cursor``: where to continue an incremental source (OpenAgenda ``after``), else "".
    """

    source: str
    entries: list[dict] = field(default_factory=list)
    images: dict[str, list[ImageRef]] = field(default_factory=dict)
    problems: list[RecordProblem] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    snapshot: bool = False
    cursor: str = ""
    incomplete: bool = False

    @property
    def ids(self) -> list[str]:
        return [e["id"] for e in self.entries]

    @property
    def errors(self) -> list[RecordProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def withdrawn_since(self, previous_ids: set[str] | list[str]) -> list[str]:
        """Ids to delete, given the ids a previous import of this source left in the back office.

        Always the ids the source withdrew; for a snapshot, also every previous id that the input no
        longer holds. A record present but unmappable is *not* withdrawn (it is in ``seen_ids``).
        """
        gone = set(self.withdrawn)
        if self.snapshot and self.incomplete:
            raise ImporterError(
                f"{self.source} snapshot holds records without a usable id: withdrawals are not computed "
                "(fix the records named in the problems, then import again)"
            )
        if self.snapshot:
            gone |= set(previous_ids) - self.seen_ids
        return sorted(gone)

    def extend(self, other: ImportResult) -> None:
        """Add another result of the same source (next page, next file of a zip)."""
        by_id = {e["id"]: e for e in self.entries}
        by_id.update({e["id"]: e for e in other.entries})
        self.entries = [by_id[k] for k in sorted(by_id)]
        self.images.update(other.images)
        self.problems.extend(other.problems)
        self.withdrawn = sorted(set(self.withdrawn) | set(other.withdrawn))
        self.seen_ids |= other.seen_ids
        self.incomplete = self.incomplete or other.incomplete
        self.cursor = other.cursor or self.cursor

    def add(self, record_id: str, data: dict, images: list[ImageRef], problems: list[RecordProblem]) -> Entry | None:
        """Validate ``data`` and keep it, or turn its EntryError into an error problem."""
        self.seen_ids.add(record_id)
        self.problems.extend(problems)
        try:
            entry = parse_entry(data)
        except EntryError as exc:
            for fld, message in exc.problems or [("", str(exc))]:
                self.problems.append(RecordProblem(record_id, fld, message, "error"))
            return None
        self.entries.append(dump(entry))
        if images:
            self.images[entry.id] = images[:MAX_IMAGES]
        return entry

    def fail(self, record_id: str, fld: str, message: str) -> None:
        self.seen_ids.add(record_id)
        self.problems.append(RecordProblem(record_id, fld, message, "error"))

    def finish(self) -> ImportResult:
        """Sort entries by id (deterministic output) and log a summary."""
        self.entries.sort(key=lambda e: e["id"])
        log.info(
            "%s import: %d entries, %d problems (%d errors), %d withdrawn",
            self.source,
            len(self.entries),
            len(self.problems),
            len(self.errors),
            len(self.withdrawn),
        )
        return self


# --- text ---------------------------------------------------------------------------------------


def plain(value: Any) -> str:
    """Any source text (HTML, Markdown, plain) as plain contract text; non-strings give ""."""
    if not isinstance(value, str):
        return ""
    return text.html_to_text(value)


def one_line(value: Any) -> str:
    """Plain text on one line (titles, names, addresses)."""
    return " ".join(plain(value).split())


def lang_key(lang: str) -> str | None:
    """A source language tag ("fr", "fr-FR", "FR") as a contract language code, or None."""
    code = lang.split("-")[0].split("_")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() and code.isascii() else None


# --- time ---------------------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImporterError(f"unknown time zone {name!r} (expected an IANA name such as Europe/Paris)") from None


def parse_datetime(value: Any, tz: ZoneInfo) -> dt.datetime:
    """ISO 8601 date-time (``Z`` allowed); naive values are taken in ``tz``. Raises ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a date and time")
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def parse_date(value: Any) -> dt.date:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a date")
    return dt.date.fromisoformat(value.strip()[:10])


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """An all-day occurrence: 00:00 to 23:59 local time."""
    return (dt.datetime.combine(day, dt.time(0, 0), tz), dt.datetime.combine(day, dt.time(23, 59), tz))


def occurrences(
    pairs: list[tuple[dt.datetime, dt.datetime | None]],
    *,
    not_before: dt.datetime | None = None,
) -> tuple[list[dict], str]:
    """Sort, dedupe and serialise occurrences; drop those ended before ``not_before``.

    Returns ``(occurrences, note)``; the note says what was cut, "" when nothing was.
    """
    unique = sorted(set(pairs), key=lambda p: (p[0], p[1] or p[0]))
    note = ""
    if not_before is not None:
        unique = [p for p in unique if (p[1] or p[0]) >= not_before]
    if len(unique) > MAX_OCCURRENCES:
        note = f"{len(unique)} occurrences, only the first {MAX_OCCURRENCES} kept"
        unique = unique[:MAX_OCCURRENCES]
    return [{"start": s.isoformat(), "end": e.isoformat() if e else None} for s, e in unique], note


def iso(value: dt.datetime) -> str:
    return value.isoformat()
