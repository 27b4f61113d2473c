"""Frames the kiosk UI drops while a sync applies (target: no frame interval over 100 ms).

    python bench/bench_frames.py [--entries 2000] [--images 400] [--screen attract|home|list]
                                 [--source apply|sync] [--nice N] [--baseline 10] [--json]

The real kiosk app runs in its own process on a data folder holding the demo town (an empty cache
with ``--source sync``, whose first sync starts from no cursor); it records the
time of every frame (a Kivy clock callback on each frame, 60 fps cap as on a kiosk) and how long
each refresh of its screens takes when it notices new content. Meanwhile another process writes a
large change set into the content cache:

- ``--source apply`` (default): ``ContentCache.apply`` of ``--entries`` synthetic entries with
  ``--images`` images (verified, renditions made) in one change set, as a sync's apply does;
- ``--source sync``: the real sync (``python -m sync --once``) of that town from a local back office
  (the sync tests' fake one, same feed contract): downloads, renditions in worker threads, apply.

The table compares a baseline measured in the same run, same process, with nothing writing, with
the window from the start of the write until the UI has refreshed after it, and names what the UI
thread was doing in each frame over 100 ms (its look for new content, its refresh). ``--nice N``
runs the writing process at a lower CPU priority, as a systemd ``Nice=`` would. It needs a display:
without ``DISPLAY`` it re-runs itself under ``xvfb-run`` (software rendering, so absolute frame
times are those of the machine's CPU). With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: A frame interval over this is a dropped frame a visitor notices (the target: none).
JANK_MS = 100.0
READY = "ready"
STOP_FILE = "bench-stop"
REFRESH_LOG = "bench-refresh.jsonl"
FRAMES_FILE = "bench-frames.json"
READY_FILE = "bench-kiosk-ready"


# -- the kiosk (child process) ------------------------------------------------------------------


def run_kiosk(data_dir: Path, size: tuple[int, int], screen: str) -> int:
    """The real app, plus a frame recorder and a timer around its content refresh."""
    from kiosk.config import KioskSettings
    from kiosk.launch import build_app

    settings = KioskSettings(data_dir=data_dir, kiosk_mode=False, size=size, idle_seconds=3600, version="bench")
    app = build_app(settings)
    frames: list[float] = []
    refresh_log = open(data_dir / REFRESH_LOG, "a", encoding="utf-8")  # noqa: SIM115 - open for the app's life

    def timed(name: str, fn):
        def wrapper(*args):
            start = time.monotonic()
            fn(*args)
            refresh_log.write(json.dumps({"what": name, "start": start, "end": time.monotonic()}) + "\n")
            refresh_log.flush()

        return wrapper

    # The UI thread's own content work: the look for new content (every poll_seconds) and the refresh.
    app.refresh_visible = timed("refresh", app.refresh_visible)
    app._poll_content = timed("poll", app._poll_content)

    def on_frame(_dt) -> None:
        frames.append(time.monotonic())

    def watch_stop(_dt) -> None:
        if (data_dir / STOP_FILE).exists():
            app.stop()

    def started(*_args) -> None:
        from kivy.clock import Clock

        if screen != "attract":
            app.go("home")
            if screen == "list":
                app.open_list("place")
        Clock.schedule_interval(on_frame, 0)
        Clock.schedule_interval(watch_stop, 0.25)
        Clock.schedule_once(lambda _dt: (data_dir / READY_FILE).touch(), 0.5)

    app.bind(on_start=started)
    try:
        app.run()
    finally:
        (data_dir / FRAMES_FILE).write_text(json.dumps(frames), encoding="utf-8")
        refresh_log.close()
        app.cache.close()
        app.usage.close()
    return 0


# -- the writer (child process) -----------------------------------------------------------------


def run_writer(data_dir: Path, entries: int, images: int) -> int:
    """Build the change set, say ready, wait for a line on stdin, apply it; print one JSON line."""
    from bench.synth import synthetic_town
    from content.cache import ChangeSet, ContentCache
    from content.validation import parse_alert, parse_entry

    town = synthetic_town(entries, images)
    changes = ChangeSet(
        entries=[parse_entry(e) for e in town.entries],
        alerts=[parse_alert(a) for a in town.alerts],
        media=town.media,
        cursor="bench-1",
        origin="sync",
    )
    with ContentCache.open(data_dir) as cache:
        print(READY, flush=True)
        sys.stdin.readline()
        start = time.monotonic()
        report = cache.apply(changes)
        end = time.monotonic()
    print(json.dumps({"start": start, "end": end, "upserted": report.upserted, "media_added": report.media_added}))
    return 0


# -- the run (parent) ---------------------------------------------------------------------------


def niced(level: int):
    """A preexec_fn lowering the child's CPU priority (``nice``), or None."""
    return (lambda: os.nice(level)) if level else None


def child(role: str, *args: str, stdin=None, stdout=subprocess.PIPE, stderr=None, nice: int = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--role", role, *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        text=True,
        preexec_fn=niced(nice),
    )


def wait_file(path: Path, proc: subprocess.Popen, what: str, log: Path, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > end:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:]) if log.exists() else ""
            raise SystemExit(f"{what} did not start (exit {proc.poll()}):\n{tail}")
        time.sleep(0.1)


def wait_line(proc: subprocess.Popen, expected: str, what: str) -> str:
    for line in proc.stdout:
        if line.strip().startswith(expected):
            return line.strip()
    raise SystemExit(f"{what} stopped before saying {expected!r} (exit {proc.wait()})")


def stats(frames: list[float], start: float, end: float) -> dict:
    """Frame intervals (ms) of the frames that ended inside [start, end]."""
    intervals = [(b - a) * 1000 for a, b in zip(frames, frames[1:], strict=False) if start <= b <= end]
    if not intervals:
        return {"frames": 0, "seconds": round(end - start, 2)}
    ordered = sorted(intervals)
    return {
        "frames": len(intervals),
        "seconds": round(end - start, 2),
        "fps": round(len(intervals) / max(end - start, 1e-9), 1),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max_ms": round(ordered[-1], 1),
        "over_100ms": sum(1 for i in intervals if i > JANK_MS),
        "over_50ms": sum(1 for i in intervals if i > 50),
    }


def seed(data_dir: Path) -> None:
    """The demo town, as a kiosk has it after its first start."""
    from content.cache import ContentCache
    from content.importer import ensure_content

    with ContentCache.open(data_dir) as cache:
        ensure_content(cache)


def read_refreshes(data_dir: Path, what: str = "refresh") -> list[dict]:
    path = data_dir / REFRESH_LOG
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["what"] == what]


def write_by_sync(data_dir: Path, entries: int, images: int, nice: int = 0):
    """A local back office with the synthetic town; returns (url info, a function running one sync)."""
    sys.path.insert(0, str(REPO / "tests" / "sync"))
    from fakebo import FakeBackOffice

    from bench.synth import synthetic_town

    town = synthetic_town(entries, images)
    bo = FakeBackOffice()
    url = bo.start()
    for data in town.media.values():
        bo.add_media(data)
    for e in town.entries:
        bo.put_entry(e)
    for a in town.alerts:
        bo.put_alert(a)

    def sync() -> dict:
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "sync", "--once", "--data", str(data_dir), "--url", url, "--token", bo.token],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            preexec_fn=niced(nice),
        )
        end = time.monotonic()
        bo.stop()
        if done.returncode:
            raise SystemExit(f"the sync failed ({done.returncode}): {done.stderr.strip()}")
        return {"start": start, "end": end, "summary": done.stdout.strip().removeprefix("borne sync: ")}

    return {"url": url}, sync


def run(args) -> dict:
    from kiosk.config import parse_size

    with tempfile.TemporaryDirectory(prefix="borne-bench-frames-") as tmp:
        data_dir = Path(tmp) / "data"
        if args.source == "apply":
            seed(data_dir)
            writer = child(
                "writer",
                "--data",
                str(data_dir),
                "--entries",
                str(args.entries),
                "--images",
                str(args.images),
                stdin=subprocess.PIPE,
                nice=args.nice,
            )
            wait_line(writer, READY, "the writer")
            sync = None
        else:
            # The real sync walks from an empty cursor: an empty cache (the demo town's cursor is not a feed's).
            from content.cache import ContentCache

            ContentCache.open(data_dir).close()
            writer = None
            _info, sync = write_by_sync(data_dir, args.entries, args.images, args.nice)
        size = parse_size(args.size)
        kiosk_log = Path(tmp) / "kiosk.log"
        with open(kiosk_log, "w") as log:
            kiosk = child(
                "kiosk",
                "--data",
                str(data_dir),
                "--size",
                args.size,
                "--screen",
                args.screen,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        try:
            wait_file(data_dir / READY_FILE, kiosk, "the kiosk", kiosk_log)
            time.sleep(args.warmup)
            load = os.getloadavg()  # other work on the machine shows in the baseline
            base_start = time.monotonic()
            time.sleep(args.baseline)
            base_end = time.monotonic()
            if writer is not None:
                writer.stdin.write("go\n")
                writer.stdin.flush()
                outcome = json.loads(wait_line(writer, "{", "the writer"))
                writer.wait(timeout=60)
            else:
                outcome = sync()
            # Until the UI noticed the new content and refreshed (it looks every poll_seconds).
            deadline = time.monotonic() + args.refresh_wait
            after = []
            while time.monotonic() < deadline:
                after = [r for r in read_refreshes(data_dir) if r["start"] >= outcome["start"]]
                if after and time.monotonic() > after[-1]["end"] + 0.5:
                    break
                time.sleep(0.1)
            sync_end = time.monotonic()
        finally:
            (data_dir / STOP_FILE).touch()
            try:
                kiosk.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kiosk.send_signal(signal.SIGKILL)
                kiosk.wait()
            if writer is not None and writer.poll() is None:
                writer.kill()
        frames = json.loads((data_dir / FRAMES_FILE).read_text(encoding="utf-8"))
        refreshes = [r for r in read_refreshes(data_dir) if r["start"] >= outcome["start"]]
        polls = [
            r for r in read_refreshes(data_dir, "poll") if r["start"] >= outcome["start"] and r["start"] <= sync_end
        ]
    return {
        "source": args.source,
        "entries": args.entries,
        "images": args.images,
        "screen": args.screen,
        "writer_nice": args.nice,
        "size": f"{size[0]}x{size[1]}",
        "display": os.environ.get("DISPLAY", ""),
        "load": [round(x, 2) for x in load],
        "write_seconds": round(outcome["end"] - outcome["start"], 2),
        "write": {k: v for k, v in outcome.items() if k not in ("start", "end")},
        "ui_refresh_ms": [round((r["end"] - r["start"]) * 1000, 1) for r in refreshes],
        "ui_poll_max_ms": round(max(((r["end"] - r["start"]) * 1000 for r in polls), default=0), 1),
        "baseline": stats(frames, base_start, base_end),
        "during_write": stats(frames, outcome["start"], outcome["end"]),
        "write_and_refresh": stats(frames, outcome["start"], sync_end),
        "slow_frames": slow_frames(frames, outcome["start"], sync_end, refreshes + polls),
        "target": {"max_ms": JANK_MS, "over_100ms": 0},
    }


def slow_frames(frames: list[float], start: float, end: float, refreshes: list[dict]) -> list[dict]:
    """Each frame interval over the target: when (seconds after the write started), and whether a refresh ran in it."""
    out = []
    for a, b in zip(frames, frames[1:], strict=False):
        if start <= b <= end and (b - a) * 1000 > JANK_MS:
            inside = sorted({r["what"] for r in refreshes if r["start"] < b and r["end"] > a})
            out.append({"at_s": round(a - start, 2), "ms": round((b - a) * 1000, 1), "ui_work": inside})
    return out


def print_table(result: dict) -> None:
    print(
        f"{result['source']}: {result['entries']} entries, {result['images']} images written in "
        f"{result['write_seconds']} s (nice {result['writer_nice']}); "
        f"kiosk {result['size']} on the {result['screen']} screen"
    )
    print(f"{'':24} {'frames':>7} {'fps':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'>100 ms':>8} {'>50 ms':>7}")
    for name in ("baseline", "during_write", "write_and_refresh"):
        s = result[name]
        if not s["frames"]:
            print(f"{name:24} {0:>7}")
            continue
        print(
            f"{name:24} {s['frames']:>7} {s['fps']:>6} {s['p50_ms']:>8} {s['p95_ms']:>8} {s['max_ms']:>8} "
            f"{s['over_100ms']:>8} {s['over_50ms']:>7}"
        )
    print(
        f"UI refreshes after the write (ms, in the UI thread): {result['ui_refresh_ms'] or 'none seen'}; "
        f"longest look for new content meanwhile: {result['ui_poll_max_ms']} ms; load average before: {result['load']}"
    )
    for slow in result["slow_frames"]:
        where = f"UI thread in: {', '.join(slow['ui_work'])}" if slow["ui_work"] else "no content work in the UI thread"
        print(f"  frame of {slow['ms']} ms at {slow['at_s']} s after the write started ({where})")
    worst = result["write_and_refresh"]
    verdict = "met" if worst.get("frames") and worst["over_100ms"] == 0 else "NOT met"
    print(f"target (no frame interval over {JANK_MS:.0f} ms while a sync applies): {verdict}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=["run", "kiosk", "writer"], default="run", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--images", type=int, default=400)
    parser.add_argument("--source", choices=["apply", "sync"], default="apply")
    parser.add_argument("--screen", choices=["attract", "home", "list"], default="attract")
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds after the app started")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds measured with nothing writing")
    parser.add_argument("--refresh-wait", type=float, default=8.0, help="longest wait for the UI's refresh")
    parser.add_argument("--nice", type=int, default=0, help="run the writing process at this nice level")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    if args.role == "kiosk":
        from kiosk.config import parse_size

        return run_kiosk(args.data, parse_size(args.size), args.screen)
    if args.role == "writer":
        return run_writer(args.data, args.entries, args.images)

    if not os.environ.get("DISPLAY"):
        if shutil.which("xvfb-run"):
            os.execvp(
                "xvfb-run",
                [
                    "xvfb-run",
                    "-a",
                    "-s",
                    "-screen 0 1920x1920x24",
                    sys.executable,
                    str(Path(__file__).resolve()),
                    *argv,
                ],
            )
        print("bench_frames needs a display: run it under xvfb-run (apt-get install xvfb)", file=sys.stderr)
        return 2
    result = run(args)
    print_table(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
