"""Soak: a simulated week of a kiosk on the square, on software GL, with an accelerated clock.

    xvfb-run -a -s "-screen 0 1920x1920x24" .venv/bin/python bench/bench_soak.py [--days 7] [--out DIR]

The real app (``kiosk.launch.build_app``, the demo town) runs in this process with its clock pinned
to a simulated time that advances one hour per step. Each simulated hour brings, by the town's
screen hours (07:00-22:00, set as the back office would: ``kiosk-settings.json``): visits (a real
touch on the attract loop, then lists, a page, a search, back), an idle return to the attract loop,
the screen switched off at night and woken by a touch, and from a separate writer process (the
sync's role): new entries every two hours and an alert turned on and off every six. On day 3 the
writer installs a release that reports healthy; on day 5 one that does not, and is rolled back.

Every simulated hour the kiosk's resident memory (VmRSS), open files and threads are sampled; the
figures are printed as a table and drawn as a PNG (Pillow, no matplotlib). The aim: after day 1,
no growth beyond 10 MB, no crash, no screen stuck (the kiosk is back on the attract loop after each
idle time, and every screen change asked for happened).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2026, 12, 7, 0, 0, tzinfo=PARIS)  # a Monday, midnight
KEY = b"soak-bench-key-0123456789abcdef!"
HOURS = {d: ["07:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def proc_figures(pid: int | str = "self") -> dict:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "threads": int(fields["Threads"]),
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
    }


# -- the writer: the sync's part, in a process of its own ---------------------------------------------


def release_zip(version: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("release.json", json.dumps({"version": version}))
        zf.writestr("content/__init__.py", f'__version__ = "{version}"\n')
        zf.writestr("main.py", "")
    return out.getvalue()


def writer(data_dir: Path) -> int:
    """Reads one command a line on stdin, applies it, answers ``ok`` (or the error) on stdout."""
    from content.cache import ChangeSet, ContentCache
    from content.release import sign
    from content.validation import parse_alert, parse_entry
    from sync.updates import READY_FILE, UpdateManager, point

    cache = ContentCache.open(data_dir)
    root = data_dir.parent / "releases"
    (root / "1.0").mkdir(parents=True, exist_ok=True)
    point(root / "current", "1.0")
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        try:
            if cmd == "entry":
                n = int(arg)
                e = {
                    "id": f"soak:{n % 40}",  # the same forty pages rewritten in turn: content churns, does not pile up
                    "kind": ("place", "event", "shop", "heritage", "service")[n % 5],
                    "title": {"fr": f"Nouveauté {n}", "en": f"News {n}"},
                    "summary": {"fr": "Texte " * (20 + n % 30)},
                    "updated_at": dt.datetime.now(dt.UTC).isoformat(),
                    "commune": "",
                }
                if e["kind"] == "event":
                    s = START + dt.timedelta(hours=n)
                    e["occurrences"] = [{"start": s.isoformat(), "end": (s + dt.timedelta(hours=2)).isoformat()}]
                cache.apply(ChangeSet(entries=[parse_entry(e)], origin="sync"))
            elif cmd == "alert":
                on = arg == "on"
                a = {
                    "id": "soak:alert",
                    "level": "warning",
                    "message": {"fr": "Marché déplacé place du Palais"},
                    "from": START.isoformat(),
                    "until": None,
                }
                changes = ChangeSet(alerts=[parse_alert(a)]) if on else ChangeSet(deleted_alerts=["soak:alert"])
                cache.apply(changes)
            elif cmd in ("update", "rollback"):
                version = arg
                data = release_zip(version)
                sha = hashlib.sha256(data).hexdigest()
                src = root / f".{version}.zip"
                src.write_bytes(data)
                current = os.readlink(root / "current")
                manager = UpdateManager(
                    root=root,
                    data_dir=data_dir,
                    key=KEY,
                    running_version=current,
                    download=lambda _r, dest, src=src: src.replace(dest) or dest,
                )
                release = {"version": version, "sha256": sha, "size": len(data), "signature": sign(KEY, version, sha)}
                outcome = manager.offer(release)
                new = UpdateManager(root=root, data_dir=data_dir, key=KEY, running_version=version)
                if cmd == "update":  # the new version comes up: screen ready, one sync
                    ready = {"version": version, "ready_at": time.time() + 1}
                    (data_dir / READY_FILE).write_text(json.dumps(ready))
                    new.note_sync_ok()
                    outcome += "," + str(new.check())
                else:  # it never does: the deadline passes
                    pending = json.loads((data_dir / "update-pending.json").read_text())
                    pending["deadline"] = time.time() - 1
                    (data_dir / "update-pending.json").write_text(json.dumps(pending))
                    outcome += "," + str(new.check()) + "," + os.readlink(root / "current")
                print(f"ok {outcome}", flush=True)
                continue
            print("ok", flush=True)
        except Exception as exc:  # noqa: BLE001 - said to the bench, which stops
            print(f"error {type(exc).__name__}: {exc}", flush=True)
    cache.close()
    return 0


# -- the kiosk ----------------------------------------------------------------------------------------


class Soak:
    def __init__(self, data: Path, frames_per_hour: int):
        from kiosk.config import KioskSettings
        from kiosk.launch import build_app, build_upkeep, prepare_data
        from kiosk.screen_power import FakeBackend

        prepare_data(data)
        self.now = START
        self.settings = KioskSettings(
            data_dir=data,
            kiosk_mode=False,
            size=(540, 960),
            idle_seconds=10,
            poll_seconds=0.1,
            quiet_seconds=1,
            max_fps=0,
            version="1.0",
        )
        self.app = build_app(self.settings, clock=lambda: self.now)
        self.screen = FakeBackend()
        self.restarts = 0
        self.app.upkeep = build_upkeep(self.app, self.settings, backends=[self.screen])
        self.app.upkeep.restart = self._restart
        (data / "kiosk-settings.json").write_text(
            json.dumps(
                {"screen": {"weekly": HOURS, "wake_minutes": 2}, "idle_seconds": 10, "languages": None, "pin": None}
            )
        )
        self.frames_per_hour = frames_per_hour
        self.stuck: list[str] = []
        self.visits = 0

    def _restart(self) -> bool:
        self.restarts += 1  # a real kiosk stops here and systemd starts the new version
        return True

    def start(self) -> None:
        from kivy.base import EventLoop
        from kivy.core.window import Window

        from kiosk.touch import SimTouch  # noqa: F401 - kivy.input before the loop starts

        Window.size = (540, 960)
        self.app._run_prepare()
        EventLoop.start()
        self.frames(30)

    def frames(self, n: int) -> None:
        from kivy.base import EventLoop

        for _ in range(n):
            EventLoop.idle()

    def run_for(self, seconds: float) -> None:
        """Frames for ``seconds`` of real time: the kiosk's own timers (housekeeping after a quiet
        0.8 s, the content poll, the idle check) need the real clock to move, as it does on a kiosk."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.frames(1)

    def settle(self) -> None:
        for _ in range(200):
            self.frames(1)
            if not self.app.sm.transition.is_active:
                break
        self.frames(2)

    def tap_centre(self) -> None:
        from kivy.core.window import Window

        from kiosk.touch import press

        touch = press(Window.width / 2, Window.height / 2)
        self.frames(2)
        touch.up()
        self.settle()

    def expect(self, screen: str, what: str) -> None:
        if self.app.sm.current != screen:
            self.stuck.append(f"{self.now:%a %H:%M} {what}: on {self.app.sm.current}, expected {screen}")

    def visit(self, n: int) -> None:
        app = self.app
        self.tap_centre()
        self.expect("home", "touch on the attract loop")
        kind = ("place", "heritage", "event", "shop", "service")[n % 5]
        app.open_list(kind)
        self.settle()
        self.expect("list", "open a list")
        data = app.screen("list").ids.rv.data
        if data:
            app.open_entry(data[n % len(data)]["entry_id"])
            self.settle()
            self.expect("detail", "open a page")
        app.open_search()
        self.settle()
        app.set_language(("en", "de", "fr", "es")[n % 4])
        app.back()
        self.settle()
        app.go_home()
        self.settle()
        app.reset_visit()  # the next visitor finds the attract loop (what the idle time does between visitors)
        self.settle()
        self.visits += 1

    def idle_return(self) -> None:
        self.app.last_touch -= 3600  # an hour without a touch passes
        self.frames(40)  # the idle check runs once a second: wait for it on the real clock
        deadline = time.monotonic() + 3
        while self.app.sm.current != "attract" and time.monotonic() < deadline:
            self.frames(5)
        self.settle()
        self.expect("attract", "idle return")


def plot(samples: list[dict], path: Path) -> None:
    """Three stacked panels (memory, open files, threads) over the simulated days, drawn with Pillow."""
    from PIL import Image, ImageDraw

    width, panel, margin = 1000, 220, 60
    img = Image.new("RGB", (width, 3 * panel + 40), "white")
    draw = ImageDraw.Draw(img)
    hours = [s["hour"] for s in samples]
    span = max(hours) or 1
    for i, (key, label, colour) in enumerate(
        [
            ("rss_mb", "resident memory (MB)", (200, 40, 40)),
            ("fds", "open files", (30, 90, 180)),
            ("threads", "threads", (30, 140, 60)),
        ]
    ):
        top = 20 + i * panel
        values = [s[key] for s in samples]
        low, high = min(values), max(values)
        if high - low < 1:
            low, high = low - 1, high + 1
        x0, x1, y0, y1 = margin, width - 20, top + 20, top + panel - 30
        draw.rectangle((x0, y0, x1, y1), outline=(160, 160, 160))
        draw.text(
            (x0, top + 4),
            f"{label}: {values[0]:.1f} at start, {values[-1]:.1f} at the end, max {max(values):.1f}",
            fill=colour,
        )
        for day in range(0, span // 24 + 1):
            x = x0 + (x1 - x0) * day * 24 / span
            draw.line((x, y0, x, y1), fill=(225, 225, 225))
            draw.text((x + 2, y1 + 2), f"day {day}", fill=(100, 100, 100))
        draw.text((4, y0), f"{high:.0f}", fill=(100, 100, 100))
        draw.text((4, y1 - 10), f"{low:.0f}", fill=(100, 100, 100))
        points = [
            (x0 + (x1 - x0) * h / span, y1 - (y1 - y0) * (v - low) / (high - low))
            for h, v in zip(hours, values, strict=True)
        ]
        draw.line(points, fill=colour, width=2)
    img.save(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--visits", type=int, default=2, help="visits per daytime hour")
    parser.add_argument("--out", default="/tmp/borne-soak")
    parser.add_argument("--quiet", type=float, default=1.0, help="real seconds of idle frames per simulated hour")
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:
        return writer(Path(args.writer))
    if not os.environ.get("DISPLAY"):  # software GL on a virtual display, as the issue asks
        if shutil.which("xvfb-run"):
            here = str(Path(__file__).resolve())
            os.execvp(
                "xvfb-run", ["xvfb-run", "-a", "-s", "-screen 0 1920x1920x24", sys.executable, here, *sys.argv[1:]]
            )
        print("bench_soak needs a display: run it under xvfb-run (apt-get install xvfb)", file=sys.stderr)
        return 2

    out = Path(args.out)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    from kiosk.config import configure

    configure(kiosk_mode=False, size=(540, 960), kivy_home=data / "kivy", max_fps=0)
    soak = Soak(data, frames_per_hour=20)
    proc = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(data)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def tell(command: str) -> str:
        proc.stdin.write(command + "\n")
        proc.stdin.flush()
        answer = proc.stdout.readline().strip()
        if not answer.startswith("ok"):
            raise RuntimeError(f"writer: {command}: {answer}")
        return answer

    soak.start()
    samples, events = [], []
    began = time.monotonic()
    entry_n = 0
    for hour in range(args.days * 24):
        soak.now = START + dt.timedelta(hours=hour, minutes=30)
        lit = 7 <= soak.now.hour < 22
        soak.app.upkeep.tick()  # settings, screen schedule
        if hour % 2 == 0:
            entry_n += 1
            tell(f"entry {entry_n}")
        if hour % 6 == 0:
            tell(f"alert {'on' if hour % 12 == 0 else 'off'}")
        if hour == 3 * 24 + 10:
            events.append(("update 1.1 (healthy)", tell("update 1.1")))
        if hour == 5 * 24 + 10:
            events.append(("update 1.2 (never healthy)", tell("rollback 1.2")))
        if lit:
            for v in range(args.visits):
                soak.visit(hour * args.visits + v)
        elif soak.now.hour == 2 and hour % 48 == 2:  # a night-owl's touch every other night: the screen wakes
            calls = len(soak.screen.calls)
            soak.tap_centre()
            if soak.screen.calls[calls:] != [True]:
                soak.stuck.append(f"{soak.now:%a %H:%M} night touch did not wake the screen")
            soak.expect("attract", "a touch that only wakes the screen")
        soak.frames(soak.frames_per_hour)
        soak.idle_return()
        soak.run_for(args.quiet)  # the rest of the hour, shortened: the kiosk alone on the square
        if hour % 24 == 23:
            import gc

            gc.collect()
        samples.append({"hour": hour + 1, **proc_figures()})
    elapsed = time.monotonic() - began
    proc.stdin.close()
    proc.wait(timeout=30)
    soak.app._stop()

    after = samples[24:] or samples
    medians = [
        statistics.median(s["rss_mb"] for s in samples if day * 24 < s["hour"] <= (day + 1) * 24)
        for day in range(args.days)
    ]
    # Growth: a day's typical level (its median hour) against day 1's. A visit's peak is not growth:
    # the peaks are printed beside it.
    growth = max(medians[1:], default=medians[0]) - medians[0]
    print(f"Soak: {args.days} simulated days in {elapsed:.0f} s of real time, {soak.visits} visits, software GL")
    print(f"{'day':>4} {'RSS median':>11} {'RSS max':>8} {'at 24:00':>9} {'files':>6} {'threads':>8}  (MB)")
    for day in range(args.days):
        hours = [s for s in samples if day * 24 < s["hour"] <= (day + 1) * 24]
        last = hours[-1]
        peak = max(s["rss_mb"] for s in hours)
        figures = f"{medians[day]:>11.1f} {peak:>8.1f} {last['rss_mb']:>9.1f}"
        print(f"{day + 1:>4} {figures} {last['fds']:>6} {last['threads']:>8}")
    print(f"memory growth after day 1 (largest daily median - day 1's): {growth:+.1f} MB (aim: at most +10 MB)")
    print(
        f"open files: {min(s['fds'] for s in after)}..{max(s['fds'] for s in after)} after day 1; "
        f"threads: {min(s['threads'] for s in after)}..{max(s['threads'] for s in after)}"
    )
    offs = soak.screen.calls.count(False)
    print(f"screen: switched off {offs} times, on {soak.screen.calls.count(True)} times (nights and wake touches)")
    for what, answer in events:
        print(f"{what}: {answer}")
    print(f"kiosk restarts asked by updates: {soak.restarts}")
    print(f"stuck screens: {len(soak.stuck)}" + "".join(f"\n  {s}" for s in soak.stuck[:10]))
    plot(samples, out / "soak.png")
    (out / "soak.json").write_text(json.dumps({"samples": samples, "events": events, "stuck": soak.stuck}, indent=1))
    print(f"plot: {out / 'soak.png'}")
    return 0 if not soak.stuck and growth <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
