"""Usage counters for the town: aggregated per hour, screen, entry, category and language; never per visitor.

The kiosk counts (``UsageStore.count``); the sync process sends the counters in its heartbeat in
batches and acknowledges them when the back office answered::

    batch = store.pending()               # None when there is nothing to send
    if batch is not None:
        reply = post_heartbeat(usage=batch.as_dict())
        if batch.id in reply["acknowledged"]:
            store.acknowledge(batch.id)

``pending()`` freezes the not-yet-sent counters into a batch with a stable id and returns that
same batch (same id, same rows) until it is acknowledged, across failed posts and restarts; what is
counted after the freeze goes to the next batch. The back office stores a batch id once and adds
its rows to its own counts (a key may come in several batches: counts add up), so nothing is lost
and nothing counted twice.

The store is its own small SQLite file (not the content cache, whose only writer is the sync job),
in WAL mode, written by two processes (the kiosk counts, the sync job freezes and acknowledges):
every read-modify-write runs in ``BEGIN IMMEDIATE`` with a busy timeout. Freezes and
acknowledgements are durable (``synchronous=FULL``) so that a batch the back office may hold is never
re-frozen under a new id after a power cut; counting is not (``NORMAL``: a few milliseconds less per
count on an SD card; a power cut may drop the last counts, never double them).
It uses the sqlite3 module directly for that control over transactions.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from content.contract import ID_RE, LANG_RE

log = logging.getLogger(__name__)

SCREEN_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
CATEGORY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
OPEN = ""  # batch_id of counters not yet frozen into a batch

_MIGRATIONS = [
    """
    CREATE TABLE counters (
        batch_id TEXT NOT NULL,      -- '' while open, else the batch they were frozen into
        hour TEXT NOT NULL,          -- start of the hour, UTC, ISO 8601: 2026-11-26T14:00:00Z
        screen TEXT NOT NULL,
        entry_id TEXT NOT NULL,      -- '' for none
        category TEXT NOT NULL,      -- '' for none
        lang TEXT NOT NULL,
        n INTEGER NOT NULL CHECK (n > 0),
        PRIMARY KEY (batch_id, hour, screen, entry_id, category, lang)
    ) WITHOUT ROWID;
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        acked_at TEXT
    );
    CREATE INDEX batches_unacked ON batches (acked_at, created_at);
    """,
]


class UsageError(Exception):
    """A bad counter (names the field and value) or an unknown batch."""


@dataclass(frozen=True)
class UsageRow:
    hour: str
    screen: str
    entry_id: str | None
    category: str | None
    lang: str
    count: int

    def as_dict(self) -> dict:
        return {
            "hour": self.hour,
            "screen": self.screen,
            "entry_id": self.entry_id,
            "category": self.category,
            "lang": self.lang,
            "n": self.count,
        }


@dataclass(frozen=True)
class Batch:
    """Counters frozen for sending; the same id and rows until acknowledged."""

    id: str
    created_at: str
    rows: tuple[UsageRow, ...]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    def as_dict(self) -> dict:
        """The heartbeat's ``usage`` member, as the back office reads it (``batch_id``, rows with ``n``)."""
        return {"batch_id": self.id, "created_at": self.created_at, "rows": [row.as_dict() for row in self.rows]}


@dataclass(frozen=True)
class UsageTotals:
    """What the maintenance panel shows."""

    counted: int = 0
    sent: int = 0
    unsent: int = 0
    pending_batch: str | None = None
    last_sent_at: str | None = None
    by_screen: dict[str, int] = field(default_factory=dict)
    by_lang: dict[str, int] = field(default_factory=dict)


def hour_bucket(at: dt.datetime) -> str:
    """The UTC hour an aware datetime falls in, as ISO 8601 (``2026-11-26T14:00:00Z``)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise UsageError(f"usage counter: 'at' must be an aware datetime, got naive {at.isoformat()}")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:00:00Z")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check(name: str, value, pattern: re.Pattern, *, optional: bool = False) -> str:
    if value is None and optional:
        return OPEN
    if not isinstance(value, str) or not pattern.match(value):
        raise UsageError(f"usage counter: bad {name} {value!r} (expected to match {pattern.pattern})")
    return value


class UsageStore:
    """``UsageStore(path)``: the counters database at ``path`` (created with its folder if missing)."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 10.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._durable = True
        self._migrate()

    # --- plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: it takes the write lock first, so two processes never deadlock.

        ``durable=False`` (counting) commits without waiting for the disk: at worst the last counts
        before a power cut are lost, while the next durable commit (a freeze, an acknowledgement)
        syncs them along with itself. Freezes and acknowledgements are always durable.
        """
        with self._lock:
            if durable != self._durable:
                self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
                self._durable = durable
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: a consistent snapshot even while the other process writes."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(_MIGRATIONS):
                raise UsageError(f"{self.path}: usage database version {version} is newer than this program's")
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
                log.info("usage database %s migrated to version %d", self.path, number)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> UsageStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- counting (the kiosk) ---------------------------------------------------------------------

    def count(
        self,
        *,
        screen: str,
        entry_id: str | None = None,
        category: str | None = None,
        lang: str,
        at: dt.datetime | None = None,
        n: int = 1,
    ) -> None:
        """Add ``n`` to the counter of (hour of ``at``, screen, entry, category, language)."""
        key = (
            hour_bucket(at if at is not None else _now()),
            _check("screen", screen, SCREEN_RE),
            _check("entry_id", entry_id, ID_RE, optional=True),
            _check("category", category, CATEGORY_RE, optional=True),
            _check("lang", lang, LANG_RE),
        )
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise UsageError(f"usage counter: bad n {n!r} (expected a positive integer)")
        with self._write(durable=False) as db:
            db.execute(
                "INSERT INTO counters (batch_id, hour, screen, entry_id, category, lang, n)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (batch_id, hour, screen, entry_id, category, lang) DO UPDATE SET n = n + excluded.n",
                (OPEN, *key, n),
            )

    # --- sending (the sync job) -------------------------------------------------------------------

    def pending(self, limit: int = 1000) -> Batch | None:
        """The batch to send: the unacknowledged one if any, else up to ``limit`` open counters frozen
        into a new batch; None when there is nothing to send."""
        import uuid  # the sync process's: the kiosk's start does without it

        if limit < 1:
            raise UsageError(f"usage batch: limit must be at least 1, got {limit!r}")
        with self._write() as db:
            row = db.execute(
                "SELECT id, created_at FROM batches WHERE acked_at IS NULL ORDER BY created_at, id LIMIT 1"
            ).fetchone()
            if row is None:
                keys = db.execute(
                    "SELECT hour, screen, entry_id, category, lang FROM counters WHERE batch_id = ?"
                    " ORDER BY hour, screen, entry_id, category, lang LIMIT ?",
                    (OPEN, limit),
                ).fetchall()
                if not keys:
                    return None
                row = (uuid.uuid4().hex, _stamp(_now()))
                db.execute("INSERT INTO batches (id, created_at) VALUES (?, ?)", row)
                db.executemany(
                    "UPDATE counters SET batch_id = ? WHERE batch_id = ? AND hour = ? AND screen = ?"
                    " AND entry_id = ? AND category = ? AND lang = ?",
                    [(row[0], OPEN, *key) for key in keys],
                )
                log.info("usage: froze %d counters into batch %s", len(keys), row[0])
            return Batch(id=row[0], created_at=row[1], rows=self._rows(db, row[0]))

    @staticmethod
    def _rows(db: sqlite3.Connection, batch_id: str) -> tuple[UsageRow, ...]:
        return tuple(
            UsageRow(hour, screen, entry_id or None, category or None, lang, n)
            for hour, screen, entry_id, category, lang, n in db.execute(
                "SELECT hour, screen, entry_id, category, lang, n FROM counters WHERE batch_id = ?"
                " ORDER BY hour, screen, entry_id, category, lang",
                (batch_id,),
            )
        )

    def acknowledge(self, batch_id: str) -> bool:
        """Mark a batch as stored by the back office. True the first time, False if already acknowledged;
        UsageError for a batch this store never made."""
        with self._write() as db:
            row = db.execute("SELECT acked_at FROM batches WHERE id = ?", (batch_id,)).fetchone()
            if row is None:
                raise UsageError(f"usage: no batch {batch_id!r} to acknowledge in {self.path}")
            if row[0] is not None:
                return False
            db.execute("UPDATE batches SET acked_at = ? WHERE id = ?", (_stamp(_now()), batch_id))
        log.info("usage: batch %s acknowledged", batch_id)
        return True

    # --- reading (the maintenance panel) ----------------------------------------------------------

    def totals(self, *, since: dt.datetime | None = None) -> UsageTotals:
        """Counted, sent and unsent views (since ``since`` if given), by screen and by language."""
        where, args = ("WHERE c.hour >= ?", [hour_bucket(since)]) if since is not None else ("", [])
        with self._read() as db:
            counted, sent = db.execute(
                "SELECT COALESCE(SUM(c.n), 0), COALESCE(SUM(CASE WHEN b.acked_at IS NOT NULL THEN c.n END), 0)"
                f" FROM counters c LEFT JOIN batches b ON b.id = c.batch_id {where}",
                args,
            ).fetchone()
            by_screen = dict(db.execute(f"SELECT screen, SUM(n) FROM counters c {where} GROUP BY screen", args))
            by_lang = dict(db.execute(f"SELECT lang, SUM(n) FROM counters c {where} GROUP BY lang", args))
            pending = db.execute("SELECT id FROM batches WHERE acked_at IS NULL ORDER BY created_at LIMIT 1").fetchone()
            last = db.execute("SELECT MAX(acked_at) FROM batches").fetchone()[0]
        return UsageTotals(
            counted=counted,
            sent=sent,
            unsent=counted - sent,
            pending_batch=pending[0] if pending else None,
            last_sent_at=last,
            by_screen=by_screen,
            by_lang=by_lang,
        )

    def prune(self, *, before: dt.datetime) -> int:
        """Delete acknowledged counters of hours before ``before`` (and batches left empty); returns rows deleted."""
        with self._write() as db:
            deleted = db.execute(
                "DELETE FROM counters WHERE hour < ?"
                " AND batch_id IN (SELECT id FROM batches WHERE acked_at IS NOT NULL)",
                (hour_bucket(before),),
            ).rowcount
            db.execute(
                "DELETE FROM batches WHERE acked_at IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM counters WHERE counters.batch_id = batches.id)"
            )
        return deleted
