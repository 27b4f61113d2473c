"""The town map widget: vector layers drawn once as meshes, moved by one transform; markers on top.

Geometry (:class:`content.geo.TownMap`, local metres) becomes one Mesh per layer and chunk when the
map is loaded: areas through Kivy's tesselator, ways as quads whose width depends on the zoom band
(rebuilt, and kept, once per band). Panning and zooming only change a Translate and a Scale, then
move the markers, the street names and the kiosk's arrow (screen-sized instructions in an overlay),
so a frame costs the same whatever the size of the town. Markers whose discs would overlap share one
numbered disc (:func:`kiosk.maprows.clusters`); a tap on it zooms in until they stand apart. North is
up. The attribution is part of the widget (see kv/map.kv), never of the screen that holds it.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable

from kivy.core.text import Label as CoreLabel
from kivy.graphics import (
    Color,
    Ellipse,
    InstructionGroup,
    Mesh,
    PopMatrix,
    PushMatrix,
    Rectangle,
    Rotate,
    Scale,
    Translate,
)
from kivy.graphics.scissor_instructions import ScissorPop, ScissorPush
from kivy.properties import NumericProperty, ObjectProperty
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex

from content import geo
from kiosk import maprows

MAX_VERTICES = 65_000  # a Mesh's indices are 16-bit


def _buffers() -> tuple[array, array]:
    """A mesh's vertices and indices as C arrays: a Mesh keeps what it is given, and a list of
    Python floats costs eight times the memory (32 bytes a number against 4)."""
    return array("f"), array("H")


MIN_SCALE, MAX_SCALE = 0.15, 10.0  # px per metre
#: Way widths (metres, and at least this many pixels) by layer.
WIDTHS = {"road": (8.0, 7.0), "path": (2.5, 3.5), "steps": (2.5, 4.0), "river": (6.0, 3.0)}
STYLE = {
    "land": "#F1EEE8",
    "park": "#CFE6C0",
    "water": "#AFD1EE",
    "river": "#8DBFE6",
    "square": "#E6DDCF",
    "building": "#D9CEC1",
    "road": "#FFFFFF",
    "path": "#A4875F",
    "steps": "#B4532A",
    "route": "#1565C0",
    "route_casing": "#FFFFFF",
    "label": "#3B3B3B",
    "here": "#1565C0",
    "cluster": "#263238",
    "outline": "#FFFFFF",
}
TAP_SLOP = 24  # px a finger may move and still tap
TAP_REACH = 56  # px from a marker's centre that still selects it
#: Markers closer than this share of their size gather into one numbered disc (a tap zooms in on them).
CLUSTER_REACH = 1.15


def _rgba(name: str, alpha: float = 1.0):
    r, g, b, _ = get_color_from_hex(STYLE[name])
    return r, g, b, alpha


def band_of(scale: float) -> int:
    """The zoom band ways are built for (one step per doubling of the scale)."""
    return round(math.log2(max(scale, 1e-6)))


def line_meshes(lines, width: float) -> list[Mesh]:
    """Quads along each polyline (flat decimetre ``[x, y, …]``), square-capped so corners close."""
    meshes = []
    vertices, indices = _buffers()
    half = width / 2
    for flat in lines:
        pts = [(flat[i] / 10, flat[i + 1] / 10) for i in range(0, len(flat), 2)]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy)
            if length < 1e-6:
                continue
            ux, uy = dx / length * half, dy / length * half
            nx, ny = -uy, ux
            ax, ay, bx, by = x1 - ux, y1 - uy, x2 + ux, y2 + uy
            n = len(vertices) // 4
            vertices.extend(
                (ax + nx, ay + ny, 0, 0, ax - nx, ay - ny, 0, 0, bx + nx, by + ny, 0, 0, bx - nx, by - ny, 0, 0)
            )
            indices.extend((n, n + 1, n + 2, n + 2, n + 1, n + 3))
            if n + 4 >= MAX_VERTICES:
                meshes.append(Mesh(vertices=vertices, indices=indices, mode="triangles"))
                vertices, indices = _buffers()
    if vertices:
        meshes.append(Mesh(vertices=vertices, indices=indices, mode="triangles"))
    return meshes


def triangulate(pts: list[tuple[float, float]]) -> list[int]:
    """Triangles (indices into ``pts``) of a simple polygon by ear clipping; a fan when it is convex.

    Buildings are small (4 to 20 corners): this is quicker and far lighter than a tesselator fed
    thousands of contours at once, and a polygon that is not simple still gets drawn (as a fan).
    """
    n = len(pts)
    if n < 3:
        return []
    area = sum(pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1] for i in range(n))
    order = list(range(n)) if area > 0 else list(range(n - 1, -1, -1))

    def cross(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    if all(cross(pts[order[i - 1]], pts[order[i]], pts[order[(i + 1) % n]]) >= 0 for i in range(n)):
        return [v for i in range(1, n - 1) for v in (order[0], order[i], order[i + 1])]
    out: list[int] = []
    guard = 0
    while len(order) > 3 and guard < 4 * n * n:
        guard += 1
        m = len(order)
        for i in range(m):
            a, b, c = order[i - 1], order[i], order[(i + 1) % m]
            pa, pb, pc = pts[a], pts[b], pts[c]
            if cross(pa, pb, pc) <= 0:
                continue
            if any(
                cross(pa, pb, pts[k]) >= 0 and cross(pb, pc, pts[k]) >= 0 and cross(pc, pa, pts[k]) >= 0
                for k in order
                if k not in (a, b, c)
            ):
                continue
            out += (a, b, c)
            del order[i]
            break
        else:  # not simple: fan what is left
            break
    out += [v for i in range(1, len(order) - 1) for v in (order[0], order[i], order[i + 1])]
    return out


def area_meshes(polygons) -> list[Mesh]:
    """Filled polygons (flat decimetre lists, closed or not), triangulated one by one into few meshes."""
    meshes = []
    vertices, indices = _buffers()
    for flat in polygons:
        pts = [(flat[i] / 10, flat[i + 1] / 10) for i in range(0, len(flat), 2)]
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if len(pts) < 3:
            continue
        base = len(vertices) // 4
        if base + len(pts) >= MAX_VERTICES:
            meshes.append(Mesh(vertices=vertices, indices=indices, mode="triangles"))
            vertices, indices = _buffers()
            base = 0
        for x, y in pts:
            vertices.extend((x, y, 0, 0))
        indices.extend(base + k for k in triangulate(pts))
    if vertices:
        meshes.append(Mesh(vertices=vertices, indices=indices, mode="triangles"))
    return meshes


def label_segments(
    labels,
) -> list[tuple[str, tuple[float, float, float, float], list[tuple[float, float, float, float]]]]:
    """Each street name with its way's box and straight pieces (metres), longest first: the name
    goes along the longest one that has room for it on screen; the box skips streets out of view."""
    out = []
    for label in labels:
        name, flat = label[0], label[1:]
        pts = [(flat[i] / 10, flat[i + 1] / 10) for i in range(0, len(flat) - 1, 2)]
        pieces = sorted(zip(pts, pts[1:], strict=False), key=lambda ab: -math.dist(*ab))
        if pieces:
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            box = (min(xs), min(ys), max(xs), max(ys))
            out.append((name, box, [(x1, y1, x2, y2) for (x1, y1), (x2, y2) in pieces]))
    return out


TILE_M = 300.0  # a tile of geometry: meshes are built, and drawn, only for the tiles near the view


class Tile:
    """The ways and areas whose middle falls in one square of the map, and the box they really cover."""

    def __init__(self):
        self.items: dict[str, list[list[int]]] = {}
        self.x0 = self.y0 = float("inf")
        self.x1 = self.y1 = float("-inf")

    def add(self, layer: str, flat: list[int]) -> None:
        self.items.setdefault(layer, []).append(flat)
        xs, ys = flat[0::2], flat[1::2]
        self.x0, self.x1 = min(self.x0, min(xs) / 10), max(self.x1, max(xs) / 10)
        self.y0, self.y1 = min(self.y0, min(ys) / 10), max(self.y1, max(ys) / 10)

    def area_meshes(self) -> dict[str, list[Mesh]]:
        return {layer: area_meshes(self.items[layer]) for layer in geo.AREA_LAYERS if self.items.get(layer)}

    def way_meshes(self, scale: float) -> dict[str, list[Mesh]]:
        out = {}
        for layer in ("river", "road", "path", "steps"):
            if self.items.get(layer):
                metres, pixels = WIDTHS[layer]
                out[layer] = line_meshes(self.items[layer], max(metres, pixels / scale))
        return out


def tiles_of(layers: dict[str, list[list[int]]]) -> dict[tuple[int, int], Tile]:
    """The map's geometry sorted into :data:`TILE_M` squares by the middle of each way or area."""
    tiles: dict[tuple[int, int], Tile] = {}
    cell = TILE_M * 10  # decimetres
    for layer, items in layers.items():
        for flat in items:
            if len(flat) < 4:
                continue
            mx = (min(flat[0::2]) + max(flat[0::2])) / 2
            my = (min(flat[1::2]) + max(flat[1::2])) / 2
            key = (int(mx // cell), int(my // cell))
            tile = tiles.get(key)
            if tile is None:
                tile = tiles[key] = Tile()
            tile.add(layer, flat)
    return tiles


class TownMapView(Widget):
    """Draws a :class:`content.geo.TownMap`; pinch, drag and the wheel move it. Coordinates are metres."""

    town = ObjectProperty(None, allownone=True)
    #: Pixels per metre.
    scale = NumericProperty(1.0)
    #: The point (metres) shown at the widget's centre.
    cx = NumericProperty(0.0)
    cy = NumericProperty(0.0)
    #: ``(x, y, facing)`` of the kiosk, or None.
    here = ObjectProperty(None, allownone=True)
    #: Markers: dicts with ``id, x, y, icon, color`` (rgba).
    markers = ObjectProperty([])
    #: The route's points (metres), or None.
    route = ObjectProperty(None, allownone=True)
    #: The selected marker's id.
    selected = ObjectProperty(None, allownone=True)
    symbol_font = ObjectProperty(None, allownone=True)
    label_font_size = NumericProperty(22)
    marker_size = NumericProperty(64)
    #: Called with the marker id a visitor tapped (or None for a tap on the map).
    on_pick: Callable | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ways_band: int | None = None
        self._tiles: dict[tuple[int, int], Tile] = {}
        self._label_segments: list = []
        self._tile_meshes: dict = {}
        self._shown_tiles = None
        self._touches: dict = {}
        self._pinch = None
        self._moved = 0.0
        self._label_textures: dict[str, object] = {}
        self._icon_textures: dict[tuple[str, int], object] = {}
        self._route_band = None
        #: The view asked before layout ("span" or "fit"): applied again when the size changes, until a touch.
        self._wanted = None
        with self.canvas:
            # a scissor, not a stencil: it clips the map to the widget at no cost on software GL
            self._scissor = ScissorPush(x=0, y=0, width=1, height=1)
            Color(*_rgba("land"))
            self._bg = Rectangle()
            PushMatrix()
            self._translate = Translate()
            self._scale = Scale(1, 1, 1)
            self._areas = InstructionGroup()
            self.canvas.add(self._areas)
            self._ways = InstructionGroup()
            self.canvas.add(self._ways)
            self._route = InstructionGroup()
            self.canvas.add(self._route)
            PopMatrix()
            self._overlay = InstructionGroup()
            self.canvas.add(self._overlay)
            ScissorPop()
        self._marker_items: list[tuple] = []
        self._marker_boxes: list[tuple[float, float, float, float]] = []
        self._cluster_scale: float | None = None
        self._labels = InstructionGroup()
        self._here = InstructionGroup()
        self._markers_group = InstructionGroup()
        self._overlay.add(self._labels)
        self._overlay.add(self._markers_group)
        self._overlay.add(self._here)  # "you are here" above every marker
        self.bind(pos=self._moved_view, cx=self._moved_view, cy=self._moved_view)
        self.bind(size=self._resized)
        self.bind(scale=self._moved_view)

    # -- content ---------------------------------------------------------------------------------

    def on_town(self, *_args) -> None:
        self._areas.clear()
        self._ways.clear()
        self._tiles = {}
        self._tile_meshes = {}
        self._shown_tiles = None
        self._ways_band = None
        self._label_segments = []
        if self.town is not None:
            self._tiles = tiles_of(self.town.layers)
            self._label_segments = label_segments(self.town.labels)
        self._moved_view()

    def _visible_tiles(self) -> tuple:
        """Keys of the tiles whose ways or areas reach into the view (a margin of half a screen around it)."""
        if self.scale <= 0:
            return ()
        half_w, half_h = self.width / self.scale, self.height / self.scale
        x0, x1 = self.cx - half_w, self.cx + half_w
        y0, y1 = self.cy - half_h, self.cy + half_h
        return tuple(
            key
            for key, tile in self._tiles.items()
            if not (tile.x1 < x0 or tile.x0 > x1 or tile.y1 < y0 or tile.y0 > y1)
        )

    def _build_ways(self) -> None:
        """Show the meshes of the visible tiles, built for the current zoom band (each built once)."""
        if self.town is None:
            return
        band = band_of(self.scale)
        shown = (band, self._visible_tiles())
        if shown == self._shown_tiles:
            return
        self._shown_tiles = shown
        if band != self._ways_band:
            # ways built for a zoom band no longer on show are let go (the previous one is kept for a zoom back)
            keep = {None, band, self._ways_band}
            self._tile_meshes = {k: v for k, v in self._tile_meshes.items() if k[1] in keep}
        self._ways_band = band
        areas, ways = {}, {}
        for key in shown[1]:
            built = self._tile_meshes.get((key, None))
            if built is None:
                built = self._tile_meshes[(key, None)] = self._tiles[key].area_meshes()
            for layer, meshes in built.items():
                areas.setdefault(layer, []).extend(meshes)
            built = self._tile_meshes.get((key, band))
            if built is None:
                built = self._tile_meshes[(key, band)] = self._tiles[key].way_meshes(2.0**band)
            for layer, meshes in built.items():
                ways.setdefault(layer, []).extend(meshes)
        self._areas.clear()
        for layer in geo.AREA_LAYERS:  # one layer above the other across tiles, as one map
            if areas.get(layer):
                self._areas.add(Color(*_rgba(layer)))
                for mesh in areas[layer]:
                    self._areas.add(mesh)
        self._ways.clear()
        for layer in ("river", "road", "path", "steps"):
            if ways.get(layer):
                self._ways.add(Color(*_rgba(layer)))
                for mesh in ways[layer]:
                    self._ways.add(mesh)
        self._build_route()

    def on_route(self, *_args) -> None:
        self._route_band = None
        self._build_route()
        self._place_overlay()

    def _build_route(self) -> None:
        band = band_of(self.scale)
        if self._route_band == band and self.route is not None:
            return
        self._route.clear()
        self._route_band = band
        if not self.route:
            return
        flat = [round(v * 10) for p in self.route for v in p]
        scale = 2.0**band
        self._route.add(Color(*_rgba("route_casing")))
        for mesh in line_meshes([flat], 16 / scale):
            self._route.add(mesh)
        self._route.add(Color(*_rgba("route")))
        for mesh in line_meshes([flat], 10 / scale):
            self._route.add(mesh)

    def on_markers(self, *_args) -> None:
        self._cluster_scale = None
        self._place_overlay()

    def on_selected(self, *_args) -> None:
        self._cluster_scale = None
        self._place_overlay()

    def _group_markers(self) -> None:
        """Gather the markers for the current scale and make their discs (a disc, its outline, a glyph or a count)."""
        self._markers_group.clear()
        self._marker_items = []
        self._cluster_scale = self.scale
        size = self.marker_size
        for members in maprows.clusters(
            self.markers, scale=self.scale, reach_px=size * CLUSTER_REACH, keep=self.selected
        ):
            many = len(members) > 1
            outline = Color(*_rgba("outline"))
            ring = Ellipse(segments=36)
            color = Color(*(_rgba("cluster") if many else members[0]["color"]))
            disc = Ellipse(segments=36)
            ink = Color(1, 1, 1, 1)
            glyph = Rectangle(texture=self._count(len(members)) if many else self._icon(members[0]["icon"]))
            for instruction in (outline, ring, color, disc, ink, glyph):
                self._markers_group.add(instruction)
            x = sum(m["x"] for m in members) / len(members)
            y = sum(m["y"] for m in members) / len(members)
            grow = 1.3 if members[0]["id"] == self.selected else (1.0 + min(0.2, 0.04 * len(members)) if many else 1.0)
            self._marker_items.append((members, x, y, grow, ring, disc, glyph, (outline, color, ink)))

    def on_here(self, *_args) -> None:
        self._place_overlay()

    def _icon(self, glyph: str):
        key = (glyph, int(self.marker_size))
        if key not in self._icon_textures:
            label = CoreLabel(text=glyph, font_size=self.marker_size * 0.6, font_name=self.symbol_font or "Roboto")
            label.refresh()
            self._icon_textures[key] = label.texture
        return self._icon_textures[key]

    def _count(self, n: int):
        key = (f"#{n}", int(self.marker_size))
        if key not in self._icon_textures:
            label = CoreLabel(text=str(n), font_size=self.marker_size * 0.42, bold=True)
            label.refresh()
            self._icon_textures[key] = label.texture
        return self._icon_textures[key]

    def _label(self, text: str):
        if text not in self._label_textures:
            # a light halo round the letters keeps the name readable over buildings and paths
            label = CoreLabel(
                text=text,
                font_size=self.label_font_size,
                bold=True,
                color=_rgba("label"),
                outline_width=max(1, round(self.label_font_size / 9)),
                outline_color=_rgba("land")[:3],
            )
            label.refresh()
            self._label_textures[text] = label.texture
        return self._label_textures[text]

    # -- the view --------------------------------------------------------------------------------

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        return self.center_x + (x - self.cx) * self.scale, self.center_y + (y - self.cy) * self.scale

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        return self.cx + (sx - self.center_x) / self.scale, self.cy + (sy - self.center_y) / self.scale

    def show(self, x: float, y: float, *, scale: float | None = None) -> None:
        if scale is not None:
            self.scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self.cx, self.cy = self._clamp(x, y)

    def show_span(self, x: float, y: float, metres: float) -> None:
        """Centre on ``(x, y)`` with ``metres`` across the shorter side (kept through layout changes)."""
        self._wanted = ("span", x, y, metres)
        self._apply_wanted()

    def fit(self, points, *, margin: float = 150) -> None:
        """Centre and zoom so that every point (metres) shows, ``margin`` px from the edges."""
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self._wanted = ("fit", min(xs), min(ys), max(xs), max(ys), margin)
        self._apply_wanted()

    def _apply_wanted(self) -> None:
        wanted = self._wanted
        if wanted is None:
            return
        if wanted[0] == "span":
            _kind, x, y, metres = wanted
            scale = max(min(self.width, self.height), 100) / metres
        else:
            _kind, x0, y0, x1, y1, margin = wanted
            margin = min(margin, 0.18 * min(self.width, self.height))
            w, h = max(x1 - x0, 40), max(y1 - y0, 40)
            scale = min(max(self.width - 2 * margin, 100) / w, max(self.height - 2 * margin, 100) / h, 3.0)
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
        self.show(x, y, scale=scale)
        self._build_ways()

    def zoom_by(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        self._wanted = None
        anchor = anchor or self.center
        wx, wy = self.to_world(*anchor)
        self.scale = min(MAX_SCALE, max(MIN_SCALE, self.scale * factor))
        x = wx - (anchor[0] - self.center_x) / self.scale
        y = wy - (anchor[1] - self.center_y) / self.scale
        self.cx, self.cy = self._clamp(x, y)
        self._build_ways()

    def _clamp(self, x: float, y: float) -> tuple[float, float]:
        if self.town is None:
            return x, y
        s, w, n, e = self.town.bbox
        p = self.town.projection
        x0, y0 = p.to_xy(s, w)
        x1, y1 = p.to_xy(n, e)
        return min(max(x, x0), x1), min(max(y, y0), y1)

    def _resized(self, *_args) -> None:
        if self._wanted is not None:
            self._apply_wanted()
        self._moved_view()

    def on_parent(self, *_args) -> None:
        """The scissor is in window pixels: follow every ancestor that moves (a screen sliding in)."""
        for widget in getattr(self, "_watched", ()):
            widget.unbind(pos=self._update_scissor)
        self._watched = []
        widget = self.parent
        while widget is not None and widget is not widget.parent:
            widget.bind(pos=self._update_scissor)
            self._watched.append(widget)
            widget = widget.parent
        self._update_scissor()

    def _update_scissor(self, *_args) -> None:
        wx, wy = self.to_window(*self.pos)
        self._scissor.x, self._scissor.y = int(wx), int(wy)
        self._scissor.width, self._scissor.height = int(self.width), int(self.height)

    def _moved_view(self, *_args) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        self._update_scissor()
        s = self.scale
        self._translate.xy = (self.center_x - self.cx * s, self.center_y - self.cy * s)
        self._scale.xyz = (s, s, 1)
        self._build_ways()  # nothing to do unless the view reached other tiles or another zoom band
        self._place_overlay()

    def _place_overlay(self, *_args) -> None:
        if self._cluster_scale is None or abs(math.log(self.scale / self._cluster_scale)) > 0.04:
            self._group_markers()
        size = self.marker_size
        self._marker_boxes = []
        for members, x, y, grow, ring, disc, glyph, colours in self._marker_items:
            sx, sy = self.to_screen(x, y)
            d = size * grow
            disc.pos, disc.size = (sx - d / 2, sy - d / 2), (d, d)
            o = d + max(3.0, size * 0.07)
            ring.pos, ring.size = (sx - o / 2, sy - o / 2), (o, o)
            tw, th = glyph.texture.size
            k = grow if len(members) == 1 else 1.0
            glyph.pos, glyph.size = (sx - tw * k / 2, sy - th * k / 2), (tw * k, th * k)
            # with a route on show, the other places step back
            shown = self.route is None or any(m["id"] == self.selected for m in members)
            for colour in colours:
                colour.a = 1.0 if shown else 0.3
            if shown:
                self._marker_boxes.append((sx - o / 2, sy - o / 2, sx + o / 2, sy + o / 2))
        self._place_here()
        self._place_labels()

    def _place_here(self) -> None:
        self._here.clear()
        if self.here is None:
            return
        x, y, facing = self.here
        sx, sy = self.to_screen(x, y)
        r = self.marker_size * 0.32
        self._here.add(PushMatrix())
        self._here.add(Translate(sx, sy))
        self._here.add(Rotate(angle=-facing, origin=(0, 0)))
        self._here.add(Color(*_rgba("here", 0.28)))
        cone = 3.4 * r
        self._here.add(
            Mesh(
                vertices=[0, 0, 0, 0, -cone * 0.7, cone, 0, 0, cone * 0.7, cone, 0, 0],
                indices=[0, 1, 2],
                mode="triangles",
            )
        )
        self._here.add(PopMatrix())
        self._here.add(Color(1, 1, 1, 1))
        self._here.add(Ellipse(pos=(sx - r * 1.4, sy - r * 1.4), size=(r * 2.8, r * 2.8), segments=36))
        self._here.add(Color(*_rgba("here")))
        self._here.add(Ellipse(pos=(sx - r, sy - r), size=(r * 2, r * 2), segments=36))

    def _place_labels(self) -> None:
        """Each street name once, along the longest piece of its street that has room for it on
        screen, away from the markers and from the names already placed."""
        self._labels.clear()
        if self.town is None or self.scale < 0.9:
            return
        shown = 0
        boxes = list(self._marker_boxes)
        if self.here is not None:
            hx, hy = self.to_screen(self.here[0], self.here[1])
            r = self.marker_size * 0.5
            boxes.append((hx - r, hy - r, hx + r, hy + r))
        x0, y0, x1, y1 = self.x, self.y, self.right, self.top
        wx0, wy0 = self.to_world(x0, y0)
        wx1, wy1 = self.to_world(x1, y1)
        for name, (bx0, by0, bx1, by1), pieces in self._label_segments:
            if bx1 < wx0 or bx0 > wx1 or by1 < wy0 or by0 > wy1:
                continue
            texture = None
            for px1, py1, px2, py2 in pieces:
                sx1, sy1 = self.to_screen(px1, py1)
                sx2, sy2 = self.to_screen(px2, py2)
                room = math.hypot(sx2 - sx1, sy2 - sy1)
                if room < len(name) * self.label_font_size * 0.5:
                    break  # the longest pieces first: no shorter one has room either
                if max(sx1, sx2) < x0 or min(sx1, sx2) > x1 or max(sy1, sy2) < y0 or min(sy1, sy2) > y1:
                    continue  # off screen: its text is not even made
                texture = texture or self._label(name)
                tw, th = texture.size
                if room < tw * 1.05:
                    break
                angle = math.atan2(sy2 - sy1, sx2 - sx1)
                c, sn = abs(math.cos(angle)), abs(math.sin(angle))
                hw, hh = (tw * c + th * sn) / 2, (tw * sn + th * c) / 2
                # the middle of the piece first, then further along either way, as far as the name still fits
                slack = (room - tw * 1.05) / 2 / room
                placed = None
                for t in (0.5, 0.5 - slack * 0.6, 0.5 + slack * 0.6, 0.5 - slack, 0.5 + slack):
                    mx, my = sx1 + (sx2 - sx1) * t, sy1 + (sy2 - sy1) * t
                    box = (mx - hw, my - hh, mx + hw, my + hh)
                    if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
                        continue
                    if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in boxes):
                        continue
                    placed = box
                    break
                if placed is None:
                    continue
                boxes.append(placed)
                degrees = math.degrees(angle)
                if degrees > 90:
                    degrees -= 180
                elif degrees < -90:
                    degrees += 180
                self._labels.add(PushMatrix())
                self._labels.add(Translate(mx, my))
                self._labels.add(Rotate(angle=degrees, origin=(0, 0)))
                self._labels.add(Color(1, 1, 1, 1))
                self._labels.add(Rectangle(texture=texture, pos=(-tw / 2, -th / 2), size=(tw, th)))
                self._labels.add(PopMatrix())
                shown += 1
                break
            if shown >= 40:
                break

    # -- touch -----------------------------------------------------------------------------------

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        if touch.is_mouse_scrolling:
            factor = 1.25 if touch.button == "scrollup" else 0.8
            self.zoom_by(factor, touch.pos)
            return True
        touch.grab(self)
        self._wanted = None
        self._touches[touch.uid] = touch.pos
        self._moved = 0.0
        self._pinch = None
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return False
        if touch.uid not in self._touches:
            return True
        last = self._touches[touch.uid]
        if len(self._touches) == 1:
            dx, dy = touch.pos[0] - last[0], touch.pos[1] - last[1]
            self._moved += abs(dx) + abs(dy)
            self.cx, self.cy = self._clamp(self.cx - dx / self.scale, self.cy - dy / self.scale)
        else:
            self._touches[touch.uid] = touch.pos
            (a, b) = list(self._touches.values())[:2]
            dist = math.dist(a, b)
            mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            if self._pinch:
                factor = dist / max(self._pinch[0], 1)
                wx, wy = self.to_world(*self._pinch[1])
                self.scale = min(MAX_SCALE, max(MIN_SCALE, self.scale * factor))
                self.cx, self.cy = self._clamp(
                    wx - (mid[0] - self.center_x) / self.scale, wy - (mid[1] - self.center_y) / self.scale
                )
            self._pinch = (dist, mid)
            self._moved += TAP_SLOP
        self._touches[touch.uid] = touch.pos
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        self._touches.pop(touch.uid, None)
        if not self._touches:
            self._pinch = None
            self._build_ways()
            if self._moved < TAP_SLOP:
                self.tapped(*touch.pos)
        return True

    def tapped(self, sx: float, sy: float) -> None:
        """A tap: on a numbered disc, zoom in until its places stand apart; else pick a marker (or none)."""
        members = self.group_at(sx, sy)
        if members and len(members) > 1 and self.scale < MAX_SCALE:
            self.zoom_to(members)
            return
        if self.on_pick is not None:
            self.on_pick(members[0]["id"] if members else None)

    def zoom_to(self, members: list[dict]) -> None:
        """Centre on a group of markers at a scale where their discs no longer overlap."""
        closest = min(
            (math.dist((a["x"], a["y"]), (b["x"], b["y"])) for i, a in enumerate(members) for b in members[i + 1 :]),
            default=1.0,
        )
        scale = max(self.scale * 2, self.marker_size * CLUSTER_REACH * 1.15 / max(closest, 0.5))
        x = sum(m["x"] for m in members) / len(members)
        y = sum(m["y"] for m in members) / len(members)
        self._wanted = None
        self.show(x, y, scale=scale)
        self._build_ways()

    def group_at(self, sx: float, sy: float) -> list[dict] | None:
        """The markers of the disc under ``(sx, sy)`` (screen), nearest first, or None."""
        best, best_d = None, TAP_REACH
        for members, x, y, grow, *_rest in self._marker_items:
            mx, my = self.to_screen(x, y)
            d = math.hypot(mx - sx, my - sy)
            if d < max(best_d, self.marker_size * grow / 2) and (best is None or d < best_d):
                best, best_d = members, d
        return best

    def marker_at(self, sx: float, sy: float):
        """The id of the single marker under ``(sx, sy)`` (screen), or None (a numbered disc is no one place)."""
        members = self.group_at(sx, sy)
        return members[0]["id"] if members and len(members) == 1 else None
