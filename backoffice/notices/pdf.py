"""Check a notice's PDF and render its pages for the kiosks (pypdfium2), outside any web request.

:func:`check_and_render` reads the file as it was uploaded (never rewritten: its SHA-256 is the
town's proof), refuses what a kiosk could not show or a person could not read, and returns one JPEG
and the text of each page. Every refusal is a :class:`PdfRefused` whose message is the French
sentence staff see; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

#: Largest PDF accepted (a scanned 100-page deliberation is about 40 MB).
MAX_BYTES = 100_000_000
#: Most pages accepted.
MAX_PAGES = 250
#: Largest page side, in PDF points (1/72 inch): 5 metres, far beyond A0 (2,384 points).
MAX_SIDE_POINTS = 14_400
#: Width of the rendered page image in pixels: an A4 page at 150 dpi, sharp on a 1080-wide screen.
PAGE_WIDTH_PX = 1240
#: A rendered page whose darkest pixel is at least this light holds nothing (renders blank).
BLANK_LEVEL = 245
JPEG_QUALITY = 82


class PdfRefused(Exception):
    """A PDF that is not published; the message says why, in French, and what to do."""


@dataclass
class RenderedPage:
    image: bytes
    width: int
    height: int
    text: str
    mime: str = "image/jpeg"


@dataclass
class Rendered:
    sha256: str
    size: int
    pages: list[RenderedPage] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _open(path: Path):
    import pypdfium2 as pdfium

    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise PdfRefused(_("The file is not a PDF: send the signed act as a PDF file."))
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PdfRefused(
                _(
                    "The PDF is protected by a password (encrypted): the public must be able to open it. Save it "
                    "again without protection, then publish it."
                )
            ) from None
        raise PdfRefused(
            _("The PDF is damaged and cannot be read. Export it again from the original document.")
        ) from None


def check_and_render(
    path: Path, *, progress: Callable[[int, int], object] | None = None, width_px: int = PAGE_WIDTH_PX
) -> Rendered:
    """Check the PDF at ``path`` whole, then render and read every page. Raises PdfRefused."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PdfRefused(
            _("The PDF weighs %(mb)d MB; at most %(max)d MB are accepted. Reduce its size (scan at 200 dpi).")
            % {"mb": size // 1_000_000, "max": MAX_BYTES // 1_000_000}
        )
    if size == 0:
        raise PdfRefused(_("The file is empty."))
    doc = _open(path)
    try:
        count = len(doc)
        if count == 0:
            raise PdfRefused(_("The PDF has no page."))
        if count > MAX_PAGES:
            raise PdfRefused(
                _("The PDF has %(count)d pages; at most %(max)d are accepted. Publish it in several parts.")
                % {"count": count, "max": MAX_PAGES}
            )
        for index in range(count):  # sizes first: nothing is rendered from a file that will be refused
            w, h = doc.get_page_size(index)
            if not (0 < w <= MAX_SIDE_POINTS and 0 < h <= MAX_SIDE_POINTS):
                raise PdfRefused(
                    _(
                        "Page %(page)d measures %(w)d × %(h)d points (%(wm).1f × %(hm).1f m): pages are accepted up to "
                        "%(max)d points a side. Check the document's page format."
                    )
                    % {"page": index + 1, "w": w, "h": h, "wm": w / 2835, "hm": h / 2835, "max": MAX_SIDE_POINTS}
                )
        result = Rendered(sha256=sha256_of(path), size=size)
        for index in range(count):
            result.pages.append(_render_page(doc, index, width_px))
            if progress is not None:
                progress(index + 1, count)
        return result
    finally:
        doc.close()


#: 16 greys, for a page of text: sharp in a 4-bit PNG, a third of the grey JPEG's size.
GREY_LEVELS = [(v * 15 + 127) // 255 for v in range(256)]
GREY_PALETTE = [c for level in range(16) for c in (level * 17,) * 3]
#: A grey PNG larger than this is a scan's noise: the grey JPEG is tried too, and the smaller kept.
PNG_ENOUGH = 160_000


def encode_page(image) -> tuple[bytes, str]:
    """The page's bytes for the wire: a grey page (text, a black-and-white scan) as a 16-grey PNG, or a
    grey JPEG when that is smaller (a noisy scan); a page in colour (a stamp, a map) as a JPEG."""
    from PIL import Image, ImageChops

    r, g, b = image.split()
    grey = max(ImageChops.difference(r, g).getextrema()[1], ImageChops.difference(g, b).getextrema()[1]) <= 8
    if not grey:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        return out.getvalue(), "image/jpeg"
    luma = image.convert("L")
    levels = Image.frombytes("P", luma.size, luma.point(GREY_LEVELS).tobytes())
    levels.putpalette(GREY_PALETTE)
    png = io.BytesIO()
    levels.save(png, "PNG", bits=4)
    if png.tell() <= PNG_ENOUGH:
        return png.getvalue(), "image/png"
    jpeg = io.BytesIO()
    luma.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    if png.tell() <= jpeg.tell():
        return png.getvalue(), "image/png"
    return jpeg.getvalue(), "image/jpeg"


def _render_page(doc, index: int, width_px: int) -> RenderedPage:
    import pypdfium2 as pdfium

    page = doc[index]
    try:
        w, h = page.get_size()
        scale = width_px / max(w, h) if w > h else width_px / w
        try:
            image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
        except pdfium.PdfiumError:
            raise PdfRefused(
                _("Page %(page)d of the PDF cannot be drawn (damaged content). Export the document again.")
                % {"page": index + 1}
            ) from None
        low, _high = image.convert("L").getextrema()
        if low >= BLANK_LEVEL:
            raise PdfRefused(
                _(
                    "Page %(page)d of the PDF renders blank: a scan that failed, or a document whose fonts are "
                    "missing. Check the file, then publish it again."
                )
                % {"page": index + 1}
            )
        data, mime = encode_page(image)
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_bounded()
        finally:
            textpage.close()
        return RenderedPage(data, image.width, image.height, text, mime)
    finally:
        page.close()
