"""QR codes as Kivy textures (segno draws the PNG in memory; nothing touches the disk)."""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from kivy.core.image import Image as CoreImage


@lru_cache(maxsize=32)
def qr_png(data: str, *, scale: int = 10, dark: str = "#000000", light: str = "#ffffff") -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=2, dark=dark, light=light)
    return out.getvalue()


def qr_texture(data: str):
    """A texture of the QR code for ``data`` (nearest-neighbour filtered so it stays sharp)."""
    texture = CoreImage(io.BytesIO(qr_png(data)), ext="png").texture
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture
