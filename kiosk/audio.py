"""Audio mode: the kiosk reads the focused screen aloud, for a visitor who cannot read it.

Started from the home screen's speaker button or by a long press anywhere (said in the attract
loop); a bar of large zones at the bottom steps through the screen's items (previous, select,
next) and sets the volume. Each screen is introduced when it is shown; the items come from
:mod:`kiosk.reading`. Leaving audio mode or the idle reset stops the voice. The voice is a
:class:`kiosk.speech.SpeechEngine`: the UI thread only queues text.
"""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk import reading
from kiosk.speech import VOLUME_STEPS

log = logging.getLogger(__name__)

LONG_PRESS = 1.2  # s held without moving: audio mode on (or off)
LONG_PRESS_SLOP = 30  # px at u = 1 a finger may drift during a long press


class AudioBar(BoxLayout):
    """The bar of large zones (kv/audio.kv); touches on it stay on it."""

    audio = ObjectProperty(None)

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        return self.collide_point(*touch.pos)  # nothing under the bar reacts to a touch on it


class FocusFrame(Widget):
    """A thick outline around the item being read, for a visitor who sees a little (kv/audio.kv)."""


class AudioMode(EventDispatcher):
    active = BooleanProperty(False)
    focus = NumericProperty(-1)  # index of the item read last; -1: the screen's introduction
    volume = NumericProperty(VOLUME_STEPS[-2])
    shown = StringProperty("")  # what is being read, shown in the bar for those who see a little

    def __init__(self, *, app, engine, **kwargs):
        super().__init__(**kwargs)
        self.app = app
        self.engine = engine
        self.engine.volume = self.volume
        self._items: list[reading.Item] = []
        self._bar = None
        self._frame = None
        self._place_frame = Clock.create_trigger(self._frame_focus, 0.05)  # after a row scrolled into view
        self._press = None  # (touch uid, clock event) of a finger held down
        self._read_soon = Clock.create_trigger(self.read_screen, 0)

    # -- wiring ----------------------------------------------------------------------------------

    def attach(self, window) -> None:
        """Listen for long presses on ``window``, screen changes and the language."""
        window.bind(on_touch_down=self._down, on_touch_move=self._move, on_touch_up=self._up)
        self.app.sm.bind(current=lambda *_a: self._screen_changed())
        self.app.tr.bind(lang=lambda *_a: self._screen_changed())

    def close(self) -> None:
        self.engine.close()

    # -- on and off ------------------------------------------------------------------------------

    def toggle(self) -> None:
        self.stop() if self.active else self.start()

    def start(self) -> None:
        if self.active:
            return
        log.info("audio mode on")
        self.active = True
        self._show_bar(True)
        self.say(self.app.tr._("Audio on. At the bottom of the screen: previous, select, next."), interrupt=True)
        self.read_screen(interrupt=False)

    def stop(self) -> None:
        """Leave audio mode: silence, bar gone (the idle reset calls this too)."""
        self.engine.stop()
        if not self.active:
            return
        log.info("audio mode off")
        self.active = False
        self.focus = -1
        self.shown = ""
        self._show_bar(False)

    def _show_bar(self, show: bool) -> None:
        from kiosk.app import load_kv

        if show and self._bar is None:
            load_kv("audio.kv")
            self._bar = AudioBar(audio=self)
            self._frame = FocusFrame()
        if self._bar is None:
            return
        root = self.app.root
        if show and self._bar.parent is None:
            root.add_widget(self._frame)
            root.add_widget(self._bar)
            self._bar.bind(height=self._pad)
            self._pad()
        elif not show and self._bar.parent is not None:
            self._bar.unbind(height=self._pad)
            self._bar.parent.remove_widget(self._bar)
            self._frame.parent.remove_widget(self._frame)
            root.audio_pad = 0

    def _pad(self, *_args) -> None:
        self.app.root.audio_pad = self._bar.height

    # -- reading ---------------------------------------------------------------------------------

    def say(self, text: str, lang: str | None = None, *, interrupt: bool = True) -> None:
        self.shown = text
        self.engine.say(text, lang or self.app.tr.lang, interrupt=interrupt)

    def _screen_changed(self) -> None:
        if self.active:
            self._read_soon()  # after the new screen's setup has filled it

    def read_screen(self, *_args, interrupt: bool = True) -> None:
        """Say the screen's introduction; the items come one by one with next and previous."""
        if not self.active:
            return
        intro, self._items = reading.read_screen(self.app, self.app.sm.current)
        self.focus = -1
        self._hide_frame()
        if intro:
            self.say(intro, interrupt=interrupt)

    def step(self, delta: int) -> None:
        """Next (+1) or previous (-1) item, and say it; past either end, the introduction again."""
        if not self._items:
            self.read_screen()
            return
        focus = self.focus + delta
        if focus >= len(self._items):
            focus = 0
        elif focus < 0:
            focus = len(self._items) - 1
        self.focus = focus
        item = self._items[focus]
        self.say(item.spoken(), item.lang)
        self._hide_frame()
        if item.widget is not None:
            item.widget()  # a list row is scrolled into view now, framed once laid out
            self._place_frame()

    def _hide_frame(self) -> None:
        if self._frame is not None:
            self._frame.size = (0, 0)

    def _frame_focus(self, *_args) -> None:
        if not self.active or not (0 <= self.focus < len(self._items)):
            return
        item = self._items[self.focus]
        widget = item.widget() if item.widget is not None else None
        if widget is None or widget.get_root_window() is None:
            return
        x, y = widget.to_window(widget.x, widget.y)
        self._frame.pos, self._frame.size = (x, y), widget.size

    def select(self) -> None:
        """Do what the focused item does (open a tile, a row, a language); an item that does nothing is read again."""
        if 0 <= self.focus < len(self._items):
            item = self._items[self.focus]
            if item.action is not None:
                self.engine.stop()
                item.action()
                return
            self.say(item.spoken(), item.lang)
        else:
            self.read_screen()

    def back(self) -> None:
        self.app.back()

    def set_volume(self, step: int) -> None:
        """One step louder (+1) or softer (-1), and say so at the new loudness."""
        index = min(range(len(VOLUME_STEPS)), key=lambda i: abs(VOLUME_STEPS[i] - self.volume))
        index = max(0, min(len(VOLUME_STEPS) - 1, index + step))
        self.volume = VOLUME_STEPS[index]
        self.engine.volume = self.volume
        self.say(self.app.tr._("Volume {percent} %", percent=self.volume))

    # -- long press ------------------------------------------------------------------------------

    def _down(self, _window, touch):
        self._hide_frame()  # the screen may scroll under the finger: the next step frames its item again
        self._cancel_press()
        self._press = (touch.uid, Clock.schedule_once(lambda _dt: self._long_press(touch), LONG_PRESS))

    def _move(self, _window, touch):
        if self._press and self._press[0] == touch.uid:
            slop = LONG_PRESS_SLOP * self.app.theme.u
            if abs(touch.x - touch.ox) > slop or abs(touch.y - touch.oy) > slop:
                self._cancel_press()

    def _up(self, _window, touch):
        if self._press and self._press[0] == touch.uid:
            self._cancel_press()

    def _cancel_press(self) -> None:
        if self._press:
            self._press[1].cancel()
            self._press = None

    def _long_press(self, touch) -> None:
        self._press = None
        self.toggle()
