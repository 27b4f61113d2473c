"""The offline content cache: one SQLite file (WAL) plus images stored by hash.

One writer (the sync process, or ``main.py import-bundle``) applies change sets atomically: images
are verified and put in place first, then entries, tombstones, alerts and the cursor land in one
transaction, then images no entry uses any more are collected. Readers (the kiosk) open the file
read-only and notice new content through ``data_version()``. Every time filter is applied at query
time, so past events and expired alerts disappear by themselves even when no sync comes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from content import notice_store, queries, schema
from content.contract import SCHEMA_VERSION
from content.media import MediaError, MediaStore

# The models and sqlite-utils are the writer's: a reader (the kiosk) opens a plain read-only
# sqlite3 connection and starts without importing them.
if TYPE_CHECKING:
    from sqlite_utils import Database

    from content.model import Alert, Entry
    from content.notice import Notice

log = logging.getLogger(__name__)

DB_NAME = "content.db"
MEDIA_DIR = "media"


class CacheError(Exception):
    """The cache cannot be opened or written."""


@dataclass
class ChangeSet:
    """What one sync page, one feed walk or one bundle brings. Applied whole or not at all."""

    entries: list[Entry] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    deleted_alerts: list[str] = field(default_factory=list)
    #: Official notices (content.notice) and the ids of withdrawn ones.
    notices: list[Notice] = field(default_factory=list)
    deleted_notices: list[str] = field(default_factory=list)
    cursor: str | None = None
    #: Image bytes (or a file holding them, or a callable returning them) by sha256.
    media: Mapping[str, bytes | Path | Callable[[], bytes]] = field(default_factory=dict)
    #: A full snapshot (a bundle): entries and alerts absent from it are withdrawn.
    replace_all: bool = False
    origin: str = "sync"
    #: Problems found before the apply (invalid entries skipped ...), recorded with the outcome.
    problems: list[str] = field(default_factory=list)
    #: Further state values stored in the same transaction (a bundle's name and checks: ``bundle``).
    meta: Mapping[str, object] = field(default_factory=dict)


@dataclass
class ApplyReport:
    upserted: int = 0
    deleted: int = 0
    alerts: int = 0
    notices: int = 0
    notices_deleted: int = 0
    media_added: int = 0
    media_removed: int = 0
    problems: list[str] = field(default_factory=list)
    content_version: int = 0


def utc_text(value: dt.datetime | None) -> str | None:
    """Aware datetime -> sortable UTC text ``2026-07-14T19:00:00Z``."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _load(src) -> bytes:
    if isinstance(src, Path):
        return src.read_bytes()
    if callable(src):
        return src()
    return bytes(src)


class ContentCache(queries.Queries, notice_store.NoticeQueries):
    """The content cache of one kiosk. Build it with :meth:`open`."""

    def __init__(
        self, db: Database | sqlite3.Connection, media: MediaStore, *, readonly: bool, tz: str = "Europe/Paris"
    ):
        self.db = db
        self.media = media
        self.readonly = readonly
        self.tz = tz

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: str | Path, *, readonly: bool = False, tz: str = "Europe/Paris") -> ContentCache:
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        media = MediaStore(data_dir / MEDIA_DIR)
        if readonly:
            if not path.exists():
                raise CacheError(f"{path}: no content cache yet (import a bundle or run a sync first)")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            cache = cls(conn, media, readonly=True, tz=tz)
            cache._check_version()
            return cache
        from sqlite_utils import Database

        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            db = Database(conn)
            db.enable_wal()
            db.execute("PRAGMA synchronous = FULL")
            schema.migrations().apply(db)
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"{path}: cannot open the content cache ({exc})") from None
        media.clean_temporaries()
        return cls(db, media, readonly=False, tz=tz)

    def _applied_migrations(self) -> set[str]:
        try:
            if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [schema.APPLIED_TABLE]).fetchone():
                return set()  # nothing migrated yet
            rows = self.db.execute(
                f"SELECT name FROM {schema.APPLIED_TABLE} WHERE migration_set = ?", [schema.MIGRATION_SET]
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot read the content cache ({exc})") from None
        return {name for (name,) in rows}

    def _check_version(self) -> None:
        """Refuse a cache that a newer Borne has migrated further than this one knows."""
        if unknown := self._applied_migrations() - set(schema.NAMES):
            raise CacheError(f"the content cache was written by a newer Borne ({', '.join(sorted(unknown))})")

    def is_current(self) -> bool:
        """Every migration this Borne knows has been applied (a writer opening the cache has nothing to do)."""
        return self._applied_migrations() >= set(schema.NAMES)

    def has_entries(self) -> bool:
        return self.db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's ``PRAGMA data_version``)."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    # -- meta ------------------------------------------------------------------------------------

    def meta(self, key: str, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def _set_meta(self, **values) -> None:
        self.db.conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(k, json.dumps(v)) for k, v in values.items()],
        )

    @property
    def cursor(self) -> str:
        return self.meta("cursor", "") or ""

    def record_outcome(self, origin: str, *, ok: bool, errors: Iterable[str] = (), at: dt.datetime | None = None):
        """Record a sync or import attempt that did not reach :meth:`apply` (unreachable server ...)."""
        self._require_writer()
        with self.db.atomic():
            self._record(origin, ok=ok, errors=list(errors), at=at)

    def _record(self, origin: str, *, ok: bool, errors: list[str], at: dt.datetime | None = None) -> None:
        stamp = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        values = {f"last_{origin}": {"at": stamp, "ok": ok, "errors": errors[:50]}}
        if ok:
            values[f"last_{origin}_ok_at"] = stamp
        self._set_meta(**values)

    # -- writing ---------------------------------------------------------------------------------

    def _require_writer(self) -> None:
        if self.readonly:
            raise CacheError("the content cache is open read-only: only the sync process writes it")

    def missing_media(self) -> set[str]:
        """Images that entries reference but that are not on disk (a failed download to retry)."""
        wanted = {r[0] for r in self.db.execute("SELECT DISTINCT sha256 FROM entry_media")}
        wanted |= notice_store.media_in_use(self.db)
        return {sha for sha in wanted if not self.media.has(sha)}

    def apply(self, changes: ChangeSet) -> ApplyReport:
        """Apply a change set atomically. Bad images are reported and skipped, never stored."""
        self._require_writer()
        report = ApplyReport(problems=list(changes.problems))
        # Images the change set's entries use, or that entries already stored are still waiting for
        # (a download that failed last time); anything else is not stored.
        referenced = {m.sha256 for e in changes.entries for m in e.media}
        referenced |= {m.sha256 for n in changes.notices for m in n.pages}
        waiting = self.missing_media() if changes.media.keys() - referenced else set()
        for sha, src in changes.media.items():
            if (sha not in referenced and sha not in waiting) or self.media.has(sha):
                continue
            try:
                self.media.add(sha, _load(src))
                report.media_added += 1
            except (MediaError, FileNotFoundError) as exc:
                report.problems.append(str(exc))
                log.warning("image refused: %s", exc)

        with self.db.atomic():
            report.deleted = self._delete_entries(changes)
            for entry in changes.entries:
                self._upsert(entry)
            report.upserted = len(changes.entries)
            report.alerts = self._apply_alerts(changes)
            report.notices, report.notices_deleted = notice_store.apply_notices(self.db.conn, changes)
            version = (self.meta("content_version", 0) or 0) + 1
            values = {**changes.meta, "content_version": version, "schema_version": SCHEMA_VERSION}
            if changes.cursor is not None:
                values["cursor"] = changes.cursor
            self._set_meta(**values)
            self._record(changes.origin, ok=not report.problems, errors=report.problems)
            report.content_version = version
        report.media_removed = self.collect_media()
        return report

    def _delete_entries(self, changes: ChangeSet) -> int:
        ids = list(dict.fromkeys(changes.deleted))
        if changes.replace_all:
            keep = {e.id for e in changes.entries}
            ids += [r[0] for r in self.db.execute("SELECT id FROM entries") if r[0] not in keep]
        for entry_id in ids:
            self._delete_entry(entry_id)
        return len(ids)

    def _delete_entry(self, entry_id: str) -> None:
        row = self.db.execute("SELECT num FROM entries WHERE id = ?", [entry_id]).fetchone()
        if row is None:
            return
        num = row[0]
        for table in ("occurrences", "entry_categories", "entry_media"):
            self.db.execute(f"DELETE FROM {table} WHERE num = ?", [num])
        self.db.execute("DELETE FROM search WHERE rowid = ?", [num])
        self.db.execute("DELETE FROM entries WHERE num = ?", [num])

    def _upsert(self, e: Entry) -> None:
        from content.model import dump

        place = e.place
        row = {
            "id": e.id,
            "kind": e.kind,
            "commune": e.commune,
            "categories": json.dumps(e.categories),
            "title": json.dumps(e.title, ensure_ascii=False),
            "summary": json.dumps(e.summary, ensure_ascii=False),
            "sort_title": queries.sort_key(e.title["fr"]),
            "featured": int(e.featured),
            "visible_from": utc_text(e.visible_from),
            "visible_until": utc_text(e.visible_until),
            "opening_hours": e.opening_hours,
            "lat": place.lat if place else None,
            "lon": place.lon if place else None,
            "thumb": e.media[0].sha256 if e.media else None,
            "updated_at": utc_text(e.updated_at),
            "data": json.dumps(dump(e), ensure_ascii=False),
            "details": "{}" if e.details.is_empty() else e.details.model_dump_json(exclude_defaults=True),
        }
        cols = ", ".join(row)
        sets = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
        num = self.db.execute(
            f"INSERT INTO entries ({cols}) VALUES ({', '.join('?' * len(row))}) "
            f"ON CONFLICT(id) DO UPDATE SET {sets} RETURNING num",
            list(row.values()),
        ).fetchone()[0]
        conn = self.db.conn
        for table in ("occurrences", "entry_categories", "entry_media"):
            conn.execute(f"DELETE FROM {table} WHERE num = ?", [num])
        conn.executemany(
            "INSERT INTO occurrences (num, start, end) VALUES (?, ?, ?)",
            [(num, utc_text(o.start), utc_text(o.effective_end)) for o in e.occurrences],
        )
        conn.executemany("INSERT INTO entry_categories (num, category) VALUES (?, ?)", [(num, c) for c in e.categories])
        conn.executemany(
            "INSERT OR IGNORE INTO entry_media (num, sha256, position) VALUES (?, ?, ?)",
            [(num, m.sha256, i) for i, m in enumerate(e.media)],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO media (sha256, mime, width, height, bytes) VALUES (?, ?, ?, ?, ?)",
            [(m.sha256, m.mime, m.width, m.height, m.bytes) for m in e.media],
        )
        conn.execute("DELETE FROM search WHERE rowid = ?", [num])
        conn.execute(
            "INSERT INTO search (rowid, title, keywords, summary, body) VALUES (?, ?, ?, ?, ?)",
            [num, *queries.search_columns(e)],
        )

    def _apply_alerts(self, changes: ChangeSet) -> int:
        from content.model import dump

        gone = list(changes.deleted_alerts)
        if changes.replace_all:
            keep = {a.id for a in changes.alerts}
            gone += [r[0] for r in self.db.execute("SELECT id FROM alerts") if r[0] not in keep]
        self.db.conn.executemany("DELETE FROM alerts WHERE id = ?", [(i,) for i in gone])
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO alerts (id, level, starts, until, communes, data) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    a.id,
                    a.level,
                    utc_text(a.starts),
                    utc_text(a.until),
                    json.dumps(a.communes),
                    json.dumps(dump(a), ensure_ascii=False),
                )
                for a in changes.alerts
            ],
        )
        return len(changes.alerts)

    def collect_media(self) -> int:
        """Remove images no entry uses any more (rows, then files). Returns how many went."""
        self._require_writer()
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM media WHERE sha256 NOT IN (SELECT sha256 FROM entry_media) "
                "AND sha256 NOT IN (SELECT sha256 FROM notice_media)"
            )
        used = {r[0] for r in self.db.execute("SELECT sha256 FROM entry_media")} | notice_store.media_in_use(self.db)
        removed = 0
        for sha in self.media.stored() - used:
            self.media.remove(sha)
            removed += 1
        return removed

    def optimize(self) -> None:
        """Nightly housekeeping: refresh the planner's statistics and merge the search index."""
        self._require_writer()
        self.db.execute("INSERT INTO search(search) VALUES ('optimize')")
        self.db.execute("INSERT INTO notice_search(notice_search) VALUES ('optimize')")
        self.db.execute("PRAGMA optimize")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
