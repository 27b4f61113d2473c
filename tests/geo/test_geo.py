"""The map contract: the OSM import, the blob, and the walking route search (pure functions, no window)."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content import geo, osm
from content.demo.map.make_town import BBOX, BLOB, KIOSK
from tests.geo.conftest import HELSINKI, HELSINKI_BBOX

KIOSK_AT = (KIOSK["lat"], KIOSK["lon"])
LOWER_TOWN = (45.0374, 3.1024)  # below the Chemin des Chèvres, whose steps make the short way


def test_a_real_pbf_extract_gives_every_layer_and_a_connected_footpath_graph(helsinki_map):
    layers = helsinki_map["layers"]
    assert {"building", "road", "path", "steps", "water", "park"} <= set(layers)
    assert len(helsinki_map["edges"]) > 1000
    assert helsinki_map["attribution"] == "© OpenStreetMap contributors, ODbL"
    town = geo.TownMap(helsinki_map)
    found = geo.route(town, (60.1675, 24.9400), (60.1705, 24.9460))
    assert 500 < found.length_m < 1500  # about 450 m as the crow flies, through a street grid
    assert found.minutes == round(found.length_m / geo.WALK_M_PER_S / 60)


def test_the_blob_round_trips_and_the_same_map_gives_the_same_hash(demo_map):
    blob = geo.encode(demo_map)
    assert geo.decode(blob) == demo_map
    assert geo.sha256(geo.encode(json.loads(json.dumps(demo_map)))) == geo.sha256(blob)


def test_the_short_walk_takes_the_steps_and_the_step_free_one_goes_round(demo_map):
    town = geo.TownMap(demo_map)
    walk = geo.route(town, KIOSK_AT, LOWER_TOWN)
    step_free = geo.route(town, KIOSK_AT, LOWER_TOWN, step_free=True)
    assert walk.has_steps and not step_free.has_steps
    assert step_free.length_m > walk.length_m * 1.3
    assert walk.points[0] == pytest.approx(town.projection.to_xy(*KIOSK_AT))
    assert walk.points[-1] == pytest.approx(town.projection.to_xy(*LOWER_TOWN))


@pytest.mark.parametrize(
    ("goal", "reason"),
    [
        ((44.9720, 3.1700), "outside"),  # the Garabit lake: beyond the demo town's box
        ((45.0415, 3.0890), "far"),  # a field in the box's corner, no path near
    ],
)
def test_no_route_says_why(demo_map, goal, reason):
    with pytest.raises(geo.NoRoute) as caught:
        geo.route(geo.TownMap(demo_map), KIOSK_AT, goal)
    assert caught.value.reason == reason


def test_two_paths_that_never_meet_have_no_route():
    data = {
        "format": geo.FORMAT,
        "origin": [45.0, 3.0],
        "bbox": [44.99, 2.99, 45.01, 3.01],
        "layers": {},
        "nodes": [0, 0, 1000, 0, 0, 500, 1000, 500],
        "edges": [[0, 1, 1000, 0, []], [2, 3, 1000, 0, []]],
    }
    town = geo.TownMap(data)
    start, goal = town.projection.to_latlon(0, 0), town.projection.to_latlon(0, 50)
    with pytest.raises(geo.NoRoute) as caught:
        geo.route(town, start, goal)
    assert caught.value.reason == "disconnected"


def test_step_free_has_no_route_when_only_steps_lead_there():
    data = {
        "format": geo.FORMAT,
        "origin": [45.0, 3.0],
        "bbox": [44.99, 2.99, 45.01, 3.01],
        "layers": {},
        "nodes": [0, 0, 1000, 0],
        "edges": [[0, 1, 1000, geo.STEPS, []]],
    }
    town = geo.TownMap(data)
    a, b = town.projection.to_latlon(0, 0), town.projection.to_latlon(100, 0)
    assert geo.route(town, a, b).has_steps
    with pytest.raises(geo.NoRoute):
        geo.route(town, a, b, step_free=True)


@given(st.data())
def test_a_walk_is_as_long_both_ways_and_never_shorter_than_the_crow_flies(demo_map, data):
    town = geo.TownMap(demo_map)
    nodes = [n for n in range(len(town.xs)) if town.adjacency[n]]
    a, b = data.draw(st.sampled_from(nodes)), data.draw(st.sampled_from(nodes))
    pa, pb = town.projection.to_latlon(town.xs[a], town.ys[a]), town.projection.to_latlon(town.xs[b], town.ys[b])
    there, back = geo.route(town, pa, pb), geo.route(town, pb, pa)
    assert there.length_m == pytest.approx(back.length_m, abs=0.2)
    crow = ((town.xs[a] - town.xs[b]) ** 2 + (town.ys[a] - town.ys[b]) ** 2) ** 0.5
    assert there.length_m >= crow - 0.2


# -- bad input ------------------------------------------------------------------------------------


def test_a_truncated_pbf_is_refused_with_its_name(tmp_path):
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(HELSINKI.read_bytes()[:5000])
    with pytest.raises(osm.OsmError, match="cut.osm.pbf"):
        osm.import_file(cut, HELSINKI_BBOX)


def test_an_extract_that_does_not_cover_the_commune_is_refused():
    with pytest.raises(osm.OsmError, match="does not cover"):
        osm.import_file(HELSINKI, BBOX)


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not gzip at all", "not a gzip'd map"),
        (gzip.compress(b"{not json"), "not JSON"),
        (gzip.compress(b'{"format": "other"}'), "not a borne-map/1 map"),
        (
            gzip.compress(
                json.dumps(
                    {
                        "format": geo.FORMAT,
                        "origin": [0, 0],
                        "bbox": [0, 0, 1, 1],
                        "layers": {},
                        "nodes": [0, 0],
                        "edges": [[0, 7, 1, 0, []]],
                    }
                ).encode()
            ),
            "edge 0",
        ),
    ],
)
def test_a_broken_blob_is_refused_saying_what_is_wrong(blob, message):
    with pytest.raises(geo.MapError, match=message):
        geo.decode(blob)


def test_a_blob_that_inflates_too_far_is_refused(monkeypatch, demo_map):
    monkeypatch.setattr(geo, "MAX_JSON_BYTES", 1000)
    with pytest.raises(geo.MapError, match="inflates to more than"):
        geo.decode(geo.encode(demo_map))


@pytest.mark.parametrize(
    "value",
    [
        {"sha256": "x" * 64, "bytes": 10, "bbox": [0, 0, 1, 1]},
        {"sha256": "a" * 64, "bytes": 0, "bbox": [0, 0, 1, 1]},
        {"sha256": "a" * 64, "bytes": 10, "bbox": [0, 0, 1]},
        {"sha256": "a" * 64, "bytes": 10, "bbox": [0, 0, 1, 1], "kiosk": {"lat": 95, "lon": 0}},
    ],
)
def test_a_bad_announcement_is_refused(value):
    with pytest.raises(geo.MapError):
        geo.parse_announcement(value)


def test_the_kiosk_demo_map_is_what_the_importer_makes_of_the_demo_town():
    from content.demo.map.make_town import BLOB, town_blob

    assert BLOB.read_bytes() == town_blob(), "run python -m content.demo.map.make_town after editing the demo town"


def test_a_walk_joins_the_street_where_it_passes_not_at_the_junction_behind():
    # one street 100 m long, west to east; start 30 m along it, goal 70 m along, both 5 m north of it
    data = {
        "format": geo.FORMAT,
        "origin": [45.0, 3.0],
        "bbox": [44.99, 2.99, 45.01, 3.01],
        "layers": {},
        "nodes": [0, 0, 1000, 0, 1000, -500],
        "edges": [[0, 1, 1000, 0, [250, 0, 500, 0, 750, 0]], [1, 2, 500, 0, []]],
    }
    town = geo.TownMap(data)
    start, goal = town.projection.to_latlon(30, 5), town.projection.to_latlon(70, 5)
    found = geo.route(town, start, goal)
    assert found.length_m == pytest.approx(50, abs=0.5)  # 5 + 40 + 5, not back to either end
    xs = [x for x, _y in found.points]
    assert xs == sorted(xs)  # never walks back towards the start
    # across the junction onto the next street: along the first, round the corner
    found = geo.route(town, start, town.projection.to_latlon(105, -20))
    assert found.length_m == pytest.approx(5 + 70 + 20 + 5, abs=0.5)


def _demo_places(node):
    """Every ``{name, lat, lon}`` place of the demo content (events, places, food, stay …)."""
    if isinstance(node, dict):
        if isinstance(node.get("lat"), float) and isinstance(node.get("lon"), float):
            yield node
        for value in node.values():
            yield from _demo_places(value)
    elif isinstance(node, list):
        for value in node:
            yield from _demo_places(value)


def test_every_demo_place_on_the_map_has_a_sensible_walk_from_the_demo_kiosk():
    import math
    import tomllib
    from pathlib import Path

    town = geo.TownMap.from_blob(BLOB.read_bytes())
    kx, ky = town.projection.to_xy(*KIOSK_AT)
    places = {}
    for path in sorted((Path(geo.__file__).parent / "demo").glob("*.toml")):
        for place in _demo_places(tomllib.loads(path.read_text(encoding="utf-8"))):
            if town.contains(place["lat"], place["lon"]):
                places[place["name"], place["lat"], place["lon"]] = place
    assert len(places) >= 40
    for name, lat, lon in places:
        x, y = town.projection.to_xy(lat, lon)
        assert math.dist((x, y), town.nearest(x, y).point) < 30, f"{name} is far from any street"
        walk = geo.route(town, KIOSK_AT, (lat, lon))
        crow = math.dist((kx, ky), (x, y))
        assert walk.length_m <= 2 * crow + 60, f"{name}: {walk.length_m:.0f} m for {crow:.0f} m as the crow flies"
        geo.route(town, KIOSK_AT, (lat, lon), step_free=True)  # raises NoRoute if the place needs steps


MULTIPOLYGON_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="borne test">
  <node id="1" version="1" lat="45.0300" lon="3.0900"/>
  <node id="2" version="1" lat="45.0300" lon="3.0920"/>
  <node id="3" version="1" lat="45.0315" lon="3.0920"/>
  <node id="4" version="1" lat="45.0315" lon="3.0900"/>
  <node id="5" version="1" lat="45.0305" lon="3.0905"/>
  <node id="6" version="1" lat="45.0305" lon="3.0910"/>
  <node id="7" version="1" lat="45.0310" lon="3.0910"/>
  <node id="8" version="1" lat="45.0310" lon="3.0905"/>
  <node id="9" version="1" lat="45.0298" lon="3.0895"/>
  <node id="10" version="1" lat="45.0298" lon="3.0925"/>
  <way id="1" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/></way>
  <way id="2" version="1"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
  <way id="3" version="1"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
  <way id="4" version="1"><nd ref="9"/><nd ref="10"/><tag k="highway" v="footway"/></way>
  <relation id="1" version="1">
    <member type="way" ref="1" role="outer"/>
    <member type="way" ref="2" role="outer"/>
    <member type="way" ref="3" role="inner"/>
    <tag k="type" v="multipolygon"/><tag k="leisure" v="park"/><tag k="name" v="Jardin"/>
  </relation>
</osm>
"""


def test_a_park_drawn_as_a_multipolygon_relation_is_drawn_as_an_area(tmp_path):
    pytest.importorskip("osmium")
    path = tmp_path / "park.osm"
    path.write_text(MULTIPOLYGON_OSM, encoding="utf-8")
    data = osm.import_file(path, (45.0290, 3.0890, 45.0320, 3.0930))
    parks = data["layers"].get("park", [])
    assert len(parks) == 1  # the outer ring, from two ways joined; the inner ring is no park
    town = geo.TownMap(data)
    xs, ys = parks[0][0::2], parks[0][1::2]
    x0, y0 = town.projection.to_xy(45.0300, 3.0900)
    x1, y1 = town.projection.to_xy(45.0315, 3.0920)
    assert min(xs) / 10 == pytest.approx(x0, abs=0.2) and max(xs) / 10 == pytest.approx(x1, abs=0.2)
    assert min(ys) / 10 == pytest.approx(y0, abs=0.2) and max(ys) / 10 == pytest.approx(y1, abs=0.2)
    assert "road" not in data["layers"] and len(data["layers"]["path"]) == 1  # member ways draw nothing themselves


LOOP_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="borne test">
  <node id="1" version="1" lat="45.0300" lon="3.0900"/>
  <node id="2" version="1" lat="45.0305" lon="3.0900"/>
  <node id="3" version="1" lat="45.0305" lon="3.0910"/>
  <node id="4" version="1" lat="45.0310" lon="3.0910"/>
  <node id="5" version="1" lat="45.0310" lon="3.0900"/>
  <way id="1" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
  <way id="2" version="1">
    <nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="2"/><tag k="highway" v="footway"/>
  </way>
</osm>
"""


def test_a_path_that_loops_back_to_its_only_junction_stays_walkable(tmp_path):
    pytest.importorskip("osmium")
    path = tmp_path / "loop.osm"
    path.write_text(LOOP_OSM, encoding="utf-8")
    town = geo.TownMap(osm.import_file(path, (45.0295, 3.0895, 45.0315, 3.0915)))
    far_corner = (45.0310, 3.0910)
    found = geo.route(town, (45.0300, 3.0900), far_corner)
    # up the street (56 m), then along the loop (56 m north, 79 m east) to its far corner; without the
    # loop the corner would only be reached across the grass from the street's end (152 m)
    assert found.length_m == pytest.approx(56 + 56 + 79, abs=3)
