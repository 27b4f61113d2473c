"""The kiosk's pictograms: one open icon set for the home tiles, the sections and the map's markers.

The set is Google's Material Icons (Apache-2.0), installed as Debian's
``fonts-material-design-icons-iconfont`` package, or dropped into ``assets/fonts/`` on a system
without it. Kivy's labels do not apply the font's ligatures, so each icon is named here by its code
point. Without the font the kiosk still starts: every icon then falls back to a DejaVu symbol and
the log says which font is missing.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

FONT_FILE = "MaterialIcons-Regular.ttf"
ASSETS = Path(__file__).resolve().parent.parent / "assets"
SEARCH = (
    ASSETS / "fonts" / FONT_FILE,
    Path("/usr/share/fonts/truetype/material-design-icons-iconfont") / FONT_FILE,
)

#: Borne's name for an icon -> (Material Icons code point, DejaVu stand-in).
ICONS: dict[str, tuple[int, str]] = {
    "discover": (0xE87A, "✿"),  # explore
    "heritage": (0xEAB1, "♜"),  # castle
    "event": (0xE878, "♫"),  # event
    "shop": (0xEA12, "☕"),  # storefront
    "service": (0xE88E, "ℹ"),  # info
    "search": (0xE8B6, "⚲"),  # search
    "eat": (0xE56C, "☕"),  # restaurant
    "drink": (0xE541, "☕"),  # local_cafe
    "bar": (0xE540, "☕"),  # local_bar
    "stay": (0xE53A, "⌂"),  # hotel
    "bed": (0xEFDF, "⌂"),  # bed
    "camping": (0xE58A, "⛺"),  # holiday_village
    "map": (0xE55B, "⌖"),  # map
    "here": (0xE55C, "◉"),  # my_location
    "facing": (0xE55D, "▲"),  # navigation
    "walk": (0xE536, "➜"),  # directions_walk
    "accessible": (0xE914, "♿"),  # accessible
    "notices": (0xE90E, "§"),  # gavel
    "document": (0xE873, "▤"),  # description
    "speech": (0xE050, "♪"),  # volume_up
    "speech_off": (0xE04F, "×"),  # volume_off
    "volume_down": (0xE04D, "−"),  # volume_down
    "previous": (0xE045, "◀"),  # skip_previous
    "next": (0xE044, "▶"),  # skip_next
    "select": (0xE86C, "●"),  # check_circle
    "pharmacy": (0xE550, "✚"),  # local_pharmacy
    "toilets": (0xE63D, "⚲"),  # wc
    "parking": (0xE54F, "P"),  # local_parking
    "museum": (0xEA36, "♜"),  # museum
    "church": (0xEAAE, "✝"),  # church
    "park": (0xEA63, "♣"),  # park
    "mairie": (0xE84F, "⌂"),  # account_balance
    "back": (0xE5C4, "←"),  # arrow_back
    "home": (0xE88A, "⌂"),  # home
    "zoom_in": (0xE145, "+"),  # add
    "zoom_out": (0xE15B, "−"),  # remove
    "place": (0xE55F, "●"),  # place
}


def font_path() -> str | None:
    """The icon font's file: ``BORNE_ICON_FONT``, then ``assets/fonts/``, then Debian's package."""
    override = os.environ.get("BORNE_ICON_FONT")
    candidates = (Path(override),) if override else SEARCH
    for path in candidates:
        if path.is_file():
            return str(path)
    return None


class IconSet:
    """The glyph for each icon name, in the font :attr:`font` names."""

    def __init__(self, fallback_font: str) -> None:
        path = font_path()
        self.material = path is not None
        self.font = path or fallback_font
        if not self.material:
            log.warning(
                "icon font %s not found (install fonts-material-design-icons-iconfont, or put it in %s): "
                "using DejaVu symbols",
                FONT_FILE,
                ASSETS / "fonts",
            )

    def glyph(self, name: str) -> str:
        """The character that draws ``name``; an unknown name is a programming error."""
        codepoint, stand_in = ICONS[name]
        return chr(codepoint) if self.material else stand_in
