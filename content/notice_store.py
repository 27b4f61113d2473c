"""Official notices in the content cache: the writer's apply step and the kiosk's queries.

The writer (:meth:`content.cache.ContentCache.apply`) calls :func:`apply_notices` inside its one
transaction; the read side (:class:`NoticeQueries`) is mixed into the cache like ``content.queries``
and reads plain JSON, without the pydantic models (the kiosk does not import them at start).
A notice is in force from ``published_at`` until ``until``: both filtered at query time, so a notice
whose publication ended leaves the screen even when no sync comes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from content import timeutil
from content.text import fold

if TYPE_CHECKING:
    import sqlite3

    from content.cache import ChangeSet
    from content.notice import Notice

IN_FORCE = "n.starts <= :now AND (n.until IS NULL OR n.until > :now)"
COMMUNE = "(:commune IS NULL OR n.commune = '' OR n.commune = :commune)"
COLUMNS = "n.id, n.kind, n.commune, n.title, n.act_date, n.starts, n.until, n.pages, n.thumb, n.data"
WORD_RE = re.compile(r"\w+")
#: The kinds of notice, in the order the kiosk and the register list them.
NOTICE_KINDS = (
    "deliberation",
    "arrete",
    "proces_verbal",
    "liste_deliberations",
    "bans",
    "enquete_publique",
    "avis",
)


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def media_in_use(db) -> set[str]:
    return {r[0] for r in db.execute("SELECT sha256 FROM notice_media")}


def _delete(conn: sqlite3.Connection, notice_id: str) -> bool:
    row = conn.execute("SELECT num FROM notices WHERE id = ?", [notice_id]).fetchone()
    if row is None:
        return False
    conn.execute("DELETE FROM notice_media WHERE num = ?", [row[0]])
    conn.execute("DELETE FROM notice_search WHERE rowid = ?", [row[0]])
    conn.execute("DELETE FROM notices WHERE num = ?", [row[0]])
    return True


def _upsert(conn: sqlite3.Connection, n: Notice) -> None:
    from content.model import dump

    row = {
        "id": n.id,
        "kind": n.kind,
        "commune": n.commune,
        "title": n.title,
        "act_date": n.act_date.isoformat() if n.act_date else None,
        "starts": _utc(n.published_at),
        "until": _utc(n.until),
        "pages": len(n.pages),
        "thumb": n.pages[0].sha256,
        "data": json.dumps(dump(n), ensure_ascii=False),
    }
    cols = ", ".join(row)
    sets = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
    num = conn.execute(
        f"INSERT INTO notices ({cols}) VALUES ({', '.join('?' * len(row))}) "
        f"ON CONFLICT(id) DO UPDATE SET {sets} RETURNING num",
        list(row.values()),
    ).fetchone()[0]
    conn.execute("DELETE FROM notice_media WHERE num = ?", [num])
    conn.executemany(
        "INSERT INTO notice_media (num, sha256, position) VALUES (?, ?, ?)",
        [(num, m.sha256, i) for i, m in enumerate(n.pages)],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO media (sha256, mime, width, height, bytes) VALUES (?, ?, ?, ?, ?)",
        [(m.sha256, m.mime, m.width, m.height, m.bytes) for m in n.pages],
    )
    conn.execute("DELETE FROM notice_search WHERE rowid = ?", [num])
    title = " ".join(filter(None, [n.title, n.number]))
    conn.execute("INSERT INTO notice_search (rowid, title, body) VALUES (?, ?, ?)", [num, title, "\n".join(n.text)])


def apply_notices(conn: sqlite3.Connection, changes: ChangeSet) -> tuple[int, int]:
    """Withdraw, then write, the change set's notices (inside the caller's transaction)."""
    gone = list(dict.fromkeys(changes.deleted_notices))
    if changes.replace_all:
        keep = {n.id for n in changes.notices}
        gone += [r[0] for r in conn.execute("SELECT id FROM notices") if r[0] not in keep]
    deleted = sum(_delete(conn, notice_id) for notice_id in gone)
    for notice in changes.notices:
        _upsert(conn, notice)
    return len(changes.notices), deleted


@dataclass(frozen=True)
class NoticeCard:
    """What the kiosk's notice list and viewer need; ``data`` is the notice's wire form."""

    id: str
    kind: str
    commune: str
    title: str
    act_date: dt.date | None
    published_at: dt.datetime
    until: dt.datetime | None
    pages: int
    thumb: str
    data: dict

    @property
    def number(self) -> str:
        return self.data.get("number", "")

    @property
    def page_shas(self) -> list[str]:
        return [p["sha256"] for p in self.data.get("pages", [])]

    @property
    def page_text(self) -> list[str]:
        return list(self.data.get("text") or [])

    @property
    def pdf(self) -> dict:
        return self.data.get("pdf") or {}

    @property
    def replaces(self) -> str:
        return self.data.get("replaces", "")


def _parse_utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _card(row) -> NoticeCard:
    notice_id, kind, commune, title, act_date, starts, until, pages, thumb, data = row
    return NoticeCard(
        id=notice_id,
        kind=kind,
        commune=commune,
        title=title,
        act_date=dt.date.fromisoformat(act_date) if act_date else None,
        published_at=_parse_utc(starts),
        until=_parse_utc(until),
        pages=pages,
        thumb=thumb,
        data=json.loads(data),
    )


class NoticeQueries:
    """Read side for notices (mixed into the cache; uses ``self.db``, ``self.tz``)."""

    def _notice_params(self, now, commune) -> dict:
        return {"now": _utc(timeutil.town_now(self.tz, now)), "commune": commune or None}

    def notices(
        self, *, kind: str | None = None, now: dt.datetime | None = None, commune: str | None = None
    ) -> list[NoticeCard]:
        """Notices in force, newest publication first (then by act date)."""
        sql = (
            f"SELECT {COLUMNS} FROM notices n WHERE {IN_FORCE} AND {COMMUNE} AND (:kind IS NULL OR n.kind = :kind) "
            "ORDER BY n.starts DESC, n.act_date DESC, n.num DESC"
        )
        return [_card(r) for r in self.db.execute(sql, {**self._notice_params(now, commune), "kind": kind})]

    def notice_kinds(self, *, now: dt.datetime | None = None, commune: str | None = None) -> list[str]:
        sql = f"SELECT DISTINCT n.kind FROM notices n WHERE {IN_FORCE} AND {COMMUNE}"
        found = {r[0] for r in self.db.execute(sql, self._notice_params(now, commune))}
        return [k for k in NOTICE_KINDS if k in found]

    def notice(self, notice_id: str, *, now: dt.datetime | None = None) -> NoticeCard | None:
        """One notice in force (a withdrawn or expired one is gone for the visitor)."""
        sql = f"SELECT {COLUMNS} FROM notices n WHERE n.id = :id AND {IN_FORCE}"
        row = self.db.execute(sql, {**self._notice_params(now, None), "id": notice_id}).fetchone()
        return _card(row) if row else None

    def search_notices(
        self, text: str, *, limit: int = 30, now: dt.datetime | None = None, commune: str | None = None
    ) -> list[NoticeCard]:
        """Notices in force whose title, number or text holds every word (each a prefix), title matches first."""
        words = WORD_RE.findall(fold(text))
        if not words:
            return []
        query = " ".join(f'"{w}"*' for w in words)
        sql = (
            f"SELECT {COLUMNS} FROM notice_search s JOIN notices n ON n.num = s.rowid "
            f"WHERE notice_search MATCH :q AND {IN_FORCE} AND {COMMUNE} "
            "ORDER BY bm25(notice_search, 8.0, 1.0), n.starts DESC LIMIT :n"
        )
        return [_card(r) for r in self.db.execute(sql, {**self._notice_params(now, commune), "q": query, "n": limit})]
