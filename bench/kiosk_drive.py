"""The kiosk as bench_kiosk measures it: the real ``main.py run`` command, driven once per frame.

    python bench/kiosk_drive.py --data DIR --out FILE [--full --switches N --swipes N] [--without NAME,...]

bench_kiosk runs this in a process of its own and times it from its ``Popen``. It imports nothing
the kiosk would not (the standard library's json, and bench.kiosk_floor's helpers), then hands over
to ``main.main(["run", "--no-sync", "--data-dir", DIR])``, the command a kiosk runs, with one hook:
once the app is built, a script bound to its start stamps every frame presented, touches the attract
screen as soon as its first frame is on the display, and with ``--full`` goes on to screen switches,
scrolling and memory. What it measured is written to ``--out`` as one JSON object (``error`` says
what went wrong). ``--without`` turns off measures the kiosk takes for its start or its memory (see
:data:`MEASURES`), so that ``bench_kiosk --measures`` can weigh each.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.kiosk_floor import on_presented, percentiles, tree_memory  # noqa: E402

#: The home tiles a switch goes to, in turn (each is followed by the way back).
SWITCH_TARGETS = ("place", "heritage", "event", "shop", "service", "search")


#: What ``--without`` can turn off: the kiosk's own measures for start and memory.
MEASURES = {
    "text-surfaces": "kiosk.textmem: labels let go of their SDL surfaces",
}


class DriveError(RuntimeError):
    """The app did not reach the state the script waits for."""


def drive(app, full: bool, switches: int, swipes: int) -> dict:
    """Bind the measuring script to ``app``'s start; the dict it fills (as the app runs) is returned at once."""
    flips: list[float] = []
    ticks: list[float] = []
    result: dict = {}

    def wait(seconds: float):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            yield

    def next_flip(index: int, timeout: float = 5.0):
        """Wait for frame number ``index`` to be drawn; its time."""
        end = time.monotonic() + timeout
        while len(flips) <= index:
            if time.monotonic() > end:
                raise DriveError(f"no frame drawn within {timeout} s")
            yield
        return flips[index]

    def settled(index: int | None = None):
        """Wait for the screen manager's transition to end, then for the frame drawn after it.

        ``index``: the number of frames drawn when the touch acted; a cut (no transition, as from
        the attract loop to home) is settled with the first frame drawn after it.
        """
        # The transition may end in this frame's clock tick before or after this step runs: the index
        # is taken before each look, so the frame drawn just after the end is the one waited for.
        if index is None:
            index = len(flips)
        while app.sm.transition.is_active:
            index = len(flips)
            yield
        try:
            return (yield from next_flip(index, timeout=0.5))
        except DriveError:  # nothing changed on screen after the transition: the last frame drawn shows it
            return flips[-1]

    def tap(widget, screen: str):
        """Finger down for a frame, lifted: times to the next frame and to the settled screen (ms)."""
        from kiosk.touch import center_of, press

        touch = press(*center_of(widget))
        yield
        index, lifted = len(flips), time.monotonic()
        touch.up()
        handler = time.monotonic() - lifted
        first = yield from next_flip(index)
        if app.sm.current != screen:
            raise DriveError(f"expected the {screen} screen after the touch, found {app.sm.current}")
        done = yield from settled()
        return {
            "frame_ms": (first - lifted) * 1000,
            "handler_ms": handler * 1000,
            "settled_ms": (done - lifted) * 1000,
        }

    def start():
        from kivy.core.window import Window

        from kiosk.touch import press

        yield from next_flip(0, timeout=60)
        result["attract_frame"] = flips[0]
        result["window"] = list(Window.size)
        touch = press(Window.width / 2, Window.height / 2)
        index, touched = len(flips), time.monotonic()
        yield
        touch.up()
        result["home_first_frame"] = yield from next_flip(index)
        if app.sm.current != "home":
            raise DriveError(f"the touch on the attract screen showed {app.sm.current}, not home")
        result["home_ready"] = yield from settled(index)
        result["touch_to_home_ms"] = (result["home_ready"] - touched) * 1000
        result["memory_home"] = tree_memory(os.getpid())

    def switch_walk():
        home = app.screen("home")
        tiles = {t.target: t for t in home.ids.tiles.children}
        out = []
        for n in range(switches // 2):
            target = SWITCH_TARGETS[n % len(SWITCH_TARGETS)]
            screen = "search" if target == "search" else "list"
            there = yield from tap(tiles[target], screen)
            yield from wait(0.3)
            back = yield from tap(app.screen(screen).ids.topbar.ids.back, "home")
            yield from wait(0.3)
            out += [{"to": target, **there}, {"to": "home", **back}]
        return out

    def scroll_walk():
        from kivy.core.window import Window

        from kiosk.touch import press, swipe_points

        home = app.screen("home")
        shops = next(t for t in home.ids.tiles.children if t.target == "shop")
        yield from tap(shops, "list")
        rv = app.screen("list").ids.rv
        yield from wait(1.0)
        rows, y0 = len(rv.data), rv.scroll_y
        x, low, high = Window.width / 2, Window.height * 0.2, Window.height * 0.7
        begin = time.monotonic()
        for _ in range(swipes):
            touch = press(x, low)
            yield
            for point in swipe_points((x, low), (x, high), steps=8):
                touch.move_to(*point)
                yield
            touch.up()
            yield from wait(0.35)
        end = time.monotonic()
        pitch = rv.children[0].default_size[1] + rv.children[0].spacing
        scrolled_px = (y0 - rv.scroll_y) * max(0.0, rv.children[0].height - rv.height)
        ticked = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False) if begin <= a and b <= end]
        drawn = [(b - a) * 1000 for a, b in zip(flips, flips[1:], strict=False) if begin <= a and b <= end]
        yield from tap(app.screen("list").ids.topbar.ids.home, "home")
        return {
            "rows": rows,
            "rows_scrolled": int(scrolled_px / pitch) if pitch else 0,
            "seconds": round(end - begin, 1),
            "frame_interval_ms": percentiles(ticked),
            "over_50ms": sum(1 for v in ticked if v > 50),
            "drawn_frame_interval_ms": percentiles(drawn),
        }

    def script():
        yield from start()
        if not full:
            return
        yield from wait(1.0)
        result["switches"] = yield from switch_walk()
        result["memory_switches"] = tree_memory(os.getpid())
        result["scroll"] = yield from scroll_walk()
        yield from wait(1.0)
        result["memory_end"] = tree_memory(os.getpid())

    def started(*_args):
        from kivy.clock import Clock
        from kivy.core.window import Window

        steps = script()
        on_presented(Window, flips.append)  # after each buffer swap: the frame is on the display

        def step(_dt):
            ticks.append(time.monotonic())
            try:
                next(steps)
            except StopIteration:
                event.cancel()
                app.stop()
            except BaseException as exc:  # reported in the result, after the app has stopped
                event.cancel()
                result["error"] = f"{type(exc).__name__}: {exc}"
                app.stop()

        event = Clock.schedule_interval(step, 0)

    app.bind(on_start=started)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the data folder (its borne.toml says kiosk mode)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("--full", action="store_true", help="after the start, switches, scrolling and memory")
    parser.add_argument("--switches", type=int, default=0)
    parser.add_argument("--swipes", type=int, default=0)
    parser.add_argument("--without", default="", help=f"comma-separated, among {', '.join(MEASURES)}")
    args = parser.parse_args(argv)
    without = {name for name in args.without.split(",") if name}
    if without - set(MEASURES):
        parser.error(f"--without: unknown {sorted(without - set(MEASURES))}")

    import kiosk.launch
    import main as borne

    build_app = kiosk.launch.build_app
    result: dict = {}

    def build_and_drive(settings, **kwargs):
        app = build_app(settings, **kwargs)
        if "text-surfaces" in without:
            kiosk.app.drop_text_surfaces = lambda: False  # BorneApp.build calls it, when the app runs
        result["measured"] = drive(app, args.full, args.switches, args.swipes)
        return app

    kiosk.launch.build_app = build_and_drive  # run_app looks it up when it runs
    try:
        code = borne.main(["run", "--no-sync", "--data-dir", str(args.data)])
    finally:
        measured = result.get("measured", {"error": "the app was not built"})
        args.out.write_text(json.dumps(measured), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
