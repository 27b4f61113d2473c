"""Kivy's SDL2 text provider made to let go of each label's SDL surface once its pixels are copied out.

The one place the kiosk replaces a method of Kivy's: what, why, the memory it saves, the test that
guards it and the fix to offer Kivy are in docs/KIOSK.md ("Kivy internals the kiosk relies on").
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

#: The Kivy release whose SDL2 text provider this was checked against (tests/kiosk/test_kivy_internals.py).
KIVY_VERSION = "2.3.1"


def _render_end(self):
    """``LabelSDL2._render_end`` as Kivy's PIL and pygame providers end theirs: the pixels handed to the
    texture, the surface they were drawn on let go."""
    data = self._surface.get_data()  # an ImageData over a copy (bytes) of the surface's pixels
    self._surface = None
    return data


def drop_text_surfaces() -> bool:
    """Replace ``LabelSDL2._render_end`` (after Kivy is imported; repeating is harmless). On another
    Kivy release than :data:`KIVY_VERSION` Kivy's own is left as it is (a warning is logged): the
    kiosk then keeps the surfaces, as Kivy does. True when the replacement is in place."""
    import kivy
    from kivy.core.text.text_sdl2 import LabelSDL2

    if kivy.__version__ != KIVY_VERSION:
        log.warning(
            "Kivy %s: labels keep their SDL surfaces (kiosk.textmem was checked against Kivy %s; see docs/KIOSK.md)",
            kivy.__version__,
            KIVY_VERSION,
        )
        return False
    LabelSDL2._render_end = _render_end
    return True
