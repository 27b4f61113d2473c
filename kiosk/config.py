"""Kivy's environment and Config, set in one place before the window exists.

Kivy reads its configuration when ``kivy`` is first imported and creates the window from it, so
:func:`configure` must run before anything imports ``kivy.core.window`` (``main.py``, the tour and
the UI tests call it first).
"""

from __future__ import annotations

import ctypes
import importlib.util
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
    # One provider each, the ones a kiosk uses (renditions are JPEG, the QR code PNG): Kivy then does
    # not import and probe the others (Pillow alone costs a few milliseconds and megabytes at start).
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
        if screen := display_size():
            # A borderless window covering the display at (0, 0): fullscreen where a kiosk runs (cage
            # fills its output with it; bare X has no window manager), without SDL's fullscreen
            # request, after which SDL waits ~100 ms for a window manager to confirm the move.
            Config.set("graphics", "fullscreen", "0")
            Config.set("graphics", "position", "custom")
            Config.set("graphics", "left", "0")
            Config.set("graphics", "top", "0")
            Config.set("graphics", "width", str(screen[0]))
            Config.set("graphics", "height", str(screen[1]))
        else:
            Config.set("graphics", "fullscreen", "auto")
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


class _DisplayMode(ctypes.Structure):
    """SDL2's ``SDL_DisplayMode``."""

    _fields_ = [
        ("format", ctypes.c_uint32),
        ("w", ctypes.c_int),
        ("h", ctypes.c_int),
        ("refresh_rate", ctypes.c_int),
        ("driverdata", ctypes.c_void_p),
    ]


SDL_INIT_VIDEO = 0x20


def display_size() -> tuple[int, int] | None:
    """The first display's size in pixels, asked of the SDL library Kivy uses, before any window
    exists (its video subsystem stays initialised for Kivy's window); None when it cannot be known."""
    library = _sdl_library()
    if library is None:
        return None
    try:
        sdl = ctypes.CDLL(library)
        if sdl.SDL_Init(SDL_INIT_VIDEO) != 0:
            return None
        mode = _DisplayMode()
        if sdl.SDL_GetDesktopDisplayMode(0, ctypes.byref(mode)) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return (mode.w, mode.h) if mode.w > 0 and mode.h > 0 else None


def _sdl_library() -> str | None:
    """Kivy's wheels carry their own SDL2 (in ``Kivy.libs`` beside the package); a Kivy built from
    source uses the system's."""
    spec = importlib.util.find_spec("kivy")
    if spec is not None and spec.origin:
        bundled = sorted((Path(spec.origin).parent.parent / "Kivy.libs").glob("libSDL2-2*.so*"))
        if bundled:
            return str(bundled[0])
    import ctypes.util  # runs ldconfig: only when Kivy brought no SDL of its own

    return ctypes.util.find_library("SDL2-2.0")
