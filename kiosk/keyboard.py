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

import logging
from pathlib import Path

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

    __events__ = ("on_key_text", "on_backspace", "on_clear")

    def __init__(self, **kwargs):
        load_kv()
        super().__init__(**kwargs)
        self.fbind("lang", self._rebuild)
        self.fbind("digits", self._rebuild)
        self.fbind("width", self._fit)
        self.fbind("max_key_width", self._fit)
        self.fbind("key_spacing", self._fit)
        self.fbind("key_height", self._fit)
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

    def _fit(self, *_args) -> None:
        widest = max((len(row) for row in self.rows), default=10)
        room = self.width - self.padding[0] - self.padding[2] - self.key_spacing * (widest - 1)
        self.key_width = max(1, min(self.max_key_width, room / widest))
        box = self.ids.get("rows")
        for line in box.children if box is not None else ():
            line.spacing = self.key_spacing
            line.height = self.key_height
            line.width = line.count * self.key_width + (line.count - 1) * self.key_spacing


class KeyboardRow(BoxLayout):
    """One centred row of equal keys."""

    count = NumericProperty(0)
