"""Opening hours that change over the year, read rule by rule in the kiosk's six languages.

Month names, dates and times are taken from Babel here too: the test states Borne's words around
them (content.hours_words.SEASON_WORDS) and which of Babel's forms goes where.
"""

import datetime as dt

import pytest
from babel.dates import get_day_names, get_month_names

from content.hours import describe
from content.hours_seasons import seasonal_lines
from tests import cldr

ON = dt.date(2026, 11, 26)
CAMPSITE = "May-Sep Mo-Su 08:30-12:30,14:00-20:00; Oct-Apr off"
LANGS = ("fr", "en", "de", "es", "it", "nl")
NB = "\u00a0"


def month(number: int, lang: str) -> str:
    return get_month_names("wide", locale=lang)[number]


def day_of(month_number: int, day: int, lang: str) -> str:
    return cldr.skeleton(dt.date(2000, month_number, day), "MMMMd", lang)


def span(start: str, end: str, lang: str) -> str:
    (h1, m1), (h2, m2) = (tuple(int(p) for p in t.split(":")) for t in (start, end))
    return cldr.times((h1, m1), (h2, m2), lang)


def hours_of_campsite(lang: str) -> str:
    return f"{span('08:30', '12:30', lang)}, {span('14:00', '20:00', lang)}"


@pytest.mark.parametrize(
    ("lang", "season", "closed"),
    [
        ("fr", "De {may} à {sep}{NB}: tous les jours {hours}", "Fermé d'{oct} à {apr}"),
        ("en", "From {may} to {sep}: every day {hours}", "Closed from {oct} to {apr}"),
        ("de", "Von {may} bis {sep}: täglich {hours}", "Geschlossen von {oct} bis {apr}"),
        ("es", "De {may} a {sep}: todos los días {hours}", "Cerrado de {oct} a {apr}"),
        ("it", "Da {may} a {sep}: tutti i giorni {hours}", "Chiuso da {oct} ad {apr}"),
        ("nl", "Van {may} tot en met {sep}: dagelijks {hours}", "Gesloten van {oct} tot en met {apr}"),
    ],
)
def test_a_campsite_open_from_may_to_september_reads_naturally(lang, season, closed):
    names = {key: month(n, lang) for key, n in (("may", 5), ("sep", 9), ("oct", 10), ("apr", 4))}
    expected = [
        season.format(**names, NB=NB, hours=hours_of_campsite(lang)),
        closed.format(**names),
    ]
    expected = [line[:1].upper() + line[1:] for line in expected]
    assert describe(CAMPSITE, lang, on=ON) == expected


@pytest.mark.parametrize(
    ("lang", "template"),
    [
        ("fr", "Fermé le {date}"),
        ("en", "Closed on {date}"),
        ("de", "Geschlossen am {date}"),
        ("es", "Cerrado el {date}"),
        ("it", "Chiuso il {date}"),
        ("nl", "Gesloten op {date}"),
    ],
)
def test_a_day_off_and_public_holidays_in_a_seasonal_rule(lang, template):
    lines = describe(CAMPSITE + "; Jul 14 off; PH off", lang, on=ON)
    holidays = {"fr": f"Jours fériés{NB}: fermé", "en": "Public holidays: closed", "de": "Feiertage: geschlossen",
                "es": "Festivos: cerrado", "it": "Festivi: chiuso", "nl": "Feestdagen: gesloten"}  # fmt: skip
    assert lines[2:] == [template.format(date=day_of(7, 14, lang)), holidays[lang]]


@pytest.mark.parametrize("lang", LANGS)
def test_date_ranges_and_weekdays_are_babels(lang):
    lines = seasonal_lines("Jul 14-Aug 15 Sa,Su 10:00-18:00; Dec 24-26 off", lang)
    assert lines is not None
    first, second = lines
    weekend = ", ".join(get_day_names("wide", locale=lang)[d] for d in (5, 6))
    for text in (day_of(7, 14, lang), day_of(8, 15, lang), weekend, span("10:00", "18:00", lang)):
        assert text in first
    assert day_of(12, 24, lang) in second and day_of(12, 26, lang) in second
    assert first.index(day_of(7, 14, lang)) < first.index(day_of(8, 15, lang)) < first.index(weekend)


def test_italian_elides_before_eight_and_eleven():
    assert seasonal_lines("Jul 8-Aug 11 off", "it") == [f"Chiuso dall'{day_of(7, 8, 'it')} all'{day_of(8, 11, 'it')}"]
    assert seasonal_lines("Aug 11 off", "it") == [f"Chiuso l'{day_of(8, 11, 'it')}"]


def test_a_colon_after_the_months_is_read_the_same():
    assert seasonal_lines(CAMPSITE.replace("May-Sep ", "May-Sep: "), "en") == seasonal_lines(CAMPSITE, "en")


def test_a_single_month_and_a_week_that_wraps_round():
    assert seasonal_lines("Aug Fr-Mo 19:00-02:00", "fr") == [
        f"En {month(8, 'fr')}{NB}: "
        f"{get_day_names('wide', locale='fr')[0]}, {get_day_names('wide', locale='fr')[4]}–"
        f"{get_day_names('wide', locale='fr')[6]} {span('19:00', '02:00', 'fr')}"
    ]


def test_summer_hours_after_the_usual_week():
    names = get_day_names("wide", locale="en")
    assert describe("Mo-Sa 09:00-18:00; Jul-Aug Mo-Su 09:00-20:00", "en", on=ON) == [
        f"{names[0]}–{names[5]}: {span('09:00', '18:00', 'en')}",
        f"From {month(7, 'en')} to {month(8, 'en')}: every day {span('09:00', '20:00', 'en')}",
    ]


@pytest.mark.parametrize(
    "hours",
    ["2026 May-Sep Mo-Su 08:00-20:00", "May-Sep Mo-Su 08:00-20:00 || closed", "Jun Su[1] 10:00-12:00", "Jul SH off"],
)
def test_forms_not_read_are_left_to_the_caller(hours):
    assert seasonal_lines(hours, "fr") is None


def test_the_public_page_says_the_same_words():
    from backoffice.public.page import week_lines

    assert week_lines(CAMPSITE, "de", ON) == describe(CAMPSITE, "de", on=ON)
    assert week_lines(CAMPSITE, "de", ON)[1] == f"Geschlossen von {month(10, 'de')} bis {month(4, 'de')}"
