"""The visitor's settings, over any screen: text size, high contrast, "low reach"."""

from __future__ import annotations

from kivy.uix.modalview import ModalView


class VisitorSettings(ModalView):
    """State lives in app.theme and app.low_reach; the idle reset puts them back."""
