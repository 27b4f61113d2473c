"""Reading an OpenStreetMap extract (``.osm.pbf`` or ``.osm`` XML) into the kiosk's map (:mod:`content.geo`).

Only what the kiosk draws and walks is kept, clipped to a bounding box: ways with at least one node
inside it (whole, so a street crossing the edge is not cut), as drawing layers, street names and the
footpath graph (junctions and the way pieces between them, with their length and whether they are
steps). Multipolygon relations (large parks, lakes, riverbanks) are assembled by osmium's area
handler and drawn by their outer rings (a hole such as a pond in a park is drawn by its own layer
on top, or not at all); the footpath graph only ever comes from ways. Reading needs ``osmium``
(pyosmium, the back office's extra), imported when called so that the kiosk never needs it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from content import geo

#: highway=* values a pedestrian may use (motorways, trunk roads and their ramps are not).
WALKABLE = {
    "footway",
    "path",
    "pedestrian",
    "steps",
    "living_street",
    "residential",
    "service",
    "unclassified",
    "tertiary",
    "tertiary_link",
    "secondary",
    "secondary_link",
    "primary",
    "primary_link",
    "track",
    "cycleway",
    "bridleway",
    "road",
    "corridor",
}
FOOT_ONLY = {"footway", "path", "pedestrian", "steps", "track", "cycleway", "bridleway", "corridor"}
NO_FOOT = {"no", "private"}
PARK = {"park", "garden", "playground", "pitch"}
GREEN_LANDUSE = {"grass", "meadow", "forest", "recreation_ground", "cemetery", "village_green", "orchard"}
WATER_LINES = {"river", "stream", "canal"}


class OsmError(geo.MapError):
    """An extract that cannot be read, or that does not cover the area asked for."""


@dataclass
class Way:
    tags: dict[str, str]
    points: list[tuple[float, float]]  # (lat, lon)
    refs: list[int]


@dataclass
class Extract:
    ways: list[Way] = field(default_factory=list)
    #: Outer rings of multipolygon relations (closed, ``refs`` empty) that reach into the box.
    areas: list[Way] = field(default_factory=list)
    #: Bounding box of every node read, [south, west, north, east] (None: no node).
    extent: list[float] | None = None


def read(path: str | Path, bbox: tuple[float, float, float, float]) -> Extract:
    """The ways of ``path`` that the kiosk may use, with at least one node in ``bbox`` (s, w, n, e)."""
    try:
        import osmium
    except ImportError:
        raise OsmError("reading OpenStreetMap files needs osmium (pip install 'borne[backoffice]')") from None
    path = Path(path)
    if not path.is_file():
        raise OsmError(f"{path}: no such file")
    s, w, n, e = bbox
    out = Extract()
    ext = [90.0, 180.0, -90.0, -180.0]
    try:
        kinds = osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION | osmium.osm.AREA
        processor = osmium.FileProcessor(str(path), kinds).with_locations().with_areas()
        for obj in processor:
            if obj.is_area():
                if not obj.from_way() and _wanted(dict(obj.tags)):
                    out.areas += _rings(obj, bbox)
                continue
            if obj.is_node():
                loc = obj.location
                if loc.valid():
                    lat, lon = loc.lat, loc.lon
                    ext = [min(ext[0], lat), min(ext[1], lon), max(ext[2], lat), max(ext[3], lon)]
                continue
            if not obj.is_way():
                continue
            tags = dict(obj.tags)
            if not _wanted(tags):
                continue
            points, refs, inside = [], [], False
            for ref in obj.nodes:
                loc = ref.location
                if not loc.valid():
                    continue
                lat, lon = loc.lat, loc.lon
                points.append((lat, lon))
                refs.append(ref.ref)
                inside = inside or (s <= lat <= n and w <= lon <= e)
            if inside and len(points) >= 2:
                out.ways.append(Way(tags, points, refs))
    except RuntimeError as exc:
        raise OsmError(f"{path}: not a readable OpenStreetMap file, or truncated ({exc})") from None
    out.extent = ext if ext[0] <= ext[2] else None
    return out


def _rings(area, bbox: tuple[float, float, float, float]) -> list[Way]:
    """The outer rings of an assembled multipolygon whose box meets ``bbox``."""
    s, w, n, e = bbox
    out = []
    tags = dict(area.tags)
    for ring in area.outer_rings():
        points = [(ref.lat, ref.lon) for ref in ring if ref.location.valid()]
        if len(points) < 4:
            continue
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        if min(lats) <= n and max(lats) >= s and min(lons) <= e and max(lons) >= w:
            out.append(Way(tags, points, []))
    return out


def _wanted(tags: dict[str, str]) -> bool:
    return bool(
        tags.get("highway") in WALKABLE
        or tags.get("highway") == "pedestrian"
        or "building" in tags
        or tags.get("natural") == "water"
        or tags.get("waterway") in WATER_LINES | {"riverbank"}
        or tags.get("leisure") in PARK
        or tags.get("landuse") in GREEN_LANDUSE | {"reservoir", "basin"}
        or tags.get("place") == "square"
    )


def _layer(tags: dict[str, str], closed: bool) -> str | None:
    hw = tags.get("highway")
    if closed and (tags.get("area") == "yes" and hw in ("pedestrian", "footway") or tags.get("place") == "square"):
        return "square"
    if hw == "steps":
        return "steps"
    if hw in FOOT_ONLY:
        return "path"
    if hw in WALKABLE:
        return "road"
    if not closed:
        return "river" if tags.get("waterway") in WATER_LINES else None
    if "building" in tags:
        return "building"
    if (
        tags.get("natural") == "water"
        or tags.get("waterway") == "riverbank"
        or tags.get("landuse") in ("reservoir", "basin")
    ):
        return "water"
    if tags.get("leisure") in PARK or tags.get("landuse") in GREEN_LANDUSE:
        return "park"
    return None


def _walk_flags(tags: dict[str, str]) -> int | None:
    """Graph flags of a way pedestrians may use, or None."""
    hw = tags.get("highway")
    if hw not in WALKABLE or tags.get("foot") in NO_FOOT or tags.get("access") in NO_FOOT and tags.get("foot") != "yes":
        return None
    if tags.get("area") == "yes":
        return None  # a square's outline is no path across it
    flags = 0
    if hw == "steps":
        flags |= geo.STEPS
    if tags.get("wheelchair") == "no":
        flags |= geo.NO_WHEELCHAIR
    return flags


def build_map(
    extract: Extract,
    bbox: tuple[float, float, float, float],
    *,
    source: str = "",
    generated_at: dt.datetime | None = None,
) -> dict:
    """The map dict (:mod:`content.geo`) for the ways of ``extract`` around ``bbox``."""
    s, w, n, e = bbox
    if extract.extent is None:
        raise OsmError(f"{source or 'the extract'}: no node with a position: an empty or broken extract")
    es, ew, en, ee = extract.extent
    if es > n or en < s or ew > e or ee < w:
        raise OsmError(
            f"{source or 'the extract'} covers lat {es:.4f}…{en:.4f}, lon {ew:.4f}…{ee:.4f}: "
            f"it does not cover the area asked for (lat {s:.4f}…{n:.4f}, lon {w:.4f}…{e:.4f})"
        )
    walkable = [wy for wy in extract.ways if _walk_flags(wy.tags) is not None]
    if not walkable:
        raise OsmError(f"{source or 'the extract'}: no street or footpath inside the area asked for")
    proj = geo.Projection((s + n) / 2, (w + e) / 2)

    def q(lat: float, lon: float) -> tuple[int, int]:
        x, y = proj.to_xy(lat, lon)
        return round(x * 10), round(y * 10)

    layers: dict[str, list[list[int]]] = {name: [] for name in geo.LAYERS}
    labels = []
    for way in extract.ways:
        closed = len(way.refs) > 3 and way.refs[0] == way.refs[-1]
        layer = _layer(way.tags, closed)
        if layer is None:
            continue
        flat = []
        for lat, lon in _simplify(way.points, 0.8 if layer in geo.AREA_LAYERS else 0.5, proj):
            flat.extend(q(lat, lon))
        layers[layer].append(flat)
        name = way.tags.get("name")
        if name and layer in ("road", "path", "square"):
            labels.append([name, *flat])
    for area in extract.areas:
        layer = _layer(area.tags, True)
        if layer in geo.AREA_LAYERS:
            layers[layer].append([v for lat, lon in _simplify(area.points, 0.8, proj) for v in q(lat, lon)])
    nodes, edges = _graph(walkable, q)
    return {
        "format": geo.FORMAT,
        "origin": [round(proj.lat0, 7), round(proj.lon0, 7)],
        "bbox": [round(v, 7) for v in bbox],
        "generated_at": (generated_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "source": source,
        "attribution": "© OpenStreetMap contributors, ODbL",
        "layers": {k: v for k, v in layers.items() if v},
        "labels": _best_labels(labels),
        "nodes": nodes,
        "edges": edges,
    }


def _best_labels(labels: list[list]) -> list[list]:
    """One label per street name: its longest piece (the kiosk places the name along it)."""
    best: dict[str, list] = {}
    for label in labels:
        name, pts = label[0], label[1:]
        length = sum(math.dist(pts[i : i + 2], pts[i + 2 : i + 4]) for i in range(0, len(pts) - 2, 2))
        if name not in best or length > best[name][0]:
            best[name] = [length, label]
    return [label for _, label in sorted(best.values(), key=lambda item: -item[0])]


def _graph(ways: Iterable[Way], q) -> tuple[list[int], list[list]]:
    """Junctions (nodes shared by ways, and way ends) and the pieces of way between them."""
    ways = list(ways)
    uses: dict[int, int] = {}
    for way in ways:
        for i, ref in enumerate(way.refs):
            uses[ref] = uses.get(ref, 0) + (2 if i in (0, len(way.refs) - 1) else 1)
    index: dict[int, int] = {}
    nodes: list[int] = []
    edges: list[list] = []

    def node(ref: int, lat: float, lon: float) -> int:
        if ref not in index:
            index[ref] = len(nodes) // 2
            nodes.extend(q(lat, lon))
        return index[ref]

    for way in ways:
        flags = _walk_flags(way.tags)
        start = 0
        for i in range(1, len(way.refs)):
            if uses[way.refs[i]] < 2 and i != len(way.refs) - 1:
                continue
            # a piece that comes back to where it left (a loop round a square or a park) is cut in
            # two at its middle point, so that it stays in the graph as two pieces
            cuts = [start, i] if way.refs[start] != way.refs[i] or i - start < 2 else [start, (start + i) // 2, i]
            for j, k in zip(cuts, cuts[1:], strict=False):
                piece = way.points[j : k + 1]
                a = node(way.refs[j], *piece[0])
                b = node(way.refs[k], *piece[-1])
                xy = [q(lat, lon) for lat, lon in piece]
                length = sum(math.dist(xy[m], xy[m + 1]) for m in range(len(xy) - 1))
                inner = [v for p in xy[1:-1] for v in p]
                if a != b:
                    edges.append([a, b, round(length), flags, inner])
            start = i
    return nodes, edges


def _simplify(points: list[tuple[float, float]], tolerance_m: float, proj: geo.Projection) -> list[tuple[float, float]]:
    """Douglas–Peucker in metres: drops points that change the line by less than ``tolerance_m``."""
    if len(points) < 3:
        return points
    xy = [proj.to_xy(*p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = xy[i], xy[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1e-9
        far, far_d = None, tolerance_m
        for k in range(i + 1, j):
            px, py = xy[k]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if (dx or dy) else math.hypot(px - ax, py - ay)
            if d > far_d:
                far, far_d = k, d
        if far is not None:
            keep[far] = True
            stack += [(i, far), (far, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def import_file(path: str | Path, bbox: tuple[float, float, float, float], *, source: str | None = None) -> dict:
    """Read ``path`` and build the map of ``bbox``. Raises OsmError saying what is wrong."""
    path = Path(path)
    return build_map(read(path, bbox), bbox, source=source or path.name)
