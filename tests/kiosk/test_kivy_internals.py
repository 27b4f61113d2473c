"""The guard of the one Kivy internal the kiosk replaces (kiosk/textmem.py; docs/KIOSK.md says why).

These read Kivy's installed source, not the running classes (which the app has patched), and fail
with what to check when a Kivy upgrade changes what kiosk.textmem relies on.
"""

import inspect
import logging
import textwrap
from pathlib import Path

import kivy
import kivy.core.text
import pytest
from kivy.core.text import LabelBase, text_sdl2
from kivy.core.text._text_sdl2 import _SurfaceContainer

from kiosk import textmem

RECHECK = "re-read kiosk/textmem.py against Kivy's kivy/core/text/, then see docs/KIOSK.md"


def method_source(cls, name: str) -> str:
    """The source of ``cls.name`` as written in Kivy's file (the class body, not a patched attribute)."""
    body = inspect.getsource(cls)
    start = body.index(f"    def {name}(")
    end = body.find("\n    def ", start + 1)
    return textwrap.dedent(body[start : end if end > 0 else None]).strip()


def test_kivy_is_the_release_textmem_was_checked_against():
    assert kivy.__version__ == textmem.KIVY_VERSION, (
        f"Kivy {kivy.__version__} is installed, kiosk.textmem was checked against {textmem.KIVY_VERSION}: "
        f"{RECHECK}; then set KIVY_VERSION (the lock pins kivy=={textmem.KIVY_VERSION})"
    )


def test_the_sdl2_provider_keeps_its_surface_in_the_two_methods_textmem_expects():
    assert method_source(text_sdl2.LabelSDL2, "_render_begin") == (
        "def _render_begin(self):\n    self._surface = _SurfaceContainer(self._size[0], self._size[1])"
    ), f"LabelSDL2._render_begin changed: {RECHECK}"
    assert method_source(text_sdl2.LabelSDL2, "_render_end") == (
        "def _render_end(self):\n    return self._surface.get_data()"
    ), f"LabelSDL2._render_end changed: {RECHECK}"
    assert str(inspect.signature(textmem._render_end)) == "(self)"


def test_nothing_else_in_kivys_text_providers_reads_the_surface():
    folder = Path(kivy.core.text.__file__).parent
    readers = [
        path.name
        for path in sorted(folder.glob("*.py"))
        if "_surface" in path.read_text(encoding="utf-8").replace("_pygame_surface", "")
    ]
    assert readers == ["text_sdl2.py"], f"these files of kivy/core/text read a label's _surface: {readers}: {RECHECK}"
    text = inspect.getsource(text_sdl2)
    assert text.count("self._surface") == 3, f"LabelSDL2 uses self._surface in a new place: {RECHECK}"


def test_kivy_only_blits_what_render_end_returns():
    source = inspect.getsource(LabelBase)
    assert source.count("self._render_end()") == 2, f"LabelBase calls _render_end elsewhere now: {RECHECK}"
    assert source.count("data = self._render_end()") == 2


def test_the_pixels_render_end_returns_are_a_copy_that_outlives_the_surface():
    surface = _SurfaceContainer(8, 4)
    data = surface.get_data()
    del surface
    assert isinstance(data.data, bytes), f"get_data no longer copies the pixels ({type(data.data)}): {RECHECK}"
    assert (data.width, data.height, data.fmt, len(data.data)) == (8, 4, "rgba", 8 * 4 * 4)


def test_on_another_kivy_release_kivys_own_method_is_left_in_place(monkeypatch, caplog):
    monkeypatch.setattr(text_sdl2.LabelSDL2, "_render_end", text_sdl2.LabelSDL2._render_end)
    before = text_sdl2.LabelSDL2._render_end
    monkeypatch.setattr(kivy, "__version__", "9.9.9")
    with caplog.at_level(logging.WARNING, logger="kiosk.textmem"):
        assert textmem.drop_text_surfaces() is False
    assert text_sdl2.LabelSDL2._render_end is before
    assert "Kivy 9.9.9" in caplog.text and textmem.KIVY_VERSION in caplog.text


@pytest.mark.ui
def test_the_kiosks_labels_are_drawn_by_the_sdl2_provider_with_textmems_method(kiosk):
    from kivy.core.text import Label as CoreLabel

    assert issubclass(CoreLabel, text_sdl2.LabelSDL2), "KIVY_TEXT=sdl2 (kiosk.config) picks the SDL2 provider"
    assert text_sdl2.LabelSDL2._render_end is textmem._render_end
