"""The sync and the town map: fetched by hash when the feed announces a new one, the old one kept on any fault."""

from __future__ import annotations

import gzip

import pytest
from fakebo import entry

from content import geo
from content.cache import ContentCache


@pytest.fixture
def demo_blob() -> bytes:
    from content.demo.map.make_town import BLOB

    return BLOB.read_bytes()


def announce(bo, blob: bytes, kiosk=None) -> None:
    """Every page of the fake feed carries the ``map`` key from now on."""
    sha = bo.add_media(blob)
    plain = bo.changes
    bo.changes = lambda since, limit: {
        **plain(since, limit),
        "map": {"sha256": sha, "bytes": len(blob), "bbox": [45.027, 3.088, 45.0425, 3.108], "kiosk": kiosk},
    }
    bo.put_entry(entry(99))  # a change, so that the walk is not a 304


def test_a_new_map_is_fetched_once_and_lands_with_the_kiosk_place(bo, make_job, data_dir, demo_blob):
    job = make_job()
    announce(bo, demo_blob, kiosk={"lat": 45.0334, "lon": 3.0941, "facing": 80})
    assert job.sync_once().map_changed
    bo.put_entry(entry(100))
    assert not job.sync_once().map_changed  # the same map: not fetched again
    with ContentCache.open(data_dir, readonly=True) as reader:
        assert reader.town_map()["kiosk"]["facing"] == 80
    assert len(bo.requests_to(f"media/{geo.sha256(demo_blob)}")) == 1


@pytest.mark.parametrize("fault", ["truncated", "not-a-map"])
def test_a_broken_download_is_a_problem_and_the_previous_map_stays(bo, make_job, data_dir, demo_blob, fault):
    job = make_job()
    announce(bo, demo_blob)
    job.sync_once()
    if fault == "truncated":
        other = gzip.compress(b"x" * 5000)  # never received whole: its hash cannot match
        announce(bo, other)
        bo.fail(f"media/{geo.sha256(other)}", "truncated")
    else:
        announce(bo, gzip.compress(b'{"format": "something else"}'))

    result = job.sync_once()

    assert any("map" in p for p in result.problems), result.problems
    with ContentCache.open(data_dir, readonly=True) as reader:
        assert reader.town_map()["sha256"] == geo.sha256(demo_blob)
        assert reader.town_map()["path"].read_bytes() == demo_blob
