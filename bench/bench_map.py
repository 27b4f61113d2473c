"""The town map on the kiosk: first frame, pan and zoom frames, route search, data size, memory.

    python bench/bench_map.py [--town demo|synthetic|both] [--size 1080x1920] [--routes 300] [--json]

Two towns: the demo town (its hand-made OSM file through the importer) and a synthetic town of
10 km² with 5,000 ways (a street grid with footpaths, steps and a building on most blocks, built by
the same map builder as a real import). For each:

- in this process: the map blob's size (on the wire, in the cache: the same gzip'd bytes) and its
  JSON once inflated; route search p95/max over ``--routes`` walks from the kiosk to random points,
  both the fastest and the step-free variant (``content.geo.route``);
- in a kiosk process of its own (the real app on a data folder holding the demo bundle and that
  map): memory on home, the touch on the Map tile to the first frame presented with the map, the
  frame intervals while a finger drags the map (one move a frame) and while two fingers pinch and
  the zoom buttons are used (p95, max), and memory with the map open.

Aims (issue 13): first frame ≤ 150 ms, no pan frame over 50 ms, route p95 ≤ 50 ms, memory ≤ +30 MB.
It needs a display: without ``DISPLAY`` it re-runs itself under ``xvfb-run`` (software GL, so the
frame times are those of this machine's CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.kiosk_floor import on_presented, percentiles, tree_memory  # noqa: E402

KIOSK_AT = (45.03345, 3.09405)


# -- the towns ------------------------------------------------------------------------------------


def synthetic_map(ways: int = 5000, side_m: float = 3160.0, seed: int = 13) -> dict:
    """A ~10 km² town around the demo town's kiosk: a street grid, footpaths, steps, buildings."""
    from content import geo, osm

    rng = random.Random(seed)
    proj = geo.Projection(*KIOSK_AT)
    half = side_m / 2
    out: list[osm.Way] = []
    ref = [0]

    def way(points_xy, tags, closed=False):
        pts = [proj.to_latlon(x, y) for x, y in points_xy]
        refs = []
        for _ in pts:
            ref[0] += 1
            refs.append(ref[0])
        if closed:
            pts.append(pts[0])
            refs.append(refs[0])
        out.append(osm.Way(tags, pts, refs))
        return refs

    # Streets: a grid every 80 m whose crossings share node ids (so the graph is connected).
    step = 80.0
    n = int(side_m // step)
    grid_ids: dict[tuple[int, int], int] = {}

    def node_id(i, j):
        if (i, j) not in grid_ids:
            ref[0] += 1
            grid_ids[(i, j)] = ref[0]
        return grid_ids[(i, j)]

    def xy(i, j):
        return -half + i * step, -half + j * step

    kinds = ["residential"] * 6 + ["footway"] * 2 + ["steps", "pedestrian"]
    streets = 0
    for j in range(n + 1):
        for i0 in range(0, n, 4):  # each street runs four blocks: more ways, as real streets are cut
            cells = [(i, j) for i in range(i0, min(i0 + 4, n) + 1)]
            tags = {"highway": rng.choice(kinds), "name": f"Rue {j}-{i0}"}
            out.append(osm.Way(tags, [proj.to_latlon(*xy(*c)) for c in cells], [node_id(*c) for c in cells]))
            streets += 1
    for i in range(n + 1):
        for j0 in range(0, n, 4):
            cells = [(i, j) for j in range(j0, min(j0 + 4, n) + 1)]
            tags = {"highway": rng.choice(kinds), "name": f"Avenue {i}-{j0}"}
            out.append(osm.Way(tags, [proj.to_latlon(*xy(*c)) for c in cells], [node_id(*c) for c in cells]))
            streets += 1
    # Buildings and a few parks until the town has its ways.
    while len(out) < ways:
        x, y = rng.uniform(-half, half - 30), rng.uniform(-half, half - 30)
        w, h = rng.uniform(8, 25), rng.uniform(8, 18)
        if rng.random() < 0.03:
            way([(x, y), (x + 60, y), (x + 60, y + 40), (x, y + 40)], {"leisure": "park"}, closed=True)
        else:
            way([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], {"building": "yes"}, closed=True)
    s, w_ = proj.to_latlon(-half, -half)
    nn, e = proj.to_latlon(half, half)
    bbox = (s, w_, nn, e)
    extract = osm.Extract(ways=out, extent=[s, w_, nn, e])
    data = osm.build_map(extract, bbox, source="synthetic town")
    data["generated_at"] = "2026-01-01T00:00:00+00:00"
    return data


def demo_map() -> dict:
    from content import osm
    from content.demo.map.make_town import BBOX, HERE

    data = osm.import_file(HERE / "town.osm", BBOX)
    data["generated_at"] = "2026-01-01T00:00:00+00:00"
    return data


def route_times(data: dict, count: int) -> dict:
    from content import geo

    town = geo.TownMap(data)
    rng = random.Random(7)
    s, w, n, e = town.bbox
    times, found, none = [], 0, 0
    for k in range(count):
        goal = (rng.uniform(s, n), rng.uniform(w, e))
        start = time.perf_counter()
        try:
            geo.route(town, KIOSK_AT, goal, step_free=bool(k % 2))
            found += 1
        except geo.NoRoute:
            none += 1
        times.append((time.perf_counter() - start) * 1000)
    return {**percentiles(times), "found": found, "no_route": none}


# -- the kiosk (child process) --------------------------------------------------------------------


def run_kiosk(data_dir: Path, size: tuple[int, int], out: Path) -> int:
    from kiosk.config import KioskSettings
    from kiosk.launch import build_app

    settings = KioskSettings(data_dir=data_dir, kiosk_mode=False, size=size, idle_seconds=3600, version="bench")
    app = build_app(settings)
    flips: list[float] = []
    result: dict = {}

    def frames_until(index):
        while len(flips) <= index:
            yield

    def wait(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            yield

    def intervals(first: int) -> list[float]:
        return [(b - a) * 1000 for a, b in zip(flips[first:], flips[first + 1 :], strict=False)]

    def script():
        from kivy.core.window import Window

        from kiosk.touch import center_of, press

        yield from frames_until(0)
        app.go("home")
        yield from wait(1.0)
        # Baseline, same process, same moment: a finger dragging the "Discover" list one move a frame.
        app.open_list("place")
        yield from wait(1.0)
        rv = app.screen("list").ids.rv
        touch = press(rv.center_x, rv.y + rv.height * 0.8)
        yield
        first = len(flips)
        for k in range(60):
            touch.move_to(touch.x, touch.y + (-8 if (k // 15) % 2 == 0 else 8))
            yield
        touch.up()
        result["list_drag_frames_ms"] = percentiles(intervals(first))
        app.go_home()
        yield from wait(1.5)
        result["memory_home_mb"] = tree_memory(os.getpid())
        tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "map")
        # The first visit builds the screen and its meshes: that is the first frame a visitor waits for.
        touch = press(*center_of(tile))
        yield
        index, lifted = len(flips), time.monotonic()
        touch.up()
        yield from frames_until(index)
        if app.sm.current != "map":
            raise RuntimeError(f"the Map tile showed {app.sm.current}")
        # the first frame drawn after the touch: the map is on it (sliding in from the side)
        result["first_frame_ms"] = round((flips[index] - lifted) * 1000, 1)
        while app.sm.transition.is_active:
            yield
        index = len(flips)
        yield from frames_until(index)
        result["settled_ms"] = round((flips[index] - lifted) * 1000, 1)
        yield from wait(1.0)
        screen = app.screen("map")
        view = screen.view
        # Pan: one finger, one move a frame, across the map and back.
        cx, cy = view.center
        touch = press(cx, cy)
        yield
        first = len(flips)
        for k in range(120):
            dx = 300 * (1 if (k // 30) % 2 == 0 else -1)
            touch.move_to(touch.x + dx / 30, touch.y + dx / 60)
            yield
        touch.up()
        result["pan_frames_ms"] = percentiles(intervals(first))
        yield from wait(0.5)
        # Zoom: a two-finger pinch out and in, then the buttons (a new zoom band builds its ways).
        first = len(flips)
        a, b = press(cx - 40, cy), press(cx + 40, cy)
        yield
        for k in range(60):
            d = 4 if k < 30 else -4
            a.move_to(a.x - d, a.y)
            yield
            b.move_to(b.x + d, b.y)
            yield
        a.up()
        b.up()
        yield
        for button in ("zoom_in", "zoom_in", "zoom_out", "zoom_out", "zoom_out", "zoom_in"):
            bt = screen.ids[button]
            t = press(*center_of(bt))
            yield
            t.up()
            yield from wait(0.25)
        result["zoom_frames_ms"] = percentiles(intervals(first))
        result["scale"] = view.scale
        yield from wait(1.0)
        result["memory_map_mb"] = tree_memory(os.getpid())
        result["window"] = list(Window.size)

    steps = None

    def started(*_args):
        nonlocal steps
        from kivy.clock import Clock
        from kivy.core.window import Window

        steps = script()
        on_presented(Window, flips.append)

        def step(_dt):
            try:
                next(steps)
            except StopIteration:
                event.cancel()
                app.stop()
            except BaseException as exc:
                event.cancel()
                result["error"] = f"{type(exc).__name__}: {exc}"
                app.stop()

        event = Clock.schedule_interval(step, 0)

    app.bind(on_start=started)
    try:
        app.run()
    finally:
        out.write_text(json.dumps(result), encoding="utf-8")
    return 0


# -- the run (parent) -----------------------------------------------------------------------------


def prepare(data_dir: Path, data: dict) -> dict:
    """A data folder with the demo bundle and ``data`` as its map; the blob's sizes."""
    from content import geo
    from content.cache import ChangeSet, ContentCache
    from content.importer import build_demo_bundle, import_bundle

    blob = geo.encode(data)
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "demo.zip"
        build_demo_bundle(bundle)
        with ContentCache.open(data_dir) as cache:
            import_bundle(cache, bundle)
            s, w, n, e = data["bbox"]
            info = {
                "sha256": geo.sha256(blob),
                "bytes": len(blob),
                "bbox": [s, w, n, e],
                "kiosk": {"lat": KIOSK_AT[0], "lon": KIOSK_AT[1], "facing": 80},
            }
            cache.apply(ChangeSet(town_map=info, town_map_blob=blob))
            stored = cache.town_map()["path"].stat().st_size
    raw = len(json.dumps(data, separators=(",", ":")))
    counts = {k: len(v) for k, v in data["layers"].items()}
    return {
        "wire_bytes": len(blob),
        "cache_bytes": stored,
        "json_bytes": raw,
        "layers": counts,
        "junctions": len(data["nodes"]) // 2,
        "edges": len(data["edges"]),
    }


def measure(name: str, data: dict, size: str, routes: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-map-{name}-"))
    try:
        sizes = prepare(tmp / "data", data)
        out = tmp / "kiosk.json"
        env = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_LOG_MODE": "PYTHON"}
        subprocess.run(
            [sys.executable, __file__, "--kiosk", str(tmp / "data"), "--out", str(out), "--size", size],
            env=env,
            check=False,
            timeout=600,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        kiosk = json.loads(out.read_text()) if out.exists() else {"error": "the kiosk wrote nothing"}
        return {"town": name, **sizes, "route_ms": route_times(data, routes), "kiosk": kiosk}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def table(results: list[dict]) -> str:
    lines = [f"{'':34}" + "".join(f"{r['town']:>18}" for r in results)]

    def row(label, fn):
        cells = []
        for r in results:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError):
                cells.append("-")
        lines.append(f"{label:34}" + "".join(f"{c:>18}" for c in cells))

    row("ways drawn (all layers)", lambda r: str(sum(r["layers"].values())))
    row("graph junctions / edges", lambda r: f"{r['junctions']} / {r['edges']}")
    row("map on the wire (KB)", lambda r: f"{r['wire_bytes'] / 1024:.1f}")
    row("map in the cache (KB)", lambda r: f"{r['cache_bytes'] / 1024:.1f}")
    row("map JSON inflated (KB)", lambda r: f"{r['json_bytes'] / 1024:.1f}")
    row("route p95 / max (ms)", lambda r: f"{r['route_ms']['p95']} / {r['route_ms']['max']}")
    row("first map frame (ms)", lambda r: f"{r['kiosk']['first_frame_ms']}")
    row("map settled, slide over (ms)", lambda r: f"{r['kiosk']['settled_ms']}")
    row(
        "baseline: list drag p95/max (ms)",
        lambda r: f"{r['kiosk']['list_drag_frames_ms']['p95']} / {r['kiosk']['list_drag_frames_ms']['max']}",
    )
    row(
        "pan frame p95 / max (ms)",
        lambda r: f"{r['kiosk']['pan_frames_ms']['p95']} / {r['kiosk']['pan_frames_ms']['max']}",
    )
    row(
        "zoom frame p95 / max (ms)",
        lambda r: f"{r['kiosk']['zoom_frames_ms']['p95']} / {r['kiosk']['zoom_frames_ms']['max']}",
    )
    row(
        "memory home → map (MB RSS)",
        lambda r: f"{r['kiosk']['memory_home_mb']['rss_mb']:.0f} → {r['kiosk']['memory_map_mb']['rss_mb']:.0f}",
    )
    row(
        "memory with the map (MB)",
        lambda r: f"+{r['kiosk']['memory_map_mb']['rss_mb'] - r['kiosk']['memory_home_mb']['rss_mb']:.1f}",
    )
    for r in results:
        if r["kiosk"].get("error"):
            lines.append(f"{r['town']}: kiosk error: {r['kiosk']['error']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--town", choices=("demo", "synthetic", "both"), default="both")
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--routes", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--kiosk", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.kiosk:
        w, h = (int(v) for v in args.size.split("x"))
        return run_kiosk(args.kiosk, (w, h), args.out)
    if not os.environ.get("DISPLAY"):
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1920x1920x24", sys.executable, *sys.argv])
    towns = []
    if args.town in ("demo", "both"):
        towns.append(("demo", demo_map()))
    if args.town in ("synthetic", "both"):
        towns.append(("synthetic", synthetic_map()))
    results = [measure(name, data, args.size, args.routes) for name, data in towns]
    print(table(results))
    print(f"(window {args.size}, software GL under Xvfb; median of nothing: one run each — run it again to compare)")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
