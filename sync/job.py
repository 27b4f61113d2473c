"""One kiosk's sync work: content sync, alert poll, heartbeat, offline bundles, housekeeping.

Every write to the content cache goes through :meth:`SyncJob.apply`, which holds the job's write
lock and calls the cache's one atomic apply path (``ContentCache.apply``): media verified and put in
place first, then entries, tombstones, alerts and the cursor in one transaction. A fault anywhere
leaves the old content whole and is recorded in the cache's state for the maintenance panel and the
heartbeat. The scheduler (:mod:`sync.service`) decides when each method runs; tests call them directly.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from content.cache import ApplyReport, CacheError, ChangeSet, ContentCache
from content.contract import SCHEMA_VERSION
from content.geo import MapError, parse_announcement
from content.media import MediaError
from content.model import Entry
from sync import heartbeat as hb
from sync import offline, remote
from sync.client import FeedClient, NotModified
from sync.errors import FeedError, SyncCancelled, SyncError
from sync.walk import SyncResult, Walk

log = logging.getLogger(__name__)

SYNC_NOW_FILE = "sync-now"
#: The cache's state value naming the contract schema its content came in (set by syncs and bundles).
CONTENT_SCHEMA = "content_schema"
INCOMING_DIR = "incoming"
#: Pages walked by the alert poll before it leaves the rest to the content sync. A new alert has
#: the highest change number, so it is on the last page: after a large import the poll must walk far.
ALERT_POLL_PAGES = 20
#: Acknowledged usage counters are kept this long on the kiosk (the back office has them).
USAGE_KEEP_DAYS = 60
#: Pages in one walk before the feed is considered broken (it keeps saying "more").
MAX_PAGES = 10_000


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    return False


class SyncJob:
    """The sync work of one kiosk. Built by :mod:`sync.service` (or a test) and driven by the scheduler."""

    def __init__(
        self,
        *,
        data_dir: str | Path,
        client: FeedClient | None,
        usage=None,
        cache: ContentCache | None = None,
        tz: str = "Europe/Paris",
        version: str = "0",
        bundle_dir: str | Path | None = None,
        bundle_key: bytes | None = None,
        page_limit: int = 500,
        media_workers: int = 4,
        min_free_bytes: int = 200 * 1024**2,
        clock: Callable[[], dt.datetime] | None = None,
        bundle_settle_s: float = 2.0,
    ):
        self.data_dir = Path(data_dir)
        self.client = client
        self.usage = usage
        self.cache = cache or ContentCache.open(self.data_dir, tz=tz)
        self.version = version
        self.bundle_dir = Path(bundle_dir) if bundle_dir else None
        self.bundle_key = bundle_key
        self.page_limit = page_limit
        self.media_workers = media_workers
        self.min_free_bytes = min_free_bytes
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.bundle_settle_s = bundle_settle_s
        self.started = time.monotonic()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        # (cursor, ETag) of the last "changes" answer that was applied whole (by a sync), and of
        # the last one the alert poll saw (it applies alerts only, so its ETag must not stop a sync).
        self._sync_etag: tuple[str, str] | None = None
        self._poll_etag: tuple[str, str] | None = None
        #: Monotonic time before which the server asked us not to come back (Retry-After).
        self.not_before = 0.0
        #: The current failure of each job ("sync", "alerts", "heartbeat", "bundle", ...), for the heartbeat.
        self.failures: dict[str, str] = {}
        #: Software updates (``sync.updates.UpdateManager``), when this kiosk takes them.
        self.updates = None
        #: Set when a new version was switched to (or rolled back): the process should exit and be restarted.
        self.restart_requested = threading.Event()
        self.bundles = offline.BundleWatcher(self)
        self._clean_incoming()  # what a killed process left half-downloaded

    @classmethod
    def from_config(cls, config, *, client: FeedClient | None, usage=None, cache: ContentCache | None = None):
        job = cls._from_config(config, client=client, usage=usage, cache=cache)
        if getattr(config, "releases_dir", None) and client is not None:
            from sync.updates import UpdateManager

            job.updates = UpdateManager(
                root=config.releases_dir,
                data_dir=config.data_dir,
                key=config.bundle_key,
                running_version=config.version,
                download=lambda release, dest: client.release(release["sha256"], dest, size=release["size"]),
                restart_self=job.restart_requested.set,
            )
        return job

    @classmethod
    def _from_config(cls, config, *, client, usage, cache):
        return cls(
            data_dir=config.data_dir,
            client=client,
            usage=usage,
            cache=cache,
            tz=config.tz,
            version=config.version,
            bundle_dir=config.bundle_dir,
            bundle_key=config.bundle_key,
            page_limit=config.page_limit,
            media_workers=config.media_workers,
            min_free_bytes=config.min_free_bytes,
        )

    # -- life ------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask a running sync to give up at its next step (nothing half-applied)."""
        self._stop.set()

    def close(self) -> None:
        self.stop()
        with self._lock:
            self.cache.close()

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise SyncCancelled("the sync process is stopping: sync abandoned, nothing applied")

    @property
    def incoming(self) -> Path:
        return self.data_dir / INCOMING_DIR

    # -- the one write path ----------------------------------------------------------------------

    def apply(self, changes: ChangeSet) -> ApplyReport:
        """Apply through the cache's atomic path; a full disk or cache fault becomes a SyncError."""
        with self._lock:
            try:
                return self.cache.apply(changes)
            except (sqlite3.Error, OSError, CacheError) as exc:
                if is_disk_full(exc):
                    message = f"disk full in {self.data_dir}: {changes.origin} not applied, the old content is kept"
                else:
                    message = f"cannot write the content cache in {self.data_dir} ({exc}): the old content is kept"
                self.record(changes.origin, ok=False, errors=[message])
                error = SyncError(message)
                error.recorded = True
                raise error from exc

    def record(self, origin: str, *, ok: bool, errors: list[str] = ()) -> None:
        """Record an outcome in the cache's state; never raises (the disk may be full)."""
        try:
            with self._lock:
                self.cache.record_outcome(origin, ok=ok, errors=list(errors), at=self.clock())
        except Exception as exc:  # noqa: BLE001 - reporting must not hide the fault it reports
            log.debug("could not record the %s outcome: %s", origin, exc)

    # -- content sync ----------------------------------------------------------------------------

    def check_disk(self) -> None:
        free = shutil.disk_usage(self.data_dir).free
        if free < self.min_free_bytes:
            raise SyncError(
                f"only {free // 2**20} MB free in {self.data_dir} (at least {self.min_free_bytes // 2**20} MB "
                "needed): sync not started, the old content is kept"
            )

    def sync_once(self, *, force: bool = False) -> SyncResult:
        """Pull every change since the saved cursor and apply it whole. Raises SyncError on failure."""
        if self.client is None:
            raise SyncError("no back office configured (backoffice_url): nothing to sync from")
        wait = self.not_before - time.monotonic()
        if wait > 0 and not force:
            raise SyncError(f"the back office asked to wait: next attempt in {wait:.0f} s", retry_after=wait)
        with self._lock:
            try:
                result = self._sync()
                if self.updates is not None:
                    self.updates.note_sync_ok()
            except SyncCancelled:
                raise
            except SyncError as exc:
                if exc.retry_after:
                    self.not_before = time.monotonic() + exc.retry_after
                if not exc.recorded:
                    self.record("sync", ok=False, errors=[str(exc)])
                raise
        return result

    def _walk(
        self, since: str, *, max_pages: int = MAX_PAGES, first_etag: str | None = None, alerts_only: bool = False
    ) -> Walk | None:
        """Fetch pages from ``since`` while the feed says there are more. ``None``: 304, nothing new."""
        walk = Walk(cursor=since, alerts_only=alerts_only)
        cursor, etag = since, first_etag
        while walk.pages < max_pages:
            self._check_stop()
            page = self.client.changes(cursor, self.page_limit, etag=etag)
            if isinstance(page, NotModified):
                return None
            if walk.pages == 0:
                walk.etag = page.etag
            if page.settings is not None:
                self.note_settings(page.settings)
            walk.add_page(page)
            etag = None
            if not page.more:
                walk.complete = True
                return walk
            if page.cursor == cursor:
                raise FeedError(f"the feed says there is more after cursor {cursor!r} but does not move on")
            cursor = page.cursor
        if max_pages == MAX_PAGES:
            raise FeedError(f"the feed did not end after {MAX_PAGES} pages")
        return walk

    def _sync(self) -> SyncResult:
        self.check_disk()
        since = self.cache.cursor
        if since and self.cache.meta(CONTENT_SCHEMA) is None:
            # Content fetched before kiosks said their schema (schema 1: restaurants as shops): fetched
            # again whole, once, in the schema this kiosk reads (README, "The contract's versions").
            log.info("the cache's content predates contract schema %d: fetching all of it again", SCHEMA_VERSION)
            since = ""
        etag = self._sync_etag[1] if self._sync_etag and self._sync_etag[0] == since else None
        walk = self._walk(since, first_etag=etag)
        result = SyncResult(cursor=since)
        if walk is None:
            result.not_modified = True
            walk = Walk(cursor=since)
        else:
            result.pages = walk.pages
        # Images: those the new entries need, and those a failed download left missing earlier.
        entries = dict(walk.entries)
        retry = self.cache.missing_media() - {m.sha256 for e in entries.values() for m in e.media}
        again = [e for e in self._entries_using(retry) if e.id not in entries and e.id not in walk.deleted]
        entries.update((e.id, e) for e in again)
        notices = dict(walk.notices)
        waiting = retry - {m.sha256 for e in again for m in e.media}
        again_notices = [
            n for n in self._notices_using(waiting) if n.id not in notices and n.id not in walk.deleted_notices
        ]
        notices.update((n.id, n) for n in again_notices)
        stored, problems = self._fetch_media([*entries.values(), *(_NoticePages(n) for n in notices.values())])
        for notice in again_notices:
            if not any(m.sha256 in stored for m in notice.pages):
                del notices[notice.id]
        for entry in again:  # re-applied only to bring their images: not when none came
            if not any(m.sha256 in stored for m in entry.media):
                del entries[entry.id]
        result.media_downloaded = len(stored)
        town_map, map_blob = None, None
        if walk.town_map is not None:
            town_map, map_blob = self._fetch_map(walk.town_map, problems)
        result.problems = walk.problems + problems
        if town_map is not None:
            result.map_changed = True
        elif (
            not entries
            and not notices
            and problems
            and walk.cursor == since
            and not walk.alerts
            and not walk.deleted_alerts
        ):
            self.record("sync", ok=False, errors=problems)
            result.not_modified = True
            return result
        if (
            town_map is None
            and not entries
            and not walk.deleted
            and not walk.alerts
            and not walk.deleted_alerts
            and not notices
            and not walk.deleted_notices
            and not problems
            and walk.cursor == since
        ):
            self.record("sync", ok=True)
            result.not_modified = True  # an empty page: nothing changed
            if walk.etag:
                self._sync_etag = (since, walk.etag)
            return result
        changes = ChangeSet(
            entries=list(entries.values()),
            deleted=sorted(walk.deleted),
            alerts=list(walk.alerts.values()),
            deleted_alerts=sorted(walk.deleted_alerts),
            notices=list(notices.values()),
            deleted_notices=sorted(walk.deleted_notices),
            cursor=walk.cursor if not result.not_modified else None,
            replace_all=walk.reset or (since == "" and not result.not_modified),
            origin="sync",
            problems=result.problems,
            town_map=town_map,
            town_map_blob=map_blob,
            meta={CONTENT_SCHEMA: walk.schema} if walk.schema is not None else {},
        )
        self._check_stop()
        log.info(
            "applying %d entries, %d withdrawn, %d alerts (%d new images)",
            len(changes.entries),
            len(changes.deleted),
            len(changes.alerts),
            len(stored),
        )
        report = self.apply(changes)
        log.info("applied: content version %d", report.content_version)
        result.upserted, result.deleted, result.alerts = report.upserted, report.deleted, report.alerts
        result.notices = report.notices
        result.problems = report.problems
        result.cursor = self.cache.cursor
        return result

    def _fetch_map(self, raw, problems: list[str]) -> tuple[dict | None, bytes | None]:
        """The map announcement if it differs from the map in use, with its blob when not on disk yet.

        A bad announcement or a failed download is a problem (reported, retried by the next sync);
        the previous map stays in use.
        """
        try:
            info = parse_announcement(raw, where="feed: map")
        except MapError as exc:
            problems.append(f"{exc}: the previous map stays in use")
            return None, None
        current = self.cache.town_map()
        if current and all(current[k] == info[k] for k in ("sha256", "bbox", "kiosk")):
            return None, None
        if self.cache.maps.has(info["sha256"]):
            return info, None
        self.incoming.mkdir(parents=True, exist_ok=True)
        target = self.incoming / f"map-{info['sha256']}"
        try:
            path = self.client.media(info["sha256"], target, expected_bytes=info["bytes"])
            blob = path.read_bytes()
        except SyncError as exc:
            problems.append(f"map {info['sha256']}: {exc} (will be retried)")
            return None, None
        finally:
            target.unlink(missing_ok=True)
        return info, blob

    def _entries_using(self, shas: set[str]) -> list[Entry]:
        if not shas:
            return []
        marks = ",".join("?" * len(shas))
        rows = self.cache.db.execute(
            f"SELECT DISTINCT e.id FROM entries e JOIN entry_media m ON m.num = e.num WHERE m.sha256 IN ({marks})",
            sorted(shas),
        ).fetchall()
        return [e for (entry_id,) in rows if (e := self.cache.get(entry_id)) is not None]

    def _notices_using(self, shas: set[str]) -> list:
        if not shas:
            return []
        from content.notice import Notice

        marks = ",".join("?" * len(shas))
        rows = self.cache.db.execute(
            f"SELECT DISTINCT n.data FROM notices n JOIN notice_media m ON m.num = n.num WHERE m.sha256 IN ({marks})",
            sorted(shas),
        ).fetchall()
        return [Notice.model_validate_json(data) for (data,) in rows]

    def _fetch_media(self, entries) -> tuple[set[str], list[str]]:
        """Download the images these entries need that the cache lacks, a few at a time.

        Each is stored by the cache's own media store (hash verified, image checked, renditions
        made) in the worker that downloaded it, so decoding and resizing run in parallel. They are
        in place before the transaction that references them commits; if the sync dies first, they
        are unreferenced and collected by the next apply. A failed image is reported and retried
        by a later sync; a full disk ends the sync.
        """
        wanted: dict[str, int] = {}
        for entry in entries:
            for m in entry.media:
                if not self.cache.media.has(m.sha256):
                    wanted[m.sha256] = m.bytes
        if not wanted:
            return set(), []
        self.incoming.mkdir(parents=True, exist_ok=True)
        stored: set[str] = set()
        problems: list[str] = []

        def fetch(sha: str, size: int) -> None:
            self._check_stop()
            path = self.client.media(sha, self.incoming / sha, expected_bytes=size)
            try:
                self.cache.media.add(sha, path.read_bytes())
            finally:
                path.unlink(missing_ok=True)

        with ThreadPoolExecutor(max_workers=self.media_workers, thread_name_prefix="media") as pool:
            futures = {pool.submit(fetch, sha, size): sha for sha, size in wanted.items()}
            try:
                for future in as_completed(futures):
                    sha = futures[future]
                    try:
                        future.result()
                        stored.add(sha)
                    except SyncCancelled:
                        raise
                    except (SyncError, MediaError) as exc:
                        retry = " (will be retried)" if isinstance(exc, SyncError) else " (refused)"
                        problems.append(f"image {sha}: {exc}{retry}")
                        log.warning("image %s not stored: %s", sha, exc)
                    except OSError as exc:
                        if is_disk_full(exc):
                            raise SyncError(
                                f"disk full in {self.data_dir}: images not stored, the old content is kept"
                            ) from exc
                        problems.append(f"image {sha}: cannot be stored ({exc})")
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        return stored, problems

    # -- alerts ----------------------------------------------------------------------------------

    def poll_alerts(self) -> int:
        """The fast poll: ``changes`` from the cursor with ``If-None-Match`` (304 most of the time).

        When something changed, alerts (and withdrawn alerts) are applied at once; entries wait for
        the next content sync. Returns how many alerts were applied or withdrawn.
        """
        if self.client is None or self.not_before > time.monotonic():
            return 0  # the server asked us to wait (Retry-After)
        if not self._lock.acquire(blocking=False):
            return 0  # a sync is running: it brings the alerts
        try:
            since = self.cache.cursor
            if not since:
                return 0  # no content yet: the content sync will bring everything
            etag = None
            for saved in (self._sync_etag, self._poll_etag):  # the poll's own, newer, wins
                if saved and saved[0] == since:
                    etag = saved[1]
            try:
                walk = self._walk(since, max_pages=ALERT_POLL_PAGES, first_etag=etag, alerts_only=True)
            except SyncError as exc:
                if exc.retry_after:
                    self.not_before = time.monotonic() + exc.retry_after
                raise
            if walk is None:
                return 0
            if walk.etag and walk.complete:  # an unfinished walk is walked again next time
                self._poll_etag = (since, walk.etag)
            if not walk.alerts and not walk.deleted_alerts:
                return 0
            changes = ChangeSet(
                alerts=list(walk.alerts.values()),
                deleted_alerts=sorted(walk.deleted_alerts),
                cursor=None,
                origin="alerts",
            )
            self.apply(changes)
            log.info("alerts: %d new or changed, %d withdrawn", len(changes.alerts), len(changes.deleted_alerts))
            return len(changes.alerts) + len(changes.deleted_alerts)
        finally:
            self._lock.release()

    # -- the kiosk's own settings and requests (sync.remote) --------------------------------------

    def note_settings(self, raw: dict) -> None:
        """Hand the feed's ``settings`` to the kiosk (a file it watches); bad ones are refused whole."""
        try:
            remote.save_settings(self.data_dir, raw)
        except remote.SettingsError as exc:
            self.failures["settings"] = f"settings from the back office refused: {exc}"
            log.warning("settings from the back office refused: %s", exc)
        except OSError as exc:
            self.failures["settings"] = f"cannot store the kiosk settings: {exc}"
        else:
            self.failures.pop("settings", None)
            self.on_settings(remote.load_settings(self.data_dir))

    def on_settings(self, settings: dict) -> None:
        """The stored settings, after each feed page that carried them: a release to install, maybe."""
        if self.updates is not None and settings.get("release"):
            self.updates.offer(settings["release"])

    def update_state(self) -> dict | None:
        return self.updates.state() if self.updates is not None else None

    def check_update(self) -> str | None:
        """Whether the version switched to is healthy, or late (then rolled back); see sync.updates."""
        return self.updates.check() if self.updates is not None else None

    # -- heartbeat, bundles, requests, housekeeping -----------------------------------------------

    def heartbeat(self) -> list[str]:
        """Send the status and usage counters; acknowledge what the server stored; return its commands."""
        if self.client is None:
            return []
        return hb.send(self)

    def status(self) -> dict:
        return hb.status(self)

    def watch_bundles(self) -> list[str]:
        """Import new signed bundles from the watched folder; returns what happened to each."""
        return self.bundles.scan()

    def import_bundle(self, path: str | Path) -> ApplyReport:
        return self.bundles.import_bundle(Path(path))

    def take_sync_request(self) -> bool:
        """True once when the maintenance panel asked for a sync (``<data>/sync-now``)."""
        path = self.data_dir / SYNC_NOW_FILE
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def _clean_incoming(self) -> None:
        if self.incoming.is_dir():
            for p in self.incoming.iterdir():
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)

    def housekeeping(self) -> None:
        """Nightly: refresh SQLite's statistics, merge the search index, drop leftovers."""
        with self._lock:
            self.cache.optimize()
            self.cache.collect_media()
            self._clean_incoming()
        if self.usage is not None and hasattr(self.usage, "prune"):
            self.usage.prune(before=self.clock() - dt.timedelta(days=USAGE_KEEP_DAYS))
        free = shutil.disk_usage(self.data_dir).free
        if free < 2 * self.min_free_bytes:
            log.warning("disk almost full: %d MB free in %s", free // 2**20, self.data_dir)


class _NoticePages:
    """A notice seen by :meth:`SyncJob._fetch_media`, which reads ``.media`` (its page images)."""

    def __init__(self, notice):
        self.media = notice.pages
