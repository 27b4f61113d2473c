import datetime as dt

import pytest

from content.hours import describe
from tests import cldr

ON = dt.date(2026, 11, 26)
SHOP = "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00; PH off"
NB = "\u00a0"  # Borne's French puts a no-break space before a colon


def span(start: str, end: str, lang: str) -> str:
    """A time range as Babel writes it (its spaces and dash change between releases)."""
    return cldr.times(_hm(start), _hm(end), lang)


def _hm(text: str) -> tuple[int, int]:
    hour, minute = text.split(":")
    return int(hour), int(minute)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            [
                f"lundi–vendredi{NB}: {span('09:00', '12:00', 'fr')}, {span('14:00', '19:00', 'fr')}",
                f"samedi{NB}: {span('09:00', '12:00', 'fr')}",
                f"dimanche{NB}: fermé",
                f"jours fériés{NB}: fermé",
            ],
        ),
        (
            "en",
            [
                f"Monday–Friday: {span('09:00', '12:00', 'en')}, {span('14:00', '19:00', 'en')}",
                f"Saturday: {span('09:00', '12:00', 'en')}",
                "Sunday: closed",
                "Public holidays: closed",
            ],
        ),
        (
            "de",
            [
                f"Montag–Freitag: {span('09:00', '12:00', 'de')}, {span('14:00', '19:00', 'de')}",
                f"Samstag: {span('09:00', '12:00', 'de')}",
                "Sonntag: geschlossen",
                "Feiertage: geschlossen",
            ],
        ),
    ],
)
def test_typical_shop_hours(lang, expected):
    assert describe(SHOP, lang, on=ON) == expected


@pytest.mark.parametrize(
    ("lang", "closed_line"),
    [("es", "domingo: cerrado"), ("it", "domenica: chiuso"), ("nl", "zondag: gesloten")],
)
def test_other_ui_languages_name_days_and_closed(lang, closed_line):
    assert closed_line in describe(SHOP, lang, on=ON)


def test_closed_days_come_last_and_split_days_are_listed():
    assert describe("Tu-Sa 10:00-18:00; Mo,Su off", "fr", on=ON) == [
        f"mardi–samedi{NB}: {span('10:00', '18:00', 'fr')}",
        f"lundi, dimanche{NB}: fermé",
    ]


def test_a_night_past_midnight_stays_on_the_day_it_starts():
    assert describe("Fr-Sa 18:00-02:00", "de", on=ON) == [
        f"Freitag, Samstag: {span('18:00', '02:00', 'de')}",
        "Montag–Donnerstag, Sonntag: geschlossen",
    ]


def test_a_night_past_midnight_from_sunday_to_monday():
    assert describe("Su 20:00-01:00", "de", on=ON) == [
        f"Sonntag: {span('20:00', '01:00', 'de')}",
        "Montag–Samstag: geschlossen",
    ]


@pytest.mark.parametrize(
    ("hours", "lang", "expected"),
    [
        ("24/7", "fr", ["Ouvert 24 h/24, 7 j/7"]),
        ("24/7", "en", ["Open 24/7"]),
        ("24/7; PH off", "de", ["Rund um die Uhr geöffnet", "Feiertage: geschlossen"]),
        ("Mo-Fr 00:00-24:00", "en", ["Monday–Friday: 24 hours", "Saturday, Sunday: closed"]),
    ],
)
def test_round_the_clock(hours, lang, expected):
    assert describe(hours, lang, on=ON) == expected


def test_public_holiday_hours_of_their_own():
    assert (
        describe("Mo-Sa 09:00-19:00; PH 10:00-12:00", "de", on=ON)[-1] == f"Feiertage: {span('10:00', '12:00', 'de')}"
    )


def test_no_holiday_line_when_the_rule_says_nothing_about_them():
    assert not any("fériés" in line for line in describe("Mo-Sa 09:00-19:00", "fr", on=ON))


def test_unknown_and_comments_are_shown():
    lines = describe('Mo,We 10:00-12:00 "sur rendez-vous"; Sa unknown', "en", on=ON)
    assert lines == [
        f"Monday, Wednesday: {span('10:00', '12:00', 'en')} (sur rendez-vous)",
        "Saturday: to be confirmed",
        "Tuesday, Thursday, Friday, Sunday: closed",
    ]


@pytest.mark.parametrize(
    "hours",
    [
        "2026 Mo-Fr 09:00-17:00",
        "week 01-26 Mo-Fr 09:00-17:00",
        "Su[1] 10:00-12:00; Jul-Aug Mo-Su 10:00-22:00",
        "Jul-Aug Mo-Su sunrise-sunset",
        'Jul-Aug Mo-Su 10:00-19:00; Sep-Jun Sa 10:00-12:00 "sur rendez-vous"',
    ],
)
def test_hours_that_change_over_the_year_in_uncommon_forms_are_shown_as_written(hours):
    assert describe(hours, "fr", on=ON) == [hours]


def test_seasonal_hours_are_not_mistaken_for_a_plain_week_in_season():
    assert describe("Jul-Aug Mo-Su 10:00-19:00", "en", on=dt.date(2026, 7, 15)) == [
        f"From July to August: every day {span('10:00', '19:00', 'en')}"
    ]


def test_unknown_language_falls_back_to_french():
    assert describe("Mo-Su 10:00-18:00", "pt", on=ON) == [f"lundi–dimanche{NB}: {span('10:00', '18:00', 'fr')}"]


def test_empty_hours_describe_nothing():
    assert describe("  ", "fr") == []


def test_invalid_hours_raise_the_readable_error():
    with pytest.raises(ValueError, match="not valid OSM opening_hours"):
        describe("Mo-Fr 9-12", "fr")


def test_a_holiday_cutting_a_night_short_does_not_hide_the_week():
    assert describe("Tu-Sa 17:00-01:00; PH off", "fr", on=ON) == [
        f"mardi–samedi{NB}: {span('17:00', '01:00', 'fr')}",
        f"lundi, dimanche{NB}: fermé",
        f"jours fériés{NB}: fermé",
    ]


D = dt.date


@pytest.mark.parametrize(
    ("hours", "on", "first", "last", "skeleton"),
    [
        ("Tu-Sa 10:00-12:30,14:30-18:30; Jan off", ON, D(2027, 1, 1), D(2027, 1, 30), "yMMMd"),  # the 31st: Sunday
        ("Mo-Su 11:30-14:00,18:30-22:00; Nov off", ON, ON, D(2026, 11, 30), "MMMd"),  # from today on
        ("Mo-Su 11:30-14:00,18:30-22:00; Nov off", D(2026, 7, 1), D(2026, 11, 1), D(2026, 11, 30), "MMMd"),
        ("Mo-Fr 08:00-18:00; Dec 25 off", ON, D(2026, 12, 25), D(2026, 12, 25), "MMMd"),
        ("Mo-Sa 09:00-19:00; 2026 Dec 21-2027 Jan 04 off", ON, D(2026, 12, 21), D(2027, 1, 4), "yMMMd"),
    ],
)
def test_closures_ahead_are_listed_after_the_week(hours, on, first, last, skeleton):
    """The year is written only when the closure is not all within this year."""
    lines = describe(hours, "fr", on=on)
    dates = cldr.skeleton(first, skeleton, "fr") if first == last else cldr.interval(first, last, skeleton, "fr")
    assert lines[-1] == f"fermé{NB}: {dates}"
    assert lines[0].startswith(("lundi", "mardi"))


def test_closures_more_than_six_months_ahead_are_not_listed():
    assert describe("Mo-Su 11:30-14:00,18:30-22:00; Nov off", "en", on=dt.date(2026, 1, 15)) == [
        f"Monday–Sunday: {span('11:30', '14:00', 'en')}, {span('18:30', '22:00', 'en')}"
    ]


def test_open_only_part_of_the_year_is_read_by_season():
    hours = "Apr-Sep Mo-Su 08:00-12:00,14:00-20:00; Oct-Mar off"
    assert describe(hours, "fr", on=ON) == [
        f"D'avril à septembre{NB}: tous les jours {span('08:00', '12:00', 'fr')}, {span('14:00', '20:00', 'fr')}",
        "Fermé d'octobre à mars",
    ]
