"""What the kiosk does for the back office without a network: settings, screen power, screenshots.

The sync process writes ``kiosk-settings.json`` and ``screenshot-request`` (``sync.remote``); this
object, driven by Kivy's clock, notices them, applies the settings, captures the window, and follows
the screen schedule (:class:`kiosk.screen_power.ScreenPower`). It touches no widget itself: the app
gives it ``apply_settings`` and ``capture`` callables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path

from content.kiosk_settings import KioskSettingsUpdate, SettingsError
from kiosk.screen_power import ScreenPower

log = logging.getLogger(__name__)

SETTINGS_FILE = "kiosk-settings.json"  # written by the sync process (sync.remote)
SCREENSHOT_REQUEST = "screenshot-request"
SCREENSHOT_FILE = "screenshot.png"
RESTART_FILE = "kiosk-restart"  # the sync switched software versions: restart into the one now installed
TICK_SECONDS = 2.0


class Upkeep:
    def __init__(
        self,
        *,
        data_dir: Path,
        screen: ScreenPower,
        now: Callable[[], dt.datetime],
        apply_settings: Callable[[KioskSettingsUpdate], None] | None = None,
        capture: Callable[[Path], str | None] | None = None,
        restart: Callable[[], bool] | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.screen = screen
        self.now = now
        self.apply_settings = apply_settings or (lambda _u: None)
        self.capture = capture
        self.restart = restart
        self.settings: KioskSettingsUpdate | None = None
        self._settings_stamp = None
        self._event = None

    def start(self, clock) -> None:
        self.tick()
        self._event = clock.schedule_interval(self.tick, TICK_SECONDS)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()

    def tick(self, *_args) -> None:
        for step in (self.check_settings, self.check_screenshot, self.check_restart):
            try:
                step()
            except Exception:  # one failing chore must not stop the others, nor the screen
                log.exception("upkeep: %s failed", step.__name__)
        self.screen.tick(self.now())

    def touched(self) -> bool:
        """A visitor's touch: True when it only woke the screen (the app then ignores it)."""
        return self.screen.touched(self.now())

    def check_settings(self) -> None:
        path = self.data_dir / SETTINGS_FILE
        try:
            stat = path.stat()
        except FileNotFoundError:
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._settings_stamp:
            return
        self._settings_stamp = stamp
        try:
            update = KioskSettingsUpdate.from_wire(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, SettingsError) as exc:
            log.warning("kiosk settings in %s not applied: %s", path, exc)
            return
        self.settings = update
        self.screen.set_schedule(update.screen)
        self.apply_settings(update)
        log.info("kiosk settings applied (screen hours: %s)", "yes" if update.screen else "always on")

    def check_restart(self) -> None:
        """Stop the app (systemd starts the new version) once ``restart`` says the moment is right."""
        request = self.data_dir / RESTART_FILE
        if self.restart is None or not request.exists():
            return
        if self.restart():
            request.unlink(missing_ok=True)
            log.info("restarting into the software version the sync installed")

    def check_screenshot(self) -> None:
        request = self.data_dir / SCREENSHOT_REQUEST
        if not request.exists() or self.capture is None:
            return
        shots = self.data_dir / "screenshots.tmp"
        shots.mkdir(exist_ok=True)
        try:
            made = self.capture(shots / "shot.png")
            if made:
                Path(made).replace(self.data_dir / SCREENSHOT_FILE)
                log.info("screenshot taken for the back office")
        finally:
            request.unlink(missing_ok=True)
            for leftover in shots.iterdir():
                leftover.unlink(missing_ok=True)


# -- what the upkeep does to the running app (wired by kiosk.launch.build_upkeep) --------------------


def apply_to_app(app, update: KioskSettingsUpdate) -> None:
    """Settings from the back office on the running app: idle time, PIN, the language bar's buttons."""
    changes = {}
    if update.idle_seconds is not None:
        changes["idle_seconds"] = float(update.idle_seconds)
    if update.pin is not None:
        changes["pin"] = update.pin
    if changes:
        app.settings = dataclasses.replace(app.settings, **changes)
    if app.root:
        app.screen("home").offer_languages(update.languages)


def restart_when_idle(app) -> bool:
    """Stop the app for a restart, but never under a visitor's finger: True when it stops."""
    if app.sm.current != "attract" and app.idle_for() < app.settings.quiet_seconds:
        return False
    app.stop()
    return True


def capture_window(path: Path) -> str | None:
    """The window as it is now, to a PNG (``Window.screenshot`` numbers the name it is given)."""
    from kivy.core.window import Window

    return Window.screenshot(name=str(path))
