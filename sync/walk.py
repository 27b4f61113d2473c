"""What one feed walk gathers (pages merged, entries and alerts validated) and what a sync did."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from content.model import Alert, Entry
from content.notice import Notice, parse_notice
from content.validation import EntryError, parse_alert, parse_entry
from sync.client import Page

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    """What one content sync did. ``problems`` are entries or images skipped (reported, not fatal)."""

    not_modified: bool = False
    pages: int = 0
    upserted: int = 0
    deleted: int = 0
    alerts: int = 0
    notices: int = 0
    media_downloaded: int = 0
    problems: list[str] = field(default_factory=list)
    cursor: str = ""

    def summary(self) -> str:
        if self.not_modified:
            return "content up to date"
        text = (
            f"{self.upserted} entries updated, {self.deleted} withdrawn, {self.alerts} alerts, {self.notices} notices, "
            f"{self.media_downloaded} images downloaded (cursor {self.cursor or '-'})"
        )
        if self.problems:
            text += f"; {len(self.problems)} problem(s): " + "; ".join(self.problems[:5])
        return text


@dataclass
class Walk:
    """Changes gathered over the pages of one feed walk (later pages win)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    alerts: dict[str, Alert] = field(default_factory=dict)
    deleted_alerts: set[str] = field(default_factory=set)
    notices: dict[str, Notice] = field(default_factory=dict)
    deleted_notices: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    cursor: str = ""
    pages: int = 0
    reset: bool = False
    etag: str | None = None
    #: The alert poll reads alerts only (entries are the content sync's).
    alerts_only: bool = False
    complete: bool = False
    #: The oldest contract schema a page came in (None before the first page).
    schema: int | None = None

    def add_entries(self, raw: list) -> None:
        for i, data in enumerate(raw):
            try:
                entry = parse_entry(data, i)
            except EntryError as exc:
                self.problems.append(f"{exc} (skipped)")
                log.warning("feed: %s (skipped)", exc)
                continue
            self.entries[entry.id] = entry
            self.deleted.discard(entry.id)

    def add_alerts(self, raw: list, deleted: list[str]) -> None:
        for i, data in enumerate(raw):
            try:
                alert = parse_alert(data, i)
            except EntryError as exc:
                self.problems.append(f"{exc} (skipped)")
                log.warning("feed: %s (skipped)", exc)
                continue
            self.alerts[alert.id] = alert
            self.deleted_alerts.discard(alert.id)
        for alert_id in deleted:
            self.alerts.pop(alert_id, None)
            self.deleted_alerts.add(alert_id)

    def add_notices(self, raw: list, deleted: list[str]) -> None:
        for notice_id in deleted:
            self.notices.pop(notice_id, None)
            self.deleted_notices.add(notice_id)
        for i, data in enumerate(raw):
            try:
                notice = parse_notice(data, i)
            except EntryError as exc:
                self.problems.append(f"{exc} (skipped)")
                log.warning("feed: %s (skipped)", exc)
                continue
            self.notices[notice.id] = notice
            self.deleted_notices.discard(notice.id)

    @property
    def has_notices(self) -> bool:
        return bool(self.notices or self.deleted_notices)

    def add_page(self, page: Page) -> None:
        self.pages += 1
        self.schema = page.schema if self.schema is None else min(self.schema, page.schema)
        self.reset = self.reset or page.reset
        if not self.alerts_only:
            for entry_id in page.deleted:
                self.entries.pop(entry_id, None)
                self.deleted.add(entry_id)
            self.add_entries(page.entries)
            self.add_notices(page.notices, page.deleted_notices)
        self.add_alerts(page.alerts, page.deleted_alerts)
        self.cursor = page.cursor
