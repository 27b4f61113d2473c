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
    """A decoded map, with the graph's adjacency (built once) and a grid to find the nearest way piece."""

    data: dict
    projection: Projection = field(init=False)
    xs: list[float] = field(init=False)
    ys: list[float] = field(init=False)
    adjacency: list[list[tuple[int, int, int]]] = field(init=False)  # node -> [(other, edge index, length dm)]
    _edge_grid: dict[tuple[int, int], list[int]] | None = field(init=False, default=None)

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

    def nearest(self, x: float, y: float, *, limit: float = SNAP_LIMIT_M, blocked: int = 0) -> Snap | None:
        """The point of a way piece nearest to ``(x, y)`` within ``limit`` metres (projected onto the
        piece, not its nearest junction), leaving out pieces with any of the ``blocked`` flags; or None."""
        if self._edge_grid is None:
            self._edge_grid = self._grid_edges()
        cx, cy = int(x // self.CELL), int(y // self.CELL)
        reach = int(limit // self.CELL) + 1
        best: Snap | None = None
        best_d = limit
        seen = set()
        edges = self.data["edges"]
        for gx in range(cx - reach, cx + reach + 1):
            for gy in range(cy - reach, cy + reach + 1):
                for e in self._edge_grid.get((gx, gy), ()):
                    if e in seen or (blocked and edges[e][3] & blocked):
                        continue
                    seen.add(e)
                    line = self.edge_points(e, edges[e][0])
                    along = 0.0
                    for i in range(len(line) - 1):
                        (ax, ay), (bx, by) = line[i], line[i + 1]
                        dx, dy = bx - ax, by - ay
                        seg = math.hypot(dx, dy)
                        t = 0.0 if seg == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (seg * seg)))
                        px, py = ax + t * dx, ay + t * dy
                        d = math.hypot(px - x, py - y)
                        if d < best_d:
                            best_d = d
                            best = Snap(e, i, (px, py), along + t * seg, self.piece_length(e))
                        along += seg
        return best

    def _grid_edges(self) -> dict[tuple[int, int], list[int]]:
        """The way pieces each grid cell meets (by each segment's box), built on the first snap."""
        grid: dict[tuple[int, int], list[int]] = {}
        for e, edge in enumerate(self.data["edges"]):
            line = self.edge_points(e, edge[0])
            cells = set()
            for (ax, ay), (bx, by) in zip(line, line[1:], strict=False):
                for gx in range(int(min(ax, bx) // self.CELL), int(max(ax, bx) // self.CELL) + 1):
                    for gy in range(int(min(ay, by) // self.CELL), int(max(ay, by) // self.CELL) + 1):
                        cells.add((gx, gy))
            for cell in cells:
                grid.setdefault(cell, []).append(e)
        return grid

    def piece_length(self, edge: int) -> float:
        """The drawn length (metres) of a way piece, from its points."""
        line = self.edge_points(edge, self.data["edges"][edge][0])
        return sum(math.dist(p, q) for p, q in zip(line, line[1:], strict=False))

    def edge_points(self, edge: int, start: int) -> list[tuple[float, float]]:
        a, b, _length, _flags, pts = self.data["edges"][edge]
        inner = [(pts[i] / 10, pts[i + 1] / 10) for i in range(0, len(pts), 2)]
        line = [(self.xs[a], self.ys[a]), *inner, (self.xs[b], self.ys[b])]
        return line if start == a else line[::-1]


@dataclass(frozen=True)
class Snap:
    """Where a point meets the footpath graph: on piece ``edge``, in its segment ``segment`` (counted
    from the piece's first junction), at ``point``, ``along`` metres from that junction."""

    edge: int
    segment: int
    point: tuple[float, float]
    along: float
    length: float

    def towards(self, town: TownMap, end: int) -> list[tuple[float, float]]:
        """The points from the snapped point to the piece's junction ``end`` (either of its two)."""
        a = town.data["edges"][self.edge][0]
        line = town.edge_points(self.edge, a)
        if end == a:
            return [self.point, *line[self.segment :: -1]]
        return [self.point, *line[self.segment + 1 :]]


def route(town: TownMap, start: tuple[float, float], goal: tuple[float, float], *, step_free: bool = False) -> Route:
    """The shortest walk from ``start`` to ``goal`` (both ``(lat, lon)``), A* over the footpath graph.

    Each end joins the graph where it meets the nearest way piece (projected onto it, so a walk never
    goes to a junction behind the visitor first). ``step_free`` leaves out steps and paths marked
    ``wheelchair=no``. Raises :class:`NoRoute` when a point is outside the map, too far from any
    path, or when no path joins them.
    """
    for name, (lat, lon) in (("start", start), ("destination", goal)):
        if not town.contains(lat, lon):
            raise NoRoute("outside", f"the {name} ({lat:.5f}, {lon:.5f}) is outside the map")
    blocked = (STEPS | NO_WHEELCHAIR) if step_free else 0
    sx, sy = town.projection.to_xy(*start)
    gx, gy = town.projection.to_xy(*goal)
    a, b = town.nearest(sx, sy, blocked=blocked), town.nearest(gx, gy, blocked=blocked)
    if a is None or b is None:
        which = "start" if a is None else "destination"
        raise NoRoute("far", f"the {which} is more than {SNAP_LIMIT_M:.0f} m from any footpath on the map")
    edges = town.data["edges"]
    best: tuple[float, list[tuple[float, float]], list[int]] | None = None
    if a.edge == b.edge:  # both on one piece: along it
        line = town.edge_points(a.edge, edges[a.edge][0])
        lo, hi = sorted((a.along, b.along))
        inner, along = [], 0.0
        for k, p in enumerate(line):
            if lo < along < hi:
                inner.append(p)
            if k + 1 < len(line):
                along += math.dist(p, line[k + 1])
        if b.along < a.along:
            inner.reverse()
        best = (hi - lo, [a.point, *inner, b.point], [a.edge])
    found = _astar(town, a, b, blocked=blocked)
    if found is not None and (best is None or found[0] < best[0] - 1e-6):
        cost, first, path, last = found
        points = a.towards(town, first)
        used = [a.edge, b.edge]
        for node, edge in path:
            used.append(edge)
            points.extend(town.edge_points(edge, node)[1:])
        points.extend(b.towards(town, last)[::-1][1:])
        best = (cost, points, used)
    if best is None:
        raise NoRoute("disconnected", "no footpath on the map joins the two points")
    length, points, used = best
    has_steps = any(edges[e][3] & STEPS for e in used)
    points = [(sx, sy), *points, (gx, gy)]
    extra = math.dist((sx, sy), a.point) + math.dist((gx, gy), b.point)
    return Route(_dedupe(points), length + extra, step_free, has_steps)


def _dedupe(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [points[0]]
    for p in points[1:]:
        if math.dist(p, out[-1]) > 0.05:
            out.append(p)
    return out


def _astar(town: TownMap, a: Snap, b: Snap, *, blocked: int) -> tuple[float, int, list[tuple[int, int]], int] | None:
    """The shortest way from snap ``a`` to snap ``b`` through junctions: (metres, the junction left
    from on ``a``'s piece, [(from junction, edge)…], the junction reached on ``b``'s piece), or None."""
    xs, ys, edges = town.xs, town.ys, town.data["edges"]
    bx, by = b.point
    goal = -1  # the snapped destination, joined to both ends of its piece

    def h(n: int) -> float:  # straight-line distance: never more than the real one
        return 0.0 if n == goal else math.hypot(xs[n] - bx, ys[n] - by) * 0.999

    ea, eb = edges[a.edge], edges[b.edge]
    ends = {eb[0]: b.along, eb[1]: b.length - b.along}
    best: dict[int, float] = {}
    came: dict[int, tuple[int, int]] = {}
    first: dict[int, int] = {}
    queue: list[tuple[float, float, int]] = []
    for end, cost in ((ea[0], a.along), (ea[1], a.length - a.along)):
        if cost < best.get(end, math.inf):
            best[end] = cost
            first[end] = end
            heapq.heappush(queue, (cost + h(end), cost, end))
    done = set()
    while queue:
        _, cost, n = heapq.heappop(queue)
        if n == goal:
            last = came[goal][0]
            path = []
            n = last
            while n in came:
                prev, edge = came[n]
                path.append((prev, edge))
                n = prev
            return cost, n, path[::-1], last
        if n in done:
            continue
        done.add(n)
        if n in ends:
            new = cost + ends[n]
            if new < best.get(goal, math.inf):
                best[goal] = new
                came[goal] = (n, b.edge)
                heapq.heappush(queue, (new, new, goal))
        for other, edge, length in town.adjacency[n]:
            if blocked and edges[edge][3] & blocked:
                continue
            new = cost + length / 10
            if new < best.get(other, math.inf):
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
