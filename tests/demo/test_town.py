"""The demo town as a whole: valid, complete, multilingual, illustrated."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter

import pytest
from PIL import Image

from content.categories import CATEGORIES
from content.demo import DEMO_DIR, load_demo
from content.validation import parse_alert, parse_entry

from .conftest import NOW, TODAY

MINIMUMS = {"heritage": 12, "place": 10, "event": 15, "shop": 14, "service": 10, "food": 8, "stay": 8}


def test_every_entry_and_alert_validates(town):
    for entry in town.entries:
        parse_entry(entry)
    for alert in town.alerts:
        assert "from" in alert
        parse_alert(alert)


def test_ids_are_unique_and_prefixed(town):
    ids = [e["id"] for e in town.entries] + [a["id"] for a in town.alerts]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("demo:") for i in ids)


@pytest.mark.parametrize(("kind", "minimum"), MINIMUMS.items())
def test_count_per_kind(town, kind, minimum):
    assert Counter(e["kind"] for e in town.entries)[kind] >= minimum


def test_at_least_seventy_entries_and_two_alerts(town):
    assert len(town.entries) >= 70
    assert len(town.alerts) >= 2


@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_french_english_german_on_every_entry(town, field):
    missing = [e["id"] for e in town.entries if not all(e[field].get(lang) for lang in ("fr", "en", "de"))]
    assert missing == []


@pytest.mark.parametrize("field", ["title", "summary"])
def test_heritage_and_places_also_in_spanish_italian_dutch(town, field):
    sights = [e for e in town.entries if e["kind"] in ("heritage", "place")]
    missing = [e["id"] for e in sights if not all(e[field].get(lang) for lang in ("es", "it", "nl"))]
    assert missing == []


def test_alerts_speak_french_english_german(town):
    assert all(a["message"].get(lang) for a in town.alerts for lang in ("fr", "en", "de"))


def test_every_heritage_and_place_has_an_image(town):
    bare = [e["id"] for e in town.entries if e["kind"] in ("heritage", "place") and not e["media"]]
    assert bare == []


def test_media_items_describe_their_bytes(town):
    items = [m for e in town.entries for m in e["media"]]
    assert items
    for item in items:
        data = town.media[item["sha256"]]
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
        assert item["bytes"] == len(data)
        with Image.open(io.BytesIO(data)) as img:
            assert (img.width, img.height) == (item["width"], item["height"])
            assert img.format == "JPEG" and item["mime"] == "image/jpeg"
        assert item["alt"].get("fr") and item["alt"].get("en") and item["credit"]


def test_media_holds_only_referenced_images_and_stays_small(town):
    referenced = {m["sha256"] for e in town.entries for m in e["media"]}
    assert set(town.media) == referenced
    assert sum(len(b) for b in town.media.values()) < 4 * 1024 * 1024


def test_categories_come_from_the_vocabulary(town):
    assert {c for e in town.entries for c in e["categories"]} <= set(CATEGORIES)
    assert all(e["categories"] for e in town.entries)


def test_source_and_build_time(town):
    for entry in town.entries:
        assert entry["source"]["name"] == "Borne demo"
        assert entry["source"]["licence"] == "CC BY 4.0 (demo content)"
        assert dt.datetime.fromisoformat(entry["updated_at"]) == NOW


def test_shops_are_fictional_by_their_phone_numbers(town):
    """Shops, tables and lodgings are invented: their numbers stay in the 01 99 00 range kept for fiction (ARCEP)."""
    invented = ("shop", "food", "stay")
    phones = [e["contact"]["phone"] for e in town.entries if e["kind"] in invented and e["contact"]["phone"]]
    assert phones and all(p.startswith("01 99 00") for p in phones)


def test_shops_have_opening_hours(town):
    shops = [e for e in town.entries if e["kind"] in ("shop", "food")]
    with_hours = [e for e in shops if e["opening_hours"]]
    assert len(with_hours) >= 20
    assert any("PH off" in e["opening_hours"] for e in shops)


def test_where_to_eat_and_sleep(town):
    """The issue's plausible set: a hotel, two campsites, gîtes, chambres d'hôtes, six restaurants, cafés."""
    wanted = {"hotel": 1, "campsite": 2, "gite": 2, "guesthouse": 2, "restaurant": 6, "cafe": 2}
    for category, minimum in wanted.items():
        kind = CATEGORIES[category].group
        found = [e["id"] for e in town.entries if e["kind"] == kind and category in e["categories"]]
        assert len(found) >= minimum, (category, found)
    stays = [e for e in town.entries if e["kind"] == "stay"]
    assert all(e["details"]["capacity"] for e in stays)
    assert any(e["details"]["season"] for e in stays) and any(e["details"]["booking_url"] for e in stays)
    assert not [
        e["id"]
        for e in town.entries
        if e["kind"] == "shop" and {"restaurant", "hotel", "campsite"} & {*e["categories"]}
    ]


def test_coordinates_are_around_saint_flour(town):
    located = [e for e in town.entries if e["place"] and e["place"]["lat"] is not None]
    assert len(located) >= 60
    for entry in located:
        assert 44.9 < entry["place"]["lat"] < 45.1 and 3.0 < entry["place"]["lon"] < 3.2, entry["id"]


def test_default_today_is_today_in_paris():
    town = load_demo(now=NOW)
    dates = {dt.datetime.fromisoformat(o["start"]).date() for e in town.entries for o in e["occurrences"]}
    assert TODAY in dates


def test_every_committed_scene_is_in_the_images_folder():
    from content.demo.draw import SCENES

    assert sorted(SCENES) == sorted(p.name for p in (DEMO_DIR / "images").glob("*.jpg"))
