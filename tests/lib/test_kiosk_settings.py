"""content.kiosk_settings: screen hours parsed the one way, the schedule's law, the wire round trip."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.kiosk_settings import (
    KioskSettingsUpdate,
    ScreenSchedule,
    SettingsError,
    parse_exceptions,
    parse_ranges,
)

WEEK = {d: parse_ranges("07:00-12:00, 14:00-22:00", d) for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
SCHEDULE = ScreenSchedule(
    weekly={**WEEK, "sun": ()}, exceptions=parse_exceptions("2026-12-25 fermé\n2026-12-27 10h00-12h00")
)


@pytest.mark.parametrize(
    "at, lit",
    [
        (dt.datetime(2026, 12, 3, 6, 59), False),
        (dt.datetime(2026, 12, 3, 7, 0), True),
        (dt.datetime(2026, 12, 3, 12, 30), False),
        (dt.datetime(2026, 12, 3, 21, 59), True),
        (dt.datetime(2026, 12, 3, 22, 0), False),
        (dt.datetime(2026, 12, 6, 12, 0), False),  # Sunday: off all day
        (dt.datetime(2026, 12, 25, 12, 0), False),  # Christmas, a Friday: closed
        (dt.datetime(2026, 12, 27, 11, 0), True),  # a Sunday opened as an exception
    ],
)
def test_is_on(at, lit):
    assert SCHEDULE.is_on(at) is lit


def test_next_change_skips_the_closed_days():
    assert SCHEDULE.next_change(dt.datetime(2026, 12, 24, 22, 30)) == dt.datetime(2026, 12, 26, 7, 0)


@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 1, 1)))
def test_nothing_changes_before_next_change(at):
    change = SCHEDULE.next_change(at)
    assert change is not None and change > at and SCHEDULE.is_on(change) != SCHEDULE.is_on(at)
    # the minute before the change is still like ``at``: no change was skipped
    assert SCHEDULE.is_on(change - dt.timedelta(minutes=1)) == SCHEDULE.is_on(at)


def test_the_wire_round_trip():
    assert ScreenSchedule.from_wire(SCHEDULE.to_wire()) == SCHEDULE
    update = KioskSettingsUpdate(screen=SCHEDULE, idle_seconds=45, languages=("fr", "en"), pin="2468")
    assert KioskSettingsUpdate.from_wire({**update.to_wire(), "unknown": 1}) == update


@pytest.mark.parametrize("text", ["25:00-26:00", "08:00-07:00", "08:00-12:00, 11:00-13:00", "huit heures"])
def test_bad_ranges(text):
    with pytest.raises(SettingsError):
        parse_ranges(text, "lundi")


@pytest.mark.parametrize(
    "wire",
    [{"pin": "12"}, {"idle_seconds": True}, {"languages": ["klingon"]}, {"screen": {"weekly": {"mon": "07:00"}}}],
)
def test_bad_wire_settings(wire):
    with pytest.raises(SettingsError):
        KioskSettingsUpdate.from_wire(wire)
