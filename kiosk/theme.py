"""The look: palette, type scale and the layout unit, as Kivy properties kv binds to.

Sizes in kv are written for a 1080-pixel-wide portrait screen (a 21.5" kiosk, where 100 px is
about 15 mm) and multiplied by ``u`` (layout) or ``k`` (text: ``u`` times the visitor's text
size), so the same rules fit 1080x1920, 1920x1080 and a half-size developer window.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.utils import get_color_from_hex as hx

from kiosk.icons import IconSet

TEXT_SCALES = (1.0, 1.2, 1.42)
FONT_ICONS = "DejaVuSans"  # Kivy ships it; holds the symbols used as icons

PALETTES = {
    # Deep basalt blue and anthracite, with a warm ochre accent (the stone and roofs of the old town).
    "normal": {
        "bg": "#17212B",
        "surface": "#22303D",
        "card": "#2B3B4A",
        "card_pressed": "#3A4F62",
        "line": "#3C5063",
        "text": "#F5F1E8",
        "muted": "#B4C0CB",
        "accent": "#E9A23B",
        "accent_text": "#1B1B1B",
        "chip": "#33475A",
        "open": "#6CC785",
        "closed": "#EF8A80",
        "urgent": "#C62828",
        "warning": "#E08E0B",
        "info": "#2F6EA5",
        "tile1": "#2E6E8E",
        "tile2": "#8C5A3C",
        "tile3": "#7B4E8E",
        "tile4": "#3E7D5A",
        "tile5": "#4F5D6E",
        "tile6": "#B5802A",
        "tile7": "#A34848",
        "tile8": "#3F6F73",
    },
    # High contrast: black, white and yellow only (WCAG AAA contrast everywhere).
    "contrast": {
        "bg": "#000000",
        "surface": "#000000",
        "card": "#000000",
        "card_pressed": "#333333",
        "line": "#FFFFFF",
        "text": "#FFFFFF",
        "muted": "#FFFFFF",
        "accent": "#FFD400",
        "accent_text": "#000000",
        "chip": "#000000",
        "open": "#7CFF7C",
        "closed": "#FF9C9C",
        "urgent": "#FF0000",
        "warning": "#FFD400",
        "info": "#FFFFFF",
        "tile1": "#000000",
        "tile2": "#000000",
        "tile3": "#000000",
        "tile4": "#000000",
        "tile5": "#000000",
        "tile6": "#000000",
        "tile7": "#000000",
        "tile8": "#000000",
    },
}


class Theme(EventDispatcher):
    high_contrast = BooleanProperty(False)
    text_step = NumericProperty(0)  # index into TEXT_SCALES
    u = NumericProperty(1.0)  # layout unit: window's short side / 1080
    k = NumericProperty(1.0)  # text unit: u * the visitor's text scale
    border = NumericProperty(0)  # outline width of cards (high contrast only)
    icon_font = StringProperty(FONT_ICONS)
    symbol_font = StringProperty(FONT_ICONS)  # the pictograms' font (kiosk.icons): tiles, sections, markers

    bg = ColorProperty()
    surface = ColorProperty()
    card = ColorProperty()
    card_pressed = ColorProperty()
    line = ColorProperty()
    text = ColorProperty()
    muted = ColorProperty()
    accent = ColorProperty()
    accent_text = ColorProperty()
    chip = ColorProperty()
    open = ColorProperty()
    closed = ColorProperty()
    urgent = ColorProperty()
    warning = ColorProperty()
    info = ColorProperty()
    tile1 = ColorProperty()
    tile2 = ColorProperty()
    tile3 = ColorProperty()
    tile4 = ColorProperty()
    tile5 = ColorProperty()
    tile6 = ColorProperty()
    tile7 = ColorProperty()
    tile8 = ColorProperty()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._icons = IconSet(FONT_ICONS)
        self.symbol_font = self._icons.font
        self._apply_palette()
        self.bind(u=self._rescale, text_step=self._rescale)
        self._rescale()

    def on_high_contrast(self, *_args) -> None:
        self._apply_palette()

    def _apply_palette(self) -> None:
        for name, value in PALETTES["contrast" if self.high_contrast else "normal"].items():
            setattr(self, name, hx(value))
        self.border = 3 if self.high_contrast else 0

    def _rescale(self, *_args) -> None:
        step = max(0, min(int(self.text_step), len(TEXT_SCALES) - 1))
        self.k = self.u * TEXT_SCALES[step]

    def fit_window(self, width: float, height: float) -> None:
        self.u = max(0.3, min(width, height) / 1080.0)

    def icon(self, name: str) -> str:
        """The pictogram ``name`` (kiosk.icons.ICONS), drawn in :attr:`symbol_font`."""
        return self._icons.glyph(name)

    def alert_color(self, level: str):
        return {"urgent": self.urgent, "warning": self.warning}.get(level, self.info)

    def reset(self) -> None:
        self.high_contrast = False
        self.text_step = 0
