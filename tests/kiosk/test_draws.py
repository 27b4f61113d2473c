"""Nothing is drawn that shows nothing.

With software OpenGL (llvmpipe, what the kiosk runs on) every vertex instruction drawn in a frame
costs a GL draw and tens of kilobytes while it is on screen, even when it shows nothing: a Line in
a transparent colour, a Label without text or at opacity 0 (Kivy skips neither), an Image without a
picture. The kv files draw such things as an empty Line or Mesh instead, which Kivy does skip.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def drawn(window) -> list[tuple[object, object, str]]:
    """Every vertex instruction of a frame that has vertices: (owner widget, instruction, why it shows nothing)."""
    from kivy.graphics import Color, Line, Mesh, Rectangle, RoundedRectangle
    from kivy.graphics.instructions import Canvas, InstructionGroup, VertexInstruction
    from kivy.graphics.stencil_instructions import StencilPop, StencilPush, StencilUnUse, StencilUse

    owner = {}
    for top in window.children:
        for widget in top.walk():
            for group in (
                widget.canvas,
                widget.canvas.has_before and widget.canvas.before,
                widget.canvas.has_after and widget.canvas.after,
            ):
                if group:
                    owner[id(group)] = widget
    found = []
    color = [1, 1, 1, 1]
    masking = False  # between StencilPush and StencilUse (or StencilUnUse and StencilPop): a clip, not a picture

    def has_vertices(ins) -> bool:
        if isinstance(ins, Line):
            return len(ins.points) >= 4
        if isinstance(ins, Mesh):
            return bool(ins.vertices) and bool(ins.indices)
        if isinstance(ins, RoundedRectangle):  # not built at size 0 (one shrunk to it keeps its former shape)
            return ins.size[0] > 0 and ins.size[1] > 0
        return True

    def visit(group, opacity: float, who) -> None:
        nonlocal color, masking
        for ins in group.children:
            if isinstance(ins, Color):
                color = list(ins.rgba)
            elif isinstance(ins, (StencilPush, StencilUnUse, StencilUse, StencilPop)):
                masking = isinstance(ins, (StencilPush, StencilUnUse))
            elif isinstance(ins, VertexInstruction):
                if has_vertices(ins):
                    why = ""
                    if masking:
                        pass
                    elif opacity == 0:
                        why = "at opacity 0"
                    elif color[3] == 0:
                        why = "in a transparent colour"
                    elif isinstance(ins, Rectangle) and 0 in tuple(ins.size):
                        why = "of no size"
                    found.append((who, ins, why))
            elif isinstance(ins, InstructionGroup):
                visit(ins, opacity * (ins.opacity if isinstance(ins, Canvas) else 1), owner.get(id(ins), who))

    visit(window.canvas, 1.0, None)
    return found


def invisible(window) -> list[str]:
    """What is drawn for nothing, but for Kivy's own scroll bars (transparent while they have nothing to show)."""
    from kivy.uix.scrollview import ScrollView

    return sorted(
        f"{type(who).__name__} {type(ins).__name__} {why}"
        for who, ins, why in drawn(window)
        if why and not isinstance(who, ScrollView)
    )


def go(kiosk, step: str) -> None:
    app = kiosk.app
    kiosk.start_visit()
    if step.startswith("list "):
        kiosk.tap(kiosk.tile(step.split()[1]))
    elif step == "detail":
        kiosk.tap(kiosk.tile("shop"))
        kiosk.tap(kiosk.visible_rows()[0], settle=0.3)
    elif step.startswith("search"):
        kiosk.tap(kiosk.tile("search"))
        for char in step.partition(" ")[2]:
            app.screen("search").ids.kb.press(char)
        kiosk.wait(0.6)
    kiosk.settled()
    kiosk.frames(3)


@pytest.mark.parametrize(
    "step",
    [
        "home",
        "list heritage",
        "list event",
        "list shop",
        "list service",
        "detail",
        "search",
        "search cath",
    ],
)
def test_nothing_is_drawn_that_shows_nothing(kiosk, step):
    from kivy.core.window import Window

    go(kiosk, step)
    assert invisible(Window) == []


@pytest.mark.parametrize("high_contrast", [False, True])
def test_outlines_are_drawn_in_high_contrast_only(kiosk, high_contrast):
    from kivy.graphics import Line

    from kiosk.keyboard import KeyboardKey

    go(kiosk, "search cath")
    app = kiosk.app
    app.theme.high_contrast = high_contrast
    try:
        kiosk.frames(2)
        rows = kiosk.visible_rows("search")
        keys = list(app.screen("search").ids.kb.key_widgets().values())
        assert rows and keys and all(isinstance(key, KeyboardKey) for key in keys)
        for widget in [*rows, *keys]:
            outlines = [ins for ins in widget.canvas.before.children if isinstance(ins, Line)]
            assert len(outlines) == 1
            assert (len(outlines[0].points) >= 4) == high_contrast, widget
    finally:
        app.theme.high_contrast = False
        kiosk.frames(2)


def test_the_window_is_cleared_to_the_background_the_screens_no_longer_draw(kiosk):
    from kivy.core.window import Window

    app = kiosk.app
    for high_contrast in (True, False):
        app.theme.high_contrast = high_contrast
        kiosk.frames(1)
        assert list(Window.clearcolor) == list(app.theme.bg)


def test_a_row_without_a_picture_or_state_draws_neither(kiosk):
    """A recycled row that had a picture and an opening state, given a row without: both go."""
    from kivy.core.window import Window

    go(kiosk, "list heritage")
    row = kiosk.visible_rows()[0]
    assert row.state and row.thumb
    row.thumb, row.state = "", ""
    kiosk.frames(2)
    assert [d for d in drawn(Window) if d[0] in list(row.walk()) and d[2]] == []


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_the_keyboard_draws_a_background_under_every_key_and_nowhere_else(kiosk, lang):
    """The keys' backgrounds are one mesh for the keyboard: it follows the keys (here rebuilt for another layout)."""
    go(kiosk, "search")
    kiosk.app.set_language(lang)
    kiosk.frames(3)
    kb = kiosk.app.screen("search").ids.kb
    assert kb.layout == ("qwertz" if lang == "de" else "azerty")
    from kiosk.keyboard import rounded_rect

    per_key = len(rounded_rect(0, 0, 100, 100, kb.key_radius))  # a key's background: a centre, then its outline
    centres = set()
    for vertices, _indices in (kb.key_mesh, kb.control_mesh):
        centres |= {(round(vertices[i]), round(vertices[i + 1])) for i in range(0, len(vertices), per_key)}
    assert centres == {(round(k.center_x), round(k.center_y)) for k in kb.key_widgets().values()}
