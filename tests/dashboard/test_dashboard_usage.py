"""The council's dashboard: figures and CSV from counters posted through the real heartbeat endpoint."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from backoffice.catalog.models import Entry
from backoffice.dashboard.numbers import fr_int, fr_percent
from tests import cldr

pytestmark = pytest.mark.django_db


def row(hour, screen, n, entry_id="", category="", lang="fr"):
    return {"hour": hour, "screen": screen, "entry_id": entry_id, "category": category, "lang": lang, "n": n}


@pytest.fixture
def october(kiosks, commune, post_heartbeat):
    """Counters of October 2026 (and its edges) from two kiosks; returns the Cathédrale's id."""
    cathedral = Entry(kind="heritage", title={"fr": "Cathédrale Saint-Pierre"}, status="published", commune=commune)
    cathedral.save()
    sneaky = Entry(kind="shop", title={"fr": "<script>alert(1)</script>"}, status="published", commune=commune)
    sneaky.save()
    mairie, gare = kiosks["mairie"][1], kiosks["gare"][1]
    batch = [
        row("2026-10-03T08:00:00Z", "detail", 5, entry_id=cathedral.wire_id, category="church"),
        row("2026-10-03T09:00:00Z", "list", 3, category="museum", lang="en"),
        row("2026-10-03T10:00:00Z", "home", 2, lang="de"),
        row("2026-10-03T10:00:00Z", "attract", 50),  # nobody at the kiosk: not a view
        row("2026-09-15T10:00:00Z", "home", 10),  # September
    ]
    assert post_heartbeat(mairie, "m-1", batch)["acknowledged"] == ["m-1"]
    post_heartbeat(mairie, "m-1", batch)  # sent again after a lost answer: counted once
    post_heartbeat(
        gare,
        "g-1",
        [
            row("2026-10-10T14:00:00Z", "detail", 3, entry_id="datatourisme:gone", category="church"),
            row("2026-10-10T15:30:00Z", "detail", 1, entry_id=sneaky.wire_id),
            row("2026-10-31T23:00:00Z", "home", 7),  # 1 November 00:00 in Paris
            row("2026-09-30T22:00:00Z", "home", 6),  # 1 October 00:00 in Paris (summer time)
        ],
    )
    return cathedral


def test_dashboard_figures_match_the_counters_posted(staff_client, october):
    response = staff_client.get("/dashboard/?mois=2026-10")
    assert response.status_code == 200
    s = response.context["s"]
    assert s.total == 5 + 3 + 2 + 3 + 1 + 6
    assert s.details == 9
    assert s.previous_total == 10
    days = {d.day: n for d, n in s.days if n}
    assert days == {1: 6, 3: 10, 10: 4}
    assert len(s.days) == 31
    # each language by its French name as CLDR spells it, capitalised to head a table row
    names = [cldr.language_name(code, "fr").capitalize() for code in ("fr", "en", "de")]
    assert names[0] == "Français"
    assert s.languages == [("fr", names[0], 15), ("en", names[1], 3), ("de", names[2], 2)]
    assert s.top_entries[0] == (october.wire_id, "Cathédrale Saint-Pierre", 5)
    assert ("datatourisme:gone", "datatourisme:gone", 3) in s.top_entries
    assert [(c, n) for c, _label, n in s.top_categories] == [("church", 8), ("museum", 3)]
    assert s.kiosks == [("Borne gare", 10), ("Borne mairie", 10)]
    html = response.content.decode()
    assert f'<div class="n">{fr_int(20)}</div>' in html
    assert fr_percent(5 / 20) in html  # views in another language
    assert fr_percent(1.0, signed=True) in html  # +100 % against September
    assert "Cathédrale Saint-Pierre" in html and "<svg" in html


def test_one_kiosk_and_the_next_month(staff_client, october, kiosks):
    mairie = kiosks["mairie"][0]
    s = staff_client.get(f"/dashboard/?mois=2026-10&borne={mairie.pk}").context["s"]
    assert (s.total, s.kiosk) == (10, mairie)
    november = staff_client.get("/dashboard/?mois=2026-11").context["s"]
    assert november.total == 7
    assert november.days[0][1] == 7


def test_weekly_views_add_up(staff_client, october):
    s = staff_client.get("/dashboard/?mois=2026-10").context["s"]
    weeks = dict(s.weeks)
    assert len(weeks) == 12
    assert sum(weeks.values()) == 10 + 20 + 7  # September 15, October, and 1 November (same week as 26 October)


def test_csv_matches_the_dashboard_in_french(staff_client, october):
    from babel import Locale
    from babel.dates import format_date

    from content import categories

    s = staff_client.get("/dashboard/?mois=2026-10").context["s"]
    response = staff_client.get("/dashboard/usage.csv?mois=2026-10")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads the accents right
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert sum(int(r["Vues"]) for r in rows) == s.total
    per_day: dict[str, int] = {}
    for r in rows:
        per_day[r["Jour"]] = per_day.get(r["Jour"], 0) + int(r["Vues"])
    assert per_day == {format_date(d, "short", locale="fr_FR"): n for d, n in s.days if n}
    cathedral = [r for r in rows if r["Identifiant de la fiche"] == october.wire_id]
    assert cathedral == [
        {
            "Jour": format_date(dt.date(2026, 10, 3), "short", locale="fr_FR"),
            "Borne": "Borne mairie",
            "Écran": "Fiches",
            "Fiche": "Cathédrale Saint-Pierre",
            "Identifiant de la fiche": october.wire_id,
            "Rubrique": categories.CATEGORIES["church"].name("fr"),
            "Langue": Locale("fr").languages["fr"].capitalize(),
            "Vues": "5",
        }
    ]
    assert not any(r["Écran"] in ("attract", "Écran de veille") for r in rows)


def test_monthly_report_is_printable_with_the_town_and_month(staff_client, october):
    response = staff_client.get("/dashboard/rapport/?mois=2026-10")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Octobre 2026" in html and "Saint-Flour" in html
    assert "@page { size: A4" in html
    assert "Cathédrale Saint-Pierre" in html
    assert f'<div class="n">{fr_int(20)}</div>' in html


def test_titles_are_escaped_in_charts_and_lists(staff_client, october):
    for url in ("/dashboard/?mois=2026-10", "/dashboard/rapport/?mois=2026-10"):
        html = staff_client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)" in html


def test_an_empty_month_shows_zeros(staff_client, kiosks):
    response = staff_client.get("/dashboard/?mois=2030-02")
    assert response.context["s"].total == 0
    assert len(response.context["s"].days) == 28
    assert "aucune donnée" in response.content.decode()


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/rapport/", "/dashboard/usage.csv"])
def test_anonymous_visitors_cannot_see_the_dashboard(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/rapport/", "/dashboard/usage.csv"])
def test_a_shopkeeper_cannot_see_the_dashboard(shopkeeper_client, october, url):
    response = shopkeeper_client.get(url)
    assert response.status_code == 302
    assert b"Cath" not in response.content
