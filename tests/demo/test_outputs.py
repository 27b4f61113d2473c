"""What the demo town feeds: the bundle writer, and the drawing script's pictures."""

from __future__ import annotations

from PIL import Image

from content.bundle import read_bundle, write_bundle
from content.demo.draw import H, W, draw


def test_town_round_trips_through_a_bundle(town, tmp_path):
    path = tmp_path / "demo.zip"
    write_bundle(path, entries=town.entries, alerts=town.alerts, media=town.media, communes=town.communes)
    bundle = read_bundle(path)
    assert [e["id"] for e in bundle.entries] == [e["id"] for e in town.entries]
    assert sorted(bundle.media) == sorted(town.media)


def test_draw_writes_a_screen_sized_jpeg(tmp_path):
    path = draw("garabit.jpg", tmp_path)
    with Image.open(path) as img:
        assert (img.format, img.size) == ("JPEG", (W, H))
        # a picture, not a flat box: many distinct colours
        assert len(img.convert("RGB").getcolors(maxcolors=1 << 20)) > 1000
