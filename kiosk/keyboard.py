"""The on-screen keyboard of the search screen: big keys, the visitor's layout and accents, no TextInput.

The rows are plain data from pure functions (:func:`rows_for`, :func:`accents_for`,
:func:`keyboard_rows`); :class:`OnScreenKeyboard` turns them into buttons styled by
``kiosk/kv/keyboard.kv`` and keeps the typed text in its own ``text`` property, which a search
screen shows in a Label and watches for "results as you type"::

    OnScreenKeyboard:
        id: kb
        lang: app.tr.lang
    Label:
        text: kb.text

Events: ``on_key_text(char)`` after a character key, ``on_backspace()``, ``on_clear()``; every one
of them has already updated ``text`` when it is dispatched.
"""

from __future__ import annotations

import itertools
import logging
import math
import struct
import weakref
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

log = logging.getLogger(__name__)

KV_PATH = Path(__file__).resolve().parent / "kv" / "keyboard.kv"

LAYOUTS = ("azerty", "qwertz", "qwerty")
_LAYOUT_OF_LANG = {"fr": "azerty", "de": "qwertz"}

_DIGITS = "1234567890"
_LETTERS = {
    "azerty": ("azertyuiop", "qsdfghjklm", "wxcvbn'-"),
    "qwertz": ("qwertzuiop", "asdfghjkl", "yxcvbnm'-"),
    "qwerty": ("qwertyuiop", "asdfghjkl", "zxcvbnm'-"),
}

#: The accented letters offered on their own row, per interface language. The town's own names are
#: French, so every visitor also gets the French accents they are likely to meet (église, château).
ACCENTS = {
    "fr": "éèêëàâçùôîï",
    "en": "éèêàâçôî",
    "de": "äöüßéèàç",
    "es": "áéíóúñüèàç",
    "it": "àèéìòóùç",
    "nl": "éëïöüèàç",
}

#: Names of the control keys in the last row (not characters).
SPACE, BACKSPACE, CLEAR = "space", "backspace", "clear"


def layout_for(lang: str) -> str:
    """The keyboard layout a visitor of this language expects: azerty (fr), qwertz (de), qwerty."""
    return _LAYOUT_OF_LANG.get(lang, "qwerty")


def rows_for(layout: str, *, digits: bool = True) -> list[list[str]]:
    """The character rows of a layout, top to bottom (digits first unless ``digits=False``)."""
    try:
        letters = _LETTERS[layout]
    except KeyError:
        raise ValueError(f"unknown keyboard layout {layout!r}: expected one of {', '.join(LAYOUTS)}") from None
    rows = [list(_DIGITS)] if digits else []
    return rows + [list(row) for row in letters]


def accents_for(lang: str) -> list[str]:
    """The accent keys for a language (the French ones for a language without its own list)."""
    return list(ACCENTS.get(lang, ACCENTS["fr"]))


def keyboard_rows(lang: str, *, digits: bool = True) -> list[list[str]]:
    """Every character row for a language: its accent row, then its layout's rows."""
    return [accents_for(lang), *rows_for(layout_for(lang), digits=digits)]


def apply_key(text: str, key: str, *, max_length: int = 0) -> str:
    """The text after pressing ``key`` (a character, SPACE, BACKSPACE or CLEAR); pure.

    A space never starts the text nor doubles another one; ``max_length`` (0: none) caps it.
    """
    if key == BACKSPACE:
        return text[:-1]
    if key == CLEAR:
        return ""
    char = " " if key == SPACE else key
    if len(char) != 1:
        raise ValueError(f"not a key: {key!r}")
    if char == " " and (not text or text.endswith(" ")):
        return text
    if max_length and len(text) >= max_length:
        return text
    return text + char


def _f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def rounded_rect(x: float, y: float, w: float, h: float, radius: float, segments: int = 10) -> list[float]:
    """The vertices (x, y, u, v) of Kivy's ``RoundedRectangle(pos=(x, y), size=(w, h), radius=[radius])``.

    The same points, in the same order (the centre, then each corner's arc and its closing point,
    clockwise from the top left) and computed in the same single precision as Kivy 2.3's
    RoundedRectangle.build, so that a Mesh of them covers exactly the same pixels: drawn as a
    ``triangle_fan`` (:func:`rounded_fan`), or merged with other keys by :func:`fans_to_triangles`.
    """
    if w <= 0 or h <= 0:
        return []
    x, y, w, h = map(_f32, (x, y, w, h))
    rx = ry = _f32(min(radius, w / 2, h / 2)) if radius > 0 else 0.0
    vertices = [_f32(x + _f32(w / 2)), _f32(y + _f32(h / 2)), 0.5, 0.5]
    left, right = _f32(x + rx), _f32(_f32(x + w) - rx)
    top, bottom = _f32(_f32(y + h) - ry), _f32(y + ry)
    centres = [(left, top), (right, top), (right, bottom), (left, bottom)]
    for corner, (dw, dh) in enumerate([(0, 1), (1, 1), (1, 0), (0, 0)]):
        if not (rx and segments):
            vertices += [_f32(x + w * dw), _f32(y + h * dh), dw, dh]
            continue
        px, py = centres[corner]
        start = _f32((180 - 90 * corner) * 0.017453292519943295)
        end = _f32((90 - 90 * corner) * 0.017453292519943295)
        theta = _f32(_f32(end - start) / segments)
        tangential, radial = _f32(math.tan(theta)), _f32(math.cos(theta))
        cx, cy = _f32(math.cos(start)), _f32(math.sin(start))
        for _ in range(segments):
            vertices += [_f32(px + _f32(cx * rx)), _f32(py + _f32(cy * ry)), 0, 0]
            fx, fy = -cy, cx
            cx, cy = _f32(cx + _f32(fx * tangential)), _f32(cy + _f32(fy * tangential))
            cx, cy = _f32(cx * radial), _f32(cy * radial)
        closing_x = px * (dw != dh) + x * (dw == dh) + w * (dw * dh)
        closing_y = py * (dw == dh) + y * (dw != dh) + h * (dh > dw)
        vertices += [_f32(closing_x), _f32(closing_y), 0, 0]
    return vertices


def rounded_fan(x: float, y: float, w: float, h: float, radius: float) -> tuple[list[float], list[int]]:
    """:func:`rounded_rect` and the indices of its triangle fan (every vertex, then the first corner's again)."""
    vertices = rounded_rect(x, y, w, h, radius)
    count = len(vertices) // 4
    return vertices, ([*range(count), 1] if count else [])


def fans_to_triangles(fans: list[list[float]]) -> tuple[list[float], list[int]]:
    """Several :func:`rounded_rect` fans as one ``triangles`` Mesh: (vertices, indices).

    Each fan's triangles are kept (centre, one point, the next), so the pixels covered do not change.
    """
    vertices: list[float] = []
    indices: list[int] = []
    for fan in fans:
        base, count = len(vertices) // 4, len(fan) // 4
        ring = [*range(1, count), 1]
        indices += [i for a, b in itertools.pairwise(ring) for i in (base, base + a, base + b)]
        vertices += fan
    return vertices, indices


_kv_loaded = False


def load_kv() -> None:
    """Load ``kiosk/kv/keyboard.kv`` once (done by the first keyboard built)."""
    global _kv_loaded
    if not _kv_loaded:
        Builder.load_file(str(KV_PATH))
        _kv_loaded = True


class KeyboardKey(ButtonBehavior, Label):
    """One key; ``key`` is the character it types or SPACE / BACKSPACE / CLEAR.

    A pressable Label rather than a Button: keyboard.kv draws the key, and a Button would also draw
    its (here transparent) BorderImage under it, one more GL draw per key for nothing.
    """

    key = StringProperty("")
    special = BooleanProperty(False)
    keyboard = ObjectProperty(None, allownone=True)
    #: The key's own background, (vertices, indices) of a triangle fan: only while pressed (keyboard.kv).
    pressed_fan = ObjectProperty(([], []))


class OnScreenKeyboard(BoxLayout):
    """A keyboard that follows ``lang``; the typed text is ``text`` (see the module doc)."""

    lang = StringProperty("fr")
    layout = StringProperty("azerty")  # read it; it follows ``lang``
    text = StringProperty("")
    max_length = NumericProperty(60)
    digits = BooleanProperty(True)
    #: Character rows currently shown (accent row first); built from ``lang`` and ``digits``.
    rows = ListProperty()
    #: Width of a character key: the widest row fills the keyboard, up to ``max_key_width``.
    key_width = NumericProperty(100)
    key_height = NumericProperty(104)
    max_key_width = NumericProperty(140)
    key_spacing = NumericProperty(8)
    key_radius = NumericProperty(12)
    #: The keys' resting backgrounds, drawn by the keyboard as two Meshes (character keys, control
    #: keys) rather than one RoundedRectangle a key: two GL draws instead of one a key. A key draws
    #: its own background only while pressed (keyboard.kv).
    key_mesh = ListProperty([[], []])
    control_mesh = ListProperty([[], []])

    __events__ = ("on_key_text", "on_backspace", "on_clear")

    def __init__(self, **kwargs):
        load_kv()
        self._draw_keys_soon = Clock.create_trigger(self._draw_keys, -1)
        self._watched: weakref.WeakSet[KeyboardKey] = weakref.WeakSet()  # keys whose moves redraw the meshes
        super().__init__(**kwargs)
        self.fbind("lang", self._rebuild)
        self.fbind("digits", self._rebuild)
        self.fbind("width", self._fit)
        self.fbind("max_key_width", self._fit)
        self.fbind("key_spacing", self._fit)
        self.fbind("key_height", self._fit)
        self.fbind("key_radius", self._draw_keys_soon)
        self._rebuild()

    def on_kv_post(self, base_widget) -> None:
        # A keyboard written as a child in another kv rule gets its own rule (and ids) only now.
        rows = self.ids.get("rows")
        if rows is not None and not rows.children:
            self._rebuild()

    # --- typing -----------------------------------------------------------------------------

    def press(self, key: str) -> None:
        """Press one key (what a touch on a KeyboardKey does; tests and the tour may call it)."""
        new = apply_key(self.text, key, max_length=int(self.max_length))
        if key in (BACKSPACE, CLEAR):
            self.text = new
            self.dispatch("on_backspace" if key == BACKSPACE else "on_clear")
        elif new != self.text:
            self.text = new
            self.dispatch("on_key_text", new[-1])

    def clear(self) -> None:
        self.press(CLEAR)

    def on_key_text(self, char: str) -> None:
        pass

    def on_backspace(self) -> None:
        pass

    def on_clear(self) -> None:
        pass

    def key_widgets(self) -> dict[str, KeyboardKey]:
        """Every key on screen by its ``key`` (for tests and the tour)."""
        return {w.key: w for w in self.walk(restrict=True) if isinstance(w, KeyboardKey)}

    # --- building ---------------------------------------------------------------------------

    def _rebuild(self, *_args) -> None:
        self.layout = layout_for(self.lang)
        self.rows = keyboard_rows(self.lang, digits=self.digits)
        box = self.ids.get("rows")
        if box is None:  # keyboard.kv not applied yet: on_kv_post builds the keys
            return
        box.clear_widgets()
        for row in self.rows:
            line = KeyboardRow(count=len(row))
            for char in row:
                line.add_widget(KeyboardKey(key=char, text=char, keyboard=self))
            box.add_widget(line)
        self._fit()

    def _draw_keys(self, *_args) -> None:
        """Build the two background meshes from where the keys are now (and follow them from now on)."""
        keys = list(self.key_widgets().values())
        for key in keys:
            if key not in self._watched:
                self._watched.add(key)
                key.fbind("pos", self._draw_keys_soon)
                key.fbind("size", self._draw_keys_soon)
        self.key_mesh = list(fans_to_triangles([self._fan(k) for k in keys if not k.special]))
        self.control_mesh = list(fans_to_triangles([self._fan(k) for k in keys if k.special]))

    def _fan(self, key: KeyboardKey) -> list[float]:
        return rounded_rect(key.x, key.y, key.width, key.height, self.key_radius)

    def _fit(self, *_args) -> None:
        widest = max((len(row) for row in self.rows), default=10)
        room = self.width - self.padding[0] - self.padding[2] - self.key_spacing * (widest - 1)
        self.key_width = max(1, min(self.max_key_width, room / widest))
        box = self.ids.get("rows")
        for line in box.children if box is not None else ():
            line.spacing = self.key_spacing
            line.height = self.key_height
            line.width = line.count * self.key_width + (line.count - 1) * self.key_spacing
        self._draw_keys_soon()


class KeyboardRow(BoxLayout):
    """One centred row of equal keys."""

    count = NumericProperty(0)
