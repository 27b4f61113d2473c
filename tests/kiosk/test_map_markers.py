"""Markers on the town map: gathered into numbered discs where they would overlap (pure, no window)."""

from __future__ import annotations

import pytest

from kiosk import maprows


def _marker(mid: str, x: float, y: float) -> dict:
    return {"id": mid, "x": x, "y": y}


def test_markers_closer_than_a_disc_gather_and_those_apart_stay_alone():
    marks = [_marker("a", 0, 0), _marker("b", 10, 0), _marker("c", 0, 12), _marker("far", 200, 0)]
    groups = maprows.clusters(marks, scale=2.0, reach_px=70)  # 10 m = 20 px: overlapping discs
    assert sorted(sorted(m["id"] for m in g) for g in groups) == [["a", "b", "c"], ["far"]]
    groups = maprows.clusters(marks, scale=10.0, reach_px=70)  # 10 m = 100 px: apart
    assert len(groups) == 4


def test_the_selected_marker_stands_alone_among_its_neighbours():
    marks = [_marker("a", 0, 0), _marker("b", 5, 0), _marker("c", 0, 5)]
    groups = maprows.clusters(marks, scale=1.0, reach_px=70, keep="b")
    assert sorted(sorted(m["id"] for m in g) for g in groups) == [["a", "c"], ["b"]]


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0, 8.0])
def test_no_two_discs_overlap_and_no_marker_is_lost(scale):
    marks = [_marker(f"m{i}", (i * 37) % 150, (i * 53) % 120) for i in range(60)]
    groups = maprows.clusters(marks, scale=scale, reach_px=70)
    assert sorted(m["id"] for g in groups for m in g) == sorted(m["id"] for m in marks)
    centres = [(sum(m["x"] for m in g) / len(g) * scale, sum(m["y"] for m in g) / len(g) * scale) for g in groups]
    for i, (xi, yi) in enumerate(centres):
        for xj, yj in centres[i + 1 :]:
            assert (xi - xj) ** 2 + (yi - yj) ** 2 >= 70**2
