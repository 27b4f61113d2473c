"""Helpers shared by the open-data tests."""

import io


def jpeg_bytes(size=(120, 80), color=(30, 120, 200)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()
