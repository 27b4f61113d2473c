"""The kiosk's screens: each declares its state as Kivy properties; its widgets are in kv/<screen>.kv.

A screen's module is imported when its class is first asked for (``kiosk.screens.ListScreen``), so
that the start imports only what the attract loop and home need (the detail page brings segno, the
maintenance panel more of Babel).
"""

from importlib import import_module

_MODULES = {
    "AttractScreen": "attract",
    "DetailScreen": "detail",
    "HomeScreen": "home",
    "KioskScreen": "base",
    "ListScreen": "lists",
    "MaintenanceScreen": "maintenance",
    "NoticeScreen": "notice",
    "NoticesScreen": "notices",
    "SearchScreen": "search",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str):
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
