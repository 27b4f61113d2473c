"""Kivy's SDL2 text provider keeps a second copy of every label's pixels: let it go.

Each Kivy label renders its text into an SDL surface, copies the pixels into an image and uploads
that to the label's texture, then keeps the surface for as long as the label lives: every text on
every screen built (hidden ones included) held twice, about 8 MB after one visit of the kiosk.
:func:`drop_text_surfaces` makes the provider free the surface once its pixels are copied out.
"""

from __future__ import annotations


def drop_text_surfaces() -> None:
    """Free each label's SDL surface once rendered (call after Kivy is imported; repeating is harmless)."""
    from kivy.core.text.text_sdl2 import LabelSDL2

    if getattr(LabelSDL2, "drops_surfaces", False):
        return

    def _render_end(self):
        data = self._surface.get_data()  # ImageData over a copy of the pixels
        self._surface = None
        return data

    LabelSDL2._render_end = _render_end
    LabelSDL2.drops_surfaces = True
