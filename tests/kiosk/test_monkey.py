"""A monkey at the kiosk: thousands of random touches and swipes on the real app.

No exception may escape, and every screen it lands on keeps a way back (Back and Home on screen, or
the attract loop, which any touch leaves). Memory growth is printed (run with ``-s`` to see it), not
asserted. ``BORNE_MONKEY_TOUCHES`` sets the number of gestures (3,000 by default: the suite keeps within its
time on two cores now that the map and the notices make a gesture dearer; set 20,000 for a long walk).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from kiosk.app import HOUSEKEEPING_QUIET

pytestmark = [pytest.mark.ui, pytest.mark.slow]


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def assert_way_back(kiosk) -> None:
    from kivy.core.window import Window

    from kiosk.settings_panel import VisitorSettings

    if any(isinstance(w, VisitorSettings) for w in Window.children):
        return  # the settings panel closes with "Done" or a touch outside it
    name = kiosk.current
    if name in ("attract", "home"):
        return  # any touch leaves the attract loop; home is where every way back leads
    bar = kiosk.screen(name).ids.topbar.ids
    for button in (bar.back, bar.home):
        x, y = button.to_window(*button.center)
        assert 0 <= x <= Window.width and 0 <= y <= Window.height and button.opacity == 1, f"no way back on {name}"


def test_thousands_of_random_touches(kiosk):
    from kivy.core.window import Window

    from kiosk.touch import press, swipe_points

    count = int(os.environ.get("BORNE_MONKEY_TOUCHES", "3000"))
    rng = random.Random(20261126)
    kiosk.start_visit()
    before = rss_mb()
    screens = set()
    samples = []
    for i in range(count):
        x, y = rng.uniform(0, Window.width - 1), rng.uniform(0, Window.height - 1)
        touch = press(x, y)
        kiosk.frames(1)
        if rng.random() < 0.25:  # a swipe (sometimes from the left edge)
            start_x = 2 if rng.random() < 0.3 else x
            touch.move_to(start_x, y)
            for point in swipe_points(
                (start_x, y), (rng.uniform(0, Window.width - 1), rng.uniform(0, Window.height - 1)), 4
            ):
                touch.move_to(*point)
                kiosk.frames(1)
        touch.up()
        kiosk.frames(1)
        screens.add(kiosk.current)
        if kiosk.current == "maintenance":  # the staff's panel is not for the monkey
            kiosk.app.go_home()
        if i % 100 == 0:
            kiosk.settled()
            assert_way_back(kiosk)
        if i % 1000 == 999:
            samples.append(f"{rss_mb():.0f}")
    kiosk.settled()
    assert_way_back(kiosk)
    after = rss_mb()
    kiosk.wait(HOUSEKEEPING_QUIET + 0.5)  # left alone: the kiosk hands memory back
    quiet = rss_mb()
    print(
        f"\nmonkey: {count} gestures, screens visited {sorted(screens)}, "
        f"resident memory {before:.0f} MB -> {after:.0f} MB ({after - before:+.0f} MB; every 1000: {samples}); "
        f"{quiet:.0f} MB once left alone for {HOUSEKEEPING_QUIET + 0.5:.1f} s"
    )
    assert {"home", "list", "detail"} <= screens
