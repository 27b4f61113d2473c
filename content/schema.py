"""Numbered migrations of the content cache, applied by the writer at start.

Each step is a plain function of a sqlite-utils ``Database``, listed in order in :data:`STEPS`. The
writer applies them through sqlite-utils' migrations (:func:`migrations`), which record each name in
:data:`APPLIED_TABLE`; a reader only compares those names with :data:`NAMES`, without sqlite-utils.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "borne-content"
APPLIED_TABLE = "_sqlite_migrations"  # where sqlite-utils records the migrations it applied


def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE entries (
            num INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            commune TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            sort_title TEXT NOT NULL,
            featured INTEGER NOT NULL DEFAULT 0,
            visible_from TEXT,
            visible_until TEXT,
            opening_hours TEXT NOT NULL DEFAULT '',
            lat REAL,
            lon REAL,
            thumb TEXT,
            updated_at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX entries_kind ON entries (kind, sort_title);
        CREATE INDEX entries_featured ON entries (featured) WHERE featured = 1;
        CREATE INDEX entries_geo ON entries (lat, lon);
        CREATE TABLE occurrences (num INTEGER NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL);
        CREATE INDEX occurrences_end ON occurrences (end, start);
        CREATE INDEX occurrences_num ON occurrences (num);
        CREATE TABLE entry_categories (num INTEGER NOT NULL, category TEXT NOT NULL);
        CREATE INDEX entry_categories_category ON entry_categories (category, num);
        CREATE INDEX entry_categories_num ON entry_categories (num);
        CREATE TABLE entry_media (
            num INTEGER NOT NULL, sha256 TEXT NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (num, sha256)
        );
        CREATE INDEX entry_media_sha ON entry_media (sha256);
        CREATE TABLE media (
            sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, width INTEGER, height INTEGER, bytes INTEGER
        );
        CREATE TABLE alerts (
            id TEXT PRIMARY KEY, level TEXT NOT NULL, starts TEXT NOT NULL, until TEXT,
            communes TEXT NOT NULL, data TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE search USING fts5(
            title, keywords, summary, body,
            tokenize = "unicode61 remove_diacritics 2",
            prefix = '2 3'
        );
        """
    )


def m002_eat_stay(db: Database) -> None:
    """Contract schema 2: an entry's details (price, stars, terrace, season…) beside its columns, for
    the lists' filters of the food and stay kinds without parsing each entry's whole data."""
    db.executescript("ALTER TABLE entries ADD COLUMN details TEXT NOT NULL DEFAULT '{}';")


def m003_notices(db: Database) -> None:
    """Official notices (content.notice): one row each, their page images, their text for search."""
    db.executescript(
        """
        CREATE TABLE notices (
            num INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            commune TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL,
            act_date TEXT,
            starts TEXT NOT NULL,
            until TEXT,
            pages INTEGER NOT NULL,
            thumb TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX notices_starts ON notices (starts);
        CREATE TABLE notice_media (
            num INTEGER NOT NULL, sha256 TEXT NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (num, position)
        );
        CREATE INDEX notice_media_sha ON notice_media (sha256);
        CREATE VIRTUAL TABLE notice_search USING fts5(
            title, body,
            tokenize = "unicode61 remove_diacritics 2",
            prefix = '2 3'
        );
        """
    )


STEPS = (m001_initial, m002_eat_stay, m003_notices)
NAMES = tuple(step.__name__ for step in STEPS)


def migrations() -> Migrations:
    """The steps as sqlite-utils migrations, for the writer to apply."""
    from sqlite_utils.migrations import Migrations

    result = Migrations(MIGRATION_SET)
    for step in STEPS:
        result()(step)
    return result
