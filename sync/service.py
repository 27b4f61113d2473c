"""The sync process: APScheduler jobs around one :class:`sync.job.SyncJob`.

``run_service(config)`` runs until SIGTERM/SIGINT; ``run_once(config)`` runs one content sync.
Both return an exit status and print the reason of a failure. Logs say when something starts
failing and when it recovers, not every tick.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import random
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from content.sdnotify import Notifier
from sync.client import FeedClient
from sync.config import ConfigError, SyncConfig
from sync.errors import SyncCancelled, SyncError
from sync.job import SYNC_NOW_FILE, SyncJob

log = logging.getLogger(__name__)

LOCK_FILE = "sync.lock"
EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY = 0, 1, 2, 3

JOB_SYNC = "content-sync"
JOB_ALERTS = "alert-poll"
JOB_HEARTBEAT = "heartbeat"
JOB_WATCH = "watch"
JOB_HOUSEKEEPING = "housekeeping"
#: The name each job's state is logged under ("sync failed: ...", "sync recovered").
HEALTH_NAMES = {
    JOB_SYNC: "sync",
    JOB_ALERTS: "alert poll",
    JOB_HEARTBEAT: "heartbeat",
    JOB_WATCH: "bundle import",
    JOB_HOUSEKEEPING: "housekeeping",
}


class Health:
    """Logs transitions: the first failure of a job (or a different one), then its recovery."""

    def __init__(self, job: SyncJob | None = None):
        self.job = job
        self.failing: dict[str, str] = {}
        self._lock = threading.Lock()

    def failed(self, name: str, message: str) -> bool:
        """Note a failure; log it if it is new. Returns True when it was logged (a transition)."""
        with self._lock:
            previous = self.failing.get(name)
            self.failing[name] = message
            if self.job is not None:
                self.job.failures[name] = message
        if previous != message:
            log.warning("%s failed: %s", name, message)
            return True
        log.debug("%s still failing: %s", name, message)
        return False

    def ok(self, name: str, news: str | None = None) -> None:
        with self._lock:
            was = self.failing.pop(name, None)
            if self.job is not None:
                self.job.failures.pop(name, None)
        if was is not None:
            log.warning("%s recovered%s", name, f": {news}" if news else "")
        elif news:
            log.info("%s: %s", name, news)


#: Seconds between the heartbeat that brought a screenshot request and the one that sends the picture.
SCREENSHOT_HEARTBEAT_AFTER = 15.0
#: A job still running after this many seconds is stuck (a call that never returns): the process
#: stops pinging systemd's watchdog, which restarts it. A first sync of a large town takes minutes;
#: every request has its own deadline (``request_deadline``), so only a real hang lasts this long.
STUCK_AFTER = {JOB_SYNC: 2 * 3600.0}
STUCK_AFTER_OTHERS = 30 * 60.0


class SyncService:
    """The scheduled jobs of the sync process."""

    def __init__(
        self,
        config: SyncConfig,
        job: SyncJob,
        *,
        scheduler: BackgroundScheduler | None = None,
        stuck_after: dict[str, float] | None = None,
    ):
        self.config = config
        self.job = job
        self.health = Health(job)
        self.stuck_after = {**STUCK_AFTER, **(stuck_after or {})}
        #: job id -> monotonic time it started, while it runs (the watchdog's view of the process)
        self.running: dict[str, float] = {}
        self._running_lock = threading.Lock()
        self._forced = False  # the next sync was asked for by a person: it does not wait for Retry-After
        self.scheduler = scheduler or BackgroundScheduler(timezone=config.tz)
        self.scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    # -- jobs ------------------------------------------------------------------------------------

    def run_sync(self) -> None:
        force, self._forced = self._forced, False
        try:
            result = self.job.sync_once(force=force)
        except SyncCancelled:
            log.info("sync abandoned: the process is stopping")
        except SyncError as exc:
            self.health.failed("sync", str(exc))
        else:
            news = None if result.not_modified and not result.problems else result.summary()
            self.health.ok("sync", news)

    def run_alerts(self) -> None:
        try:
            self.job.poll_alerts()
        except SyncCancelled:
            pass
        except SyncError as exc:
            self.health.failed("alert poll", str(exc))
        else:
            self.health.ok("alert poll")

    def run_heartbeat(self) -> None:
        try:
            commands = self.job.heartbeat()
        except SyncError as exc:
            self.health.failed("heartbeat", str(exc))
            return
        self.health.ok("heartbeat")
        if "sync_now" in commands:
            log.info("the back office asked for a sync now")
            self.trigger_sync()
        if "screenshot" in commands:
            # The kiosk captures its screen within seconds; the picture goes with the heartbeat after.
            log.info("the back office asked for a screenshot")
            self._heartbeat_soon(SCREENSHOT_HEARTBEAT_AFTER)

    def run_watch(self) -> None:
        try:
            self.job.check_update()
        except Exception as exc:  # noqa: BLE001 - the rollback guard's timer checks again
            self.health.failed("update check", str(exc))
        if self.job.take_sync_request():
            log.info("sync requested from the maintenance panel")
            self.trigger_sync()
        try:
            outcomes = self.job.watch_bundles()
        except SyncError as exc:
            self.health.failed("bundle import", str(exc))
            return
        for line in outcomes:
            log.info("bundle %s", line)
        self.health.ok("bundle import")

    def run_housekeeping(self) -> None:
        try:
            self.job.housekeeping()
        except Exception as exc:  # noqa: BLE001 - nightly chores must not stop the process
            self.health.failed("housekeeping", str(exc))
        else:
            self.health.ok("housekeeping")

    def _heartbeat_soon(self, seconds: float) -> None:
        try:
            when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
            self.scheduler.modify_job(JOB_HEARTBEAT, next_run_time=when)
        except Exception:  # noqa: BLE001 - not scheduled (tests) or stopping: the regular heartbeat brings it
            pass

    def trigger_sync(self) -> None:
        if not self.config.online:
            return
        self._forced = True
        try:
            self.scheduler.modify_job(JOB_SYNC, next_run_time=dt.datetime.now(dt.UTC))
        except Exception:  # noqa: BLE001 - not scheduled (tests) or already stopping
            self.run_sync()

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.debug("job %s missed its run time %s", event.job_id, event.scheduled_run_time)
            return
        exc = event.exception
        name = HEALTH_NAMES.get(event.job_id, event.job_id)
        if self.health.failed(name, f"unexpected {type(exc).__name__}: {exc}"):
            log.error("job %s crashed", event.job_id, exc_info=(type(exc), exc, exc.__traceback__))

    # -- liveness (systemd's watchdog) -----------------------------------------------------------

    def tracked(self, job_id: str, run):
        """``run`` wrapped so that :meth:`stuck` sees how long it has been running."""

        def wrapper():
            with self._running_lock:
                self.running[job_id] = time.monotonic()
            try:
                run()
            finally:
                with self._running_lock:
                    self.running.pop(job_id, None)

        wrapper.__name__ = getattr(run, "__name__", job_id)
        return wrapper

    def stuck(self, now: float | None = None) -> list[str]:
        """The jobs running for longer than they ever should (empty when the process is healthy)."""
        now = time.monotonic() if now is None else now
        with self._running_lock:
            running = dict(self.running)
        return sorted(
            job_id
            for job_id, since in running.items()
            if now - since > self.stuck_after.get(job_id, STUCK_AFTER_OTHERS)
        )

    def alive(self, notifier: Notifier) -> bool:
        """Ping the watchdog when no job is stuck; otherwise say why in systemd's status, and do not."""
        stuck = self.stuck()
        if stuck:
            names = ", ".join(HEALTH_NAMES.get(j, j) for j in stuck)
            if self.health.failed("watchdog", f"stuck: {names}"):
                notifier.status(f"stuck: {names}; systemd's watchdog will restart the sync process")
            return False
        if "watchdog" in self.health.failing:
            self.health.ok("watchdog")
        notifier.ping()
        return True

    # -- schedule --------------------------------------------------------------------------------

    def schedule(self) -> None:
        iv = self.config.intervals
        now = dt.datetime.now(dt.UTC)
        common = {
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": int(iv.misfire_grace),
            "replace_existing": True,
        }

        def add(run, trigger, *, id, **kw):  # noqa: A002 - APScheduler's own keyword
            return self.scheduler.add_job(self.tracked(id, run), trigger, id=id, **kw)

        if self.config.online:
            # The first sync soon after start, spread a little so a town's kiosks do not start together.
            first = now + dt.timedelta(seconds=random.uniform(0, max(0.0, iv.first_sync_max)))
            add(
                self.run_sync,
                IntervalTrigger(seconds=iv.sync, jitter=iv.sync_jitter or None),
                id=JOB_SYNC,
                name="content sync",
                next_run_time=first,
                **common,
            )
            add(
                self.run_alerts,
                IntervalTrigger(seconds=iv.alerts, jitter=min(5, iv.alerts / 4)),
                id=JOB_ALERTS,
                name="alert poll",
                **common,
            )
            add(
                self.run_heartbeat,
                IntervalTrigger(seconds=iv.heartbeat, jitter=min(30, iv.heartbeat / 4)),
                id=JOB_HEARTBEAT,
                name="heartbeat",
                next_run_time=now + dt.timedelta(seconds=iv.first_heartbeat),
                **common,
            )
        add(
            self.run_watch,
            IntervalTrigger(seconds=iv.watch),
            id=JOB_WATCH,
            name="bundle and request watch",
            next_run_time=now,
            **common,
        )
        add(
            self.run_housekeeping,
            CronTrigger(hour=iv.housekeeping_hour, minute=iv.housekeeping_minute, jitter=600, timezone=self.config.tz),
            id=JOB_HOUSEKEEPING,
            name="housekeeping",
            **common,
        )

    def start(self) -> None:
        self.schedule()
        self.scheduler.start()
        log.info(
            "sync process started (back office: %s, bundle folder: %s)",
            self.config.backoffice_url or "none",
            self.config.bundle_dir or "none",
        )

    def stop(self) -> None:
        self.job.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        log.info("sync process stopped")


# -- building and running ------------------------------------------------------------------------


def build_client(config: SyncConfig) -> FeedClient | None:
    if not config.online:
        return None
    return FeedClient(
        config.backoffice_url,
        config.token,
        version=config.version,
        timeout=config.timeout,
        retries=config.retries,
        backoff_factor=config.backoff_factor,
        max_retry_wait=config.max_retry_wait,
        max_media_bytes=config.max_media_bytes,
        max_feed_bytes=config.max_feed_bytes,
        deadline=config.request_deadline,
    )


def open_usage(config: SyncConfig):
    """The kiosk's usage counters (``content.usage``), or None when that module is not there."""
    try:
        from content.usage import UsageStore
    except ImportError:
        log.warning("content.usage is not available: the heartbeat carries no usage counters")
        return None
    opener = getattr(UsageStore, "open", UsageStore)
    return opener(config.usage_db)


def build_job(config: SyncConfig, *, usage=None) -> SyncJob:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return SyncJob.from_config(config, client=build_client(config), usage=usage)


@contextmanager
def writer_lock(data_dir: Path):
    """One sync process per data folder: the cache has one writer. Raises BlockingIOError when taken."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)


def _fail(message: str, status: int) -> int:
    print(f"borne sync: {message}", file=sys.stderr)
    return status


def as_sync_config(config) -> SyncConfig:
    """A SyncConfig as is; the kiosk's ``content.config.Config`` converted (``main.py`` passes either)."""
    if isinstance(config, SyncConfig):
        return config
    from content import __version__

    return SyncConfig.from_app_config(config, version=__version__)


def run_once(config: SyncConfig) -> int:
    """One content sync, then exit: 0 applied (problems printed), 1 failed, 2 configuration, 3 busy."""
    try:
        config = as_sync_config(config)
    except (ConfigError, ValueError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    if not config.online:
        return _fail("no back office configured (backoffice_url / BORNE_BACKOFFICE_URL): nothing to sync", EXIT_CONFIG)
    try:
        with writer_lock(config.data_dir):
            job = build_job(config)
            try:
                result = job.sync_once(force=True)
            except SyncError as exc:
                return _fail(f"sync failed: {exc}", EXIT_FAILED)
            finally:
                job.close()
                if job.client is not None:
                    job.client.close()
    except BlockingIOError:
        (config.data_dir / SYNC_NOW_FILE).touch()
        return _fail("the sync process is running: it was asked to sync now", EXIT_BUSY)
    except (ConfigError, OSError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    print(f"borne sync: {result.summary()}")
    for problem in result.problems:
        print(f"borne sync: problem: {problem}", file=sys.stderr)
    return EXIT_OK


def run_service(config: SyncConfig) -> int:
    """Run the scheduled sync process until SIGTERM or SIGINT. Returns the exit status."""
    try:
        config = as_sync_config(config)
    except (ConfigError, ValueError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    stopping = threading.Event()
    try:
        with writer_lock(config.data_dir):
            job = build_job(config, usage=open_usage(config))
            service = SyncService(config, job)
            notifier = Notifier.from_env()
            previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
            try:
                service.start()
                notifier.ready(status="sync process running")
                # The watchdog is pinged from here while no job is stuck (see SyncService.alive).
                while not stopping.wait(min(10.0, notifier.ping_interval(default=60.0))):
                    service.alive(notifier)
                    if job.restart_requested.is_set():  # a new version (or the old one back): systemd restarts us
                        log.info("restarting into the software version now installed")
                        break
            finally:
                notifier.stopping()
                service.stop()
                job.close()
                if job.client is not None:
                    job.client.close()
                if job.usage is not None and hasattr(job.usage, "close"):
                    job.usage.close()
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
    except BlockingIOError:
        return _fail(f"another sync process is already running on {config.data_dir}", EXIT_BUSY)
    except (ConfigError, OSError) as exc:
        return _fail(str(exc), EXIT_CONFIG)
    return EXIT_OK
