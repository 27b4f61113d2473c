"""What every screen can do: be set up from parameters, snapshot them for Back, refresh, reset."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    #: The content (or language) changed while this screen was hidden: refresh it before it is shown.
    stale = BooleanProperty(False)

    @property
    def app(self):
        return App.get_running_app()

    def setup(self, **params) -> None:
        """Show what ``params`` ask for, from the cache as it is now (BorneApp.go calls it before showing it)."""
        self.refresh()

    def snapshot(self) -> dict:
        """The parameters that bring this screen back as it is now (for Back)."""
        return {}

    def refresh(self) -> None:
        """Re-read content (new content, or a language switch)."""

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.stale = False
            self.refresh()

    def reset(self) -> None:
        """Forget the visitor's choices on this screen (idle reset)."""

    def on_leave(self, *_args) -> None:
        # Not when a transition away was cut short by a touch that brought this screen back (its
        # setup has already run): only a screen really left lets go of what it showed.
        if self.manager is None or self.manager.current != self.name:
            self.release()

    def release(self) -> None:
        """Let go of what only the screen on show needs (pictures, rows, texts): the next setup brings them back."""

    def usage_keys(self) -> dict:
        """What the usage counters record for a view of this screen (never anything a visitor typed)."""
        return {"screen": self.name}
