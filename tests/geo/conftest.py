"""The map's test data: a real OpenStreetMap extract (a committed clip, see data/README.md) and the demo town."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
HELSINKI = DATA / "helsinki-centre.osm.pbf"
#: The clip's own box (south, west, north, east).
HELSINKI_BBOX = (60.1660, 24.9380, 60.1720, 24.9480)


@pytest.fixture(scope="session")
def demo_map() -> dict:
    pytest.importorskip("osmium")
    from content import osm
    from content.demo.map.make_town import BBOX, HERE

    return osm.import_file(HERE / "town.osm", BBOX)


@pytest.fixture(scope="session")
def helsinki_map() -> dict:
    pytest.importorskip("osmium")
    from content import osm

    return osm.import_file(HELSINKI, HELSINKI_BBOX)
