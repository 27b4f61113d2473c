"""Fixtures for the kiosk's support pieces: an App that kv's ``app`` resolves to, and a real window."""

import os

import pytest


@pytest.fixture
def kv_app():
    """An App (not run) holding a Translator as ``tr`` and the kiosk's Theme as ``theme``.

    App() registers itself as the running app, which is what kv's ``app`` resolves to; the fixture
    unregisters it afterwards. Use ``kv_app.tr.locale_dir`` / ``kv_app.tr.reload()`` to change catalogues.
    """
    from kivy.app import App
    from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty

    from kiosk.i18n import Translator
    from kiosk.theme import Theme

    class SupportTestApp(App):
        # What kv rules read of BorneApp: the kiosk's own tests may have loaded every rule of
        # kiosk/kv into Kivy's (process-wide) Builder before these tests run.
        tr = ObjectProperty(None)
        theme = ObjectProperty(None)
        portrait = BooleanProperty(True)
        reach_pad = NumericProperty(0)

    app = SupportTestApp()
    app.tr = Translator(lang="fr")
    app.theme = Theme()
    yield app
    app.dispatch("on_stop")  # kv's ``app`` proxy forgets the app it cached
    App._running_app = None


@pytest.fixture
def window(kv_app):
    """Kivy's real window (needs a display: run under ``xvfb-run``); children removed afterwards."""
    if not os.environ.get("DISPLAY") and os.environ.get("KIVY_WINDOW", "") != "sdl2":
        pytest.skip("needs a display: run the ui tests under xvfb-run")
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    win = EventLoop.window
    yield win
    for child in list(win.children):
        win.remove_widget(child)
