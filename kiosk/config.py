"""Kivy's environment and Config, set in one place before the window exists.

Kivy reads its configuration when ``kivy`` is first imported and creates the window from it, so
:func:`configure` must run before anything imports ``kivy.core.window`` (``main.py``, the tour and
the UI tests call it first).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

SIZE_RE = re.compile(r"^(\d{3,5})x(\d{3,5})$")


class ConfigError(ValueError):
    """A kiosk setting is malformed (the message names the setting)."""


def parse_size(value: str) -> tuple[int, int]:
    """``"1080x1920"`` -> ``(1080, 1920)``; raise ConfigError naming the value otherwise."""
    m = SIZE_RE.match(value.strip().lower())
    if not m:
        raise ConfigError(f"--size {value!r}: expected WIDTHxHEIGHT, e.g. 1080x1920")
    return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class KioskSettings:
    """What the kiosk app needs from the configuration (built by main.py, passed in)."""

    data_dir: Path
    kiosk_mode: bool = True  # fullscreen, Escape/F1 ignored, cursor hidden
    size: tuple[int, int] | None = None  # windowed developer mode
    idle_seconds: float = 90.0
    default_lang: str = "fr"
    pin: str = "2468"  # staff PIN for the maintenance panel
    commune: str = ""  # INSEE code the kiosk stands in ("" = every commune)
    tz: str = "Europe/Paris"
    poll_seconds: float = 3.0  # how often the UI looks for new content
    quiet_seconds: float = 10.0  # no touch for this long = safe to refresh the page
    version: str = ""  # "" = the installed package's, read when the maintenance panel shows it
    max_fps: int = 60  # 0 = as fast as possible (tests, benchmarks)

    def __post_init__(self):
        if self.idle_seconds < 10:
            raise ConfigError(f"idle_seconds={self.idle_seconds}: must be at least 10 seconds")
        if not re.fullmatch(r"\d{4,8}", self.pin):
            raise ConfigError("pin: the maintenance PIN must be 4 to 8 digits")


def configure(
    *,
    kiosk_mode: bool,
    size: tuple[int, int] | None = None,
    kivy_home: Path | None = None,
    max_fps: int = 60,
) -> None:
    """Set Kivy's environment and Config. Call once, before the window is created."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # main.py owns the command line
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy logs through logging, configured by main.py
    # One provider each, the ones a kiosk uses (renditions are JPEG, the QR code PNG), rather than
    # whichever Kivy finds first: the text provider is the one kiosk.textmem was checked against.
    for provider in ("KIVY_WINDOW", "KIVY_TEXT", "KIVY_IMAGE"):
        os.environ.setdefault(provider, "sdl2")
    if kivy_home is not None:
        kivy_home.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("KIVY_HOME", str(kivy_home))

    from kivy.config import Config

    # Escape never closes a kiosk; F1 (Kivy's settings panel) is disabled in BorneApp.
    Config.set("kivy", "exit_on_escape", "0" if kiosk_mode else "1")
    Config.set("kivy", "keyboard_mode", "system")  # our own keyboard widget; no Kivy VKeyboard
    Config.set("kivy", "desktop", "0" if kiosk_mode else "1")
    Config.set("kivy", "window_icon", "")
    # One input provider per device: SDL2's own provider (added by the window) reads the touchscreen's
    # fingers; the "mouse" provider reads a real mouse, without the red multitouch-emulation dots. No
    # hidinput/mtdev provider on top (they would deliver each touch a second time), and SDL must not
    # turn touches into mouse events as well (SDL_TOUCH_MOUSE_EVENTS=0).
    for key, _value in list(Config.items("input")):
        Config.remove_option("input", key)
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "maxfps", str(max_fps))
    if kiosk_mode:
        os.environ.setdefault("SDL_TOUCH_MOUSE_EVENTS", "0")
        Config.set("graphics", "fullscreen", "auto")  # the display's own size
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
        Config.set("graphics", "resizable", "0")
    else:
        width, height = size or (1080 // 2, 1920 // 2)
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "show_cursor", "1")
        Config.set("graphics", "resizable", "1")
        Config.set("graphics", "width", str(width))
        Config.set("graphics", "height", str(height))
