"""The root widget: the screen manager, and the swipe from the left edge that goes back."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import NumericProperty
from kivy.uix.floatlayout import FloatLayout

EDGE = 40  # px at u = 1: a touch starting this close to the left edge may be a "back" swipe
SWIPE = 0.22  # of the window's width


class KioskRoot(FloatLayout):
    audio_pad = NumericProperty(0)  # height of audio mode's bar at the bottom, when it shows

    def on_touch_down(self, touch):
        app = App.get_running_app()
        if touch.x <= EDGE * app.theme.u and self.ids.sm.current not in ("attract", "home"):
            touch.ud["edge_swipe"] = True
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if (
            touch.ud.get("edge_swipe")
            and touch.x - touch.ox >= SWIPE * self.width
            and abs(touch.y - touch.oy) < 0.3 * self.width
        ):
            touch.ud["edge_swipe"] = False
            super().on_touch_up(touch)
            App.get_running_app().back()
            return True
        return super().on_touch_up(touch)
