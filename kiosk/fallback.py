"""The screen shown when the kiosk keeps crashing: a calm message, never a black screen.

It needs nothing the full kiosk needs (no content cache, no kv file, no image): only Kivy and the
compiled catalogues, so that whatever broke the kiosk (a corrupted cache, a bad kv file, a missing
image) does not break this screen too. Its one widget is made in Python for the same reason (kv
files are what a broken release may have broken). It keeps pinging systemd's watchdog, and after
``seconds`` it exits so that systemd starts the full kiosk again.
"""

from __future__ import annotations

import gettext
import logging

from kiosk.i18n import DOMAIN, LANGUAGE_CODES, LOCALE_DIR, N_

log = logging.getLogger(__name__)

#: The message, in every interface language, the town's own first.
MESSAGE = N_("Information is unavailable for the moment. Please ask at the town hall (mairie).")
FALLBACK_SECONDS = 15 * 60


def messages(default_lang: str = "fr") -> list[str]:
    """The message in each language that has it, ``default_lang`` first, without repeats."""
    order = [default_lang, *(c for c in LANGUAGE_CODES if c != default_lang)]
    seen: list[str] = []
    for lang in order:
        text = gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True).gettext(MESSAGE)
        if text not in seen:
            seen.append(text)
    return seen


def run_fallback(*, notifier, default_lang: str = "fr", seconds: float = FALLBACK_SECONDS) -> int:
    """Show the message (Kivy must be configured already); returns when ``seconds`` are over."""
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label

    lines = messages(default_lang)

    class FallbackApp(App):
        title = "Borne"

        def build(self):
            Window.clearcolor = (0.12, 0.23, 0.40, 1)  # the town's blue: visibly on, not black
            label = Label(
                text="\n\n".join(lines),
                halign="center",
                valign="middle",
                color=(1, 1, 1, 1),
                font_size=max(18, Window.width // 28),
            )
            label.bind(size=lambda w, s: setattr(w, "text_size", (s[0] * 0.86, None)))
            return label

        def on_start(self):
            notifier.ready(status="fallback screen: the kiosk kept failing to start")
            Clock.schedule_interval(lambda *_: notifier.ping(), notifier.ping_interval(default=10.0))
            Clock.schedule_once(lambda *_: self.stop(), seconds)
            log.warning("the kiosk kept failing to start: fallback screen for %.0f s", seconds)

    FallbackApp().run()
    return 0
