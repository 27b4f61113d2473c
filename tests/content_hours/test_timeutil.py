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
from tests import cldr

PARIS = ZoneInfo("Europe/Paris")
D = dt.date


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


@pytest.mark.parametrize("lang", ["fr", "en", "de", "es", "it", "nl"])
def test_format_date_gives_the_full_weekday_and_month_without_the_year(lang):
    assert format_date(BASTILLE, lang) == cldr.long_date(BASTILLE.date(), lang)
    assert format_date(BASTILLE.date(), lang) == cldr.long_date(BASTILLE.date(), lang)


def test_format_date_in_french_reads_as_a_french_date():
    # Babel writes it; this is what a French visitor reads (the fields, their order, no year)
    assert format_date(BASTILLE, "fr").split() == ["mardi", "14", "juillet"]


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_format_time_is_the_locales_short_time(lang):
    assert format_time(BASTILLE, lang) == cldr.time(21, 0, lang)


def test_format_time_uses_the_time_zone_of_the_datetime():
    assert format_time(BASTILLE.astimezone(dt.UTC), "fr") == cldr.time(19, 0, "fr")


def _on_bastille_day(lang: str, *times: tuple[int, int]) -> str:
    """The date of 14 July joined to one time or a time range."""
    text = cldr.times(*times, lang) if len(times) == 2 else cldr.time(*times[0], lang)
    return cldr.date_and_time(cldr.long_date(BASTILLE.date(), lang), text, lang)


@pytest.mark.parametrize(
    ("start", "end", "lang", "expected"),
    [
        # less than a day: the date, then the range of times
        (BASTILLE, paris(2026, 7, 14, 23, 0), "fr", lambda: _on_bastille_day("fr", (21, 0), (23, 0))),
        (BASTILLE, paris(2026, 7, 14, 23, 0), "de", lambda: _on_bastille_day("de", (21, 0), (23, 0))),
        (BASTILLE, paris(2026, 7, 15, 1, 0), "fr", lambda: _on_bastille_day("fr", (21, 0), (1, 0))),
        # a moment
        (BASTILLE, None, "fr", lambda: _on_bastille_day("fr", (21, 0))),
        (BASTILLE, BASTILLE, "en", lambda: _on_bastille_day("en", (21, 0))),
        # whole days (the end is exclusive at midnight) and more than a day: the dates only
        (
            paris(2026, 8, 3),
            paris(2026, 8, 6),
            "fr",
            lambda: cldr.interval(D(2026, 8, 3), D(2026, 8, 5), "MMMMd", "fr"),
        ),
        (
            paris(2026, 8, 3, 10, 0),
            paris(2026, 8, 5, 18, 0),
            "fr",
            lambda: cldr.interval(D(2026, 8, 3), D(2026, 8, 5), "MMMMd", "fr"),
        ),
        (paris(2026, 8, 3), paris(2026, 8, 4), "fr", lambda: cldr.long_date(D(2026, 8, 3), "fr")),
        # over the new year: abbreviated months with their years
        (
            paris(2026, 12, 30, 10, 0),
            paris(2027, 1, 3, 18, 0),
            "fr",
            lambda: cldr.interval(D(2026, 12, 30), D(2027, 1, 3), "yMMMd", "fr"),
        ),
    ],
)
def test_format_datetime_range(start, end, lang, expected):
    assert format_datetime_range(start, end, lang) == expected()


def test_a_range_of_days_names_both_days_and_the_month_once():
    text = format_datetime_range(paris(2026, 8, 3), paris(2026, 8, 6), "fr")
    assert text.startswith("3") and text.count("août") == 1 and "5" in text and "2026" not in text


def test_format_datetime_range_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="before start"):
        format_datetime_range(BASTILLE, paris(2026, 7, 14, 20, 0), "fr")
