"""Every query the kiosk needs, computed in the town's time zone at query time."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from content import timeutil
from content.categories import CATEGORIES
from content.contract import KINDS
from content.text import fold

# Opening hours (content.hours, with its parser) are worked out by the lists and pages: imported there,
# not at the kiosk's start.
if TYPE_CHECKING:
    from content import hours
    from content.model import Entry
    from content.views import EntryView

CARD_COLUMNS = (
    "e.num, e.id, e.kind, e.commune, e.categories, e.title, e.summary, e.featured, "
    "e.opening_hours, e.lat, e.lon, e.thumb, e.details"
)
VISIBLE = "(e.visible_from IS NULL OR e.visible_from <= :now) AND (e.visible_until IS NULL OR e.visible_until > :now)"
NOT_PAST = "(e.kind != 'event' OR EXISTS (SELECT 1 FROM occurrences o WHERE o.num = e.num AND o.end > :now))"
COMMUNE = "(:commune IS NULL OR e.commune = '' OR e.commune = :commune)"
WORD_RE = re.compile(r"\w+")
#: Where a match counts most, in order: the start of the (French) title, anywhere in a title, a
#: category name or summary, anywhere at all.
SEARCH_TIERS = ("{title} : (^%s)", "{title} : (%s)", "{keywords summary} : (%s)", "%s")


class Card:
    """What a list row needs of an entry: light, built from columns; its JSON is parsed on first use."""

    __slots__ = (
        "id",
        "kind",
        "commune",
        "_categories",
        "_title",
        "_summary",
        "featured",
        "opening_hours",
        "lat",
        "lon",
        "thumb",
        "next_start",
        "next_end",
        "open_state",
        "distance_m",
        "_details",
    )

    def __init__(self, row):
        (
            _,
            self.id,
            self.kind,
            self.commune,
            self._categories,
            self._title,
            self._summary,
            featured,
            self.opening_hours,
            self.lat,
            self.lon,
            self.thumb,
            self._details,
        ) = row[:13]
        self.featured = bool(featured)
        self.next_start: dt.datetime | None = None
        self.next_end: dt.datetime | None = None
        self.open_state: hours.OpenState | None = None
        self.distance_m: float | None = None

    def _parsed(self, name: str):
        value = getattr(self, name)
        if isinstance(value, str):
            value = json.loads(value)
            setattr(self, name, value)
        return value

    @property
    def title(self) -> dict[str, str]:
        return self._parsed("_title")

    @property
    def summary(self) -> dict[str, str]:
        return self._parsed("_summary")

    @property
    def categories(self) -> list[str]:
        return self._parsed("_categories")

    @property
    def details(self) -> dict:
        """Schema 2's details as a plain dict (``{}`` when it has none): price, stars, amenities…"""
        return self._parsed("_details")

    def text(self, field_name: str, lang: str) -> str:
        values = getattr(self, field_name)
        return values.get(lang) or values.get("fr", "")

    def __repr__(self) -> str:
        return f"Card({self.id!r}, {self.kind!r})"


def sort_key(title: str) -> str:
    return fold(title).strip()


def search_columns(e: Entry) -> tuple[str, str, str, str]:
    """The text the search index holds for an entry, every language together."""
    keywords = [CATEGORIES[c].name(lang) for c in e.categories for lang in ("fr", "en", "de", "es", "it", "nl")]
    if e.place:
        keywords += [e.place.name, e.place.city, e.place.street]
    return (
        # French first: the title tier "starts with" looks at the start of the column.
        " · ".join(dict.fromkeys([e.title["fr"], *e.title.values()])),
        " ".join(dict.fromkeys(k for k in keywords if k)),
        " ".join(e.summary.values()),
        " ".join(e.body.values()),
    )


def fts_query(text: str) -> str:
    """What a visitor typed -> an FTS5 query: every word, as a prefix, all required."""
    return " ".join(f'"{w}"*' for w in WORD_RE.findall(fold(text)))


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)  # Python 3.11 reads the trailing Z


_card = Card


@dataclass(frozen=True)
class ActiveAlert:
    """An alert in force, read back from the cache (where only validated alerts are stored)."""

    id: str
    level: str
    message: dict[str, str]
    starts: dt.datetime
    until: dt.datetime | None
    communes: tuple[str, ...]

    @classmethod
    def from_json(cls, text: str) -> ActiveAlert:
        data = json.loads(text)
        until = data.get("until")
        return cls(
            id=data["id"],
            level=data["level"],
            message=data["message"],
            starts=dt.datetime.fromisoformat(data["from"]),
            until=dt.datetime.fromisoformat(until) if until else None,
            communes=tuple(data.get("communes") or ()),
        )


class Queries:
    """Read side of :class:`content.cache.ContentCache` (mixed in; uses ``self.db``, ``self.tz``)."""

    def now(self, now: dt.datetime | None = None) -> dt.datetime:
        return timeutil.town_now(self.tz, now)

    def _params(self, now, commune, **extra) -> dict:
        return {"now": _utc(self.now(now)), "commune": commune or None, **extra}

    def _in_town(self, value: dt.datetime) -> dt.datetime:
        return timeutil.town_now(self.tz, value)

    # -- single entries -------------------------------------------------------------------------

    def get(self, entry_id: str) -> Entry | None:
        from content.model import Entry  # the models cost a tenth of a second to import: not at start

        row = self.db.execute("SELECT data FROM entries WHERE id = ?", [entry_id]).fetchone()
        return Entry.model_validate_json(row[0]) if row else None

    def view(self, entry_id: str) -> EntryView | None:
        """The entry as the kiosk reads it: a light view of the stored JSON, without the models."""
        from content.views import EntryView  # the detail page's: not at start

        row = self.db.execute("SELECT data FROM entries WHERE id = ?", [entry_id]).fetchone()
        return EntryView.from_json(row[0]) if row else None

    def media_file(self, sha256: str, rendition: str = "screen") -> Path | None:
        path = self.media.path(sha256, rendition)
        return path if path.exists() else None

    def open_state(self, entry: Entry | EntryView | Card, now: dt.datetime | None = None) -> hours.OpenState | None:
        if not entry.opening_hours:
            return None
        from content import hours

        return hours.open_state(entry.opening_hours, self.now(now), self.tz)

    # -- lists ----------------------------------------------------------------------------------

    def list_entries(
        self,
        *,
        kind: str | None = None,
        category: str | None = None,
        commune: str | None = None,
        now: dt.datetime | None = None,
        featured: bool = False,
    ) -> list[Card]:
        where = [VISIBLE, NOT_PAST, COMMUNE]
        if kind:
            where.append("e.kind = :kind")
        if category:
            where.append("e.num IN (SELECT num FROM entry_categories WHERE category = :category)")
        if featured:
            where.append("e.featured = 1")
        sql = f"SELECT {CARD_COLUMNS} FROM entries e WHERE {' AND '.join(where)} ORDER BY e.sort_title"
        rows = self.db.execute(sql, self._params(now, commune, kind=kind, category=category)).fetchall()
        cards = [_card(r) for r in rows]
        if kind == "event" or kind is None:
            self._attach_next(cards, now)
        return cards

    def featured(self, *, now: dt.datetime | None = None, commune: str | None = None) -> list[Card]:
        return self.list_entries(featured=True, now=now, commune=commune)

    def categories_in_use(self, kind: str, *, now: dt.datetime | None = None) -> list[str]:
        sql = (
            f"SELECT c.category, COUNT(*) FROM entry_categories c JOIN entries e ON e.num = c.num "
            f"WHERE e.kind = :kind AND {VISIBLE} AND {NOT_PAST} GROUP BY c.category ORDER BY COUNT(*) DESC"
        )
        return [r[0] for r in self.db.execute(sql, self._params(now, None, kind=kind))]

    def _attach_next(self, cards: list[Card], now) -> None:
        events = {c.id: c for c in cards if c.kind == "event"}
        if not events:
            return
        only = ""
        if len(events) <= 500:
            only = f" AND e.id IN ({', '.join('?' * len(events))})"
        sql = (
            "SELECT e.id, MIN(o.start), o.end FROM occurrences o JOIN entries e ON e.num = o.num "
            f"WHERE o.end > ? AND e.kind = 'event'{only} GROUP BY e.id"
        )
        params = [_utc(self.now(now))] + (list(events) if only else [])
        for entry_id, start, end in self.db.execute(sql, params):
            if card := events.get(entry_id):
                card.next_start, card.next_end = self._in_town(_parse_utc(start)), self._in_town(_parse_utc(end))

    # -- events ---------------------------------------------------------------------------------

    def events(
        self,
        *,
        start: dt.datetime,
        end: dt.datetime,
        category: str | None = None,
        commune: str | None = None,
        now: dt.datetime | None = None,
    ) -> list[Card]:
        """Events with an occurrence between ``start`` and ``end`` that is not over, soonest first.

        Each card carries the first such occurrence (``next_start``, ``next_end``).
        """
        now_ = self.now(now)
        lower = max(start, now_)
        where = [VISIBLE, COMMUNE, "e.kind = 'event'", "o.end > :lower", "o.start < :upper"]
        if category:
            where.append("e.num IN (SELECT num FROM entry_categories WHERE category = :category)")
        sql = (
            f"SELECT {CARD_COLUMNS}, MIN(o.start), o.end FROM entries e JOIN occurrences o ON o.num = e.num "
            f"WHERE {' AND '.join(where)} GROUP BY e.num ORDER BY MIN(o.start), e.sort_title"
        )
        params = self._params(now, commune, lower=_utc(lower), upper=_utc(end), category=category)
        cards = []
        for row in self.db.execute(sql, params):
            card = _card(row)
            card.next_start, card.next_end = self._in_town(_parse_utc(row[13])), self._in_town(_parse_utc(row[14]))
            cards.append(card)
        return cards

    def events_in(
        self, period: str, *, now: dt.datetime | None = None, category: str | None = None, commune: str | None = None
    ) -> list[Card]:
        """Events ``today``, this ``weekend`` or this ``month`` (in the town's time zone)."""
        start, end = timeutil.period_bounds(period, self.now(now))
        return self.events(start=start, end=end, category=category, commune=commune, now=now)

    # -- hours ----------------------------------------------------------------------------------

    def open_now(
        self,
        *,
        kind: str | None = None,
        category: str | None = None,
        commune: str | None = None,
        now: dt.datetime | None = None,
    ) -> list[Card]:
        """Entries open at ``now`` with their state (when they close) attached."""
        from content import hours

        now_ = self.now(now)
        # The state at one instant depends only on the hours' text: shops that share their hours
        # (most of a street) are worked out once.
        states: dict[str, hours.OpenState] = {}
        cards = []
        for card in self.list_entries(kind=kind, category=category, commune=commune, now=now_):
            if card.opening_hours:
                state = states.get(card.opening_hours)
                if state is None:
                    state = states[card.opening_hours] = hours.open_state(card.opening_hours, now_, self.tz)
                if state.is_open:
                    card.open_state = state
                    cards.append(card)
        return cards

    def with_facets(
        self,
        facets: list[str],
        *,
        kind: str,
        category: str | None = None,
        commune: str | None = None,
        now: dt.datetime | None = None,
    ) -> list[Card]:
        """Entries of ``kind`` matching every facet of :mod:`content.facets` (open tonight, terrace, …)."""
        from content import facets as facets_mod
        from content import hours

        now_ = self.now(now)
        cards = self.list_entries(kind=kind, category=category, commune=commune, now=now_)
        if not facets:
            return cards

        def is_open(text: str, moment: dt.datetime) -> bool:
            return hours.open_state(text, moment, self.tz).is_open

        found = facets_mod.apply(cards, facets, now=now_, is_open=is_open)
        if "open_now" in facets:
            for card in found:
                card.open_state = hours.open_state(card.opening_hours, now_, self.tz)
        return found

    # -- alerts ---------------------------------------------------------------------------------

    def active_alerts(self, *, now: dt.datetime | None = None, commune: str | None = None) -> list[ActiveAlert]:
        """Alerts in force now, urgent first, for ``commune`` (an alert without communes is for all)."""
        rows = self.db.execute(
            "SELECT data, communes FROM alerts WHERE starts <= :now AND (until IS NULL OR until > :now) "
            "ORDER BY CASE level WHEN 'urgent' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, starts DESC",
            self._params(now, commune),
        ).fetchall()
        alerts = []
        for data, communes in rows:
            wanted = json.loads(communes)
            if not commune or not wanted or commune in wanted:
                alerts.append(ActiveAlert.from_json(data))
        return alerts

    # -- places ---------------------------------------------------------------------------------

    def near(
        self,
        lat: float,
        lon: float,
        *,
        radius_m: float = 1000,
        kind: str | None = None,
        limit: int = 20,
        now: dt.datetime | None = None,
        commune: str | None = None,
    ) -> list[Card]:
        """Entries within ``radius_m`` metres of a point, nearest first."""
        dlat = radius_m / 111_320
        dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        where = [VISIBLE, NOT_PAST, COMMUNE, "e.lat BETWEEN :lat0 AND :lat1", "e.lon BETWEEN :lon0 AND :lon1"]
        if kind:
            where.append("e.kind = :kind")
        sql = f"SELECT {CARD_COLUMNS} FROM entries e WHERE {' AND '.join(where)}"
        params = self._params(
            now, commune, kind=kind, lat0=lat - dlat, lat1=lat + dlat, lon0=lon - dlon, lon1=lon + dlon
        )
        cards = []
        for row in self.db.execute(sql, params):
            card = _card(row)
            card.distance_m = haversine_m(lat, lon, card.lat, card.lon)
            if card.distance_m <= radius_m:
                cards.append(card)
        cards.sort(key=lambda c: c.distance_m)
        return cards[:limit]

    # -- search ---------------------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        lang: str = "fr",
        limit: int = 50,
        now: dt.datetime | None = None,
        commune: str | None = None,
    ) -> list[Card]:
        """Full-text search over every language, accent- and case-insensitive, each word a prefix.

        Entries whose title matches come first, then those matching a category name or summary, then
        the rest; within each, by relevance (bm25 weighing title, keywords, summary, body).
        """
        query = fts_query(text)
        if not query:
            return []
        # Tiers: matches in the title first, then in category names or summaries, then anywhere.
        # Each tier is ranked by bm25 on its own and only as much is asked as the page still needs,
        # so a short prefix matching half the town ranks a few hundred titles, not every entry.
        params = self._params(now, commune)
        found: dict[int, tuple] = {}
        tiers: dict[int, int] = {}
        for rank, tier in enumerate(SEARCH_TIERS):
            need = limit - len(found)
            if need <= 0:
                break
            sql = (
                f"SELECT {CARD_COLUMNS} FROM search JOIN entries e ON e.num = search.rowid "
                f"WHERE search MATCH :q AND {VISIBLE} AND {NOT_PAST} AND {COMMUNE} "
                "ORDER BY bm25(search, 10.0, 4.0, 2.0, 1.0), e.sort_title LIMIT :n"
            )
            match = tier % query
            for row in self.db.execute(sql, {**params, "q": match, "n": need + len(found)}):
                if row[0] not in found and len(found) < limit:
                    found[row[0]] = row
                    tiers[row[0]] = min(rank, 1)  # both title tiers count as one here
        cards = [_card(r) for r in found.values()]
        # Among title matches, a title that starts with the first word *in the visitor's language*
        # comes first ("kath" in German: Kathedrale Saint-Pierre before Orgelkonzert in der Kathedrale).
        first = WORD_RE.findall(fold(text))[0]
        nums = list(found)
        order = {
            card.id: (tiers[num], tiers[num] > 1 or not fold(card.text("title", lang)).startswith(first))
            for num, card in zip(nums, cards, strict=True)
        }
        cards.sort(key=lambda c: order[c.id])
        self._attach_next(cards, now)
        return cards

    # -- state ----------------------------------------------------------------------------------

    def state(self) -> dict:
        """The cache's state, as ``main.py info --json`` prints it."""
        counts = dict(self.db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall())
        media_count, media_bytes = 0, 0
        if self.media.root.is_dir():
            for p in self.media.root.iterdir():
                if p.name.startswith("."):
                    continue
                try:
                    media_bytes += p.stat().st_size
                except FileNotFoundError:  # collected by the writer meanwhile
                    continue
                media_count += len(p.name) == 64
        return {
            "entries": sum(counts.values()),
            "counts": {kind: counts.get(kind, 0) for kind in KINDS},
            "alerts": self.db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0],
            "active_alerts": len(self.active_alerts()),
            "media": {"count": media_count, "bytes": media_bytes},
            "schema_version": self.meta("schema_version"),
            "content_version": self.meta("content_version", 0),
            "cursor": self.meta("cursor", ""),
            "last_import": self.meta("last_bundle"),
            "last_sync": self.meta("last_sync"),
            "last_sync_ok_at": self.meta("last_sync_ok_at"),
            "time_zone": self.tz,
        }


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
