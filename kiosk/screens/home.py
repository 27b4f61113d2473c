"""Home: the six tiles, the alert banner, date and time, the language bar."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty

from kiosk.screens.base import KioskScreen
from kiosk.widgets import Tile


class HomeScreen(KioskScreen):
    #: One title size for every tile (the largest that fits the longest word of any title).
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
        self.tile_font = min(Tile.fit_font(t.title, width, 44 * app.theme.k) for t in tiles.children)

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
        else:
            self.app.open_list(target)
