"""The attract loop: featured entries and today's events in turn; any touch opens the home screen."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk import rows
from kiosk.screens.base import KioskScreen

SLIDE_SECONDS = 7
PROMPT_SECONDS = 2.5
#: The loop opens on its welcome (clock, prompt) at once; its entries are read and fade in this
#: long after, so that the kiosk's first frame and a first touch wait for no query nor photo.
ENTRIES_AFTER = 0.3  # s


def veil_texture(steps: int = 64) -> Texture:
    """A 1-pixel-wide texture from opaque-ish black (bottom) to transparent (top)."""
    alphas = bytes(int(235 * (1 - i / (steps - 1)) ** 1.6) for i in range(steps))
    buf = b"".join(b"\x00\x00\x00" + bytes([a]) for a in alphas)
    texture = Texture.create(size=(1, steps), colorfmt="rgba")
    texture.blit_buffer(buf, colorfmt="rgba", bufferfmt="ubyte")
    return texture


class AttractScreen(KioskScreen):
    slides = ListProperty([])  # the entries shown in turn (Cards)
    index = NumericProperty(0)
    slide_title = StringProperty("")
    slide_line = StringProperty("")
    slide_image = StringProperty("")
    slide_icon = StringProperty("")
    prompt = StringProperty(rows.TOUCH_PROMPTS[0])
    audio_prompt = StringProperty(rows.AUDIO_PROMPTS[0])
    veil = ObjectProperty(None)  # a dark gradient from the bottom, so white text reads on any photo

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._events = []
        self._prompt_index = 0
        self._read_soon = Clock.create_trigger(self._read_entries, ENTRIES_AFTER)
        self._unread = False
        self.veil = veil_texture()

    def on_pre_enter(self, *_args):
        if self._unread or self._read_soon.is_triggered:  # left before its entries were read
            self._read_soon.cancel()
            self._read_entries()
        elif not self.slide_title:
            self.show(self.index)  # let go of when the loop was left

    def on_enter(self, *_args):
        self._events = [
            Clock.schedule_interval(self.next_slide, SLIDE_SECONDS),
            Clock.schedule_interval(self.next_prompt, PROMPT_SECONDS),
        ]

    def on_leave(self, *_args):
        for event in self._events:
            event.cancel()
        self._events = []
        if self._read_soon.is_triggered:  # read when the loop shows again (on_pre_enter)
            self._read_soon.cancel()
            self._unread = True
        super().on_leave()

    def release(self) -> None:
        """A screen-sized photo and big titles nobody sees while a visitor uses the kiosk."""
        self.slide_image = self.slide_title = self.slide_line = ""

    def refresh(self) -> None:
        if not self.slides:
            self.show(0)  # the welcome, until the entries come
        self._read_soon()

    def _read_entries(self, *_args) -> None:
        self._unread = False
        app = self.app
        now = app.now()
        today = app.cache.events_in("today", now=now, commune=app.commune)
        featured = app.cache.featured(now=now, commune=app.commune)
        self.slides = rows.attract_cards(featured, today)
        self.show(0)

    def show(self, index: int) -> None:
        """Show slide ``index`` (each slide's text is worked out when it comes up, not all at once)."""
        app = self.app
        self.index = index % len(self.slides) if self.slides else 0
        if self.slides:
            slide = rows.attract_slide(
                self.slides[self.index],
                lang=app.tr.lang,
                now=app.now(),
                _=app.tr._,
                thumb_path=lambda sha: app.thumb_path(sha, "screen"),
            )
        else:  # an empty cache still greets the visitor
            slide = {"title": self.app.tr._("Welcome"), "line": "", "image": "", "icon": rows.KIND_ICONS["place"]}
        self.slide_title, self.slide_line = slide["title"], slide["line"]
        self.slide_image, self.slide_icon = slide["image"], slide["icon"]

    def next_slide(self, *_args) -> None:
        """Fade the current slide out, show the next, fade it in."""
        from kivy.animation import Animation

        layer = self.ids.slide
        fade_out = Animation(opacity=0, duration=0.35)
        fade_out.bind(
            on_complete=lambda *_a: (self.show(self.index + 1), Animation(opacity=1, duration=0.45).start(layer))
        )
        fade_out.start(layer)

    def next_prompt(self, *_args) -> None:
        self._prompt_index = (self._prompt_index + 1) % len(rows.TOUCH_PROMPTS)
        self.prompt = rows.TOUCH_PROMPTS[self._prompt_index]
        self.audio_prompt = rows.AUDIO_PROMPTS[self._prompt_index % len(rows.AUDIO_PROMPTS)]

    def reset(self) -> None:
        self.show(0)

    def on_touch_down(self, touch):
        self.app.go_home()
        return True
