"""The kiosk app against what towns use instead (Chromium showing a static page) and a bare Kivy window.

    python bench/bench_kiosk.py [--runs 5] [--entries 10000] [--images 300] [--switches 40]
                                [--swipes 40] [--json]
    python bench/bench_kiosk.py --measures [--runs 5]

Every contender is a new process, started under the same X display (``xvfb-run`` at 1080x1920
when ``DISPLAY`` is unset: software rendering, so the figures are this machine's CPU), fullscreen,
in turns (Borne, Chromium, floor, Borne, ...) after one unmeasured warm-up start each:

- **Borne**: the command a kiosk runs, ``main.py run --no-sync`` (``bench/kiosk_drive.py`` starts
  it with a measuring script bound to the app's start), on a temporary data folder holding the
  synthetic town (``bench.synth``) applied as one change set, its ``borne.toml`` in kiosk mode (60 fps
  cap). *Start to first frame*: from the parent's ``Popen`` to the first frame on the display (after
  the window's buffer swap, where software OpenGL rasterises it; the attract loop).
  *Start to interactive home*: a simulated touch on the attract screen as soon as its first frame is
  drawn, then the first frame that shows the home screen whole (the attract loop cuts to it; after a
  slide, the first frame drawn once the slide has ended). One more
  run goes on from there: ``--switches`` screen switches (a touch on a home tile, then the list's
  Back button; latency = finger lifted, which is when a button acts, to the next frame drawn; the
  screen's data is read in between), then ``--swipes`` simulated swipes on the longest list (shops)
  with every frame interval recorded, then the resident memory (home screen shown again).
- **Chromium** (Debian's ``/usr/bin/chromium --kiosk``, software rendering) showing
  ``bench/kiosk_static_home.html``, the same home screen as a static page: start to its
  ``first-contentful-paint`` (read over the DevTools protocol: ``performance.timeOrigin`` plus the
  paint entry's time, against the wall clock at ``Popen``), and the memory of all its processes two
  seconds after that paint.
- **Floor** (``bench/kiosk_floor.py``): a bare Kivy window, same Kivy configuration, six labelled buttons.

Memory is the summed VmRSS of the process tree (the targets are written in it; it counts pages
shared between Chromium's processes once per process) and, for information, the summed Pss.
With ``--json`` the last line is one JSON object.

``--measures`` weighs instead each measure the kiosk takes on Kivy for its start or its memory
(``bench/kiosk_drive.py`` MEASURES; docs/KIOSK.md): Borne alone, ``--runs`` starts with it and as
many without, in turns, each going on to one list and back; medians of the start to home, the
first list's frame and the memory, and the gain.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.kiosk_floor import percentiles, tree_memory  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BENCH = Path(__file__).resolve().parent
STATIC_HOME = BENCH / "kiosk_static_home.html"
SCREEN = "1080x1920"
TARGETS = {
    "start_s": 2.0,
    "switch_p95_ms": 100.0,
    "scroll_max_ms": 50.0,
    "rss_over_floor_mb": 80.0,
    "rss_vs_chromium": 0.25,
}


class BenchError(RuntimeError):
    """A contender did not start or did not reach the state the benchmark waits for."""


# -- Borne (child process) ----------------------------------------------------------------------


# -- Chromium over the DevTools protocol --------------------------------------------------------


class DevTools:
    """A minimal DevTools websocket client (RFC 6455 text frames; the standard library only)."""

    def __init__(self, ws_url: str, timeout: float = 10.0):
        rest = ws_url.removeprefix("ws://")
        hostport, path = rest.split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise BenchError("the DevTools websocket closed during its handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise BenchError(f"the DevTools websocket refused the connection: {head.splitlines()[0]!r}")
        self.next_id = 0

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise BenchError("the DevTools websocket closed")
            data += chunk
        return data

    def _frame(self) -> tuple[int, bool, bytes]:
        b0, b1 = self._read(2)
        length = b1 & 0x7F
        if length == 126:
            length = int.from_bytes(self._read(2), "big")
        elif length == 127:
            length = int.from_bytes(self._read(8), "big")
        return b0 & 0x0F, bool(b0 & 0x80), self._read(length)

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        size = len(payload)
        header = bytes([0x81]) + (
            bytes([0x80 | size])
            if size < 126
            else bytes([0x80 | 126]) + size.to_bytes(2, "big")
            if size < 65536
            else bytes([0x80 | 127]) + size.to_bytes(8, "big")
        )
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            message = b""
            while True:
                opcode, fin, data = self._frame()
                if opcode == 8:
                    raise BenchError("the DevTools websocket was closed by the browser")
                message += data
                if fin:
                    break
            reply = json.loads(message)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BenchError(f"DevTools {method}: {reply['error']}")
                return reply["result"]

    def close(self) -> None:
        self.sock.close()


PAINT_JS = (
    "JSON.stringify({origin: performance.timeOrigin, "
    "paint: Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]))})"
)


def run_chromium(html: Path, profile: Path, log: Path, settle: float = 2.0, timeout: float = 60.0) -> dict:
    """Chromium in kiosk mode on ``html``: seconds from Popen to first-contentful-paint, and memory."""
    import urllib.request  # here: the kiosk's child process (this file too) must not pay for it at start

    cmd = [
        CHROMIUM,
        "--kiosk",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--password-store=basic",
        f"--user-data-dir={profile}",
        "--remote-debugging-port=0",  # Chromium picks a free port and writes it to DevToolsActivePort
        html.as_uri(),
    ]
    with open(log, "a") as err:
        started = time.time()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        port_file = profile / "DevToolsActivePort"
        page = None
        while page is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"Chromium did not open its page (exit {proc.poll()}; see {log})")
            time.sleep(0.05)
            if not port_file.exists() or not port_file.read_text().strip():
                continue
            port = int(port_file.read_text().split()[0])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as reply:
                    targets = json.load(reply)
            except OSError:
                continue
            page = next((t for t in targets if t.get("type") == "page" and t.get("url") == html.as_uri()), None)
        tools = DevTools(page["webSocketDebuggerUrl"])
        try:
            while True:
                value = tools.call("Runtime.evaluate", expression=PAINT_JS, returnByValue=True)["result"]["value"]
                timing = json.loads(value)
                if "first-contentful-paint" in timing["paint"]:
                    break
                if time.monotonic() > deadline:
                    raise BenchError("Chromium never reported a first-contentful-paint")
                time.sleep(0.05)
        finally:
            tools.close()
        seen = time.time()
        painted = (timing["origin"] + timing["paint"]["first-contentful-paint"]) / 1000
        time.sleep(settle)
        return {
            "first_paint_s": painted - started,
            "seen_s": seen - started,  # when the benchmark read the paint entry: an upper bound
            "navigation_s": timing["origin"] / 1000 - started,
            "memory": tree_memory(proc.pid, session=True),
        }
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """End the process group this benchmark started (Chromium and its helpers), by its id."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


# -- the run (parent) ---------------------------------------------------------------------------


def import_town(data_dir: Path, entries: int, images: int) -> dict:
    """The synthetic town applied to a new content cache in one change set (renditions made)."""
    from bench.synth import synthetic_town
    from content.cache import ChangeSet, ContentCache
    from content.validation import parse_alert, parse_entry

    begin = time.monotonic()
    town = synthetic_town(entries, images)
    changes = ChangeSet(
        entries=[parse_entry(e) for e in town.entries],
        alerts=[parse_alert(a) for a in town.alerts],
        media=town.media,
        cursor="bench",
        origin="bundle",
    )
    with ContentCache.open(data_dir) as cache:
        report = cache.apply(changes)
    return {"entries": report.upserted, "images": len(town.media), "seconds": round(time.monotonic() - begin, 1)}


def child(script: str, out: Path, log: Path, *args: str, timeout: float = 300) -> tuple[float, dict]:
    """Run ``bench/<script>`` in a process of its own: (monotonic time just before its Popen, the JSON
    it wrote to ``out``)."""
    out.unlink(missing_ok=True)
    with open(log, "a") as err:
        begin = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, str(BENCH / script), "--out", str(out), *args],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if not out.exists():
        raise BenchError(f"{script} wrote no result (exit {proc.returncode}; see {log})")
    result = json.loads(out.read_text(encoding="utf-8"))
    if "error" in result:
        raise BenchError(f"{script}: {result['error']} (see {log})")
    return begin, result


def borne_start(
    tmp: Path, data_dir: Path, full: bool = False, switches: int = 0, swipes: int = 0, without: str = ""
) -> dict:
    args = ["--data", str(data_dir), "--switches", str(switches), "--swipes", str(swipes), "--without", without]
    args += ["--full"] if full else []
    begin, r = child("kiosk_drive.py", tmp / "borne.json", tmp / "borne.log", *args)
    r["first_frame_s"] = r["attract_frame"] - begin
    r["home_s"] = r["home_ready"] - begin
    return r


def floor_start(tmp: Path) -> dict:
    kivy_home = tmp / "floor" / "kivy"
    begin, r = child("kiosk_floor.py", tmp / "floor.json", tmp / "floor.log", "--kivy-home", str(kivy_home))
    r["first_frame_s"] = r["first_frame"] - begin
    return r


def median(values: list[float], digits: int = 2) -> float:
    return round(statistics.median(values), digits)


def weigh_measures(args) -> dict:
    """Each of the kiosk's measures for start and memory (bench/kiosk_drive.py MEASURES) against the
    kiosk without it: ``--runs`` pairs of starts, in turns (with, without), each going on to one list
    and back; medians of the start to home, the first list's frame, and the memory."""
    from bench.kiosk_drive import MEASURES

    compileall = [sys.executable, "-m", "compileall", "-q", "main.py", "content", "kiosk", "sync", "bench"]
    subprocess.run(compileall, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    keys = {
        "home_s": lambda r: r["home_s"],
        "first_list_ms": lambda r: next(s["frame_ms"] for s in r["switches"] if s["to"] != "home"),
        "rss_home_mb": lambda r: r["memory_home"]["rss_mb"],
        "rss_end_mb": lambda r: r["memory_end"]["rss_mb"],
        "pss_end_mb": lambda r: r["memory_end"]["pss_mb"],
    }
    out = {}
    with tempfile.TemporaryDirectory(prefix="borne-bench-kiosk-") as name:
        tmp = Path(name)
        data_dir = tmp / "data"
        import_town(data_dir, args.entries, args.images)
        (data_dir / "borne.toml").write_text("kiosk_mode = true\nidle_seconds = 3600\n", encoding="utf-8")
        borne_start(tmp, data_dir)  # warms the OS file cache up
        for measure in MEASURES:
            seen = {"with": [], "without": []}
            for _ in range(args.runs):
                for side, without in (("with", ""), ("without", measure)):
                    seen[side].append(borne_start(tmp, data_dir, full=True, switches=2, without=without))
            out[measure] = {
                side: {key: median([get(r) for r in runs], 3) for key, get in keys.items()}
                for side, runs in seen.items()
            }
    return out


def print_measures(r: dict, runs: int) -> None:
    from bench.kiosk_drive import MEASURES

    print(f"the kiosk with and without each of its measures: medians of {runs} starts each, in turns")
    print(
        f"{'measure':15} {'':8} {'home s':>8} {'1st list ms':>12} {'RSS home MB':>12} {'RSS end MB':>11} "
        f"{'PSS end MB':>11}"
    )
    for name, sides in r.items():
        w, wo = sides["with"], sides["without"]
        gain = {k: round(wo[k] - w[k], 3) for k in w}
        for label, row in (("with", w), ("without", wo), ("gain", gain)):
            print(
                f"{name if label == 'with' else '':15} {label:8} {row['home_s']:>8} {row['first_list_ms']:>12} "
                f"{row['rss_home_mb']:>12} {row['rss_end_mb']:>11} {row['pss_end_mb']:>11}"
            )
    for name, what in MEASURES.items():
        print(f"  {name}: {what}")


def run(args) -> dict:
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    # As installed (packaging/install-kiosk.sh compiles them): Borne's modules in bytecode already, so
    # that no start compiles one (with PYTHONDONTWRITEBYTECODE set, every start would).
    compileall = [sys.executable, "-m", "compileall", "-q", "main.py", "content", "kiosk", "sync", "bench"]
    subprocess.run(compileall, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="borne-bench-kiosk-") as name:
        tmp = Path(name)
        data_dir = tmp / "data"
        town = import_town(data_dir, args.entries, args.images)
        (data_dir / "borne.toml").write_text("kiosk_mode = true\nidle_seconds = 3600\n", encoding="utf-8")
        html = tmp / "home.html"
        shutil.copy(STATIC_HOME, html)
        runs = {"borne": [], "chromium": [], "floor": []}
        for n in range(args.runs + 1):  # run 0 warms the OS file cache up for each contender
            borne = borne_start(tmp, data_dir)
            chrome = run_chromium(html, tmp / f"chromium-{n}", tmp / "chromium.log")
            floor = floor_start(tmp)
            if n:
                runs["borne"].append(borne)
                runs["chromium"].append(chrome)
                runs["floor"].append(floor)
            else:
                warm = {
                    "borne_home_s": borne["home_s"],
                    "chromium_s": chrome["first_paint_s"],
                    "floor_s": floor["first_frame_s"],
                }
        full = borne_start(tmp, data_dir, full=True, switches=args.switches, swipes=args.swipes)
    return summarise(args, town, runs, full, warm)


def summarise(args, town: dict, runs: dict, full: dict, warm: dict) -> dict:
    switches = full["switches"]
    to_screen = [s["frame_ms"] for s in switches if s["to"] != "home"]
    to_home = [s["frame_ms"] for s in switches if s["to"] == "home"]
    borne_rss = full["memory_end"]["rss_mb"]
    chrome_rss = median([r["memory"]["rss_mb"] for r in runs["chromium"]], 1)
    floor_rss = median([r["memory"]["rss_mb"] for r in runs["floor"]], 1)
    out = {
        "screen": os.environ.get("BENCH_KIOSK_SCREEN", SCREEN),
        "window": full["window"],
        "display": os.environ.get("DISPLAY", ""),
        "load": [round(x, 2) for x in os.getloadavg()],
        "town": town,
        "runs": args.runs,
        "warm_up_run": {k: round(v, 2) for k, v in warm.items()},
        "borne": {
            "first_frame_s": median([r["first_frame_s"] for r in runs["borne"]]),
            "home_s": median([r["home_s"] for r in runs["borne"]]),
            "home_s_each": [round(r["home_s"], 2) for r in runs["borne"]],
            "touch_to_home_ms": median([r["touch_to_home_ms"] for r in runs["borne"]], 0),
            "rss_home_mb": median([r["memory_home"]["rss_mb"] for r in runs["borne"]], 1),
            "switch_ms": percentiles([s["frame_ms"] for s in switches]),
            "switch_to_screen_ms": percentiles(to_screen),
            "switch_to_home_ms": percentiles(to_home),
            "switch_handler_ms": percentiles([s["handler_ms"] for s in switches]),
            "switch_settled_ms": percentiles([s["settled_ms"] for s in switches]),
            "first_list_ms": next(s["frame_ms"] for s in switches if s["to"] != "home"),
            "slowest_switches": sorted(switches, key=lambda s: -s["frame_ms"])[:3],
            "rss_after_switches_mb": full["memory_switches"]["rss_mb"],
            "scroll": full["scroll"],
            "memory_end": full["memory_end"],
        },
        "chromium": {
            "first_paint_s": median([r["first_paint_s"] for r in runs["chromium"]]),
            "first_paint_s_each": [round(r["first_paint_s"], 2) for r in runs["chromium"]],
            "navigation_start_s": median([r["navigation_s"] for r in runs["chromium"]]),
            "paint_read_s": median([r["seen_s"] for r in runs["chromium"]]),
            "rss_mb": chrome_rss,
            "pss_mb": median([r["memory"]["pss_mb"] for r in runs["chromium"]], 1),
            "processes": runs["chromium"][-1]["memory"]["processes"],
        },
        "floor": {
            "first_frame_s": median([r["first_frame_s"] for r in runs["floor"]]),
            "rss_mb": floor_rss,
            "pss_mb": median([r["memory"]["pss_mb"] for r in runs["floor"]], 1),
        },
        "targets": TARGETS,
    }
    b, c = out["borne"], out["chromium"]
    out["ratios"] = {
        "start_home_vs_chromium": round(b["home_s"] / c["first_paint_s"], 2),
        "first_frame_vs_chromium": round(b["first_frame_s"] / c["first_paint_s"], 2),
        "rss_vs_chromium": round(borne_rss / chrome_rss, 3),
        "pss_vs_chromium": round(b["memory_end"]["pss_mb"] / c["pss_mb"], 3),
        "rss_over_floor_mb": round(borne_rss - floor_rss, 1),
    }
    r = out["ratios"]
    out["met"] = {
        "start_under_2s": b["home_s"] < TARGETS["start_s"],
        "start_not_slower_than_chromium": b["home_s"] <= c["first_paint_s"],
        "switch_p95_under_100ms": b["switch_ms"]["p95"] < TARGETS["switch_p95_ms"],
        "no_scroll_frame_over_50ms": b["scroll"]["over_50ms"] == 0,
        "rss_within_80mb_of_floor": r["rss_over_floor_mb"] <= TARGETS["rss_over_floor_mb"],
        "rss_under_quarter_of_chromium": r["rss_vs_chromium"] < TARGETS["rss_vs_chromium"],
    }
    return out


def print_table(r: dict) -> None:
    b, c, f, q, ok = r["borne"], r["chromium"], r["floor"], r["ratios"], r["met"]
    t = r["town"]
    print(
        f"{r['screen']} (window {r['window'][0]}x{r['window'][1]}), Xvfb software rendering; town {t['entries']} "
        f"entries, {t['images']} images (imported in {t['seconds']} s); medians of {r['runs']} starts each "
        f"after a warm-up start {r['warm_up_run']}; load {r['load']}"
    )
    mark = lambda good: "yes" if good else "NO"  # noqa: E731
    sc = b["scroll"]
    rows = [
        (
            "start to first frame (s)",
            b["first_frame_s"],
            c["first_paint_s"],
            f["first_frame_s"],
            q["first_frame_vs_chromium"],
            "",
            "",
        ),
        (
            "start to interactive home (s)",
            b["home_s"],
            c["first_paint_s"],
            f["first_frame_s"],
            q["start_home_vs_chromium"],
            "< 2 s, <= Chromium",
            mark(ok["start_under_2s"] and ok["start_not_slower_than_chromium"]),
        ),
        ("RSS at home (MB)", b["rss_home_mb"], "", "", "", "", ""),
        ("RSS after the switches (MB)", b["rss_after_switches_mb"], "", "", "", "", ""),
        (
            "RSS after the run (MB)",
            b["memory_end"]["rss_mb"],
            c["rss_mb"],
            f["rss_mb"],
            q["rss_vs_chromium"],
            "<= floor+80, < 1/4",
            mark(ok["rss_within_80mb_of_floor"] and ok["rss_under_quarter_of_chromium"]),
        ),
        ("PSS after the run (MB)", b["memory_end"]["pss_mb"], c["pss_mb"], f["pss_mb"], q["pss_vs_chromium"], "", ""),
        (
            "switch p50/p95 (ms)",
            f"{b['switch_ms']['p50']}/{b['switch_ms']['p95']}",
            "",
            "",
            "",
            "p95 < 100",
            mark(ok["switch_p95_under_100ms"]),
        ),
        (
            "scroll frame p95/max (ms)",
            f"{sc['frame_interval_ms']['p95']}/{sc['frame_interval_ms']['max']}",
            "",
            "",
            "",
            "none > 50",
            mark(ok["no_scroll_frame_over_50ms"]),
        ),
    ]
    print(f"{'measure':32} {'Borne':>12} {'Chromium':>10} {'Kivy floor':>11} {'Borne/Chr.':>11}  {'target':20} met")
    for name, *cells, target, met in rows:
        print(f"{name:32} {cells[0]!s:>12} {cells[1]!s:>10} {cells[2]!s:>11} {cells[3]!s:>11}  {target:20} {met}")
    print(
        f"Borne start to home, each run (s): {b['home_s_each']}; touch on the attract screen to settled home: "
        f"{b['touch_to_home_ms']} ms; Chromium first paint, each run (s): {c['first_paint_s_each']} "
        f"({c['processes']} processes; navigation started at {c['navigation_start_s']} s, paint read over DevTools "
        f"at {c['paint_read_s']} s)"
    )
    print(
        f"switches: the first list after start {b['first_list_ms']:.1f}; to a list/search {b['switch_to_screen_ms']}, "
        f"back home {b['switch_to_home_ms']}; in the touch "
        f"handler {b['switch_handler_ms']}; to the settled screen {b['switch_settled_ms']} (ms)"
    )
    print(
        f"scroll: {sc['rows']} rows, {sc['rows_scrolled']} scrolled by swipes in {sc['seconds']} s; frame intervals "
        f"{sc['frame_interval_ms']}, {sc['over_50ms']} over 50 ms; drawn frames {sc['drawn_frame_interval_ms']} (ms)"
    )
    print(f"RSS over the floor: {q['rss_over_floor_mb']} MB (target <= 80); Borne/Chromium RSS {q['rss_vs_chromium']}")


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured starts of each contender")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=300)
    parser.add_argument("--switches", type=int, default=40, help="screen switches (half to a screen, half back)")
    parser.add_argument("--swipes", type=int, default=40, help="swipes on the list of shops")
    parser.add_argument(
        "--measures", action="store_true", help="weigh each of the kiosk's start and memory measures instead"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    if not os.environ.get("DISPLAY"):
        if shutil.which("xvfb-run"):
            screen = f"-screen 0 {SCREEN}x24"
            os.execvp(
                "xvfb-run", ["xvfb-run", "-a", "-s", screen, sys.executable, str(Path(__file__).resolve()), *argv]
            )
        print("bench_kiosk needs a display: run it under xvfb-run (apt-get install xvfb)", file=sys.stderr)
        return 2
    try:
        result = weigh_measures(args) if args.measures else run(args)
    except BenchError as exc:
        print(f"bench_kiosk: {exc}", file=sys.stderr)
        return 1
    if args.measures:
        print_measures(result, args.runs)
    else:
        print_table(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
