"""Eat & drink and Stay, as a visitor finds them: one tap from home, filters, the page, the booking QR."""

from __future__ import annotations


def facet(kiosk, key):
    """The facet chip ``key``, scrolled into view as a visitor would (the row is wider than a portrait screen)."""
    screen = kiosk.screen("list")
    chip = next(w for w in screen.ids.facets.children if w.key == key)
    screen.ids.facets_scroll.scroll_to(chip, padding=0, animate=False)
    kiosk.wait(0.05)
    return chip


def test_eat_and_drink_is_one_tap_from_home_and_filters_by_terrace_and_evening(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("food"))
    assert (kiosk.current, kiosk.screen().kind) == ("list", "food")
    assert [r.title for r in kiosk.visible_rows()] == ["Bistrot des Orgues", "Crêperie du Vent"]
    assert [w.key for w in reversed(kiosk.screen().ids.facets.children)][:3] == ["open_now", "tonight", "sunday"]
    kiosk.tap(facet(kiosk, "terrace"))
    assert [r.title for r in kiosk.visible_rows()] == ["Bistrot des Orgues"]
    kiosk.tap(facet(kiosk, "terrace"))
    kiosk.tap(facet(kiosk, "tonight"))  # Thursday: the crêperie serves lunch only
    assert [r.title for r in kiosk.visible_rows()] == ["Bistrot des Orgues"]
    assert facet(kiosk, "tonight").active
    kiosk.tap(facet(kiosk, "price1"))
    assert kiosk.screen().ids.rv.data == [] and kiosk.screen().empty  # nothing cheap tonight: said, not blank
    kiosk.tap(kiosk.screen().ids.topbar.ids.home)
    kiosk.tap(kiosk.tile("food"))
    assert not [w.key for w in kiosk.screen().ids.facets.children if w.active]  # a new visit starts unfiltered


def test_a_stay_says_its_season_and_books_by_qr(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("stay"))
    (row,) = kiosk.visible_rows()
    assert row.title == "Camping des Grillons" and row.state == "open"  # 9 July, in its April-September season
    kiosk.tap(row, settle=0.3)
    detail = kiosk.screen("detail")
    assert detail.qr_data == "https://example.org/reserver"
    assert detail.ids.qr_caption.text == kiosk.app.tr._("Scan to book on your phone")
    assert any("120" in line for line in detail.facts)
    assert detail.ids.facts.height > 0
    kiosk.tap(detail.ids.topbar.ids.home)


def test_the_tiles_titles_fit_their_tiles_in_every_language_and_stay_large(kiosk):
    kiosk.start_visit()
    home, theme = kiosk.screen("home"), kiosk.app.theme
    for lang in ("fr", "en", "de", "es", "it", "nl"):
        kiosk.tap(next(b for b in home.ids.langbar.children if b.code == lang))
        kiosk.wait(0.1)
        sizes = []
        for tile in home.ids.tiles.children:
            title = tile.children[0]
            assert title.texture_size[0] <= tile.width, (lang, tile.title)
            sizes.append(title.font_size / theme.k)  # as written for a 1080-pixel-wide screen
        # at least 28 px on a 1080-pixel-wide kiosk (about 4 mm), most titles well above
        assert min(sizes) >= 28 and sorted(sizes)[len(sizes) // 2] >= 34, (lang, sizes)
    kiosk.tap(next(b for b in home.ids.langbar.children if b.code == "fr"))
