import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.timeutil import (
    day_bounds,
    format_date,
    format_datetime_range,
    format_time,
    period_bounds,
    town_now,
)

PARIS = ZoneInfo("Europe/Paris")
TS = "\u2009"


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end.timestamp() - start.timestamp()) / 3600


# -- town_now -----------------------------------------------------------------------------------------


def test_town_now_converts_an_aware_time_to_the_town_zone():
    now = town_now("Europe/Paris", dt.datetime(2026, 7, 14, 19, 0, tzinfo=dt.UTC))
    assert now.tzinfo == PARIS and (now.hour, now.utcoffset()) == (21, dt.timedelta(hours=2))


def test_town_now_without_now_is_the_current_time_in_town():
    now = town_now("America/Cayenne")
    assert now.tzinfo == ZoneInfo("America/Cayenne")
    assert abs(now.timestamp() - dt.datetime.now(dt.UTC).timestamp()) < 60


def test_town_now_refuses_a_naive_time():
    with pytest.raises(ValueError, match="aware"):
        town_now("Europe/Paris", dt.datetime(2026, 7, 14, 21, 0))


def test_unknown_zone_is_named():
    with pytest.raises(ValueError, match="'Europe/Pariss'"):
        town_now("Europe/Pariss")


# -- day_bounds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "length"),
    [(dt.date(2026, 3, 29), 23), (dt.date(2026, 10, 25), 25), (dt.date(2026, 7, 14), 24)],
    ids=["clocks forward", "clocks back", "ordinary"],
)
def test_day_bounds_are_midnight_to_midnight_in_town(day, length):
    start, end = day_bounds(day, "Europe/Paris")
    assert (start, end) == (paris(day.year, day.month, day.day), paris(2026, day.month, day.day + 1))
    assert hours(start, end) == length


def test_day_bounds_take_a_date_not_a_datetime():
    with pytest.raises(ValueError, match="date"):
        day_bounds(paris(2026, 7, 14), "Europe/Paris")


# -- period_bounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "end", "length"),
    [
        (paris(2026, 3, 29, 0, 30), paris(2026, 3, 30), 22.5),  # 23-hour day
        (paris(2026, 10, 25, 0, 30), paris(2026, 10, 26), 24.5),  # 25-hour day
        (paris(2026, 7, 14, 21, 0), paris(2026, 7, 15), 3),
    ],
)
def test_today_runs_from_now_to_midnight(now, end, length):
    start, stop = period_bounds("today", now)
    assert (start, stop) == (now, end)
    assert hours(start, stop) == length


@pytest.mark.parametrize(
    ("now", "expected_start", "expected_end"),
    [
        (paris(2026, 3, 25, 10, 0), paris(2026, 3, 28), paris(2026, 3, 30)),  # Wednesday: the coming weekend
        (paris(2026, 3, 27, 23, 59), paris(2026, 3, 28), paris(2026, 3, 30)),  # Friday night
        (paris(2026, 3, 23, 0, 0), paris(2026, 3, 28), paris(2026, 3, 30)),  # Monday 00:00
        (paris(2026, 3, 28, 15, 0), paris(2026, 3, 28, 15, 0), paris(2026, 3, 30)),  # Saturday: from now
        (paris(2026, 10, 25, 12, 0), paris(2026, 10, 25, 12, 0), paris(2026, 10, 26)),  # Sunday: from now
    ],
)
def test_weekend(now, expected_start, expected_end):
    assert period_bounds("weekend", now) == (expected_start, expected_end)


def test_the_weekend_clocks_go_forward_is_47_hours():
    start, end = period_bounds("weekend", paris(2026, 3, 25, 10, 0))
    assert hours(start, end) == 47


def test_the_weekend_clocks_go_back_is_49_hours():
    start, end = period_bounds("weekend", paris(2026, 10, 21, 10, 0))
    assert hours(start, end) == 49


@pytest.mark.parametrize(
    ("now", "end"),
    [
        (paris(2026, 3, 15, 10, 0), paris(2026, 4, 1)),
        (paris(2026, 12, 31, 23, 0), paris(2027, 1, 1)),
        (paris(2026, 2, 1, 0, 0), paris(2026, 3, 1)),
    ],
)
def test_month_runs_from_now_to_the_end_of_the_month(now, end):
    assert period_bounds("month", now) == (now, end)


def test_period_bounds_in_the_town_zone_when_now_is_utc():
    start, end = period_bounds("today", dt.datetime(2026, 7, 14, 23, 30, tzinfo=dt.UTC), tz="Europe/Paris")
    assert start == paris(2026, 7, 15, 1, 30) and end == paris(2026, 7, 16)


def test_unknown_period_lists_the_known_ones():
    with pytest.raises(ValueError, match="today, weekend, month"):
        period_bounds("week", paris(2026, 7, 14))


def test_period_bounds_refuse_a_naive_now():
    with pytest.raises(ValueError, match="aware"):
        period_bounds("today", dt.datetime(2026, 7, 14))


towns = st.sampled_from(["Europe/Paris", "America/Cayenne", "Indian/Reunion", "Pacific/Noumea", "America/Santiago"])


@settings(max_examples=200, deadline=None)
@given(
    tz=towns,
    moment=st.datetimes(
        min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31), timezones=st.just(dt.UTC)
    ),
    period=st.sampled_from(["today", "weekend", "month"]),
)
def test_a_period_ends_at_a_town_midnight_after_it_starts(tz, moment, period):
    now = town_now(tz, moment)
    start, end = period_bounds(period, now)
    assert start.timestamp() >= now.timestamp() and end.timestamp() > start.timestamp()
    local_end = end.astimezone(ZoneInfo(tz))
    before_end = (end.astimezone(dt.UTC) - dt.timedelta(seconds=1)).astimezone(ZoneInfo(tz))
    assert local_end.date() != before_end.date()  # a day starts at `end`
    if period != "weekend":
        assert start == now


# -- formatting ----------------------------------------------------------------------------------------

BASTILLE = paris(2026, 7, 14, 21, 0)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "mardi 14 juillet"),
        ("en", "Tuesday, July 14"),
        ("de", "Dienstag, 14. Juli"),
        ("es", "martes, 14 de julio"),
        ("it", "martedì 14 luglio"),
        ("nl", "dinsdag 14 juli"),
    ],
)
def test_format_date(lang, expected):
    assert format_date(BASTILLE, lang) == expected
    assert format_date(BASTILLE.date(), lang) == expected


@pytest.mark.parametrize(("lang", "expected"), [("fr", "21:00"), ("en", "9:00\u202fPM"), ("es", "21:00")])
def test_format_time(lang, expected):
    assert format_time(BASTILLE, lang) == expected


def test_format_time_uses_the_time_zone_of_the_datetime():
    assert format_time(BASTILLE.astimezone(dt.UTC), "fr") == "19:00"


@pytest.mark.parametrize(
    ("start", "end", "lang", "expected"),
    [
        (BASTILLE, paris(2026, 7, 14, 23, 0), "fr", f"mardi 14 juillet, 21:00{TS}–{TS}23:00"),
        (BASTILLE, paris(2026, 7, 14, 23, 0), "de", "Dienstag, 14. Juli, 21:00–23:00 Uhr"),
        (BASTILLE, paris(2026, 7, 15, 1, 0), "fr", f"mardi 14 juillet, 21:00{TS}–{TS}01:00"),
        (BASTILLE, None, "fr", "mardi 14 juillet, 21:00"),
        (BASTILLE, BASTILLE, "en", "Tuesday, July 14, 9:00\u202fPM"),
        (paris(2026, 8, 3), paris(2026, 8, 6), "fr", "3–5 août"),
        (paris(2026, 8, 3, 10, 0), paris(2026, 8, 5, 18, 0), "fr", "3–5 août"),
        (paris(2026, 8, 3), paris(2026, 8, 4), "fr", "lundi 3 août"),
        (paris(2026, 12, 30, 10, 0), paris(2027, 1, 3, 18, 0), "fr", f"30 déc. 2026{TS}–{TS}3 janv. 2027"),
    ],
)
def test_format_datetime_range(start, end, lang, expected):
    assert format_datetime_range(start, end, lang) == expected


def test_format_datetime_range_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="before start"):
        format_datetime_range(BASTILLE, paris(2026, 7, 14, 20, 0), "fr")
