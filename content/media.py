"""Images stored by content hash, with the renditions the screen shows.

Renditions are made once, at import time: EXIF orientation applied, metadata stripped (the JPEG is
re-encoded from pixels only), a pixel limit enforced before anything is decoded. The kiosk never
decodes the original.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from content.contract import ContentError

# Pillow and hashlib are imported by the functions that decode or check images: the kiosk only
# reads file paths from here.

#: Largest image accepted, in pixels (a 40-megapixel photo is already more than any screen needs).
MAX_PIXELS = 40_000_000
#: Largest image file accepted, in bytes.
MAX_BYTES = 30 * 1024 * 1024
#: The list card shows its picture about 250x190 px on a 1080-wide screen; the detail page, full width.
RENDITIONS = {"thumb": (320, 320), "screen": (1600, 1600)}
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class MediaError(ContentError):
    """An image that is not one, is too large, or does not match its hash."""


@dataclass(frozen=True)
class ImageInfo:
    sha256: str
    mime: str
    width: int
    height: int
    bytes: int


def sha256_file(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_image(data: bytes, *, where: str = "image") -> ImageInfo:
    """Check that ``data`` is an image we accept and return what the contract says of it."""
    import hashlib

    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise MediaError(f"{where}: {len(data)} bytes, more than the {MAX_BYTES} allowed")
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in FORMATS:
                raise MediaError(f"{where}: {fmt or 'unknown'} images are not accepted (JPEG, PNG, WebP, GIF)")
            if width * height > MAX_PIXELS:
                raise MediaError(f"{where}: {width}x{height} pixels is more than the {MAX_PIXELS} allowed")
            img.verify()
    except MediaError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(f"{where}: not an image we can read ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"{where}: broken image ({exc})") from None
    return ImageInfo(hashlib.sha256(data).hexdigest(), FORMATS[fmt], width, height, len(data))


def render(data: bytes, box: tuple[int, int]) -> bytes:
    """A JPEG of the image fitted into ``box``, upright, without metadata."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise MediaError(f"{img.width}x{img.height} pixels is more than the {MAX_PIXELS} allowed")
            img.draft("RGB", box)  # JPEG: decode at a reduced scale when that is enough
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "P"):
                rgba = img.convert("RGBA")
                img = Image.new("RGB", rgba.size, (255, 255, 255))
                img.paste(rgba, mask=rgba.getchannel("A"))
            else:
                img = img.convert("RGB")
            img.thumbnail(box, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            img.save(out, "JPEG", quality=84, optimize=True, progressive=True)
            return out.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    import tempfile  # the writer's: a reader only looks files up

    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class MediaStore:
    """Files named by their sha256 in one folder: ``<sha>`` and ``<sha>.thumb.jpg``, ``<sha>.screen.jpg``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str, rendition: str = "screen") -> Path:
        if rendition == "original":
            return self.root / sha256
        return self.root / f"{sha256}.{rendition}.jpg"

    def has(self, sha256: str) -> bool:
        return all(self.path(sha256, r).exists() for r in ("original", *RENDITIONS))

    def add(self, sha256: str, data: bytes) -> ImageInfo:
        """Verify and store an image with its renditions. Safe to repeat; never half-written."""
        import hashlib

        if hashlib.sha256(data).hexdigest() != sha256:
            raise MediaError(f"media {sha256}: the bytes do not match the hash")
        from PIL import Image

        info = inspect_image(data, where=f"media {sha256}")
        self.root.mkdir(parents=True, exist_ok=True)
        for name, box in RENDITIONS.items():
            target = self.path(sha256, name)
            if not target.exists():
                try:
                    _write_atomic(target, render(data, box))
                except (OSError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
                    if isinstance(exc, OSError) and exc.errno is not None:
                        raise  # a full or read-only disk: the caller must see it as such
                    raise MediaError(f"media {sha256}: cannot be rendered ({exc})") from None
        if not self.path(sha256, "original").exists():
            _write_atomic(self.path(sha256, "original"), data)
        return info

    def stored(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {p.name for p in self.root.iterdir() if len(p.name) == 64 and "." not in p.name}

    def remove(self, sha256: str) -> int:
        freed = 0
        for rendition in ("original", *RENDITIONS):
            p = self.path(sha256, rendition)
            try:
                freed += p.stat().st_size
                p.unlink()
            except FileNotFoundError:
                pass
        return freed

    def clean_temporaries(self) -> None:
        if self.root.is_dir():
            for p in self.root.glob(".tmp-*"):
                p.unlink(missing_ok=True)
