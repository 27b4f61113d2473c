"""The real app doing what the back office asked, with no network: settings applied, the screen
switched by its hours and woken by a touch, its window captured for the fleet page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from PIL import Image

from kiosk.screen_power import FakeBackend
from kiosk.upkeep import SCREENSHOT_FILE, SCREENSHOT_REQUEST, SETTINGS_FILE

pytestmark = pytest.mark.ui

NIGHT_ONLY_OFF = {"weekly": {d: ["06:00-14:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}


@pytest.fixture
def upkept(kiosk, tmp_path):
    """The running app with an Upkeep on its own data folder and a fake screen backend; restored after."""
    from kiosk.launch import build_upkeep

    app = kiosk.app
    before = app.settings
    fake = FakeBackend()
    app.upkeep = build_upkeep(app, dataclasses.replace(before, data_dir=tmp_path), backends=[fake])
    yield kiosk, tmp_path, fake
    app.upkeep = None
    app.settings = before
    app.screen("home").offer_languages(None)


def write_settings(folder, **settings) -> None:
    base = {"screen": None, "idle_seconds": None, "languages": None, "pin": None}
    (folder / SETTINGS_FILE).write_text(json.dumps({**base, **settings}))


def test_settings_from_the_back_office_change_the_kiosk(upkept):
    kiosk, folder, _fake = upkept
    write_settings(folder, idle_seconds=30, languages=["fr", "de"], pin="97531")
    kiosk.app.upkeep.tick()
    assert kiosk.app.settings.pin == "97531" and kiosk.app.settings.idle_seconds == 30
    kiosk.start_visit()
    codes = [b.code for b in reversed(kiosk.screen("home").ids.langbar.children)]
    assert codes == ["fr", "de"]


def test_bad_settings_leave_the_kiosk_as_it_was(upkept):
    kiosk, folder, _fake = upkept
    pin = kiosk.app.settings.pin
    write_settings(folder, pin="12")
    kiosk.app.upkeep.tick()
    assert kiosk.app.settings.pin == pin


def test_the_screen_goes_off_by_its_hours_and_a_touch_wakes_it_without_pressing(upkept):
    kiosk, folder, fake = upkept
    # The test's clock is pinned at 15:00: outside 06:00-14:00.
    write_settings(folder, screen={**NIGHT_ONLY_OFF, "wake_minutes": 2})
    kiosk.app.upkeep.tick()
    assert fake.calls == [False]
    kiosk.app.reset_visit()
    kiosk.settled()
    from kivy.core.window import Window

    kiosk.tap_at(Window.width / 2, Window.height / 2)
    assert fake.calls == [False, True] and kiosk.current == "attract"  # only woken: nothing opened
    kiosk.tap_at(Window.width / 2, Window.height / 2)
    assert kiosk.current == "home"  # the next touch is a visitor's
    state = json.loads((folder / "screen-state.json").read_text())
    assert state["state"] == "on" and state["action"] == "on: woken by a touch"


def test_a_screenshot_request_leaves_a_picture_of_the_window(upkept):
    kiosk, folder, _fake = upkept
    kiosk.start_visit()
    (folder / SCREENSHOT_REQUEST).write_text(dt.datetime.now(dt.UTC).isoformat())
    kiosk.app.upkeep.tick()
    assert not (folder / SCREENSHOT_REQUEST).exists()
    from kivy.core.window import Window

    with Image.open(folder / SCREENSHOT_FILE) as img:
        assert img.size == tuple(Window.size)
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50  # the home screen, not a black frame
