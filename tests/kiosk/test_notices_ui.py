"""Official notices on the real kiosk: brought by a writer (as a sync would), found under Practical info,
read page by page (swipe, buttons, zoom, large print), found by the search, and gone when withdrawn."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest

from tests.kiosk.conftest import NOW

pytestmark = pytest.mark.ui

TEXTS = ["Le maire de Saint-Flour arrête", "Article 2 : stationnement interdit place d'Armes", "Fait à Saint-Flour"]


def page_png(n: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(img)
    for line in range(12):
        draw.rectangle((60, 80 + 60 * line, 560 - 30 * (line % 3), 96 + 60 * line), fill=40 + n)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def write(town_dir, **changes) -> None:
    from content.cache import ChangeSet, ContentCache

    with ContentCache.open(town_dir) as cache:
        cache.apply(ChangeSet(origin="sync", **changes))


def a_notice():
    from content.notice import parse_notice

    pages = [page_png(n) for n in range(3)]
    wire = {
        "id": "avis:42",
        "kind": "arrete",
        "commune": "",
        "title": "Marché de Noël : circulation place d'Armes",
        "number": "2026-112",
        "act_date": "2026-07-01",
        "published_at": (NOW - dt.timedelta(days=2)).isoformat(),
        "until": (NOW + dt.timedelta(days=60)).isoformat(),
        "pdf": {"sha256": "cd" * 32, "bytes": 3000, "url": "https://mairie.example/avis/15187/42.pdf"},
        "pages": [
            {"sha256": hashlib.sha256(p).hexdigest(), "mime": "image/png", "width": 620, "height": 877, "bytes": len(p)}
            for p in pages
        ],
        "text": TEXTS,
        "updated_at": NOW.isoformat(),
    }
    return parse_notice(wire), {hashlib.sha256(p).hexdigest(): p for p in pages}


def test_a_notice_is_read_page_by_page_then_leaves_when_withdrawn(kiosk, town_dir):
    from kivy.core.window import Window

    from tests.kiosk.test_draws import invisible

    notice, media = a_notice()
    write(town_dir, notices=[notice], media=media)
    try:
        kiosk.start_visit()
        kiosk.tap(kiosk.tile("service"))
        entry = kiosk.screen("list").ids.notices_entry
        assert kiosk.until(lambda: entry.opacity == 1 and "(1)" in entry.text)
        assert "Avis officiels de la mairie" in entry.text
        kiosk.tap(entry)
        assert kiosk.current == "notices"
        assert "Marché de Noël : circulation place d'Armes" in kiosk.texts("notices")
        rows = [w for w in kiosk.screen("notices").ids.rv.children[0].children if w.__class__.__name__ == "NoticeRow"]
        kiosk.tap(rows[0])
        screen = kiosk.screen("notice")
        assert kiosk.current == "notice" and screen.page_label == "Page 1 sur 3"
        viewer = screen.ids.viewer
        assert viewer.image.texture is not None and viewer.image.texture.size == (620, 877)
        kiosk.frames(2)
        assert invisible(Window) == []  # nothing drawn for nothing (tests/kiosk/test_draws.py)

        x, y = viewer.to_window(*viewer.pos)
        w, y = viewer.width, y + viewer.height / 2
        kiosk.swipe((x + w * 0.85, y), (x + w * 0.15, y))
        assert screen.index == 1 and screen.page_label == "Page 2 sur 3"
        kiosk.tap(screen.ids.next)
        assert screen.index == 2 and screen.ids.next.disabled
        kiosk.swipe((x + w * 0.15, y), (x + w * 0.85, y))
        assert screen.index == 1

        viewer.zoom(2.0)
        assert viewer.zoomed and viewer.scatter.scale == pytest.approx(2.0)
        kiosk.swipe((x + w * 0.85, y), (x + w * 0.15, y))
        assert screen.index == 1  # a zoomed page moves under the finger: no page turn

        kiosk.tap(screen.ids.reading)
        assert screen.reading and TEXTS[1] in kiosk.texts("notice")
        kiosk.frames(2)
        assert invisible(Window) == []
        assert screen.qr is not None  # the QR code to the signed PDF

        search = kiosk.screen("search")
        search.setup(query="stationnement")
        assert any(row.get("notice_id") == "avis:42" for row in search.ids.rv.data)

        # Withdrawn by the next sync while it is on screen: back to the list, now empty.
        write(town_dir, deleted_notices=["avis:42"])
        assert kiosk.until(lambda: kiosk.app._pending_refresh, timeout=3)  # seen; shown once the visitor pauses
        kiosk.app._refresh_if_pending(force=True)
        kiosk.settled()
        assert kiosk.current == "notices"
        assert kiosk.screen("notices").ids.rv.data == []
        assert "Aucun avis officiel n'est affiché en ce moment." in kiosk.texts("notices")
    finally:
        write(town_dir, deleted_notices=["avis:42"])
        kiosk.app.reset_visit()
        kiosk.settled()
