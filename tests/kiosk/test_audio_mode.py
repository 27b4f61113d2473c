"""Audio mode on the real kiosk: what a visitor who cannot read the screen hears on a scripted walk."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


@pytest.fixture
def heard(kiosk):
    """What the voice says from now on: ``heard()`` -> ``[(lang, text), ...]``."""
    backend = kiosk.app.audio.engine.backend
    start = len(backend.said)

    def said():
        assert kiosk.app.audio.engine.idle(timeout=2)
        return backend.said[start:]

    yield said
    kiosk.app.reset_visit()


def bar(kiosk):
    return kiosk.app.audio._bar


def test_a_walk_from_home_to_an_entry_is_read_aloud(kiosk, heard):
    kiosk.start_visit()
    kiosk.tap(kiosk.screen("home").ids.speech)
    assert kiosk.app.audio.active
    assert bar(kiosk).parent is not None
    for _ in range(2):
        kiosk.tap(bar(kiosk).ids.next)
    heritage = kiosk.tile("heritage")
    frame = kiosk.app.audio._frame
    assert kiosk.until(lambda: tuple(frame.size) == tuple(heritage.size))  # framed for those who see a little
    assert tuple(frame.pos) == tuple(heritage.to_window(*heritage.pos))
    assert kiosk.screen("home").y >= bar(kiosk).top - 1  # the screen sits above the bar, nothing under it
    kiosk.tap(bar(kiosk).ids.select)  # the second tile: Heritage
    assert kiosk.current == "list"
    kiosk.tap(bar(kiosk).ids.next)
    kiosk.tap(bar(kiosk).ids.select)
    assert kiosk.current == "detail"
    kiosk.tap(bar(kiosk).ids.next)
    kiosk.tap(bar(kiosk).ids.next)
    said = heard()
    texts = [t for _lang, t in said]
    assert texts[0].startswith("Lecture à voix haute activée.")
    assert texts[1].startswith("Bienvenue.") and texts[1].endswith("éléments.")
    assert texts[2:4] == ["Découvrir", "Patrimoine"]
    assert texts[4].startswith("Patrimoine.")
    assert texts[5].startswith("Cathédrale Saint-Pierre.")
    assert texts[6].startswith("Cathédrale Saint-Pierre.") and "Ouvert" in texts[6]  # the page, and open now
    assert texts[7] == "Cathédrale gothique en basalte, dominant la vallée."
    assert texts[8].startswith("Bâtie en pierre de lave")
    assert {lang for lang, _t in said} == {"fr"}


def test_french_text_on_an_english_visit_is_read_by_the_french_voice(kiosk, heard):
    kiosk.start_visit()
    kiosk.app.set_language("en")
    kiosk.app.audio.start()
    kiosk.app.open_entry("test:cathedrale")
    kiosk.settled()
    kiosk.wait(0.1)
    for _ in range(2):
        kiosk.tap(bar(kiosk).ids.next)
    said = heard()
    assert ("en", "A Gothic cathedral of basalt above the valley.") in said
    assert said[-1][0] == "fr" and said[-1][1].startswith("Bâtie en pierre de lave")


def test_volume_steps_and_reaches_the_voice(kiosk, heard):
    kiosk.start_visit()
    kiosk.app.audio.start()
    before = kiosk.app.audio.volume
    kiosk.tap(bar(kiosk).ids.louder)
    assert kiosk.app.audio.volume > before
    assert kiosk.app.audio.engine.volume == kiosk.app.audio.volume
    kiosk.tap(bar(kiosk).ids.softer)
    kiosk.tap(bar(kiosk).ids.softer)
    assert kiosk.app.audio.volume < before
    assert heard()[-1][1].startswith("Volume")


def test_idle_reset_and_the_stop_zone_end_audio_mode(kiosk, heard):
    kiosk.start_visit()
    kiosk.tap(kiosk.screen("home").ids.speech)
    kiosk.tap(bar(kiosk).ids.stop)
    assert not kiosk.app.audio.active and bar(kiosk).parent is None
    kiosk.app.audio.start()
    engine = kiosk.app.audio.engine
    silenced = []
    engine.stop = lambda: (silenced.append(True), type(engine).stop(engine))
    try:
        kiosk.app.reset_visit()
    finally:
        del engine.stop
    assert not kiosk.app.audio.active and bar(kiosk).parent is None
    assert silenced  # the voice was cut, not left to finish its sentence
    assert kiosk.app.root.audio_pad == 0


def test_a_long_press_anywhere_starts_audio_mode(kiosk, heard):
    from kiosk.audio import LONG_PRESS
    from kiosk.touch import press

    kiosk.start_visit()
    welcome = kiosk.screen("home").ids.welcome
    touch = press(*welcome.center)
    kiosk.wait(LONG_PRESS + 0.2)
    touch.up()
    kiosk.frames(2)
    assert kiosk.app.audio.active
    assert heard()[0][1].startswith("Lecture à voix haute activée.")
    touch = press(*welcome.center)  # a short touch does nothing
    kiosk.frames(2)
    touch.up()
    kiosk.wait(LONG_PRESS + 0.2)
    assert kiosk.app.audio.active
