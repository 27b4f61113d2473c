"""The public page of an entry (what a kiosk's QR code opens): languages, hours, dates, links, 410/404, scans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from backoffice.public.models import PageHit


@pytest.fixture
def shop(make_entry):
    return make_entry(
        "Fromagerie Sabatier",
        kind="shop",
        categories=[],
        summary={"fr": "Cantal et salers fermiers.", "en": "Farm Cantal and Salers cheeses."},
        body={"fr": "Affiné dans nos caves.\n\nDégustation le samedi."},
        opening_hours="Mo-Su 00:00-24:00",
        phone="04 71 60 00 00",
        email="fromagerie@example.org",
        website="https://fromagerie.example.org",
        street="3 rue des Lacs",
        postcode="15100",
        city="Saint-Flour",
        lat=45.0337,
        lon=3.0925,
        source_producer="Office de tourisme",
        source_licence="Licence Ouverte 2.0",
    )


def test_page_speaks_the_language_in_its_address(client, shop):
    en = client.get(f"/p/{shop.pk}/en")
    assert en.status_code == 200
    html = en.content.decode()
    assert '<html lang="en">' in html
    assert "Farm Cantal and Salers cheeses." in html
    assert "Opening hours" in html and "Open" in html
    de = client.get(f"/p/{shop.pk}/de").content.decode()
    assert "Öffnungszeiten" in de  # the kiosk's own German word
    assert "Cantal et salers fermiers." in de  # no German text: the French one, marked as such
    assert 'lang="fr"' in de


def test_page_links_contact_directions_and_source(client, shop):
    html = client.get(f"/p/{shop.pk}/fr").content.decode()
    assert 'href="tel:0471600000"' in html
    assert 'href="mailto:fromagerie@example.org"' in html
    assert 'href="https://fromagerie.example.org"' in html
    assert 'href="geo:45.033700,3.092500"' in html
    assert "openstreetmap.org/?mlat=45.03370" in html
    assert "Office de tourisme · Licence Ouverte 2.0" in html
    assert '<meta property="og:title" content="Fromagerie Sabatier">' in html
    assert "<script" not in html


def test_page_is_cacheable_and_sets_no_cookie(client, shop):
    response = client.get(f"/p/{shop.pk}/fr")
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies


def test_each_opening_counts_as_a_scan_per_day_and_language(client, shop):
    for lang in ("fr", "en", "en"):
        client.get(f"/p/{shop.pk}/{lang}")
    hits = {h.lang: h.count for h in PageHit.objects.filter(entry=shop, day=timezone.localdate())}
    assert hits == {"fr": 1, "en": 2}


def test_withdrawn_is_gone_with_a_link_home_and_unknown_is_not_found(client, shop, make_entry, settings):
    settings.BORNE_TOWN_URL = "https://www.saint-flour.fr"
    shop.status = "withdrawn"
    shop.save()
    gone = client.get(f"/p/{shop.pk}/en")
    assert gone.status_code == 410
    assert 'href="https://www.saint-flour.fr"' in gone.content.decode()
    draft = make_entry("Brouillon", status="draft")
    assert client.get(f"/p/{draft.pk}/fr").status_code == 404
    assert client.get("/p/999999/fr").status_code == 404
    assert client.get(f"/p/{shop.pk}/xx").status_code == 404
    assert not PageHit.objects.exists()


def test_without_a_town_address_the_gone_page_leads_to_the_town_site_of_the_entry(client, make_entry, settings):
    settings.BORNE_TOWN_URL = ""
    entry = make_entry("Ancien marché", url="https://www.saint-flour.fr/patrimoine/marche")
    entry.status = "withdrawn"
    entry.save()
    gone = client.get(f"/p/{entry.pk}/fr")
    assert gone.status_code == 410
    html = gone.content.decode()
    assert 'href="https://www.saint-flour.fr/"' in html and "Saint-Flour" in html


def test_language_is_chosen_from_the_browser_without_one_in_the_address(client, shop):
    response = client.get(f"/p/{shop.pk}", HTTP_ACCEPT_LANGUAGE="nl-BE,nl;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == f"/p/{shop.pk}/nl"


def test_event_dates_and_calendar_file(client, make_entry):
    from backoffice.catalog.models import Occurrence

    event = make_entry("Concert, orgue; Bach", kind="event", categories=[])
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    Occurrence.objects.create(entry=event, start=start, end=start + dt.timedelta(hours=2))
    event.touch()
    html = client.get(f"/p/{event.pk}/en").content.decode()
    assert f"/p/{event.pk}/en/agenda.ics" in html
    local = timezone.localtime(start)
    dates = html[html.index("<h2>Dates</h2>") :]
    assert str(local.year) in dates and f"{local:%H:%M}" in dates and ":00:00" not in dates
    ics = client.get(f"/p/{event.pk}/en/agenda.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert "SUMMARY:Concert\\, orgue\\; Bach\r\n" in text
    assert f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}\r\n" in text
    assert text.count("BEGIN:VEVENT") == 1


def test_feed_carries_the_public_address_when_it_is_known(make_entry, settings):
    settings.BORNE_PUBLIC_URL = "https://borne.saint-flour.fr"
    entry = make_entry("Cathédrale")
    assert entry.to_contract()["public_url"] == f"https://borne.saint-flour.fr/p/{entry.pk}"
    settings.BORNE_PUBLIC_URL = ""
    assert entry.to_contract()["public_url"] == ""


def test_dashboard_shows_the_scans_of_the_month(client, shop, make_entry, staff):
    other = make_entry("Cathédrale")
    for _ in range(3):
        client.get(f"/p/{shop.pk}/en")
    client.get(f"/p/{other.pk}/fr")
    client.force_login(staff("editor"))
    html = client.get("/dashboard/").content.decode()
    assert '<div class="n">4</div><div class="l">scans de QR code' in html
    chart = html[html.index("Les fiches les plus emportées (QR code)") :]
    chart = chart[: chart.index("</section>")]
    assert chart.index("Fromagerie Sabatier") < chart.index("Cathédrale")  # the most opened first
