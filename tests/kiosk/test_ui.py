"""The real kiosk under a virtual display, driven by simulated touches: what a visitor sees."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys

import pytest

from tests import cldr
from tests.kiosk.conftest import NOW

pytestmark = pytest.mark.ui

KINDS = ["place", "heritage", "event", "food", "stay", "shop", "service"]


def test_touch_on_the_attract_loop_opens_home(kiosk):
    kiosk.app.reset_visit()
    kiosk.wait(0.3)
    assert kiosk.current == "attract"
    assert "Marché de la ville haute" in kiosk.texts("attract")  # today's event is in the loop
    kiosk.start_visit()
    assert kiosk.current == "home"


def test_the_frame_after_a_touch_on_the_loop_draws_home_alone(kiosk):
    """The cut from the attract loop is over as it starts: no frame shows both screens."""
    from kivy.core.window import Window

    from kiosk.touch import press

    kiosk.app.reset_visit()
    kiosk.settled()
    left = []
    kiosk.screen("attract").bind(on_leave=lambda *_a: left.append(True))
    touch = press(Window.width / 2, Window.height / 2)
    kiosk.frames(1)
    touch.up()
    sm = kiosk.app.sm
    assert sm.current == "home" and not sm.transition.is_active
    assert [s.name for s in sm.children] == ["home"] and left == [True]


def test_the_loop_greets_at_once_and_reads_its_entries_just_after(kiosk):
    from kiosk.screens.attract import ENTRIES_AFTER

    attract = kiosk.screen("attract")
    kiosk.app.reset_visit()
    kiosk.settled()
    attract.slides = []
    attract.refresh()  # as at start: nothing read yet
    assert attract.slide_title == "Bienvenue" and attract.slides == []
    kiosk.start_visit()  # a visitor before the entries: nothing is read while home shows
    kiosk.wait(ENTRIES_AFTER + 0.2)
    assert attract.slides == []
    kiosk.app.reset_visit()  # the loop again: its entries now
    kiosk.settled()
    assert attract.slides and "Marché de la ville haute" in kiosk.texts("attract")


def test_heritage_tile_lists_the_cathedral(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    assert kiosk.current == "list"
    assert [row.title for row in kiosk.visible_rows()] == ["Cathédrale Saint-Pierre"]


def test_shop_rows_on_screen_show_their_opening_status(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("shop"))
    shown = {row.title: (row.state, row.line) for row in kiosk.visible_rows()}
    state, line = shown["Boulangerie du Rempart"]  # Thursday 15:00, open until 19:30
    assert state == "open" and line.startswith("Boulangerie · ") and "19:30" in line
    assert shown["Fromagerie des Planèzes"][0] == "closed"  # mornings only
    assert "19:30" in " ".join(kiosk.texts())  # the line is drawn, not only held by the row


def test_a_long_list_shows_its_first_rows_at_once_and_fills_over_the_next_frames(kiosk, monkeypatch):
    from kiosk.screens import lists

    monkeypatch.setattr(lists, "FIRST_ROWS", 1)
    monkeypatch.setattr(lists, "ROWS_PER_FRAME", 1)
    kiosk.start_visit()
    screen = kiosk.screen("list")
    kiosk.app.open_list("shop")
    assert [r["title"] for r in screen.ids.rv.data] == ["Boulangerie du Rempart"]
    assert kiosk.until(lambda: len(screen.ids.rv.data) == 2)
    assert [r["title"] for r in screen.ids.rv.data] == ["Boulangerie du Rempart", "Fromagerie des Planèzes"]


def test_urgent_alert_stands_out_on_home(kiosk):
    kiosk.start_visit()
    banner = kiosk.screen("home").ids.alert
    assert banner.text == "Vigilance orange orages : évitez les remparts."
    assert banner.level == "urgent" and banner.bold and banner.height > 0


@pytest.mark.parametrize("lang", ["fr", "en", "de", "es", "it", "nl"])
def test_every_screen_is_reachable_from_home_and_has_a_way_back(kiosk, lang):
    kiosk.start_visit()
    kiosk.tap(next(b for b in kiosk.screen("home").ids.langbar.children if b.code == lang))
    assert kiosk.app.tr.lang == lang
    for kind in KINDS:
        kiosk.tap(kiosk.tile(kind))
        assert (kiosk.current, kiosk.screen().kind) == ("list", kind)
        first = kiosk.visible_rows()[0]
        title = first.title  # a list that is left lets go of its rows' texts
        kiosk.tap(first, settle=0.3)
        assert kiosk.current == "detail"
        assert kiosk.screen("detail").ids.title.text == title
        kiosk.tap(kiosk.screen("detail").ids.topbar.ids.back)
        assert (kiosk.current, kiosk.screen().kind) == ("list", kind)
        kiosk.tap(kiosk.screen("list").ids.topbar.ids.home)
        assert kiosk.current == "home"
    kiosk.tap(kiosk.tile("search"))
    assert kiosk.current == "search"
    kiosk.tap(kiosk.screen("search").ids.topbar.ids.back)
    assert kiosk.current == "home" and kiosk.app.tr.lang == lang


def test_swipe_from_the_left_edge_goes_back(kiosk):
    from kivy.core.window import Window

    kiosk.start_visit()
    kiosk.tap(kiosk.tile("shop"))
    kiosk.tap(kiosk.visible_rows()[0], settle=0.3)
    assert kiosk.current == "detail"
    kiosk.swipe((3, Window.height * 0.45), (Window.width * 0.7, Window.height * 0.45))
    assert kiosk.current == "list"


def test_language_switch_updates_every_label_and_the_date(kiosk):
    kiosk.start_visit()
    tiles_fr = [t.title for t in kiosk.screen("home").ids.tiles.children]
    deutsch = next(b for b in kiosk.screen("home").ids.langbar.children if b.code == "de")
    kiosk.tap(deutsch)
    tr = kiosk.app.tr
    assert tr.lang == "de"
    tiles_de = [t.title for t in kiosk.screen("home").ids.tiles.children]
    shown = ("Search", "Practical info", "Shops", "Stay", "Eat & drink", "What's on", "Heritage", "Discover")
    assert tiles_de == [tr._(m) for m in shown]
    assert tiles_de != tiles_fr
    # the clock line: the date and the time in German, joined by Borne's separator
    date_de = cldr.pattern(NOW, "full", "de")
    assert date_de.startswith("Donnerstag") and "Juli" in date_de
    assert f"{date_de}  ·\u00a0\u00a0{cldr.time(15, 0, 'de')}" in kiosk.texts("home")
    kiosk.tap(kiosk.tile("heritage"))
    assert kiosk.visible_rows()[0].title == "Kathedrale Sankt Peter"


def test_detail_says_when_the_text_is_only_in_french(kiosk):
    kiosk.start_visit()
    kiosk.app.set_language("de")
    kiosk.app.open_entry("test:cathedrale")
    kiosk.wait(0.3)
    note = kiosk.screen("detail").ids.fallback.text
    assert note and note == kiosk.app.tr._("Text available in French")
    kiosk.app.set_language("fr")
    kiosk.wait(0.2)
    assert kiosk.screen("detail").ids.fallback.text == ""


def test_search_typed_on_the_keyboard_shows_grouped_results(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("search"))
    keys = kiosk.screen("search").ids.kb.key_widgets()
    for char in "cath":
        kiosk.tap(keys[char], settle=0.05)
    kiosk.wait(0.4)
    data = kiosk.screen("search").ids.rv.data
    assert data[0]["viewclass"] == "HeaderRow" and data[0]["text"].startswith(kiosk.app.tr._("Heritage"))
    assert data[1]["title"] == "Cathédrale Saint-Pierre"


def test_idle_reset_returns_to_attract_in_french_and_forgets_the_visit(kiosk):
    kiosk.start_visit()
    kiosk.app.set_language("en")
    kiosk.tap(kiosk.tile("event"))
    kiosk.tap(kiosk.screen("list").ids.filters.children[-2])  # "Today"
    assert kiosk.screen("list").period == "today"
    kiosk.app.theme.text_step = 2
    kiosk.app.open_search()
    kiosk.screen("search").ids.kb.text = "orgue"
    kiosk.app.last_touch -= kiosk.app.settings.idle_seconds + 1
    assert kiosk.until(lambda: kiosk.current == "attract", timeout=3)
    assert kiosk.app.tr.lang == "fr"
    assert kiosk.screen("search").ids.kb.text == ""
    assert kiosk.screen("list").period == "" and kiosk.app.theme.text_step == 0


def test_escape_and_f1_do_nothing_in_kiosk_mode(kiosk):
    from kivy.app import App
    from kivy.core.window import Window

    app = kiosk.app
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    saved = app.settings
    app.settings = dataclasses.replace(saved, kiosk_mode=True)
    try:
        for key in (27, 282):
            Window.dispatch("on_keyboard", key, 0, None, [])
            kiosk.wait(0.2)
    finally:
        app.settings = saved
    assert App.get_running_app() is app and kiosk.current == "list"


def test_staff_gesture_and_pin_open_maintenance_and_request_a_sync(kiosk):
    from kivy.core.window import Window

    kiosk.start_visit()
    for _ in range(5):
        kiosk.tap_at(Window.width - 8, Window.height - 8, settle=0.05)
    kiosk.wait(0.3)
    assert kiosk.current == "maintenance"
    screen = kiosk.screen("maintenance")
    pad = {b.text: b for b in screen.ids.pinpad.children}
    for digit in "2468":
        kiosk.tap(pad[digit], settle=0.05)
    kiosk.tap(pad["OK"])
    assert screen.unlocked
    labels = {row.label: row.value for row in screen.ids.rows.children}
    assert labels[kiosk.app.tr._("Entries")].splitlines()[0] == "10"  # labelled rows, not a raw dict
    assert kiosk.app.tr._("Last sync") in labels and "{" not in screen.info
    assert labels[kiosk.app.tr._("Last USB bundle")] == kiosk.app.tr._("never")  # the demo town came by no stick
    kiosk.tap(screen.ids.sync_now)
    assert (kiosk.app.settings.data_dir / "sync-now").exists()
    kiosk.tap(screen.ids.topbar.ids.home)
    assert kiosk.current == "home"


def test_wrong_pin_keeps_the_panel_locked(kiosk):
    kiosk.start_visit()
    kiosk.app.open_maintenance()
    kiosk.wait(0.3)
    screen = kiosk.screen("maintenance")
    pad = {b.text: b for b in screen.ids.pinpad.children}
    for digit in "1111":
        kiosk.tap(pad[digit], settle=0.05)
    kiosk.tap(pad["OK"])
    assert not screen.unlocked and screen.message


def test_larger_text_setting_scales_the_fonts(kiosk):
    from kivy.core.window import Window

    from kiosk.settings_panel import VisitorSettings

    kiosk.start_visit()
    title = next(w for w in kiosk.screen("home").ids.tiles.children if w.target == "shop").children[0]
    before = title.font_size
    kiosk.tap(kiosk.screen("home").ids.settings)
    panel = next(w for w in Window.children if isinstance(w, VisitorSettings))
    kiosk.tap(panel.ids.text_2)
    kiosk.tap(panel.ids.contrast)
    kiosk.tap(panel.ids.close)
    assert title.font_size > before
    assert kiosk.app.theme.high_contrast


def test_usage_is_counted_per_entry_without_personal_data(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    kiosk.tap(kiosk.visible_rows()[0], settle=0.3)
    with sqlite3.connect(kiosk.app.settings.data_dir / "usage.db") as db:
        rows = db.execute("SELECT screen, entry_id, category, lang FROM counters WHERE entry_id != ''").fetchall()
    assert ("detail", "test:cathedrale", "cathedral", "fr") in rows


WRITER = """
import sys
from content.cache import ChangeSet, ContentCache
from content.validation import parse_entry
with ContentCache.open(sys.argv[1]) as cache:
    cache.apply(ChangeSet(entries=[parse_entry({"id": sys.argv[2], "kind": "heritage", "categories": ["bridge-viaduct"],
        "title": {"fr": sys.argv[3]}, "updated_at": "2026-07-09T10:00:00+02:00"})]))
"""

#: What every sync does even when the back office had nothing new: record its outcome in the cache.
OUTCOME_WRITER = """
import sys
from content.cache import ContentCache
with ContentCache.open(sys.argv[1]) as cache:
    cache.record_outcome("sync", ok=False, errors=["back office unreachable"])
"""


def write_from_another_process(kiosk, script: str, *args: str) -> None:
    subprocess.run([sys.executable, "-c", script, str(kiosk.app.settings.data_dir), *args], check=True, cwd=".")


def titles(kiosk) -> set[str]:
    return {r["title"] for r in kiosk.screen("list").ids.rv.data}


def test_new_content_from_another_process_appears_without_disturbing_a_visitor(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    before = titles(kiosk)
    write_from_another_process(kiosk, WRITER, "test:pont", "Pont Vieux")
    kiosk.wait(1.0)  # several polls: the visitor is touching, the page stays as it is
    assert titles(kiosk) == before
    kiosk.app.last_touch -= kiosk.app.settings.quiet_seconds  # the visitor stepped back: refresh now
    assert kiosk.until(lambda: titles(kiosk) == before | {"Pont Vieux"}, timeout=3)


def test_new_content_refreshes_the_visible_screen_and_hidden_ones_when_shown(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    before = titles(kiosk)
    kiosk.tap(kiosk.screen("list").ids.topbar.ids.home)
    hidden = kiosk.screen("list")
    assert titles(kiosk) == set()  # a list lets go of its rows (and their pictures) when it is left
    write_from_another_process(kiosk, WRITER, "test:tour-horloge", "Tour de l'Horloge")
    kiosk.app.last_touch -= kiosk.app.settings.quiet_seconds
    assert kiosk.until(lambda: hidden.stale, timeout=3)  # the home screen was refreshed; the list only marked
    assert titles(kiosk) == set() and not kiosk.screen("home").stale
    kiosk.tap(kiosk.tile("heritage"))
    assert not hidden.stale and titles(kiosk) == before | {"Tour de l'Horloge"}


def test_a_sync_that_brought_no_new_content_refreshes_nothing(kiosk, monkeypatch):
    app = kiosk.app
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    refreshed = []
    for name in ("attract", "home", "list", "detail", "search", "maintenance"):
        monkeypatch.setattr(app.screen(name), "refresh", lambda name=name: refreshed.append(name))
    data_version = app.cache.data_version()
    write_from_another_process(kiosk, OUTCOME_WRITER)
    app.last_touch -= app.settings.quiet_seconds  # a quiet moment: a refresh would happen now
    kiosk.wait(1.0)  # several polls
    assert app.cache.data_version() != data_version  # the cache did change ...
    assert refreshed == [] and not app.screen("home").stale  # ... but not its content


def touch_targets(root):
    """Every visible touch target under ``root`` (the on-screen keyboard's keys are tested with it)."""
    from kivy.uix.behaviors import ButtonBehavior

    from kiosk.keyboard import KeyboardKey

    for w in root.walk(restrict=True):
        if isinstance(w, ButtonBehavior) and not isinstance(w, KeyboardKey) and w.opacity > 0 and w.width > 0:
            yield w


#: A 21.5-inch 16:9 screen in portrait is 268 mm across its 1080 pixels: 15 mm is 61 pixels there.
PX_PER_MM = 1080 / 267.7


def test_touch_targets_are_at_least_15_mm(kiosk):
    """Buttons get 100 px (25 mm) on a 1080-px-wide 21.5-inch screen, well over the 15 mm asked for;
    the layout unit u scales it to this window."""
    kiosk.start_visit()
    minimum = 100 * kiosk.app.theme.u - 0.5
    checked = 0
    for step in ("home", "list", "detail", "search"):
        if step == "list":
            kiosk.tap(kiosk.tile("event"))
        elif step == "detail":
            kiosk.tap(kiosk.visible_rows()[0], settle=0.3)
        elif step == "search":
            kiosk.app.open_search()
            kiosk.settled()
        for w in touch_targets(kiosk.screen()):
            assert min(w.size) >= minimum, f"{step}: {type(w).__name__} {getattr(w, 'text', '')!r} is {w.size}"
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_every_key_of_the_on_screen_keyboard_is_at_least_15_mm(kiosk, lang):
    """AZERTY with its row of accents, QWERTZ and QWERTY, on the portrait screen."""
    from kiosk.keyboard import KeyboardKey

    kiosk.start_visit()
    kiosk.app.set_language(lang)
    kiosk.app.open_search()
    kiosk.settled()
    minimum = 15 * PX_PER_MM * kiosk.app.theme.u
    keys = [w for w in kiosk.screen().walk(restrict=True) if isinstance(w, KeyboardKey) and w.opacity > 0]
    assert len(keys) > 30
    for key in keys:
        assert min(key.size) >= minimum, f"{lang}: key {getattr(key, 'text', '')!r} is {key.size}, under 15 mm"


def test_landscape_lays_out_three_tiles_a_row_and_detail_side_by_side(kiosk):
    from kivy.core.window import Window

    kiosk.start_visit()
    try:
        Window.size = (960, 540)
        kiosk.wait(0.3)
        assert not kiosk.app.portrait and kiosk.screen("home").ids.tiles.cols == 3
        kiosk.app.open_entry("test:cathedrale")
        kiosk.settled()
        photos, text = kiosk.screen("detail").ids.photos.parent, kiosk.screen("detail").ids.scroll
        assert photos.right <= text.x and abs(photos.top - text.top) < 5  # side by side
    finally:
        Window.size = (540, 960)
        kiosk.wait(0.3)
    assert kiosk.app.portrait and kiosk.screen("home").ids.tiles.cols == 3  # three by three in both


def test_low_reach_brings_every_button_into_the_lower_two_thirds(kiosk):
    from kivy.core.window import Window

    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"))
    kiosk.app.low_reach = True
    kiosk.wait(0.2)
    try:
        tops = [w.to_window(w.x, w.top)[1] for w in touch_targets(kiosk.screen())]
        assert tops and max(tops) <= Window.height * 0.68
    finally:
        kiosk.app.low_reach = False


def test_home_tiles_keep_their_symbols_with_large_text_high_contrast_and_low_reach(kiosk):
    app = kiosk.app
    kiosk.start_visit()
    app.set_language("de")  # the longest tile titles
    app.theme.text_step, app.theme.high_contrast, app.low_reach = 2, True, True
    try:
        kiosk.wait(0.3)
        for tile in kiosk.screen("home").ids.tiles.children:
            title, symbol = tile.children  # the title label is the last child added
            assert symbol.text and symbol.font_size >= 60 * app.theme.u, f"{tile.target}: symbol {symbol.font_size}"
            assert symbol.texture_size[1] <= symbol.height + 1 and title.texture_size[1] <= title.height + 1
    finally:
        app.reset_visit()


def test_a_new_list_screen_of_places_offers_open_now(kiosk):
    """Places are the list screen's default kind: setting it up for places changes nothing, and the
    "Open now" filter must be there all the same."""
    from kiosk.screens.lists import ListScreen

    kiosk.start_visit()
    assert ListScreen(name="fresh-list").has_open_filter
