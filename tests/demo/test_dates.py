"""Relative dates: the agenda follows the build day, in Paris time with the right offsets."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.demo import load_demo
from content.demo.when import WhenError, moment, occurrences
from content.model import Alert

from .conftest import NOW, PARIS, TODAY


def _events(town):
    return {e["id"]: e for e in town.entries if e["kind"] == "event"}


def _starts(entry):
    return [dt.datetime.fromisoformat(o["start"]) for o in entry["occurrences"]]


def _shifted(town, days, ids=None):
    later = load_demo(TODAY + dt.timedelta(days=days), now=NOW)
    before, after = _events(town), _events(later)
    assert before.keys() == after.keys()
    for event_id in ids or before:
        old = [s.date() for s in _starts(before[event_id])]
        new = [s.date() for s in _starts(after[event_id])]
        assert new == [d + dt.timedelta(days=days) for d in old], event_id


def test_every_event_shifts_with_the_build_day(town):
    # Four weeks: weekly events keep their weekday, so they shift by whole weeks too.
    _shifted(town, 28)


def test_dated_events_shift_day_by_day(town):
    ids = [
        "demo:concert-orgue-cathedrale",
        "demo:festival-basalte-et-cordes",
        "demo:nuit-des-etoiles",
        "demo:fete-du-faubourg",
        "demo:conference-consuls-passee",
    ]
    _shifted(town, 3, ids)


def test_weekly_events_keep_their_weekday(town):
    later = _events(load_demo(TODAY + dt.timedelta(days=3), now=NOW))
    starts = _starts(later["demo:marche-du-samedi"])
    assert {s.weekday() for s in starts} == {5}
    assert 0 <= (starts[0].date() - (TODAY + dt.timedelta(days=3))).days < 7


def test_occurrences_carry_the_paris_offset_of_their_own_date(town):
    offsets = set()
    for entry in _events(town).values():
        for start in _starts(entry):
            assert start.utcoffset() == start.astimezone(PARIS).utcoffset()
            offsets.add(start.utcoffset())
    # The fixed TODAY is before the March clock change and the agenda runs past it.
    assert offsets == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def test_past_event_is_over_and_the_others_are_not(town):
    events = _events(town)
    past = [i for i, e in events.items() if all(dt.datetime.fromisoformat(o["end"]) < NOW for o in e["occurrences"])]
    assert past == ["demo:conference-consuls-passee"]


def test_an_event_crosses_midnight(town):
    crossing = [
        e["id"]
        for e in _events(town).values()
        for o in e["occurrences"]
        if dt.datetime.fromisoformat(o["end"]).date() == dt.datetime.fromisoformat(o["start"]).date() + dt.timedelta(1)
    ]
    assert "demo:nuit-des-etoiles" in crossing


def test_weekly_market_is_on_saturdays_for_eight_weeks(town):
    starts = _starts(_events(town)["demo:marche-du-samedi"])
    assert len(starts) == 8
    assert {s.weekday() for s in starts} == {5}
    assert starts[0].date() - TODAY < dt.timedelta(days=7)


def test_festival_spans_several_days(town):
    events = _events(town)
    assert len(events["demo:festival-basalte-et-cordes"]["occurrences"]) == 3
    (fete,) = events["demo:fete-du-faubourg"]["occurrences"]
    assert dt.datetime.fromisoformat(fete["end"]) - dt.datetime.fromisoformat(fete["start"]) > dt.timedelta(days=2)


def test_agenda_has_something_today(town):
    assert any(s.date() == TODAY for e in _events(town).values() for s in _starts(e))


def test_expired_alert_is_expired_and_others_active(town):
    active = {a["id"]: Alert.model_validate(a).is_active(NOW) for a in town.alerts}
    assert active.pop("demo:marche-deplace-expire") is False
    assert active and all(active.values())


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.integers(-400, 400))
def test_days_rule_lands_on_today_plus_offset(today, offset):
    (occ,) = occurrences({"days": offset, "start": "20:30", "end": "23:00"}, today, ZoneInfo("Europe/Paris"))
    start, end = dt.datetime.fromisoformat(occ["start"]), dt.datetime.fromisoformat(occ["end"])
    assert start.date() == today + dt.timedelta(days=offset)
    assert (start.hour, start.minute) == (20, 30)
    assert end > start


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.sampled_from(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]))
def test_weekly_rule_gives_one_date_a_week(today, day):
    starts = [o["start"] for o in occurrences({"weekly": day, "weeks": 3, "start": "09:00"}, today, ZoneInfo("UTC"))]
    dates = [dt.datetime.fromisoformat(s).date() for s in starts]
    assert len(dates) == 3
    assert all((b - a).days == 7 for a, b in zip(dates, dates[1:], strict=False))
    assert 0 <= (dates[0] - today).days < 7


def test_end_before_start_means_next_day_across_the_clock_change():
    # 2026-10-25 is the autumn clock change in Paris: 02:00 happens twice, offsets differ.
    (occ,) = occurrences({"days": 0, "start": "22:00", "end": "04:00"}, dt.date(2026, 10, 24), PARIS)
    assert occ == {"start": "2026-10-24T22:00:00+02:00", "end": "2026-10-25T04:00:00+01:00"}


def test_moment_is_relative_to_today():
    assert moment(-2, "08:00", dt.date(2026, 7, 3), PARIS, "from") == "2026-07-01T08:00:00+02:00"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"days": 1}, "start"),
        ({"start": "20:30"}, "say when"),
        ({"days": 1, "start": "8h30"}, "HH:MM"),
        ({"weekly": "Samedi", "start": "08:00"}, "'Samedi' is not a day"),
        ({"days": 1, "weekly": "Sa", "start": "08:00"}, "either days or weekly"),
        ({"days": 1, "start": "08:00", "hour": 3}, "unknown key 'hour'"),
        ({"days": "3", "start": "08:00"}, "whole number"),
    ],
)
def test_bad_rules_say_what_is_wrong(rule, message):
    with pytest.raises(WhenError, match=message):
        occurrences(rule, TODAY, PARIS)
