"""Fixtures for the kiosk: a tiny town in a content cache, and the real app in a real window.

UI tests (``@pytest.mark.ui``) need an X display: run the suite under
``xvfb-run -a -s "-screen 0 1920x1920x24"``; without a display they are skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest

from tests.kiosk.town import build_town

PARIS = ZoneInfo("Europe/Paris")
#: A Thursday afternoon: shops open, the market tonight, the concert on Saturday.
NOW = dt.datetime(2026, 7, 9, 15, 0, tzinfo=PARIS)


@pytest.fixture(scope="session")
def town_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("town")
    build_town(path, NOW)
    return path


class Driver:
    """Drives the running app: frames, simulated touches, and what is on screen."""

    def __init__(self, app):
        self.app = app

    def frames(self, n: int = 3) -> None:
        from kivy.base import EventLoop

        for _ in range(n):
            EventLoop.idle()

    def wait(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.frames(1)

    def until(self, condition, timeout: float = 3.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.frames(1)
            if condition():
                return True
        return condition()

    def settled(self) -> None:
        """Wait for a screen transition to finish (the ScreenManager ignores touches meanwhile)."""
        self.frames(1)
        self.until(lambda: not self.app.sm.transition.is_active, timeout=3)
        self.frames(1)

    def tap(self, widget, settle: float = 0.03) -> None:
        from kiosk.touch import center_of

        self.settled()
        self.tap_at(*center_of(widget), settle=settle)

    def tap_at(self, x: float, y: float, settle: float = 0.03) -> None:
        from kiosk.touch import press

        self.settled()
        touch = press(x, y)
        self.frames(2)
        touch.up()
        self.wait(settle)  # ScrollView's tap detection runs on the clock
        self.settled()

    def swipe(self, start, end) -> None:
        from kiosk.touch import press, swipe_points

        touch = press(*start)
        self.frames(1)
        for point in swipe_points(start, end):
            touch.move_to(*point)
            self.frames(1)
        touch.up()
        self.wait(0.1)
        self.settled()

    @property
    def current(self) -> str:
        return self.app.sm.current

    def screen(self, name=None):
        return self.app.screen(name or self.current)

    def texts(self, name=None) -> list[str]:
        """Every label's text on a screen (what a visitor can read there)."""
        from kivy.uix.label import Label

        root = self.screen(name)
        found = [w.text for w in root.walk(restrict=True) if isinstance(w, Label) and w.text and w.opacity > 0]
        return found

    def start_visit(self) -> None:
        """From a fresh attract loop, touch the screen: the home screen in French."""
        self.app.reset_visit()
        self.settled()
        from kivy.core.window import Window

        self.tap_at(Window.width / 2, Window.height / 2)
        assert self.current == "home"

    def tile(self, target):
        return next(t for t in self.screen("home").ids.tiles.children if t.target == target)

    def visible_rows(self, name="list"):
        from kiosk.widgets import CardRow

        rv = self.screen(name).ids.rv
        return sorted((w for w in rv.children[0].children if isinstance(w, CardRow)), key=lambda w: -w.y)


@pytest.fixture(scope="package")
def kiosk(town_dir, tmp_path_factory):
    """The real app on the tiny town, pumped by the test (one for the tests of this folder).

    The window is a half-size portrait kiosk (540x960): layouts scale with it, and software rendering is faster.
    """
    if not os.environ.get("DISPLAY"):
        pytest.skip("UI tests need a display: run under xvfb-run -a -s '-screen 0 1920x1920x24'")
    from kiosk.config import KioskSettings
    from kiosk.launch import build_app

    settings = KioskSettings(
        data_dir=town_dir,
        kiosk_mode=False,
        size=(540, 960),
        idle_seconds=90,
        pin="2468",
        version="test",
        poll_seconds=0.3,
        max_fps=0,  # no frame pacing: the test pumps frames itself
    )
    from kiosk.speech import RecordingBackend, SpeechEngine

    # audio mode speaks to a recorder (``app.audio.engine.backend.said``): no voice from the test machine
    app = build_app(settings, clock=lambda: NOW, speech=SpeechEngine(RecordingBackend()))
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.touch import SimTouch  # noqa: F401 - imports kivy.input before the loop starts

    Window.size = (540, 960)
    app._run_prepare()
    EventLoop.start()
    app.sm.transition.duration = 0.04  # quicker slides: the tests wait for them to end anyway
    driver = Driver(app)
    driver.wait(0.5)
    yield driver
    app._stop()  # what App.run does after its loop: on_stop, stop the loop, empty the window, unregister
    app.cache.close()
    app.usage.close()
