"""The real kiosk app with a test hook: ``python -m tests.e2e.kiosk_probe --data DIR [--size 540x960]``.

It starts the app as ``main.py run`` does (configuration from ``<data>/borne.toml``, the demo town
imported into an empty cache, the cache opened read-only) and adds a probe that a test in another
process drives through files in ``<data>/e2e/``:

- ``state.json``, rewritten every half second: the process id, the current screen, the alert banner;
- ``cmd-<n>.json`` written by the test: ``{"steps": [[name, arg…], …]}``, played with simulated
  touches through the event loop (kiosk.touch, as a finger would), then answered in
  ``answer-<n>.json``: what the screen shows afterwards (every visible label, the list's rows).

Steps: ``["reset"]`` (what the idle timeout does), ``["touch"]`` (a touch in the middle of the
screen: attract -> home), ``["tile", kind]``, ``["row", title]`` (the list row showing that title),
``["home"]``, ``["shot", path]`` (a PNG of the window).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

PROBE_DIR = "e2e"
#: Seconds between two looks for a command, and between two state files.
TICK = 0.1
STATE_EVERY = 0.5


class ProbeError(RuntimeError):
    """A step could not be played (the message names it)."""


def _write_json(path: Path, value) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


class Probe:
    def __init__(self, app, folder: Path):
        self.app = app
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.busy = False
        self._last_state = 0.0

    def start(self, *_args) -> None:
        from kivy.clock import Clock

        Clock.schedule_interval(self._tick, TICK)

    # -- what the screen shows ------------------------------------------------------------------

    def texts(self) -> list[str]:
        from kivy.uix.label import Label

        root = self.app.screen(self.app.sm.current)
        return [w.text for w in root.walk(restrict=True) if isinstance(w, Label) and w.text and w.opacity > 0]

    def rows(self) -> list[dict]:
        if self.app.sm.current != "list":
            return []
        return [
            {"id": r.get("entry_id"), "title": r.get("title"), "line": r.get("line"), "thumb": r.get("thumb")}
            for r in self.app.screen("list").ids.rv.data
        ]

    def state(self) -> dict:
        return {
            "pid": os.getpid(),
            "at": time.time(),
            "screen": self.app.sm.current,
            "alert": self.app.alert_text,
            "alert_level": self.app.alert_level,
        }

    # -- the loop -------------------------------------------------------------------------------

    def _tick(self, _dt) -> None:
        now = time.monotonic()
        if now - self._last_state >= STATE_EVERY:
            self._last_state = now
            _write_json(self.folder / "state.json", self.state())
        if self.busy:
            return
        commands = sorted(self.folder.glob("cmd-*.json"), key=lambda p: int(p.stem.split("-")[1]))
        if not commands:
            return
        path = commands[0]
        number = path.stem.split("-")[1]
        try:
            steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
        except (OSError, ValueError, KeyError) as exc:
            self._answer(number, error=f"{path.name}: {exc}")
            path.unlink(missing_ok=True)
            return
        path.unlink()
        self.busy = True
        self._play(number, iter(self._script(steps)))

    def _play(self, number: str, script) -> None:
        from kivy.clock import Clock

        try:
            delay = next(script)
        except StopIteration:
            self._answer(number)
            return
        except Exception as exc:  # the test gets the reason; the app keeps running
            log.exception("probe command %s failed", number)
            self._answer(number, error=f"{type(exc).__name__}: {exc}")
            return
        Clock.schedule_once(lambda _dt: self._play(number, script), delay)

    def _answer(self, number: str, error: str = "") -> None:
        self.busy = False
        answer = {**self.state(), "ok": not error, "error": error, "texts": self.texts(), "rows": self.rows()}
        _write_json(self.folder / f"answer-{number}.json", answer)

    # -- steps (generators yielding the seconds to wait) ----------------------------------------

    def _script(self, steps):
        for step in steps:
            name, *args = step
            action = getattr(self, f"step_{name}", None)
            if action is None:
                raise ProbeError(f"unknown step {name!r}")
            yield from action(*args)

    def _settle(self):
        """Wait for a screen transition to end (the ScreenManager ignores touches meanwhile)."""
        for _ in range(60):
            if not self.app.sm.transition.is_active:
                break
            yield 0.05
        yield 0.05

    def _tap_at(self, x: float, y: float, settle: float = 0.3):
        from kiosk.touch import press

        yield from self._settle()
        touch = press(x, y)
        yield 0.05
        touch.up()
        yield settle
        yield from self._settle()

    def _tap(self, widget, settle: float = 0.3):
        from kiosk.touch import center_of

        yield from self._tap_at(*center_of(widget), settle=settle)

    def _expect(self, screen: str, step: str) -> None:
        if self.app.sm.current != screen:
            raise ProbeError(f"{step}: expected the {screen} screen, the kiosk shows {self.app.sm.current}")

    def step_reset(self):
        self.app.reset_visit()
        yield 0.1
        yield from self._settle()

    def step_touch(self):
        from kivy.core.window import Window

        yield from self._tap_at(Window.width / 2, Window.height / 2)

    def step_tile(self, kind: str):
        self._expect("home", f"tile {kind}")
        tiles = [t for t in self.app.screen("home").ids.tiles.children if getattr(t, "target", "") == kind]
        if not tiles:
            raise ProbeError(f"tile {kind}: no such tile on the home screen")
        yield from self._tap(tiles[0])
        self._expect("list", f"tile {kind}")

    def step_row(self, title: str):
        from kiosk.widgets import CardRow

        self._expect("list", f"row {title!r}")
        rv = self.app.screen("list").ids.rv
        found = [w for w in rv.children[0].children if isinstance(w, CardRow) and w.title == title]
        if not found:
            shown = [w.title for w in rv.children[0].children if isinstance(w, CardRow)]
            raise ProbeError(f"row {title!r}: not among the rows on screen {shown}")
        yield from self._tap(found[0], settle=0.5)
        self._expect("detail", f"row {title!r}")

    def step_home(self):
        yield from self._tap(self.app.screen(self.app.sm.current).ids.topbar.ids.home)
        self._expect("home", "home")

    def step_shot(self, path: str):
        from kivy.core.window import Window

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        written = Window.screenshot(name=str(target.with_name(".shot.png")))
        os.replace(written, target)
        yield 0.05


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.kiosk_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="the kiosk's data folder (borne.toml, content.db)")
    parser.add_argument("--size", default="540x960", help="window size WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from content.config import load_config
    from kiosk.config import KioskSettings, parse_size
    from kiosk.launch import build_app
    from kiosk.tour import prepare_data

    config = load_config(args.data)
    prepare_data(args.data)  # an empty cache gets the demo town, as ``main.py run`` does
    settings = KioskSettings(
        data_dir=args.data,
        kiosk_mode=False,
        size=parse_size(args.size),
        idle_seconds=3600,  # the test resets visits itself
        commune=config.commune,
        tz=config.time_zone,
        poll_seconds=0.5,
        version="e2e",
    )
    app = build_app(settings)
    probe = Probe(app, args.data / PROBE_DIR)
    app.bind(on_start=probe.start)
    try:
        app.run()
    finally:
        app.cache.close()
        app.usage.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
