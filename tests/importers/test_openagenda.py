import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from backoffice.importers import openagenda
from backoffice.importers.base import FetchError, SourceFormatError

from .conftest import load

SINGLE = "v2-event-single.erwane-openagenda-api.json"
LIST = "v2-events-list.erwane-openagenda-api.json"
RETRIEVED = dt.datetime(2025, 1, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def oa_dir(opendata):
    return opendata / "openagenda"


def one(result):
    assert not result.errors, result.problems
    assert len(result.entries) == 1
    return result.entries[0]


def test_single_event_response(oa_dir):
    entry = one(openagenda.import_file(oa_dir / SINGLE))
    assert entry["id"] == "openagenda:9906334" and entry["kind"] == "event"
    assert entry["title"] == {"fr": "Mon évènement", "en": "My event"}
    assert entry["summary"] == {"fr": "Description courte", "en": "Short description"}
    assert entry["body"] == {"fr": "Description longue", "en": "Long description"}
    assert entry["occurrences"] == [
        {"start": "2025-01-06T11:00:00+01:00", "end": "2025-01-06T15:00:00+01:00"},
        {"start": "2025-01-06T15:00:00+01:00", "end": "2025-01-06T18:00:00+01:00"},
    ]
    assert entry["place"] == {
        "name": "My location",
        "street": "122 rue de Charonne, 75011 Paris, France",
        "postcode": "75011",
        "city": "Paris",
        "lat": 48.854969,
        "lon": 2.386696,
    }
    assert entry["source"] == {
        "name": "OpenAgenda",
        "producer": "My agenda",
        "licence": "Licence Ouverte",
        "url": "https://openagenda.com/my-agenda/events/testing-6090479",
    }
    assert entry["updated_at"] == "2025-01-09T13:53:30Z"


def test_list_response_without_timings_uses_first_and_last_with_a_warning(oa_dir):
    result = openagenda.import_file(oa_dir / LIST, retrieved_at=RETRIEVED, commune="75111")
    entry = one(result)
    assert entry["commune"] == "75111"
    assert len(entry["occurrences"]) == 2
    assert entry["source"]["producer"] == "AgendaTradWip"
    assert entry["updated_at"] == "2025-01-10T08:00:00Z"  # no updatedAt in a non-detailed list
    assert [p.field for p in result.problems] == ["timings"]
    assert result.cursor == "" and result.snapshot is False


def test_list_response_without_updated_at_nor_retrieved_at_is_a_problem(oa_dir):
    result = openagenda.import_file(oa_dir / LIST)
    assert result.entries == []
    assert result.errors[0].record_id == "openagenda:9906334" and result.errors[0].field == "updatedAt"


def test_mapping_is_deterministic(oa_dir):
    runs = [openagenda.import_file(oa_dir / SINGLE) for _ in range(2)]
    assert json.dumps(runs[0].entries) == json.dumps(runs[1].entries)


EVENT = {
    "uid": 123,
    "title": {"fr": "Marché de Noël"},
    "longDescription": {"fr": "## Programme\n\n**Vin chaud** et [artisans](https://example.org)"},
    "timings": [
        {"begin": "2025-12-14T09:00:00+01:00", "end": "2025-12-14T18:00:00+01:00"},
        {"begin": "2025-12-13T08:00:00Z", "end": "2025-12-13T17:00:00Z"},
        {"begin": "2025-12-14T09:00:00+01:00", "end": "2025-12-14T18:00:00+01:00"},
    ],
    "location": {
        "name": "Place de la Mairie",
        "city": "Cucugnan",
        "insee": "11113",
        "latitude": 42.85,
        "longitude": 2.6,
    },
    "image": {"base": "https://cdn.openagenda.com/main/", "filename": "abc.jpg", "variants": []},
    "imageCredits": "Photo Mairie",
    "registration": [{"type": "email", "value": "mairie@cucugnan.fr"}, {"type": "phone", "value": "04 68 00 00 00"}],
    "updatedAt": "2025-11-01T10:00:00.000Z",
}


def test_hand_made_event_with_image_insee_and_unordered_timings():
    result = openagenda.map_response({"events": [EVENT], "after": [1734, "123"]}, agenda_title="Mairie")
    entry = one(result)
    assert entry["categories"] == ["market"]
    assert entry["commune"] == "11113"
    assert entry["body"]["fr"] == "Programme\n\nVin chaud et artisans (https://example.org)"
    assert entry["occurrences"] == [
        {"start": "2025-12-13T09:00:00+01:00", "end": "2025-12-13T18:00:00+01:00"},
        {"start": "2025-12-14T09:00:00+01:00", "end": "2025-12-14T18:00:00+01:00"},
    ]
    assert entry["contact"]["email"] == "mairie@cucugnan.fr"
    assert entry["source"]["producer"] == "Mairie"
    [image] = result.images["openagenda:123"]
    assert (image.url, image.credit) == ("https://cdn.openagenda.com/main/abc.jpg", "Photo Mairie")
    assert json.loads(result.cursor) == [1734, "123"]


def test_removed_and_cancelled_events_are_withdrawn():
    result = openagenda.map_response(
        [{"uid": 7, "removed": True}, dict(EVENT, uid=8, status=6), dict(EVENT, uid=9, status=1)]
    )
    assert result.withdrawn == ["openagenda:7", "openagenda:8"]
    assert result.ids == ["openagenda:9"]
    assert result.withdrawn_since({"openagenda:1"}) == ["openagenda:7", "openagenda:8"]  # not a snapshot


def test_english_only_event_and_missing_optional_fields():
    result = openagenda.map_response(
        {
            "uid": 5,
            "title": {"en": "Open day"},
            "timings": [{"begin": "2025-05-01T10:00:00+02:00"}],
            "createdAt": "2025-04-01T00:00:00Z",
        }
    )
    entry = one(result)
    assert entry["title"] == {"en": "Open day", "fr": "Open day"}
    assert entry["place"] is None and entry["occurrences"][0]["end"] is None
    assert [p.field for p in result.problems] == ["title"]


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"title": {"fr": "x"}}, "uid"),
        ({"uid": 1, "updatedAt": "2025-01-01T00:00:00Z", "timings": []}, "title"),
        ({"uid": 1, "title": {"fr": "x"}, "updatedAt": "2025-01-01T00:00:00Z", "timings": []}, ""),
    ],
)
def test_unmappable_events_are_problems(event, field):
    result = openagenda.map_response([event])
    assert result.entries == [] and result.errors[0].field == field


def test_bad_timing_is_a_warning_and_the_rest_is_kept():
    event = dict(EVENT, timings=[{"begin": "yesterday"}, EVENT["timings"][0]])
    result = openagenda.map_response([event])
    assert len(one(result)["occurrences"]) == 1
    assert [p.field for p in result.problems] == ["timings[0]"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('"text"', "expected an OpenAgenda response"),
        ('{"events": 3}', "'events' is not a list"),
        ('{"success": false, "message": "bad key"}', "bad key"),
        ("{}", "neither"),
    ],
)
def test_malformed_responses_are_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "page.json"
    path.write_text(content)
    with pytest.raises(SourceFormatError, match=message) as info:
        openagenda.import_file(path)
    assert "page.json" in str(info.value)


def test_client_pages_through_the_agenda(http_server, oa_dir):
    page1 = {"events": [EVENT], "after": [1, "123"], "success": True}
    page2 = load(oa_dir / LIST)
    pages = iter([page1, page2])
    http_server.routes["/v2/agendas/42/events"] = lambda: (200, json.dumps(next(pages)).encode())
    result = openagenda.import_agenda(
        42, key="secret", fetch_options={"base_url": http_server.url + "/v2"}, retrieved_at=RETRIEVED
    )
    assert result.ids == ["openagenda:123", "openagenda:9906334"]
    assert result.cursor == json.dumps([1, "123"])
    queries = [parse_qs(urlsplit(p).query) for p in http_server.requests]
    assert [q["key"] for q in queries] == [["secret"], ["secret"]]
    assert queries[0]["detailed"] == ["1"] and "after[]" not in queries[0]
    assert queries[1]["after[]"] == ["1", "123"]


def test_client_http_error_is_a_fetch_error_and_the_fetcher_is_injectable(http_server):
    from outbound import AddressPolicy, Fetcher

    http_server.routes["/v2/agendas/42/events"] = (403, b'{"message": "forbidden"}')
    fetcher = Fetcher(user_agent="test", policy=AddressPolicy(allow=("127.0.0.1",)))
    with fetcher, pytest.raises(FetchError, match="HTTP 403"):
        list(openagenda.fetch_pages(42, key="k", fetcher=fetcher, base_url=http_server.url + "/v2"))


def test_client_network_error_is_a_fetch_error(monkeypatch):
    monkeypatch.setenv("BORNE_FETCH_ALLOW", "127.0.0.1")
    with pytest.raises(FetchError, match="127.0.0.1:9"):
        list(openagenda.fetch_pages(42, key="k", base_url="http://127.0.0.1:9/v2"))


def test_an_agenda_address_inside_the_network_is_refused():
    with pytest.raises(FetchError, match="internal address"):
        list(openagenda.fetch_pages(42, key="k", base_url="http://127.0.0.1:9/v2"))


def test_client_non_json_answer_is_a_fetch_error(http_server):
    http_server.routes["/v2/agendas/42/events"] = (200, b"<html>")
    with pytest.raises(FetchError, match="not valid JSON"):
        list(openagenda.fetch_pages(42, key="k", base_url=http_server.url + "/v2"))
