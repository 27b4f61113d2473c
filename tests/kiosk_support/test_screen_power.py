"""kiosk.screen_power: the schedule followed, a touch at night, backends missing or failing."""

import datetime as dt
import json
import subprocess

import pytest

from content.kiosk_settings import ScreenSchedule, parse_ranges
from kiosk.screen_power import STATE_FILE, CecCtl, FakeBackend, ScreenPower, XDpms, detect

DAY = {d: parse_ranges("07:00-22:00", d) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SCHEDULE = ScreenSchedule(weekly=DAY, wake_minutes=3)
NIGHT = dt.datetime(2026, 12, 3, 23, 0)
MORNING = dt.datetime(2026, 12, 4, 7, 0)


def state(tmp_path) -> dict:
    return json.loads((tmp_path / STATE_FILE).read_text())


def test_the_screen_follows_the_schedule_and_says_so(tmp_path):
    fake = FakeBackend()
    power = ScreenPower([fake], data_dir=tmp_path, schedule=SCHEDULE)
    power.tick(MORNING - dt.timedelta(hours=12))  # 19:00: on
    power.tick(NIGHT)
    power.tick(NIGHT + dt.timedelta(minutes=5))  # still night: nothing more
    power.tick(MORNING)
    assert fake.calls == [True, False, True]
    assert state(tmp_path)["state"] == "on" and state(tmp_path)["backend"] == "fake"


def test_a_touch_at_night_lights_the_screen_for_a_few_minutes(tmp_path):
    fake = FakeBackend()
    power = ScreenPower([fake], data_dir=tmp_path, schedule=SCHEDULE)
    power.tick(NIGHT)
    assert power.touched(NIGHT) is True
    assert power.touched(NIGHT) is False  # lit: the next touches are a visitor's
    power.tick(NIGHT + dt.timedelta(minutes=2))
    power.tick(NIGHT + dt.timedelta(minutes=3))
    assert fake.calls == [False, True, False]
    assert state(tmp_path)["action"] == "off: schedule"


def test_no_wake_when_the_town_does_not_want_it(tmp_path):
    power = ScreenPower([FakeBackend()], data_dir=tmp_path, schedule=ScreenSchedule(weekly=DAY, wake_minutes=0))
    power.tick(NIGHT)
    assert power.touched(NIGHT) is False


def test_a_missing_backend_falls_back_to_the_next_and_none_is_reported(tmp_path):
    broken, spare = FakeBackend(), FakeBackend()
    broken.fail = "wlr-randr: output HDMI-A-1 not found"
    power = ScreenPower([broken, spare], data_dir=tmp_path, schedule=SCHEDULE)
    power.tick(NIGHT)
    assert spare.calls == [False] and "HDMI-A-1" in state(tmp_path)["error"]
    spare.fail = "gone too"
    power.tick(MORNING)
    assert state(tmp_path)["backend"] == "none" and state(tmp_path)["state"] == "unknown"
    nothing = ScreenPower([], data_dir=tmp_path, schedule=SCHEDULE)
    nothing.tick(NIGHT)  # never raises: the screen stays lit
    assert "no screen power backend" in state(tmp_path)["error"]


def test_a_command_that_fails_or_hangs_is_an_error_not_a_crash(tmp_path):
    def run(argv, **kw):
        if "off" in argv:
            raise subprocess.TimeoutExpired(argv, 10)
        return subprocess.CompletedProcess(argv, 1, "", "xset:  unable to open display :0\n")

    power = ScreenPower([XDpms(run=run)], data_dir=tmp_path, schedule=SCHEDULE)
    power.tick(NIGHT)
    assert "timed out" in state(tmp_path)["error"]
    power.tick(MORNING)
    assert "unable to open display" in state(tmp_path)["error"]


@pytest.mark.parametrize(
    "env, tools, devices, names",
    [
        ({"DISPLAY": ":0"}, {"xset"}, set(), ["xset"]),
        ({}, {"xset", "cec-ctl"}, {"/dev/cec0"}, ["cec-ctl"]),
        ({"DISPLAY": ":0"}, {"xset", "ddcutil"}, {"/dev/i2c-0"}, ["xset", "ddcutil"]),
        ({}, set(), set(), []),
        ({"BORNE_SCREEN_BACKEND": "fake"}, set(), set(), ["fake"]),
        ({"DISPLAY": ":0", "BORNE_SCREEN_BACKEND": "ddcutil"}, {"xset", "ddcutil"}, {"/dev/i2c-0"}, ["ddcutil"]),
    ],
)
def test_detection(env, tools, devices, names):
    found = detect(env, which=lambda t: f"/usr/bin/{t}" if t in tools else None, exists=devices.__contains__)
    assert [b.name for b in found] == names


def test_wlr_randr_is_found_with_its_first_output():
    def run(argv, **kw):
        return subprocess.CompletedProcess(argv, 0, 'HDMI-A-1 "Iiyama"\n  Enabled: yes\n', "")

    found = detect({"WAYLAND_DISPLAY": "wayland-0"}, which=lambda t: t, exists=lambda p: False, run=run)
    assert found[0].name == "wlr-randr" and found[0].commands[False] == ["wlr-randr", "--output", "HDMI-A-1", "--off"]
    assert CecCtl().commands[False][-1] == "--standby"
