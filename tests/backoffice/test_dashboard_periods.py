"""The usage dashboard over a month, a quarter, a year or a range; like-with-like trends; French errors."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from backoffice.dashboard import period as p
from backoffice.dashboard import stats
from backoffice.dashboard.numbers import fr_percent
from backoffice.fleet.models import UsageCounter

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def staff_client(client, staff, settings):
    settings.TIME_ZONE = "Europe/Paris"
    client.force_login(staff("editor"))
    return client


@pytest.fixture
def count(kiosk_token):
    def add(day: dt.date, n: int, screen="home", hour=12):
        UsageCounter.objects.create(
            kiosk=kiosk_token[0], hour=dt.datetime.combine(day, dt.time(hour), PARIS), screen=screen, n=n, lang="fr"
        )

    return add


def page(client, query: str) -> tuple[object, str]:
    response = client.get("/dashboard/?" + query)
    assert response.status_code == 200
    return response.context, html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("period", "first", "end", "label"),
    [
        (p.Period.quarter(2026, 4), dt.date(2026, 10, 1), dt.date(2027, 1, 1), "4e trimestre 2026"),
        (p.Period.quarter(2026, 1), dt.date(2026, 1, 1), dt.date(2026, 4, 1), "1er trimestre 2026"),
        (p.Period.year(2025), dt.date(2025, 1, 1), dt.date(2026, 1, 1), "Année 2025"),
        (p.Period.span(dt.date(2026, 11, 3), dt.date(2026, 11, 12)), dt.date(2026, 11, 3), dt.date(2026, 11, 13), None),
    ],
)
def test_periods_have_their_days_and_a_french_name(period, first, end, label):
    assert (period.first, period.end) == (first, end)
    if label:
        assert period.label == label
    else:
        assert period.label == f"Du 3 au {format_date(dt.date(2026, 11, 12), 'd MMMM y', locale='fr_FR')}"


def test_previous_period_is_of_the_same_kind_and_length():
    assert p.Period.quarter(2026, 1).previous == p.Period.quarter(2025, 4)
    assert p.Period.year(2026).previous == p.Period.year(2025)
    span = p.Period.span(dt.date(2026, 11, 3), dt.date(2026, 11, 12))
    assert span.previous == p.Period.span(dt.date(2026, 10, 24), dt.date(2026, 11, 2))


def test_an_ongoing_month_is_compared_with_as_many_days_of_the_previous_one(count):
    for day in range(1, 31):
        count(dt.date(2026, 11, day), 10)
    for day in range(1, 13):
        count(dt.date(2026, 12, day), 10)
    count(dt.date(2026, 12, 13), 100)  # today, not over
    s = stats.summarise(p.Period.month(2026, 12), today=dt.date(2026, 12, 13))
    assert s.total == 220
    assert (s.compared_total, s.previous_total) == (120, 120)
    assert s.trend == 0.0  # against the whole of November it would have looked like -27 %
    november = format_date(dt.date(2026, 11, 1), "MMMM y", locale="fr_FR")
    assert s.comparison.words.endswith(f"par rapport aux 12 premiers jours de {november}")
    assert "aujourd'hui exclu" in s.comparison.words


def test_a_finished_month_is_compared_with_the_whole_previous_month(count):
    count(dt.date(2026, 10, 5), 10)
    count(dt.date(2026, 11, 5), 25)
    s = stats.summarise(p.Period.month(2026, 11), today=dt.date(2026, 12, 13))
    assert s.trend == 1.5
    assert s.comparison.words == f"par rapport à {format_date(dt.date(2026, 10, 1), 'MMMM y', locale='fr_FR')}"


def test_first_day_of_a_period_has_no_trend_yet(count):
    count(dt.date(2026, 11, 5), 25)
    s = stats.summarise(p.Period.month(2026, 12), today=dt.date(2026, 12, 1))
    assert s.comparison is None and s.trend is None


def test_quarter_page(staff_client, count):
    count(dt.date(2026, 10, 3), 7)
    count(dt.date(2026, 12, 24), 5)
    count(dt.date(2026, 9, 30), 100)  # the third quarter
    context, text = page(staff_client, "periode=trimestre&trimestre=2026-T4")
    assert context["s"].total == 12
    assert "4e trimestre 2026" in text and "Pages vues par semaine" in text


def test_year_page_draws_months(staff_client, count):
    count(dt.date(2025, 3, 3), 4)
    context, text = page(staff_client, "periode=annee&annee=2025")
    assert context["s"].total == 4 and len(context["s"].days) == 365
    assert "Pages vues par mois" in text and "Année 2025" in text


def test_custom_range_page(staff_client, count):
    count(dt.date(2026, 10, 3), 7)
    count(dt.date(2026, 10, 13), 5)
    context, _text = page(staff_client, "periode=plage&du=2026-10-03&au=2026-10-12")
    assert context["s"].total == 7 and len(context["s"].days) == 10


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("periode=plage&du=2026-10-12&au=2026-10-03", "est avant la date de début"),
        ("periode=plage&du=2026-02-31&au=2026-03-03", "« 2026-02-31 » n'est pas une date"),
        ("periode=plage&du=&au=2026-03-03", "Date de début : indiquez une date"),
        ("periode=plage&du=03/10/2026&au=hier", "Date de fin : « hier » n'est pas une date"),
        ("periode=plage&du=2001-01-01&au=2026-01-01", "Période trop longue"),
        ("periode=plage&du=1999-01-01&au=1999-01-02", "entre 2000 et 2099"),
        ("periode=mois&mois=2026-13", "Mois : « 2026-13 » n'est pas un mois"),
        ("periode=trimestre&trimestre=2026-T5", "Trimestre : « 2026-T5 »"),
        ("periode=annee&annee=²⁰²⁶", "Année : « ²⁰²⁶ »"),
        ("periode=semaine", "Période : « semaine »"),
        ("borne=²", "Borne : « ² »"),
        ("borne=99999999999999999999999", "n'est pas une borne"),
    ],
)
def test_bad_period_is_refused_in_french_and_keeps_what_was_typed(staff_client, kiosk_token, query, message):
    context, text = page(staff_client, query)
    assert any(message in e for e in context["errors"]), context["errors"]
    assert "La période demandée n'a pas pu être affichée" in text
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name in ("du", "au") and value:
            assert f'name="{name}" value="{value}"' in text  # what was typed is still in the form


def test_csv_of_a_quarter_in_french(staff_client, count):
    count(dt.date(2026, 10, 3), 7, screen="detail")
    response = staff_client.get("/dashboard/usage.csv?periode=trimestre&trimestre=2026-T4")
    assert "2026-T4" in response["Content-Disposition"]
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert row["Jour"] == format_date(dt.date(2026, 10, 3), "short", locale="fr_FR")
    assert (row["Écran"], row["Vues"]) == ("Fiches", "7")


def test_trend_sentence_on_the_page(staff_client, count):
    count(dt.date(2026, 9, 5), 10)
    count(dt.date(2026, 10, 5), 20)
    _context, text = page(staff_client, "periode=mois&mois=2026-10")
    september = format_date(dt.date(2026, 9, 1), "MMMM y", locale="fr_FR")
    assert f"{fr_percent(1.0, signed=True)} par rapport à {september}" in text


def test_average_per_day_of_an_ongoing_period_counts_the_days_begun(count):
    count(dt.date(2026, 10, 3), 30)
    s = stats.summarise(p.Period.quarter(2026, 4), today=dt.date(2026, 10, 10))
    assert s.per_day == 3.0  # 30 views over the 10 days begun, not over the 92 days of the quarter


def test_a_quarter_has_no_second_weekly_chart(staff_client, count):
    count(dt.date(2026, 10, 3), 7)
    _context, text = page(staff_client, "periode=trimestre&trimestre=2026-T4")
    assert text.count("<h2>Pages vues par semaine</h2>") == 1
    _context, text = page(staff_client, "periode=mois&mois=2026-10")
    assert "<h2>Pages vues par jour</h2>" in text and "<h2>Pages vues par semaine</h2>" in text
