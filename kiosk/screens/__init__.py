"""The kiosk's screens: each declares its state as Kivy properties; its widgets are in kv/<screen>.kv."""

from kiosk.screens.attract import AttractScreen
from kiosk.screens.base import KioskScreen
from kiosk.screens.detail import DetailScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.lists import ListScreen
from kiosk.screens.maintenance import MaintenanceScreen
from kiosk.screens.search import SearchScreen

__all__ = [
    "AttractScreen",
    "DetailScreen",
    "HomeScreen",
    "KioskScreen",
    "ListScreen",
    "MaintenanceScreen",
    "SearchScreen",
]
