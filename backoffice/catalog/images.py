"""Uploaded photos: checked with Pillow, re-encoded (metadata stripped, EXIF orientation applied),
scaled to a sensible size and stored by the sha256 of the result.

Refused with a clear message: files that are not images (a PHP script renamed .jpg), decompression
bombs (more pixels than the limit), formats other than JPEG, PNG, WebP and GIF. Uploaded photos
larger than the upload limit are not refused but reduced like any other (a camera's 20 MB photo is
what a shopkeeper has); only beyond a hard ceiling (``BORNE_MAX_PHOTO_READ_BYTES``, 60 MB) is a file
not read at all. A JPEG is decoded at the smallest scale that still gives the size kept (Pillow's
draft mode), so its pixel limit applies to what is really decoded.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from backoffice.catalog.models import MediaFile

ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
#: Longest side kept; kiosks' screens are at most 1920 px wide.
MAX_SIDE = 2560


def read_ceiling() -> int:
    """The largest uploaded photo that is read (and reduced); a larger file is refused unread."""
    return getattr(settings, "BORNE_MAX_PHOTO_READ_BYTES", 60 * 1024 * 1024)


def _open_checked(data: bytes, where: str, *, max_bytes: int | None = None, shrink: bool = False) -> Image.Image:
    max_bytes = max_bytes or settings.BORNE_MAX_UPLOAD_BYTES
    max_pixels = settings.BORNE_MAX_IMAGE_PIXELS
    if len(data) > max_bytes:
        raise ValidationError(
            _("%(where)s: the file is %(mb).1f MB, more than the %(max)d MB allowed."),
            params={"where": where, "mb": len(data) / 1e6, "max": max_bytes // 1_000_000},
        )
    try:
        img = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(where)s: this file is not a photo (JPEG, PNG, WebP or GIF)."), params={"where": where}
        ) from None
    if img.format not in ACCEPTED:
        raise ValidationError(
            _("%(where)s: %(format)s images are not accepted (JPEG, PNG, WebP or GIF)."),
            params={"where": where, "format": img.format or "?"},
        )
    if shrink and img.format == "JPEG" and max(img.size) > MAX_SIDE:
        # Decode at 1/2, 1/4 or 1/8 scale if that still covers the size kept (the thumbnail's box).
        ratio = MAX_SIDE / max(img.size)
        img.draft(img.mode if img.mode in ("RGB", "L") else None, (int(img.width * ratio), int(img.height * ratio)))
    if img.width * img.height > max_pixels:
        raise ValidationError(
            _("%(where)s: %(w)d×%(h)d pixels is more than the %(max)d megapixels allowed."),
            params={"where": where, "w": img.width, "h": img.height, "max": max_pixels // 1_000_000},
        )
    return img


def _reencode(img: Image.Image, where: str) -> tuple[bytes, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
            img = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(
            _("%(where)s: the photo is damaged and cannot be read."), params={"where": where}
        ) from None
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    out = io.BytesIO()
    if has_alpha:
        img.convert("RGBA").save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    img.convert("RGB").save(out, "JPEG", quality=86, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg"


def _store(data: bytes, mime: str, width: int, height: int) -> MediaFile:
    sha = hashlib.sha256(data).hexdigest()
    existing = MediaFile.objects.filter(sha256=sha).first()
    if existing:
        return existing
    media = MediaFile(sha256=sha, mime=mime, width=width, height=height, size=len(data))
    if not default_storage.exists(media.storage_name):
        default_storage.save(media.storage_name, ContentFile(data))
    media.save()
    return media


def store_image_bytes(
    data: bytes, *, where: str = "photo", reencode: bool = True, max_bytes: int | None = None
) -> MediaFile:
    """Check ``data`` and store it; with ``reencode`` (uploads) the stored bytes are a fresh encoding
    without metadata, reduced to ``MAX_SIDE``. Without it (content that is already clean and addressed
    by hash: the demo, imports) the bytes are stored as they are, after the same checks."""
    img = _open_checked(data, where, max_bytes=max_bytes, shrink=reencode)
    with img:
        if reencode:
            clean, mime = _reencode(img, where)
            with Image.open(io.BytesIO(clean)) as out:
                size = out.size
            return _store(clean, mime, *size)
        try:
            img.verify()
        except Exception:
            raise ValidationError(
                _("%(where)s: the photo is damaged and cannot be read."), params={"where": where}
            ) from None
        return _store(data, ACCEPTED[img.format], img.width, img.height)


def store_upload(upload, *, where: str | None = None) -> MediaFile:
    """Store an uploaded photo (Django ``UploadedFile``, in memory or in a temporary file), reduced to
    the size kept; a file over the hard ceiling is refused without being read."""
    where = where or upload.name or "photo"
    ceiling = read_ceiling()
    too_big = _(
        "%(where)s: the file is %(mb).1f MB; photos are read up to %(max)d MB (and reduced). Send a smaller copy."
    )
    if upload.size and upload.size > ceiling:
        raise ValidationError(too_big, params={"where": where, "mb": upload.size / 1e6, "max": ceiling // 1_000_000})
    upload.seek(0)
    data = upload.read(ceiling + 1)
    if len(data) > ceiling:
        raise ValidationError(too_big, params={"where": where, "mb": len(data) / 1e6, "max": ceiling // 1_000_000})
    return store_image_bytes(data, where=where, max_bytes=ceiling)


def read_media(media: MediaFile) -> bytes:
    with default_storage.open(media.storage_name, "rb") as fh:
        return fh.read()
