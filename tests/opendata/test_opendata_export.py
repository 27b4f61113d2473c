"""Open data out: the public page and its JSON, CSV and iCalendar exports of what is published."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.catalog.models import Commune, Entry, Occurrence
from backoffice.opendata import export
from content.validation import parse_entry

pytestmark = pytest.mark.django_db

ABBEY = "datatourisme/30-0075b425-3bee-3e37-ae93-5f5a5535d1b2.json"
AUDIO = "datatourisme/41-000e77d6-ed98-3670-a9ea-9096e18f60b6.json"
EVENT = "openagenda/v2-event-single.erwane-openagenda-api.json"
ICS = "ical/collectifprimavez-ricochets-2025.EXCERPT.ics"


def _import(command, path, *args):
    call_command(command, str(path), *args, "--no-images", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def town(samples, commune):
    """Imported records of several sources and communes, the town's own entries, a draft, a withdrawn one."""
    _import("import_datatourisme", samples / ABBEY)
    _import("import_datatourisme", samples / AUDIO)  # another commune
    _import("import_openagenda", samples / EVENT, "--commune", commune.insee)
    _import("import_ical", samples / ICS, "--commune", commune.insee)  # no licence: not re-published

    def own(title, status="published", kind="heritage", **kw):
        entry = Entry(kind=kind, title={"fr": title}, status=status, commune=commune, **kw)
        entry.save()
        return entry

    lavoir = own("Lavoir, rue des Tanneurs", summary={"fr": "Un lavoir; restauré, en 1850"})
    lavoir.commune = None  # shown in every commune
    lavoir.save()
    own("Brouillon", status="draft")
    own("Retiré", status="withdrawn")
    concert = own("Concert, place de l'Église", kind="event", summary={"fr": "Musique; danse"}, lat=48.8, lon=-1.4)
    start = timezone.now() + dt.timedelta(days=3)
    Occurrence.objects.create(entry=concert, start=start, end=start + dt.timedelta(hours=2))
    Occurrence.objects.create(entry=concert, start=start - dt.timedelta(days=30), end=None)  # past
    return commune


def test_the_open_data_page_is_public_and_links_every_export(client, town):
    page = client.get("/opendata/")
    assert page.status_code == 200
    html = page.content.decode()
    for url in ("/opendata/contenus.json", "/opendata/contenus.csv", "/opendata/evenements.ics"):
        assert f'href="{url}"' in html
    assert "Licence Ouverte / Etalab 2.0" in html
    assert "Attitude Manche" in html  # a producer of imported records
    assert "1 fiche d'une source sans licence" in html


def test_json_export_is_what_the_kiosk_feed_serves(client, kiosk_client, town):
    feed = kiosk_client.get("/api/kiosk/v1/changes?limit=1000&schema=2").json()
    assert not feed["more"]
    exported = client.get(f"/opendata/contenus.json?commune={town.insee}").json()
    served = sorted(
        (e for e in feed["entries"] if not e["source"]["name"] or e["source"]["licence"]), key=lambda e: e["id"]
    )
    assert exported["entries"] == served
    assert len(served) == len(feed["entries"]) - 1  # the iCalendar record without licence
    for data in exported["entries"]:
        parse_entry(data)  # the contract's wire form
    assert exported["licence"]["name"] == export.LICENCE
    assert exported["media_url"].endswith("/api/kiosk/v1/media/{sha256}")


def test_json_export_holds_only_published_entries_of_every_commune(client, town):
    titles = {e["title"]["fr"] for e in client.get("/opendata/contenus.json").json()["entries"]}
    assert "ESPACE AUDIOVISUEL ACHILLE MIR" in titles  # another commune
    assert not titles & {"Brouillon", "Retiré"}
    assert not any(t.startswith("Playground") for t in titles)


def test_csv_export_has_a_row_per_entry_with_its_attribution(client, town):
    response = client.get("/opendata/contenus.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(client.get("/opendata/contenus.json").json()["entries"])
    abbey = next(r for r in rows if r["id"] == "datatourisme:0075b425-3bee-3e37-ae93-5f5a5535d1b2")
    assert (abbey["source_name"], abbey["source_producer"], abbey["source_licence"]) == (
        "DATAtourisme",
        "Attitude Manche",
        "Licence Ouverte / Etalab 2.0",
    )
    assert abbey["source_url"] == "https://data.datatourisme.fr/30/0075b425-3bee-3e37-ae93-5f5a5535d1b2"
    own = next(r for r in rows if r["title_fr"] == "Lavoir, rue des Tanneurs")
    assert own["source_licence"] == export.LICENCE
    assert own["summary_fr"] == "Un lavoir; restauré, en 1850"


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_icalendar_export_holds_coming_occurrences_of_published_events(client, town):
    response = client.get("/opendata/evenements.ics")
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    lines = _unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    assert summaries == ["SUMMARY:Concert\\, place de l'Église"]  # the 2025 OpenAgenda dates are past
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description.startswith("DESCRIPTION:Musique\\; danse\\n\\nSource : ")
    assert "GEO:48.800000;-1.400000" in lines


def test_icalendar_export_names_the_source_of_an_imported_event(client, town, monkeypatch):
    past = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: past)
    lines = _unfold(client.get("/opendata/evenements.ics").content.decode())
    assert "SUMMARY:Mon évènement" in lines
    assert any(line.startswith("DESCRIPTION:") and "OpenAgenda (My agenda) · Licence Ouverte" in line for line in lines)


def test_a_commune_filter_is_applied_to_every_export(client, town):
    Commune.objects.get_or_create(insee="11113", defaults={"name": "Cucugnan"})
    entries = client.get("/opendata/contenus.json?commune=11113").json()["entries"]
    assert {e["commune"] for e in entries} <= {"", "11113"}
    assert "ESPACE AUDIOVISUEL ACHILLE MIR" in {e["title"]["fr"] for e in entries}


def test_a_reuser_rebuilds_what_the_kiosk_shows_from_the_export(client, kiosk_client, town, tmp_path, commune):
    """Exported entries and their images (by the export's media_url) applied to a kiosk's own cache."""
    from opendata_helpers import jpeg_bytes

    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import EntryImage
    from content.cache import ChangeSet, ContentCache

    lavoir = Entry.objects.get(title__fr="Lavoir, rue des Tanneurs")
    EntryImage.objects.create(entry=lavoir, media=store_image_bytes(jpeg_bytes(), where="test"), alt={"fr": "Lavoir"})
    doc = client.get(f"/opendata/contenus.json?commune={commune.insee}").json()
    media = {}
    for data in doc["entries"]:
        for m in data["media"]:
            url = doc["media_url"].replace("{sha256}", m["sha256"])
            media[m["sha256"]] = b"".join(client.get(url).streaming_content)
    assert len(media) == 1
    cache = ContentCache.open(tmp_path / "kiosk")
    try:
        cache.apply(ChangeSet(entries=[parse_entry(d) for d in doc["entries"]], media=media, cursor="1"))
        feed = {e["id"]: e for e in kiosk_client.get("/api/kiosk/v1/changes?limit=1000").json()["entries"]}
        for data in doc["entries"]:
            assert cache.get(data["id"]) == parse_entry(feed[data["id"]])
        assert cache.media_file(next(iter(media)), "original") is not None
    finally:
        cache.close()
