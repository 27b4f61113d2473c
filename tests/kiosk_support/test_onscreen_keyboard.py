"""The on-screen keyboard: layouts per language, accent rows, typing rules, and real touches."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.keyboard import (
    BACKSPACE,
    CLEAR,
    SPACE,
    accents_for,
    apply_key,
    keyboard_rows,
    layout_for,
    rows_for,
)


@pytest.mark.parametrize(("lang", "layout"), [("fr", "azerty"), ("de", "qwertz"), ("en", "qwerty"), ("es", "qwerty")])
def test_layout_follows_the_language(lang, layout):
    assert layout_for(lang) == layout


@pytest.mark.parametrize(
    ("layout", "first_row", "home_row_start"),
    [("azerty", "azertyuiop", "qsdf"), ("qwertz", "qwertzuiop", "asdf"), ("qwerty", "qwertyuiop", "asdf")],
)
def test_rows_for_gives_the_layouts_letters_in_order(layout, first_row, home_row_start):
    rows = rows_for(layout)
    assert "".join(rows[0]) == "1234567890"
    assert "".join(rows[1]) == first_row
    assert "".join(rows[2]).startswith(home_row_start)


@pytest.mark.parametrize("layout", ["azerty", "qwertz", "qwerty"])
def test_every_layout_has_each_latin_letter_once(layout):
    letters = [k for row in rows_for(layout, digits=False) for k in row if k.isalpha()]
    assert sorted(letters) == list("abcdefghijklmnopqrstuvwxyz")


def test_qwertz_swaps_y_and_z():
    rows = rows_for("qwertz", digits=False)
    assert rows[0][5] == "z" and rows[2][0] == "y"


def test_rows_without_digits():
    assert all(not k.isdigit() for row in rows_for("qwerty", digits=False) for k in row)


def test_unknown_layout_is_refused_by_name():
    with pytest.raises(ValueError, match="'dvorak'"):
        rows_for("dvorak")


@pytest.mark.parametrize(
    ("lang", "needed"), [("fr", "éèàç"), ("de", "äöüß"), ("es", "ñáíóú"), ("it", "àèìòù"), ("nl", "ëïé")]
)
def test_accent_row_offers_the_languages_letters(lang, needed):
    assert set(needed) <= set(accents_for(lang))


def test_keyboard_rows_put_the_accents_above_the_layout():
    rows = keyboard_rows("de")
    assert rows[0] == accents_for("de") and rows[1:] == rows_for("qwertz")


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("cat", "h", "cath"),
        ("cath", BACKSPACE, "cat"),
        ("", BACKSPACE, ""),
        ("cath", CLEAR, ""),
        ("rue", SPACE, "rue "),
        ("rue ", SPACE, "rue "),
        ("", SPACE, ""),
        ("gal", "é", "galé"),
    ],
)
def test_apply_key(text, key, expected):
    assert apply_key(text, key) == expected


@given(st.lists(st.sampled_from(["a", "é", "ß", "'", "-", SPACE]), max_size=30))
def test_backspace_undoes_typing(keys):
    text = ""
    for key in keys:
        text = apply_key(text, key)
    assert "  " not in text and not text.startswith(" ")
    for _ in range(len(text)):
        text = apply_key(text, BACKSPACE)
    assert text == ""


def test_apply_key_stops_at_max_length():
    assert apply_key("abc", "d", max_length=3) == "abc"


def test_apply_key_refuses_a_non_key():
    with pytest.raises(ValueError, match="'ab'"):
        apply_key("", "ab")


# --- the widget (kv applied; no window needed) ----------------------------------------------------


@pytest.fixture
def keyboard(kv_app):
    from kiosk.keyboard import OnScreenKeyboard

    kb = OnScreenKeyboard(lang="fr", width=1080)
    events = []
    kb.bind(
        on_key_text=lambda _kb, char: events.append(("key", char)),
        on_backspace=lambda _kb: events.append(("backspace",)),
        on_clear=lambda _kb: events.append(("clear",)),
    )
    kb.events = events
    return kb


def test_widget_shows_the_languages_keys_and_follows_a_switch(keyboard):
    assert keyboard.layout == "azerty" and "é" in keyboard.key_widgets()
    keyboard.lang = "de"
    keys = keyboard.key_widgets()
    assert keyboard.layout == "qwertz" and {"ß", "ä", "z", SPACE, BACKSPACE, CLEAR} <= set(keys)
    assert "ê" not in keys


def test_widget_press_updates_text_then_dispatches(keyboard):
    seen_text = []
    keyboard.bind(on_key_text=lambda kb, _c: seen_text.append(kb.text))
    for key in ["c", "a", BACKSPACE, "a", CLEAR, "x"]:
        keyboard.press(key)
    assert keyboard.text == "x"
    assert keyboard.events == [("key", "c"), ("key", "a"), ("backspace",), ("key", "a"), ("clear",), ("key", "x")]
    assert seen_text == ["c", "ca", "ca", "x"]


def test_widget_labels_of_control_keys_are_translated(keyboard, kv_app, tmp_path):
    from kiosk.i18n import compile_catalogues

    po = tmp_path / "de" / "LC_MESSAGES" / "borne.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Space"\nmsgstr "Leerzeichen"\n', encoding="utf-8")
    compile_catalogues(tmp_path)
    kv_app.tr.locale_dir = tmp_path
    kv_app.tr.reload()
    kv_app.tr.lang = "de"
    assert keyboard.key_widgets()[SPACE].text == "Leerzeichen"


# --- real touches under a virtual display ---------------------------------------------------------


class _Touch:
    """Press and release one finger at window coordinates through Kivy's event loop (real MotionEvents)."""

    def __init__(self, window, x, y):
        from kivy.input.motionevent import MotionEvent

        class Finger(MotionEvent):
            def depack(self, args):
                self.is_touch = True
                self.sx, self.sy = args
                self.profile = ["pos"]
                super().depack(args)

        self.event = Finger("borne-test", 1, (x / window.width, y / window.height))

    def tap(self, loop):
        loop.post_dispatch_input("begin", self.event)
        self.event.update_time_end()
        loop.post_dispatch_input("end", self.event)


def _frames(n=3):
    from kivy.base import EventLoop

    for _ in range(n):
        EventLoop.idle()


@pytest.mark.ui
@pytest.mark.parametrize(("size", "lang"), [((1080, 1920), "fr"), ((1920, 1080), "de")])
def test_touches_on_the_keys_type_cath(window, kv_app, size, lang):
    from kivy.base import EventLoop

    from kiosk.keyboard import OnScreenKeyboard

    window.size = size
    kv_app.theme.fit_window(*size)
    kv_app.tr.lang = lang
    kb = OnScreenKeyboard(lang=lang)
    typed = []
    kb.bind(on_key_text=lambda _kb, char: typed.append(char))
    window.add_widget(kb)
    _frames()
    keys = kb.key_widgets()
    assert min(k.height for k in keys.values()) >= 100
    assert kb.right <= window.width and kb.top <= window.height
    for char in "cath":
        _Touch(window, *keys[char].to_window(*keys[char].center)).tap(EventLoop)
        _frames(1)
    assert kb.text == "cath" and typed == list("cath")
    _Touch(window, *keys[BACKSPACE].to_window(*keys[BACKSPACE].center)).tap(EventLoop)
    _frames(1)
    assert kb.text == "cat"


def test_widget_written_as_a_child_in_another_kv_rule_has_its_keys(kv_app):
    from kivy.lang import Builder

    import kiosk.keyboard  # noqa: F401 - registers OnScreenKeyboard for kv

    root = Builder.load_string("BoxLayout:\n    OnScreenKeyboard:\n        id: kb\n")
    keys = root.ids.kb.key_widgets()
    assert {"é", "a", "z", SPACE, BACKSPACE} <= set(keys)
