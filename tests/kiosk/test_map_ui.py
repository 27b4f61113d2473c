"""The town map on the real kiosk: the tile, markers, the walk from a detail page and its step-free variant."""

from __future__ import annotations

import tempfile

import pytest

from content import geo

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def with_map(kiosk, town_dir):
    """The demo town's map (hand-made OSM, read by the real importer) added to the tiny town's cache."""
    pytest.importorskip("osmium")
    from content import osm
    from content.cache import ChangeSet, ContentCache
    from content.demo.map.make_town import BBOX, HERE

    blob = geo.encode(osm.import_file(HERE / "town.osm", BBOX))
    info = {
        "sha256": geo.sha256(blob),
        "bytes": len(blob),
        "bbox": list(BBOX),
        "kiosk": {"lat": 45.03345, "lon": 3.09405, "facing": 80.0},
    }
    with ContentCache.open(town_dir) as writer:
        writer.apply(ChangeSet(town_map=info, town_map_blob=blob))
    return kiosk


def land_pixels(view) -> float:
    """The share of the map widget's pixels, as on the display, that have the map's land colour."""
    from kivy.core.window import Window
    from PIL import Image

    from kiosk.mapview import _rgba

    origin = view.to_window(*view.pos)
    path = Window.screenshot(name=tempfile.mkdtemp() + "/map.png")
    land = tuple(round(c * 255) for c in _rgba("land")[:3])
    with Image.open(path) as img:
        x0, y0 = int(origin[0]), img.height - int(origin[1] + view.height)
        crop = img.convert("RGB").crop((x0, y0, x0 + int(view.width), y0 + int(view.height)))
        data, step = crop.tobytes(), 3 * 97
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data) - 2, step)]
    return sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, land, strict=True)) <= 3) / len(pixels)


def test_the_map_tile_shows_every_place_inside_the_map_and_the_credit(with_map):
    kiosk = with_map
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("map"))
    screen = kiosk.screen()
    assert kiosk.current == "map" and screen.has_map and screen.has_here
    ids = {m["id"] for m in screen.view.markers}
    assert {"test:cathedrale", "test:musee", "test:pharmacie"} <= ids
    assert "© OpenStreetMap contributors, ODbL" in kiosk.texts()
    assert land_pixels(screen.view) > 0.3  # drawn where it stands once the screen has slid in
    before = screen.view.scale
    kiosk.tap(screen.ids.zoom_in)
    assert screen.view.scale == pytest.approx(before * 1.6)
    kiosk.tap(next(c for c in screen.ids.chips.children if c.key == "heritage"))
    assert {m["id"] for m in screen.view.markers} == {"test:cathedrale"}


def test_how_to_get_there_draws_the_walk_and_its_step_free_variant(with_map):
    kiosk = with_map
    kiosk.start_visit()
    kiosk.app.open_entry("test:pharmacie")
    kiosk.settled()
    detail = kiosk.screen("detail")
    assert detail.mappable
    detail.ids.scroll.scroll_to(detail.ids.directions, animate=False)
    kiosk.frames(3)
    kiosk.tap(detail.ids.directions)
    screen = kiosk.screen()
    assert kiosk.current == "map" and screen.route_mode == "walk"
    assert screen.view.route and " min" in screen.card_text and screen.qr is not None
    kiosk.tap(screen.ids.step_free)
    assert screen.route_mode == "step_free" and screen.view.route
    kiosk.tap(screen.ids.topbar.ids.back)
    assert kiosk.current == "detail"


def test_without_the_kiosk_position_the_card_says_so_and_keeps_the_address(with_map):
    kiosk = with_map
    kiosk.start_visit()
    kiosk.app.go("map", entry_id="test:orage-or-none")
    assert kiosk.screen().card_title == ""  # an unknown id: nothing selected, no dead end
    screen = kiosk.screen()
    screen.kiosk_place = None  # as on a kiosk whose position staff have not set yet
    screen.select("test:pharmacie", route="walk")
    assert "position de cette borne n'est pas renseignée" in screen.card_text and screen.view.route is None
    assert "Saint-Flour" in screen.card_address


def test_close_places_share_a_numbered_disc_that_opens_on_a_tap(with_map):
    kiosk = with_map
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("map"))
    screen = kiosk.screen()
    view = screen.view
    x, y = next((m["x"], m["y"]) for m in view.markers if m["id"] == "test:cathedrale")
    view.show(x, y, scale=0.3)  # zoomed far out: every place of the tiny town overlaps
    kiosk.frames(2)
    groups = [members for members, *_rest in view._marker_items]
    assert max(len(g) for g in groups) >= 2
    crowd = max(groups, key=len)
    cx = sum(m["x"] for m in crowd) / len(crowd)
    cy = sum(m["y"] for m in crowd) / len(crowd)
    kiosk.tap_at(*view.to_window(*view.to_screen(cx, cy)))
    assert view.scale > 0.3 and screen.selected_id == ""  # zoomed in on them, no card yet
    kiosk.frames(2)
    alone = [members[0] for members, *_rest in view._marker_items if len(members) == 1]
    ids = {m["id"] for m in crowd}
    target = next(m for m in alone if m["id"] in ids)
    kiosk.tap_at(*view.to_window(*view.to_screen(target["x"], target["y"])))
    assert screen.selected_id == target["id"] and screen.card_title
