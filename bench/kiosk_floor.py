"""Helpers of bench_kiosk: the floor (a bare Kivy window with six labelled buttons) and process memory.

The floor is what any Kivy app of the same size costs on this machine before it shows anything of
its own: the interpreter, Kivy, SDL2 and the software OpenGL renderer. ``run_floor`` is run in its
own process by bench_kiosk (``python bench/kiosk_floor.py --out FILE --kivy-home DIR``); it writes
one JSON object to ``out`` and exits.

Memory is read from ``/proc``: VmRSS (resident, what the targets are written in; summed over a
process tree it counts shared pages once per process) and Pss (proportional set size, shared pages
divided among the processes sharing them, so a tree's sum is what the tree really holds).
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

TILES = ("Découvrir", "Patrimoine", "Agenda", "Commerces", "Infos pratiques", "Recherche")


# -- memory -------------------------------------------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def process_tree(root: int, session: bool = False) -> list[int]:
    """``root`` and its descendants (by parent id in /proc/<pid>/stat); with ``session``, also every
    process of the session ``root`` leads (helpers whose parent has gone are reparented to init)."""
    children: dict[int, list[int]] = {}
    in_session: set[int] = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        # the command name (field 2) is in parentheses and may hold spaces: split after its last ")"
        fields = stat[stat.rfind(")") + 2 :].split()  # state, ppid, pgrp, session, ...
        children.setdefault(int(fields[1]), []).append(int(name))
        if session and int(fields[3]) == root:
            in_session.add(int(name))
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        out.add(pid)
        todo.extend(children.get(pid, []))
    return sorted(out | in_session)


def tree_memory(root: int, session: bool = False) -> dict:
    """Resident memory of ``root`` and its descendants: summed VmRSS, summed Pss, peak RSS of the root (MB)."""
    pids = process_tree(root, session)
    rss = sum(_status_kb(p, "VmRSS") for p in pids)
    pss = sum(_pss_kb(p) for p in pids)
    return {
        "processes": len(pids),
        "rss_mb": round(rss / 1024, 1),
        "pss_mb": round(pss / 1024, 1),
        "root_peak_rss_mb": round(_status_kb(root, "VmHWM") / 1024, 1),
    }


# -- figures ------------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict:
    """Count, median, 95th percentile and maximum of ``values``, rounded to 0.1 (the statistics
    module is not imported: this module is loaded by the processes whose start is measured)."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    n, mid = len(ordered), len(ordered) // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return {
        "n": n,
        "p50": round(median, 1),
        "p95": round(ordered[min(n - 1, int(n * 0.95))], 1),
        "max": round(ordered[-1], 1),
    }


# -- frames -------------------------------------------------------------------------------------


def on_presented(window, callback) -> None:
    """Call ``callback(monotonic time)`` each time the window has handed a frame to the display.

    That is after the buffer swap: Kivy's ``on_flip`` event fires before it, and with software
    OpenGL the swap is when the frame is rasterised (tens of milliseconds at 1080x1920).
    """
    swap = window.flip

    def flip():
        swap()
        callback(time.monotonic())

    window.flip = flip


# -- the floor (child process) ------------------------------------------------------------------


def run_floor(out: Path, kivy_home: Path, settle: float = 1.0) -> int:
    """A bare Kivy window, fullscreen as the kiosk's, six labelled buttons; first frame time and memory
    (``settle`` seconds after each button has been pressed once)."""
    from kiosk.config import configure

    # The same Kivy configuration as the kiosk (fullscreen, input providers, 60 fps cap).
    configure(kiosk_mode=True, kivy_home=kivy_home, max_fps=60)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.button import Button
    from kivy.uix.gridlayout import GridLayout

    result: dict = {}

    class Floor(App):
        def build(self):
            grid = GridLayout(cols=2, spacing=24, padding=36)
            for title in TILES:
                grid.add_widget(Button(text=title, font_size=44))
            return grid

        def on_start(self):
            on_presented(Window, self.presented)

        def presented(self, at: float) -> None:
            if "first_frame" in result:
                return
            result["first_frame"] = at
            result["window"] = list(Window.size)
            self.presses = list(self.root.children)
            Clock.schedule_once(self.press_next, 0)

        def press_next(self, _dt):
            """Press and release each button once (a frame each), so the renderer has drawn more than one frame."""
            from kiosk.touch import center_of, press

            if not self.presses:
                Clock.schedule_once(self.measure, settle)
                return
            touch = press(*center_of(self.presses.pop()))
            Clock.schedule_once(lambda _dt: (touch.up(), Clock.schedule_once(self.press_next, 0.05)), 0.05)

        def measure(self, _dt):
            result["memory"] = tree_memory(os.getpid())
            self.stop()

    Floor().run()
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The floor of bench_kiosk: a bare Kivy window with six buttons.")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("--kivy-home", type=Path, required=True, help="Kivy's home folder for this run")
    args = parser.parse_args(argv)
    return run_floor(args.out, args.kivy_home)


if __name__ == "__main__":
    sys.exit(main())
