"""The sync job's own exceptions: callers catch what they mean; messages say what and where."""

from __future__ import annotations


class SyncError(Exception):
    """A sync step failed: the back office is unreachable, answered badly, or sent bad bytes.

    ``url`` and ``status`` say where; ``retry_after`` (seconds) is set when the server asked us to
    come back later (429/503 with ``Retry-After``).
    """

    def __init__(self, message: str, *, url: str = "", status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after = retry_after
        #: Already recorded in the cache's state (do not record it again).
        self.recorded = False


class FeedError(SyncError):
    """The back office answered, but not with a feed this kiosk can read (malformed JSON, bad shape)."""


class SyncCancelled(SyncError):
    """The process is stopping: the sync was abandoned before anything was applied."""
