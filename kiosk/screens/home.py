"""Home: the tiles (three by three), the alert banner, date and time, the language bar."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty

from kiosk.screens.base import KioskScreen
from kiosk.widgets import Tile

#: The shared title size is at least this share of the median tile's own size.
SHARED_SHARE = 0.8


class HomeScreen(KioskScreen):
    #: One title size for the tiles (the largest that fits the longest word of nearly every title).
    tile_font = NumericProperty(0)

    def on_kv_post(self, base_widget):
        app = App.get_running_app()
        fit = Clock.create_trigger(self._fit_tiles, 0)
        self.ids.tiles.bind(width=fit, cols=fit)
        app.tr.bind(lang=fit)
        app.theme.bind(k=fit)
        fit()

    def _fit_tiles(self, *_args) -> None:
        app = App.get_running_app()
        tiles = self.ids.tiles
        width = (tiles.width - tiles.spacing[0] * (tiles.cols - 1)) / tiles.cols - 56 * app.theme.u
        base = 44 * app.theme.k
        fits = sorted(Tile.fit_font(t.title, width, base) for t in tiles.children)
        # One size for every title, unless one long word ("Veranstaltungen" in three columns) would shrink
        # them all: that tile alone then takes the size that fits it (widgets.kv: the smaller of the two).
        self.tile_font = max(fits[0], min(base, SHARED_SHARE * fits[len(fits) // 2]))

    def offer_languages(self, codes) -> None:
        """Show only the language buttons the town offers on this kiosk (``None``: all of them)."""
        bar = self.ids.langbar
        if not hasattr(self, "_all_lang_buttons"):
            self._all_lang_buttons = list(reversed(bar.children))  # in the kv's order
        shown = [b for b in self._all_lang_buttons if codes is None or b.code in codes]
        if [b.code for b in reversed(bar.children)] != [b.code for b in shown]:
            bar.clear_widgets()
            for button in shown:
                bar.add_widget(button)

    def open_tile(self, target: str) -> None:
        if target == "search":
            self.app.open_search()
        elif target == "map":
            self.app.go("map")
        else:
            self.app.open_list(target)
