"""Simulated touches that go through Kivy's event loop, as a finger's would (tour, UI tests).

The touch is posted to the EventLoop like an input provider's event, so the window dispatches it:
the app's window-level handlers (idle timer, staff gesture), ScrollView's tap/scroll detection
and the widgets' own behaviour all see it exactly as they see a real finger.
"""

from __future__ import annotations

import itertools

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent

_ids = itertools.count(1000)


class SimTouch(MotionEvent):
    def __init__(self, x: float, y: float):
        win = EventLoop.window
        super().__init__(
            "simtouch", next(_ids), {"x": x / win.width, "y": y / win.height}, is_touch=True, type_id="touch"
        )
        self.profile = ["pos"]

    def depack(self, args):
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)

    def down(self) -> SimTouch:
        EventLoop.post_dispatch_input("begin", self)
        return self

    def move_to(self, x: float, y: float) -> SimTouch:
        win = EventLoop.window
        self.move({"x": x / win.width, "y": y / win.height})
        EventLoop.post_dispatch_input("update", self)
        return self

    def up(self) -> SimTouch:
        EventLoop.post_dispatch_input("end", self)
        return self


def center_of(widget) -> tuple[float, float]:
    return widget.to_window(*widget.center)


def press(x: float, y: float) -> SimTouch:
    """Put a finger down at window coordinates (x, y); lift it with ``.up()``."""
    return SimTouch(x, y).down()


def swipe_points(start: tuple[float, float], end: tuple[float, float], steps: int = 8):
    (x0, y0), (x1, y1) = start, end
    return [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(1, steps + 1)]
