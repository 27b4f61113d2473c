import datetime as dt

import pytest

from content.hours import describe

ON = dt.date(2026, 11, 26)
SHOP = "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00; PH off"
NB = "\u00a0"  # French puts a no-break space before a colon
TS = "\u2009"  # CLDR's thin spaces around the dash of a time range
NN = "\u202f"  # and its narrow no-break space before AM/PM


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            [
                f"lundi–vendredi{NB}: 09:00{TS}–{TS}12:00, 14:00{TS}–{TS}19:00",
                f"samedi{NB}: 09:00{TS}–{TS}12:00",
                f"dimanche{NB}: fermé",
                f"jours fériés{NB}: fermé",
            ],
        ),
        (
            "en",
            [
                f"Monday–Friday: 9:00{NN}AM{TS}–{TS}12:00{NN}PM, 2:00{TS}–{TS}7:00{NN}PM",
                f"Saturday: 9:00{NN}AM{TS}–{TS}12:00{NN}PM",
                "Sunday: closed",
                "Public holidays: closed",
            ],
        ),
        (
            "de",
            [
                "Montag–Freitag: 09:00–12:00 Uhr, 14:00–19:00 Uhr",
                "Samstag: 09:00–12:00 Uhr",
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
        f"mardi–samedi{NB}: 10:00{TS}–{TS}18:00",
        f"lundi, dimanche{NB}: fermé",
    ]


def test_a_night_past_midnight_stays_on_the_day_it_starts():
    assert describe("Fr-Sa 18:00-02:00", "de", on=ON) == [
        "Freitag, Samstag: 18:00–02:00 Uhr",
        "Montag–Donnerstag, Sonntag: geschlossen",
    ]


def test_a_night_past_midnight_from_sunday_to_monday():
    assert describe("Su 20:00-01:00", "de", on=ON) == ["Sonntag: 20:00–01:00 Uhr", "Montag–Samstag: geschlossen"]


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
    assert describe("Mo-Sa 09:00-19:00; PH 10:00-12:00", "de", on=ON)[-1] == "Feiertage: 10:00–12:00 Uhr"


def test_no_holiday_line_when_the_rule_says_nothing_about_them():
    assert not any("fériés" in line for line in describe("Mo-Sa 09:00-19:00", "fr", on=ON))


def test_unknown_and_comments_are_shown():
    lines = describe('Mo,We 10:00-12:00 "sur rendez-vous"; Sa unknown', "en", on=ON)
    assert lines == [
        f"Monday, Wednesday: 10:00{NN}AM{TS}–{TS}12:00{NN}PM (sur rendez-vous)",
        "Saturday: to be confirmed",
        "Tuesday, Thursday, Friday, Sunday: closed",
    ]


@pytest.mark.parametrize(
    "hours",
    ["Mo-Su 10:00-18:00; Jul-Aug Mo-Su 10:00-22:00", "Mo-Fr 08:00-18:00; Dec 24 08:00-12:00", "2026 Mo-Fr 09:00-17:00"],
)
def test_hours_that_change_over_the_year_are_shown_as_written(hours):
    assert describe(hours, "fr", on=ON) == [hours]


def test_seasonal_hours_are_not_mistaken_for_a_plain_week_in_season():
    assert describe("Jul-Aug Mo-Su 10:00-19:00", "en", on=dt.date(2026, 7, 15)) == ["Jul-Aug Mo-Su 10:00-19:00"]


def test_unknown_language_falls_back_to_french():
    assert describe("Mo-Su 10:00-18:00", "pt", on=ON) == [f"lundi–dimanche{NB}: 10:00{TS}–{TS}18:00"]


def test_empty_hours_describe_nothing():
    assert describe("  ", "fr") == []


def test_invalid_hours_raise_the_readable_error():
    with pytest.raises(ValueError, match="not valid OSM opening_hours"):
        describe("Mo-Fr 9-12", "fr")


def test_a_holiday_cutting_a_night_short_does_not_hide_the_week():
    assert describe("Tu-Sa 17:00-01:00; PH off", "fr", on=ON) == [
        f"mardi–samedi{NB}: 17:00{TS}–{TS}01:00",
        f"lundi, dimanche{NB}: fermé",
        f"jours fériés{NB}: fermé",
    ]


@pytest.mark.parametrize(
    ("hours", "on", "closure"),
    [
        ("Tu-Sa 10:00-12:30,14:30-18:30; Jan off", ON, f"fermé{NB}: 1–30 janv. 2027"),  # the 31st is a Sunday
        ("Mo-Su 11:30-14:00,18:30-22:00; Nov off", ON, f"fermé{NB}: 26–30 nov."),  # from today on
        ("Mo-Su 11:30-14:00,18:30-22:00; Nov off", dt.date(2026, 7, 1), f"fermé{NB}: 1–30 nov."),
        ("Mo-Fr 08:00-18:00; Dec 25 off", ON, f"fermé{NB}: 25 déc."),
        ("Mo-Sa 09:00-19:00; 2026 Dec 21-2027 Jan 04 off", ON, f"fermé{NB}: 21 déc. 2026{TS}–{TS}4 janv. 2027"),
    ],
)
def test_closures_ahead_are_listed_after_the_week(hours, on, closure):
    lines = describe(hours, "fr", on=on)
    assert lines[-1] == closure
    assert lines[0].startswith(("lundi", "mardi"))


def test_closures_more_than_six_months_ahead_are_not_listed():
    assert describe("Mo-Su 11:30-14:00,18:30-22:00; Nov off", "en", on=dt.date(2026, 1, 15)) == [
        f"Monday–Sunday: 11:30{NN}AM{TS}–{TS}2:00{NN}PM, 6:30{TS}–{TS}10:00{NN}PM"
    ]


def test_open_only_part_of_the_year_is_shown_as_written():
    hours = "Apr-Sep Mo-Su 08:00-12:00,14:00-20:00; Oct-Mar off"
    assert describe(hours, "fr", on=ON) == [hours]
