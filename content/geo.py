"""The town map as it travels and as the kiosk reads it: one compact blob, and the walking route search.

The blob is gzip'd JSON (``format: "borne-map/1"``). Coordinates are local metres around the map's
``origin`` (an equirectangular projection, exact enough over a town), x east and y north, quantised
to decimetres (integers). It holds what the kiosk draws (``layers``: flat ``[x0, y0, x1, y1, …]``
lists, polygons for areas and polylines for ways; ``labels``: street names) and the footpath graph
(``nodes``: junctions; ``edges``: ``[a, b, length_dm, flags, [intermediate x, y …]]``). The back
office writes it (:mod:`content.osm`), the feed announces it by sha256 like an image, the sync
stores it beside the cache, and :class:`TownMap` reads it once; :func:`route` is a pure function
over it.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import io
import json
import math
from dataclasses import dataclass, field

from content.contract import ContentError

FORMAT = "borne-map/1"
#: Largest map blob accepted, compressed and inflated (a town centre is well under 2 MB).
MAX_BLOB_BYTES = 32 * 1024**2
MAX_JSON_BYTES = 256 * 1024**2
EARTH_M = 6_371_008.8
#: Edge flags.
STEPS = 1  # steps or stairs: not for wheelchairs or pushchairs
NO_WHEELCHAIR = 2  # the data says wheelchair=no (kerb, steep path …)
#: Walking speed for the time shown (1.2 m/s, 4.3 km/h: a visitor's pace, not a hiker's).
WALK_M_PER_S = 1.2
#: An entry or kiosk further than this from any footpath has no walking route.
SNAP_LIMIT_M = 250.0
#: Layers the kiosk draws, in drawing order; areas are polygons, the rest polylines.
AREA_LAYERS = ("park", "water", "square", "building")
LINE_LAYERS = ("river", "road", "path", "steps")
LAYERS = AREA_LAYERS + LINE_LAYERS


class MapError(ContentError):
    """A map blob that cannot be read; the message says what is wrong."""


class NoRoute(Exception):
    """No walking route between the two points; ``reason`` is ``outside``, ``far`` or ``disconnected``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Projection:
    """Local metres around ``(lat0, lon0)``: x east, y north."""

    lat0: float
    lon0: float

    @property
    def kx(self) -> float:
        return math.radians(1) * EARTH_M * math.cos(math.radians(self.lat0))

    @property
    def ky(self) -> float:
        return math.radians(1) * EARTH_M

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 + y / self.ky, self.lon0 + x / self.kx


def encode(data: dict) -> bytes:
    """The blob for a map dict (deterministic: the same map gives the same sha256)."""
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return gzip.compress(raw, compresslevel=9, mtime=0)


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def decode(blob: bytes, *, where: str = "map") -> dict:
    """Inflate and check a blob (size capped while inflating); MapError says what is wrong."""
    if len(blob) > MAX_BLOB_BYTES:
        raise MapError(f"{where}: {len(blob)} bytes, more than the {MAX_BLOB_BYTES} allowed")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(blob)) as fh:
            raw = fh.read(MAX_JSON_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise MapError(f"{where}: not a gzip'd map ({exc})") from None
    if len(raw) > MAX_JSON_BYTES:
        raise MapError(f"{where}: inflates to more than {MAX_JSON_BYTES} bytes: refused")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise MapError(f"{where}: not JSON ({exc})") from None
    check(data, where=where)
    return data


def check(data, *, where: str = "map") -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise MapError(f"{where}: not a {FORMAT} map (format {data.get('format') if isinstance(data, dict) else '?'})")
    origin, bbox = data.get("origin"), data.get("bbox")
    if not (isinstance(origin, list) and len(origin) == 2 and all(isinstance(v, int | float) for v in origin)):
        raise MapError(f"{where}: origin must be [lat, lon]")
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)):
        raise MapError(f"{where}: bbox must be [south, west, north, east]")
    nodes, edges = data.get("nodes"), data.get("edges")
    if not isinstance(nodes, list) or len(nodes) % 2 or not isinstance(edges, list):
        raise MapError(f"{where}: nodes must be a flat [x, y, …] list and edges a list")
    count = len(nodes) // 2
    for i, e in enumerate(edges):
        if not (
            isinstance(e, list)
            and len(e) == 5
            and isinstance(e[0], int)
            and isinstance(e[1], int)
            and 0 <= e[0] < count
            and 0 <= e[1] < count
            and isinstance(e[2], int)
            and e[2] >= 0
            and isinstance(e[4], list)
            and len(e[4]) % 2 == 0
        ):
            raise MapError(f"{where}: edge {i} is not [a, b, length, flags, points] over known nodes")
    layers = data.get("layers")
    if not isinstance(layers, dict):
        raise MapError(f"{where}: layers missing")
    for name, items in layers.items():
        if not isinstance(items, list) or any(not isinstance(p, list) or len(p) % 2 for p in items):
            raise MapError(f"{where}: layer {name!r} must be a list of flat [x, y, …] lists")


@dataclass
class Route:
    """A walking route: its points (local metres), length and walking time."""

    points: list[tuple[float, float]]
    length_m: float
    step_free: bool
    #: The fastest route uses steps (so the step-free variant differs).
    has_steps: bool = False

    @property
    def minutes(self) -> int:
        return max(1, round(self.length_m / WALK_M_PER_S / 60))


@dataclass
class TownMap:
    """A decoded map, with the graph's adjacency and a grid to find the nearest junction. Built once."""

    data: dict
    projection: Projection = field(init=False)
    xs: list[float] = field(init=False)
    ys: list[float] = field(init=False)
    adjacency: list[list[tuple[int, int, int]]] = field(init=False)  # node -> [(other, edge index, length dm)]
    _grid: dict[tuple[int, int], list[int]] = field(init=False)

    CELL = 100.0  # metres

    def __post_init__(self):
        self.projection = Projection(*self.data["origin"])
        nodes = self.data["nodes"]
        self.xs = [v / 10 for v in nodes[0::2]]
        self.ys = [v / 10 for v in nodes[1::2]]
        self.adjacency = [[] for _ in self.xs]
        for i, (a, b, length, _flags, _pts) in enumerate(self.data["edges"]):
            self.adjacency[a].append((b, i, length))
            self.adjacency[b].append((a, i, length))
        grid: dict[tuple[int, int], list[int]] = {}
        for n, (x, y) in enumerate(zip(self.xs, self.ys, strict=True)):
            if self.adjacency[n]:
                grid.setdefault((int(x // self.CELL), int(y // self.CELL)), []).append(n)
        self._grid = grid

    @classmethod
    def from_blob(cls, blob: bytes, *, where: str = "map") -> TownMap:
        return cls(decode(blob, where=where))

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return tuple(self.data["bbox"])

    @property
    def layers(self) -> dict[str, list[list[int]]]:
        return self.data["layers"]

    @property
    def labels(self) -> list:
        return self.data.get("labels", [])

    def contains(self, lat: float, lon: float) -> bool:
        s, w, n, e = self.bbox
        return s <= lat <= n and w <= lon <= e

    def nearest(self, x: float, y: float, *, limit: float = SNAP_LIMIT_M) -> int | None:
        """The junction nearest to ``(x, y)`` within ``limit`` metres, or None."""
        cx, cy = int(x // self.CELL), int(y // self.CELL)
        reach = int(limit // self.CELL) + 1
        best, best_d = None, limit * limit
        for gx in range(cx - reach, cx + reach + 1):
            for gy in range(cy - reach, cy + reach + 1):
                for n in self._grid.get((gx, gy), ()):
                    d = (self.xs[n] - x) ** 2 + (self.ys[n] - y) ** 2
                    if d <= best_d:
                        best, best_d = n, d
        return best

    def edge_points(self, edge: int, start: int) -> list[tuple[float, float]]:
        a, b, _length, _flags, pts = self.data["edges"][edge]
        inner = [(pts[i] / 10, pts[i + 1] / 10) for i in range(0, len(pts), 2)]
        line = [(self.xs[a], self.ys[a]), *inner, (self.xs[b], self.ys[b])]
        return line if start == a else line[::-1]


def route(town: TownMap, start: tuple[float, float], goal: tuple[float, float], *, step_free: bool = False) -> Route:
    """The shortest walk from ``start`` to ``goal`` (both ``(lat, lon)``), A* over the footpath graph.

    ``step_free`` leaves out steps and paths marked ``wheelchair=no``. Raises :class:`NoRoute` when a
    point is outside the map, too far from any path, or when no path joins them.
    """
    for name, (lat, lon) in (("start", start), ("destination", goal)):
        if not town.contains(lat, lon):
            raise NoRoute("outside", f"the {name} ({lat:.5f}, {lon:.5f}) is outside the map")
    sx, sy = town.projection.to_xy(*start)
    gx, gy = town.projection.to_xy(*goal)
    a, b = town.nearest(sx, sy), town.nearest(gx, gy)
    if a is None or b is None:
        which = "start" if a is None else "destination"
        raise NoRoute("far", f"the {which} is more than {SNAP_LIMIT_M:.0f} m from any footpath on the map")
    found = _astar(town, a, b, blocked=(STEPS | NO_WHEELCHAIR) if step_free else 0)
    if found is None:
        raise NoRoute("disconnected", "no footpath on the map joins the two points")
    length_dm, path = found
    points: list[tuple[float, float]] = [(sx, sy)]
    has_steps = False
    edges = town.data["edges"]
    for node, edge in path:
        has_steps = has_steps or bool(edges[edge][3] & STEPS)
        points.extend(town.edge_points(edge, node))
    if not path:
        points.append((town.xs[a], town.ys[a]))
    points.append((gx, gy))
    extra = math.dist((sx, sy), points[1]) + math.dist((gx, gy), points[-2])
    return Route(points, length_dm / 10 + extra, step_free, has_steps)


def _astar(town: TownMap, a: int, b: int, *, blocked: int) -> tuple[int, list[tuple[int, int]]] | None:
    """(length in dm, [(from node, edge)…]) of the shortest path from ``a`` to ``b``, or None."""
    xs, ys, edges = town.xs, town.ys, town.data["edges"]
    bx, by = xs[b], ys[b]

    def h(n: int) -> float:  # straight-line distance in dm: never more than the real one
        return math.hypot(xs[n] - bx, ys[n] - by) * 10 * 0.999

    best = {a: 0}
    came: dict[int, tuple[int, int]] = {}
    queue = [(h(a), 0, a)]
    done = set()
    while queue:
        _, cost, n = heapq.heappop(queue)
        if n == b:
            path = []
            while n != a:
                prev, edge = came[n]
                path.append((prev, edge))
                n = prev
            return cost, path[::-1]
        if n in done:
            continue
        done.add(n)
        for other, edge, length in town.adjacency[n]:
            if blocked and edges[edge][3] & blocked:
                continue
            new = cost + length
            if new < best.get(other, 1 << 62):
                best[other] = new
                came[other] = (n, edge)
                heapq.heappush(queue, (new + h(other), new, other))
    return None


def directions_url(start: tuple[float, float], goal: tuple[float, float]) -> str:
    """A walking-directions link for the visitor's phone (OSM's directions page, opened on the phone)."""
    return (
        "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
        f"&route={start[0]:.5f}%2C{start[1]:.5f}%3B{goal[0]:.5f}%2C{goal[1]:.5f}"
    )


def parse_announcement(value, *, where: str = "map") -> dict:
    """Check the feed's (or a bundle manifest's) ``map`` key: ``{sha256, bytes, bbox, generated_at, kiosk}``.

    ``kiosk`` is ``{lat, lon, facing}`` or null (no position set for this kiosk). Raises MapError.
    """
    from content.contract import SHA256_RE

    if not isinstance(value, dict):
        raise MapError(f"{where}: an object is expected")
    sha, size, bbox = value.get("sha256"), value.get("bytes"), value.get("bbox")
    if not isinstance(sha, str) or not SHA256_RE.match(sha):
        raise MapError(f"{where}.sha256: a sha256 in hexadecimal is expected")
    if not isinstance(size, int) or not 0 < size <= MAX_BLOB_BYTES:
        raise MapError(f"{where}.bytes: a size from 1 to {MAX_BLOB_BYTES} is expected")
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)):
        raise MapError(f"{where}.bbox: [south, west, north, east] is expected")
    kiosk = value.get("kiosk")
    if kiosk is not None:
        if not isinstance(kiosk, dict):
            raise MapError(f"{where}.kiosk: {{lat, lon, facing}} or null is expected")
        lat, lon, facing = kiosk.get("lat"), kiosk.get("lon"), kiosk.get("facing", 0)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon, facing)):
            raise MapError(f"{where}.kiosk: lat, lon and facing must be numbers")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise MapError(f"{where}.kiosk: ({lat}, {lon}) is not a position on Earth")
        kiosk = {"lat": float(lat), "lon": float(lon), "facing": float(facing) % 360}
    return {
        "sha256": sha,
        "bytes": size,
        "bbox": [float(v) for v in bbox],
        "generated_at": str(value.get("generated_at") or ""),
        "kiosk": kiosk,
    }
