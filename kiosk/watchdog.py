"""The kiosk's life signs: systemd's watchdog pinged from the UI loop, the "ready" mark, crash loops.

- :class:`UiWatchdog` pings systemd from Kivy's clock. The clock runs on the UI loop, so a frozen
  UI (a callback that never returns, a deadlock in a draw) stops the pings and systemd restarts the
  kiosk after ``WatchdogSec``: a hung window is treated as a dead process. The first ping tells
  systemd the kiosk is ready (``Type=notify``) and writes ``<data>/kiosk-ready.json`` for the sync
  process (the release health check reads it; the kiosk has no network).
- :class:`StartLog` counts the starts that never reached "ready". After a few within minutes the
  kiosk is in a crash loop: ``main.py run`` shows the minimal fallback screen
  (:mod:`kiosk.fallback`) for a while instead of a black one, then tries again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from pathlib import Path

from content.sdnotify import Notifier

log = logging.getLogger(__name__)

READY_FILE = "kiosk-ready.json"
STARTS_FILE = "kiosk-starts.json"
#: Starts that did not reach "ready", within ``CRASH_WINDOW`` seconds, that make a crash loop.
CRASH_STARTS = 3
CRASH_WINDOW = 10 * 60


def write_json(path: Path, data) -> None:
    """Written whole or not at all (a power cut leaves the old file or the new one)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


class UiWatchdog:
    """Pings systemd from the UI loop. ``start(clock)`` after the first frame; ``stop()`` at exit."""

    def __init__(self, *, notifier: Notifier, data_dir: Path, version: str = "", wall=time.time):
        self.notifier = notifier
        self.data_dir = Path(data_dir)
        self.version = version
        self.wall = wall
        self.pings = 0
        self._event = None

    def start(self, clock) -> None:
        """Schedule the pings on Kivy's ``clock`` and say "ready" now (the first frame is drawn)."""
        self.ready()
        self._event = clock.schedule_interval(self.tick, self.notifier.ping_interval(default=10.0))

    def ready(self) -> None:
        write_json(
            self.data_dir / READY_FILE,
            {"version": self.version, "pid": os.getpid(), "ready_at": self.wall()},
        )
        StartLog(self.data_dir).ready()
        self.notifier.ready(status="kiosk screen running")
        log.info("kiosk ready (systemd watchdog: %s s)", self.notifier.watchdog_seconds or "none")

    def tick(self, *_args) -> None:
        self.pings += 1
        self.notifier.ping()

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self.notifier.stopping()


class StartLog:
    """The kiosk's starts that have not reached "ready" yet (``<data>/kiosk-starts.json``)."""

    def __init__(self, data_dir: Path, *, wall=time.time):
        self.path = Path(data_dir) / STARTS_FILE
        self.wall = wall

    def _recent(self) -> list[float]:
        now = self.wall()
        starts = read_json(self.path, [])
        if not isinstance(starts, list):
            return []
        return [t for t in starts if isinstance(t, int | float) and 0 <= now - t < CRASH_WINDOW]

    def crash_loop(self) -> bool:
        """True when the last starts kept failing before the first frame."""
        return len(self._recent()) >= CRASH_STARTS

    def started(self) -> None:
        try:
            write_json(self.path, [*self._recent(), self.wall()])
        except OSError as exc:  # a read-only or full disk must not stop the screen
            log.warning("cannot record the kiosk's start: %s", exc)

    def ready(self) -> None:
        with contextlib.suppress(OSError):  # a read-only disk: the next start counts one more, no more
            self.path.unlink(missing_ok=True)
