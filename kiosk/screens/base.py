"""What every screen can do: be set up from parameters, snapshot them for Back, refresh, reset."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    @property
    def app(self):
        return App.get_running_app()

    def setup(self, **params) -> None:
        """Show what ``params`` ask for (called by BorneApp.go before the screen is shown)."""
        self.refresh()

    def snapshot(self) -> dict:
        """The parameters that bring this screen back as it is now (for Back)."""
        return {}

    def refresh(self) -> None:
        """Re-read content (new content, or a language switch)."""

    def reset(self) -> None:
        """Forget the visitor's choices on this screen (idle reset)."""

    def usage_keys(self) -> dict:
        """What the usage counters record for a view of this screen (never anything a visitor typed)."""
        return {"screen": self.name}
