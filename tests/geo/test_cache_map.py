"""The map beside the content cache: applied whole or not at all, carried by bundles, the old one kept on a fault."""

from __future__ import annotations

import pytest

from content import geo
from content.bundle import read_bundle, write_bundle
from content.cache import ChangeSet, ContentCache
from content.importer import import_bundle


def announce(blob: bytes, **extra) -> dict:
    return {"sha256": geo.sha256(blob), "bytes": len(blob), "bbox": [45.0, 3.0, 45.1, 3.1], "kiosk": None, **extra}


@pytest.fixture
def cache(tmp_path):
    with ContentCache.open(tmp_path / "data") as c:
        yield c


def test_a_map_lands_with_its_announcement_and_replaces_the_previous_file(cache, demo_map):
    first = geo.encode(demo_map)
    cache.apply(ChangeSet(town_map=announce(first), town_map_blob=first))
    second = geo.encode({**demo_map, "source": "again"})
    kiosk = {"lat": 45.03, "lon": 3.09, "facing": 90.0}
    cache.apply(ChangeSet(town_map=announce(second, kiosk=kiosk), town_map_blob=second))

    info = cache.town_map()
    assert info["sha256"] == geo.sha256(second) and info["kiosk"] == kiosk
    assert info["path"].read_bytes() == second
    assert sorted(p.name for p in cache.maps.root.iterdir()) == [geo.sha256(second)]


@pytest.mark.parametrize("blob", [b"\x1f\x8b broken", None])
def test_a_bad_or_missing_blob_is_a_problem_and_the_previous_map_stays(cache, demo_map, blob):
    good = geo.encode(demo_map)
    cache.apply(ChangeSet(town_map=announce(good), town_map_blob=good))
    wrong = announce(b"something else") if blob is None else announce(blob)

    report = cache.apply(ChangeSet(town_map=wrong, town_map_blob=blob))

    assert report.problems and "map" in report.problems[0]
    assert cache.town_map()["sha256"] == geo.sha256(good)
    assert cache.town_map()["path"].read_bytes() == good


def test_a_bundle_carries_the_map_as_one_more_media_member(tmp_path, demo_map):
    blob = geo.encode(demo_map)
    info = announce(blob, kiosk={"lat": 45.03, "lon": 3.09, "facing": 10})
    path = write_bundle(tmp_path / "b.zip", entries=[], town_map=(info, blob)) and tmp_path / "b.zip"

    bundle = read_bundle(path)  # what a kiosk that knows no map reads too: a media member like any image
    assert bundle.media == [info["sha256"]]
    assert bundle.town_map["kiosk"]["facing"] == 10

    with ContentCache.open(tmp_path / "kiosk") as cache:
        import_bundle(cache, path)
        assert cache.town_map()["path"].read_bytes() == blob


def test_a_bundle_map_without_a_position_keeps_the_kiosk_where_it_stands(tmp_path, demo_map):
    blob = geo.encode(demo_map)
    place = {"lat": 45.03, "lon": 3.09, "facing": 80.0}
    path = tmp_path / "usb.zip"
    write_bundle(path, entries=[], town_map=(announce(blob), blob))
    with ContentCache.open(tmp_path / "kiosk") as cache:
        cache.apply(ChangeSet(town_map=announce(blob, kiosk=place), town_map_blob=blob))  # set by an earlier sync
        import_bundle(cache, path)
        assert cache.town_map()["kiosk"] == place
