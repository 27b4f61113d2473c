import datetime as dt
import hashlib

import pytest

from backoffice.importers import ical
from backoffice.importers.base import FetchError, SourceFormatError
from content.validation import parse_entry

PARIS = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 1, 1, tzinfo=PARIS)
SAMPLE = "collectifprimavez-ricochets-2025.EXCERPT.ics"

FEED = """BEGIN:VCALENDAR
VERSION:2.0
X-WR-CALNAME:Agenda de la mairie
X-WR-TIMEZONE:America/New_York
BEGIN:VEVENT
UID:weekly-1@mairie
DTSTART;TZID=Europe/Paris:20260105T100000
DTEND;TZID=Europe/Paris:20260105T120000
RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260330T235959
EXDATE;TZID=Europe/Paris:20260112T100000
SUMMARY:Marché du lundi
CATEGORIES:Marché
LAST-MODIFIED:20251201T100000Z
END:VEVENT
BEGIN:VEVENT
UID:weekly-1@mairie
RECURRENCE-ID;TZID=Europe/Paris:20260119T100000
DTSTART;TZID=Europe/Paris:20260120T140000
DTEND;TZID=Europe/Paris:20260120T160000
SUMMARY:Marché du lundi (déplacé au mardi)
END:VEVENT
BEGIN:VEVENT
UID:weekly-1@mairie
RECURRENCE-ID;TZID=Europe/Paris:20260126T100000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:allday@mairie
DTSTART;VALUE=DATE:20260314
DTEND;VALUE=DATE:20260316
SUMMARY:Fête du printemps
DESCRIPTION:<p>Deux jours de fête</p>\\n<p>Buvette\\, jeux</p>
DTSTAMP:20251201T100000Z
END:VEVENT
BEGIN:VEVENT
UID:cancelled@mairie
STATUS:CANCELLED
DTSTART:20260201T100000
SUMMARY:Annulé
DTSTAMP:20251201T100000Z
END:VEVENT
BEGIN:VEVENT
UID:floating@mairie
DTSTART:20260601T203000
DURATION:PT2H
SUMMARY:Concert d'été
LOCATION:Église Saint-Pierre\\, Cucugnan
GEO:42.85;2.60
URL:https://mairie.example/concert
ATTACH;FMTTYPE=image/jpeg:https://mairie.example/affiche.jpg
ATTACH;FMTTYPE=application/pdf:https://mairie.example/programme.pdf
DTSTAMP:20251201T100000Z
END:VEVENT
BEGIN:VEVENT
UID:broken@mairie
DTSTART:2026-06-01
SUMMARY:Cassé
DTSTAMP:20251201T100000Z
END:VEVENT
BEGIN:VEVENT
UID:daily since 2020
DTSTART;TZID=Europe/Paris:20200101T090000
DTEND;TZID=Europe/Paris:20200101T091500
RRULE:FREQ=DAILY
SUMMARY:Carillon
DTSTAMP:20251201T100000Z
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def feed():
    return ical.map_calendar(FEED, now=NOW, months=6, commune="11113", producer="Mairie", licence="Licence Ouverte")


def by_id(result):
    return {e["id"]: e for e in result.entries}


def test_the_shared_sample_maps_despite_being_cut(opendata):
    result = ical.import_file(opendata / "ical" / SAMPLE, now=NOW, commune="85092", lang="en")
    [entry] = result.entries
    assert entry["id"] == "ical:MEC-e97399278d24e6bbf3a2d5e9c8d34262@en.collectifprimavez.com"
    assert entry["kind"] == "event" and entry["commune"] == "85092"
    assert entry["title"] == {
        "en": "Playground at Les Ricochets en territoire 2025",
        "fr": "Playground at Les Ricochets en territoire 2025",
    }
    # TZID=Europe/Madrid is the same offset as Paris; the X-WR-TIMEZONE is reported, not used.
    assert entry["occurrences"] == [{"start": "2025-07-14T19:00:00+02:00", "end": "2025-07-14T19:45:00+02:00"}]
    assert entry["updated_at"] == "2025-06-13T00:00:00+02:00"  # date-only LAST-MODIFIED, accepted
    assert entry["body"]["en"].startswith("Playground ( https://en.collectifprimavez.com/playground/ )")
    fields = {p.field for p in result.problems}
    assert "X-WR-TIMEZONE" in fields
    assert any("ends inside this event" in p.message for p in result.problems if p.record_id == entry["id"])
    assert result.snapshot is True
    parse_entry(entry)


def test_recurrence_with_exdate_and_overrides(feed):
    entry = by_id(feed)["ical:weekly-1@mairie"]
    starts = [o["start"] for o in entry["occurrences"]]
    assert starts == [
        "2026-01-05T10:00:00+01:00",
        "2026-01-20T14:00:00+01:00",  # Jan 19 moved to Tuesday; Jan 12 excluded; Jan 26 cancelled
        "2026-02-02T10:00:00+01:00",
        "2026-02-09T10:00:00+01:00",
        "2026-02-16T10:00:00+01:00",
        "2026-02-23T10:00:00+01:00",
        "2026-03-02T10:00:00+01:00",
        "2026-03-09T10:00:00+01:00",
        "2026-03-16T10:00:00+01:00",
        "2026-03-23T10:00:00+01:00",
        "2026-03-30T10:00:00+02:00",  # after the change to summer time, still 10:00 local
    ]
    assert entry["occurrences"][0]["end"] == "2026-01-05T12:00:00+01:00"
    assert entry["categories"] == ["market"]
    assert entry["title"] == {"fr": "Marché du lundi"}
    assert entry["source"] == {
        "name": "Agenda de la mairie",
        "producer": "Mairie",
        "licence": "Licence Ouverte",
        "url": "",
    }


def test_all_day_end_is_exclusive_and_text_is_plain(feed):
    entry = by_id(feed)["ical:allday@mairie"]
    assert entry["occurrences"] == [{"start": "2026-03-14T00:00:00+01:00", "end": "2026-03-15T23:59:00+01:00"}]
    assert entry["body"] == {"fr": "Deux jours de fête\n\nBuvette, jeux"}


def test_floating_time_is_the_towns_zone_and_place_is_read(feed):
    entry = by_id(feed)["ical:floating@mairie"]
    assert entry["occurrences"] == [{"start": "2026-06-01T20:30:00+02:00", "end": "2026-06-01T22:30:00+02:00"}]
    assert entry["place"]["name"] == "Église Saint-Pierre, Cucugnan"
    assert (entry["place"]["lat"], entry["place"]["lon"]) == (42.85, 2.6)
    assert entry["url"] == "https://mairie.example/concert"
    assert entry["categories"] == ["concert"]
    assert [i.url for i in feed.images["ical:floating@mairie"]] == ["https://mairie.example/affiche.jpg"]


def test_cancelled_event_is_withdrawn(feed):
    assert "ical:cancelled@mairie" not in by_id(feed)
    assert feed.withdrawn == ["ical:cancelled@mairie"]
    assert "ical:cancelled@mairie" in feed.withdrawn_since({"ical:cancelled@mairie"})


def test_broken_event_is_skipped_naming_uid_and_line(feed):
    [error] = [p for p in feed.errors if p.record_id == "ical:broken@mairie"]
    assert "UID broken@mairie" in error.message and "line 56" in error.message
    assert error.field == "DTSTART"
    assert "ical:broken@mairie" not in by_id(feed)
    assert "ical:broken@mairie" not in feed.withdrawn_since({"ical:broken@mairie"})  # present: not withdrawn


def test_unbounded_rule_is_expanded_over_the_window_only(feed):
    uid_hash = hashlib.sha256(b"daily since 2020").hexdigest()[:32]
    entry = by_id(feed)[f"ical:{uid_hash}"]
    occ = entry["occurrences"]
    assert occ[0]["start"] == "2026-01-01T09:00:00+01:00"
    assert occ[-1]["start"] == "2026-06-30T09:00:00+02:00"
    assert len(occ) == 181


def test_snapshot_withdraws_what_is_gone(feed):
    assert feed.withdrawn_since({"ical:old@mairie", "ical:allday@mairie"}) == [
        "ical:cancelled@mairie",
        "ical:old@mairie",
    ]


def test_mapping_is_deterministic():
    first = ical.map_calendar(FEED, now=NOW)
    second = ical.map_calendar(FEED.encode(), now=NOW)
    assert first.entries == second.entries and first.problems == second.problems


@pytest.mark.parametrize("text", ["", "hello", "BEGIN:VEVENT\nUID:x\nEND:VEVENT\n"])
def test_not_a_calendar_is_refused_naming_the_file(tmp_path, text):
    path = tmp_path / "feed.ics"
    path.write_text(text)
    with pytest.raises(SourceFormatError, match="feed.ics.*VCALENDAR"):
        ical.import_file(path, now=NOW)


def test_lenient_about_crlf_folding_and_bad_lines():
    text = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:folded@x\r\nSUMMARY:Un très long \r\n titre plié\r\n"
        "this line is garbage\r\nDTSTART;VALUE=DATE:20260704\r\nDTSTAMP:20260101T000000Z\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    result = ical.map_calendar(text, now=NOW)
    [entry] = result.entries
    assert entry["title"] == {"fr": "Un très long titre plié"}
    assert entry["occurrences"] == [{"start": "2026-07-04T00:00:00+02:00", "end": "2026-07-04T23:59:00+02:00"}]
    assert any("line 6" in p.message for p in result.problems)


def test_fetch_from_a_local_server(http_server):
    http_server.routes["/agenda.ics"] = (200, FEED.encode())
    result = ical.import_url(http_server.url + "/agenda.ics", now=NOW)
    assert "ical:weekly-1@mairie" in result.ids
    assert result.entries[0]["source"]["url"] == http_server.url + "/agenda.ics"


def test_fetch_errors(http_server):
    with pytest.raises(FetchError, match="HTTP 404"):
        ical.fetch_calendar(http_server.url + "/missing.ics")
    http_server.routes["/big.ics"] = (200, b"x" * 2000)
    with pytest.raises(FetchError, match="more than the 1000 bytes"):
        ical.fetch_calendar(http_server.url + "/big.ics", max_bytes=1000)
    with pytest.raises(FetchError, match="only http, https"):
        ical.fetch_calendar("file:///etc/passwd")
