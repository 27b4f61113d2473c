"""The town map: every place with a position as a marker, "you are here", and the walk to a place.

The map data is read once from the cache's map blob (``content.geo``) and kept while its sha256
stays the same; the widget (:mod:`kiosk.mapview`) draws it. A route is computed on the screen's
thread (a few milliseconds, ``content.geo.route``); when there is none, the card says why and
gives the address instead.
"""

from __future__ import annotations

import logging

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from content import geo
from kiosk import maprows, rows
from kiosk.screens.base import KioskScreen
from kiosk.widgets import Chip

log = logging.getLogger(__name__)
#: The view when the screen opens: this many metres across the shorter side, around the kiosk.
OPENING_SPAN_M = 330


class MapScreen(KioskScreen):
    has_map = BooleanProperty(False)
    has_here = BooleanProperty(False)
    message = StringProperty("")
    kind = StringProperty("all")
    selected_id = StringProperty("")
    card_title = StringProperty("")
    card_text = StringProperty("")
    card_address = StringProperty("")
    #: ``""``, ``"walk"`` or ``"step_free"``.
    route_mode = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    #: The QR code's side: smaller beside the map (landscape), where the card shares its column.
    qr_side = NumericProperty(250)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.town: geo.TownMap | None = None
        self._sha = None
        self.kiosk_place: dict | None = None

    @property
    def view(self):
        return self.ids.panel.ids.view

    def on_kv_post(self, base_widget):
        self.view.on_pick = self.pick

    # -- parameters ------------------------------------------------------------------------------

    def setup(self, *, entry_id: str = "", route: str = "", kind: str = "all", view=None) -> None:
        self.kind = kind
        self._load()
        self._fill_chips()
        self._fill_markers()
        self.select(entry_id, route=route, move=view is None)
        if view is not None and self.town is not None:
            self.view.show(view[0], view[1], scale=view[2])
        elif not entry_id:
            self.show_here()

    def snapshot(self) -> dict:
        v = self.view
        return {
            "entry_id": self.selected_id,
            "route": self.route_mode,
            "kind": self.kind,
            "view": (v.cx, v.cy, v.scale),
        }

    def usage_keys(self) -> dict:
        return {"screen": "map", "entry_id": self.selected_id or None}

    def refresh(self) -> None:
        self.setup(entry_id=self.selected_id, route=self.route_mode, kind=self.kind)

    def reset(self) -> None:
        self.selected_id = self.card_title = self.card_text = self.card_address = self.route_mode = ""
        self.kind = "all"
        self.qr = None
        self.view.route = None
        self.view.selected = None

    # -- the map ---------------------------------------------------------------------------------

    def _load(self) -> None:
        app = self.app
        _ = app.tr._
        info = app.cache.town_map()
        if info is None:
            self._drop(_("The town map is not on this kiosk yet."))
            return
        if info["sha256"] != self._sha:
            try:
                self.town = geo.TownMap.from_blob(info["path"].read_bytes(), where=str(info["path"]))
            except (OSError, geo.MapError) as exc:
                log.error("town map unreadable: %s", exc)
                self._drop(_("The town map cannot be shown at the moment."))
                return
            self._sha = info["sha256"]
            self.view.town = self.town
        self.kiosk_place = info.get("kiosk")
        here = self.kiosk_place
        if here and self.town.contains(here["lat"], here["lon"]):
            x, y = self.town.projection.to_xy(here["lat"], here["lon"])
            self.view.here = (x, y, here.get("facing", 0))
            self.has_here = True
        else:
            self.view.here = None
            self.has_here = False
        self.has_map = True
        self.message = ""

    def _drop(self, message: str) -> None:
        self.town, self._sha = None, None
        self.view.town = None
        self.view.markers = []
        self.view.here = None
        self.has_map = self.has_here = False
        self.message = message

    def _fill_chips(self) -> None:
        box = self.ids.chips
        box.clear_widgets()
        for key, title in maprows.filter_titles(self.app.tr._).items():
            chip = Chip(text=title, key=key, active=key == self.kind)
            chip.bind(on_release=lambda c: self.set_kind(c.key))
            box.add_widget(chip)

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        for chip in self.ids.chips.children:
            chip.active = chip.key == kind
        self._fill_markers()

    def _fill_markers(self) -> None:
        if self.town is None:
            return
        app = self.app
        cards = app.cache.list_entries(commune=app.commune, now=app.now())
        theme = app.theme

        def open_state(card):
            return app.hours_status(card)[0] if card.opening_hours else ""

        marks = maprows.markers(cards, self.town, kind=self.kind, open_state=open_state)
        for m in marks:
            m["icon"] = theme.icon(m["icon"])
            m["color"] = list(getattr(theme, m.pop("colour")))
        self.view.markers = marks

    # -- actions ---------------------------------------------------------------------------------

    def zoom(self, factor: float) -> None:
        self.view.zoom_by(factor)

    def show_here(self) -> None:
        if self.town is None:
            return
        if self.view.here is not None:
            x, y, _facing = self.view.here
        else:
            s, w, n, e = self.town.bbox
            x, y = self.town.projection.to_xy((s + n) / 2, (w + e) / 2)
        self.view.show_span(x, y, OPENING_SPAN_M)

    def pick(self, entry_id) -> None:
        """A tap on the map: a marker selects its place; elsewhere closes the card."""
        self.select(entry_id or "", move=False)

    def select(self, entry_id: str, *, route: str = "", move: bool = True) -> None:
        _ = self.app.tr._
        self.selected_id = entry_id
        self.view.selected = entry_id or None
        self.view.route = None
        self.route_mode = ""
        self.qr = None
        self.card_title = self.card_text = self.card_address = ""
        if not entry_id:
            return
        entry = self.app.cache.view(entry_id)
        if entry is None:
            self.selected_id = ""
            return
        lang = self.app.tr.lang
        self.card_title = rows.pick(entry.title, lang)[0]
        self.card_address = ", ".join(rows.address_lines(entry.place))
        place = entry.place
        if place is None or place.lat is None:
            self.card_text = _("No position for this place.")
            return
        if self.town is None or not self.town.contains(place.lat, place.lon):
            self.card_text = maprows.no_route_text("outside", _=_)
            return
        if move:
            x, y = self.town.projection.to_xy(place.lat, place.lon)
            self.view.show_span(x, y, OPENING_SPAN_M * 0.7)
        if route:
            self.show_route(step_free=route == "step_free")

    def show_route(self, *, step_free: bool) -> None:
        from kiosk.qr import qr_texture

        _ = self.app.tr._
        entry = self.app.cache.view(self.selected_id) if self.selected_id else None
        if entry is None or entry.place is None or entry.place.lat is None or self.town is None:
            return
        goal = (entry.place.lat, entry.place.lon)
        self.route_mode = "step_free" if step_free else "walk"
        here = self.kiosk_place
        if not here:
            self.card_text = maprows.no_route_text("no_position", _=_)
            self.view.route = None
            return
        start = (here["lat"], here["lon"])
        try:
            found = geo.route(self.town, start, goal, step_free=step_free)
        except geo.NoRoute as exc:
            log.info("no route to %s: %s", self.selected_id, exc)
            self.card_text = maprows.no_route_text(exc.reason, _=_)
            self.view.route = None
            self.qr = qr_texture(rows.osm_link(*goal))
            return
        text = maprows.route_text(found, lang=self.app.tr.lang, _=_)
        if found.has_steps:
            text += "  ·  " + _("with steps")
        self.card_text = text
        self.view.route = found.points
        self.view.fit(found.points)
        self.qr = qr_texture(geo.directions_url(start, goal))

    def open_page(self) -> None:
        if self.selected_id:
            self.app.open_entry(self.selected_id)

    def release(self) -> None:
        self.qr = None
