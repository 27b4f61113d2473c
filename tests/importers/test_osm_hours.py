import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opening_hours import OpeningHours

from backoffice.importers.osm_hours import DAYS, HoursError, Spec, day_code, hhmm, merge_specs

D = dt.date


def spec(days, opens, closes, start=None, end=None):
    return Spec(frozenset(days), opens, closes, start, end)


def is_open(value: str, when: dt.datetime) -> bool:
    return OpeningHours(value).is_open(when)


def test_days_with_identical_intervals_are_grouped_and_split_intervals_merged():
    value = merge_specs(
        [spec([d], "10:00", "12:30") for d in ("Mo", "Tu", "We", "Fr")]
        + [spec([d], "14:00", "19:00") for d in ("Mo", "Tu", "We", "Fr")]
        + [spec(["Sa"], "10:00", "12:00")]
    )
    assert value == "Mo-We,Fr 10:00-12:30,14:00-19:00; Sa 10:00-12:00"


def test_a_season_overrides_the_whole_year_and_closes_the_days_it_does_not_list():
    value = merge_specs(
        [spec(["We", "Th", "Fr", "Sa"], "10:00", "18:00", D(2024, 1, 1), D(2024, 12, 31))]
        + [spec(["Sa"], "10:00", "17:00", D(2024, 7, 8), D(2024, 9, 1))]
    )
    assert value == "We-Sa 10:00-18:00; Jul 08-Sep 01 Mo-Fr,Su off; Jul 08-Sep 01 Sa 10:00-17:00"
    assert is_open(value, dt.datetime(2026, 3, 4, 11))  # a Wednesday out of season
    assert not is_open(value, dt.datetime(2026, 7, 15, 11))  # a Wednesday in the season
    assert not is_open(value, dt.datetime(2026, 7, 18, 17, 30))  # Saturday after the season's closing


def test_a_period_across_new_year_is_one_month_day_range():
    value = merge_specs([spec(DAYS, "10:00", "18:00", D(2023, 12, 23), D(2024, 1, 7))])
    assert value == "Dec 23-Jan 07 Mo-Su 10:00-18:00"
    assert is_open(value, dt.datetime(2026, 1, 2, 12))
    assert not is_open(value, dt.datetime(2026, 1, 8, 12))


def test_the_same_dates_in_a_later_year_replace_the_earlier_year():
    value = merge_specs(
        [spec(DAYS, "10:00", "12:00", D(2022, 12, 26), D(2022, 12, 31))]
        + [spec(["Tu"], "14:00", "17:00", D(2023, 12, 26), D(2023, 12, 31))]
    )
    assert value == "Dec 26-Dec 31 Tu 14:00-17:00"


def test_days_without_times_are_unknown_and_midnight_closing_is_24():
    assert merge_specs([spec(["Mo"], None, None)]) == "Mo unknown"
    assert merge_specs([spec(["Su"], hhmm("20:00:00"), hhmm("00:00:00", closing=True))]) == "Su 20:00-24:00"


def test_no_days_means_every_day():
    assert merge_specs([spec([], "09:00", "17:00")]) == "Mo-Su 09:00-17:00"


@pytest.mark.parametrize(
    "specs",
    [
        [spec(["Mo"], "10:00", None)],
        [spec(["Mo"], "10:00", "12:00", D(2024, 5, 1), D(2024, 4, 1))],
        [spec(["Mo"], "10:00", "12:00", D(2024, 5, 1), None)],
    ],
)
def test_what_cannot_be_expressed_raises(specs):
    with pytest.raises(HoursError):
        merge_specs(specs)


@pytest.mark.parametrize("bad", ["25:00:00", "10h", "", "10:61"])
def test_bad_times_raise(bad):
    with pytest.raises(HoursError, match="time of day"):
        hhmm(bad)


@pytest.mark.parametrize(
    ("uri", "code"),
    [("schema:Monday", "Mo"), ("http://schema.org/Sunday", "Su"), ("Friday", "Fr"), ("schema:PublicHolidays", "PH")],
)
def test_day_codes(uri, code):
    assert day_code(uri) == code


def test_unknown_day_raises():
    with pytest.raises(HoursError, match="Funday"):
        day_code("schema:Funday")


_times = st.integers(min_value=0, max_value=22).flatmap(
    lambda h: st.tuples(st.just(h), st.integers(min_value=h + 1, max_value=23))
)


@given(st.dictionaries(st.sampled_from(DAYS), _times, min_size=1))
def test_merged_hours_say_open_exactly_when_the_specifications_do(schedule):
    value = merge_specs([spec([d], f"{a:02d}:00", f"{b:02d}:00") for d, (a, b) in schedule.items()])
    monday = dt.datetime(2026, 6, 1)
    for offset, day in enumerate(DAYS):
        for hour in range(24):
            when = monday + dt.timedelta(days=offset, hours=hour, minutes=30)
            expected = day in schedule and schedule[day][0] <= hour < schedule[day][1]
            assert is_open(value, when) == expected, (value, when)
