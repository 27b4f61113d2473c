"""Helpers shared by the back office tests."""

import datetime as dt
import io

PARIS = dt.timezone(dt.timedelta(hours=2))


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=False) -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, color)
    buf = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        info[0x0112] = 6  # Orientation: rotate 90
        img.save(buf, "JPEG", exif=info.tobytes())
    else:
        img.save(buf, "JPEG")
    return buf.getvalue()
