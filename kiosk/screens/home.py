"""Home: the six tiles, the alert banner, date and time, the language bar."""

from __future__ import annotations

from kiosk.screens.base import KioskScreen


class HomeScreen(KioskScreen):
    def open_tile(self, target: str) -> None:
        if target == "search":
            self.app.open_search()
        else:
            self.app.open_list(target)
