"""Official notices: the back office's render of a 20-page A4 deliberation, and the kiosk turning its pages.

    python bench/bench_notices.py [--pages 20] [--runs 3] [--turns 40] [--size 1080x1920] [--json]

1. Back office (the worker's job): the deliberation is written with fpdf2 (text, as a mairie's word
   processor exports it), then ``backoffice.notices.pdf.check_and_render`` checks, renders and reads
   it ``--runs`` times: time per page (median run), and what each page costs on the wire: its image
   as the media endpoint sends it (PNG or JPEG, already compressed: no gzip), and its share of the
   feed's gzip'd JSON (the record with the page's text). Then the kiosk's side of a sync: the
   screen rendition made per page (``content.media.MediaStore.add``).
2. Kiosk: the real app (software OpenGL under xvfb when there is no display, the kiosk's renderer)
   opens the notice from a cache holding it and turns ``--turns`` pages (forward to the end, back
   again), one every 0.3 s, as a visitor swiping would; every presented frame is stamped (after the
   buffer swap). Kivy presents a frame only when something changed, so a turn's cost is the time
   from the turn asked to its frame on the display (image decoded, texture uploaded, frame
   rasterised). Reported: that time p50/p95/max, the part of it spent loading the page, and the
   kiosk process's resident memory on home, with the notice open, after the turns, and its peak.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _rss_mb(key: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# -- 1. the back office -------------------------------------------------------------------------------


def render_bench(pages: int, runs: int, work: Path) -> tuple[dict, dict, dict]:
    """Figures, the notice's wire dict and its page images (sha -> bytes)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    os.environ.setdefault("BORNE_DATA_DIR", str(work / "bo"))
    import django

    django.setup()
    from backoffice.notices import samples
    from backoffice.notices.pdf import check_and_render
    from content.media import MediaStore
    from content.notice import parse_notice, plain_page_text

    pdf = work / "deliberation.pdf"
    pdf.write_bytes(samples.deliberation(number="2026-041", title="Budget", day=dt.date(2026, 11, 27), pages=pages))
    times, rendered = [], None
    for _ in range(runs):
        start = time.perf_counter()
        rendered = check_and_render(pdf)
        times.append(time.perf_counter() - start)
    count = len(rendered.pages)
    now = dt.datetime.now(dt.UTC)
    media = {hashlib.sha256(p.image).hexdigest(): p.image for p in rendered.pages}
    wire = {
        "id": "avis:1",
        "kind": "deliberation",
        "commune": "15187",
        "title": "Budget : plan de financement de l'éclairage public",
        "number": "2026-041",
        "act_date": "2026-11-27",
        "published_at": (now - dt.timedelta(days=1)).isoformat(),
        "until": (now + dt.timedelta(days=60)).isoformat(),
        "pdf": {"sha256": rendered.sha256, "bytes": rendered.size, "url": "https://borne.example/avis/15187/1.pdf"},
        "pages": [
            {
                "sha256": hashlib.sha256(p.image).hexdigest(),
                "mime": p.mime,
                "width": p.width,
                "height": p.height,
                "bytes": len(p.image),
            }
            for p in rendered.pages
        ],  # fmt: skip
        "text": [plain_page_text(p.text) for p in rendered.pages],
        "updated_at": now.isoformat(),
    }
    parse_notice(wire)
    record = gzip.compress(json.dumps(wire, ensure_ascii=False).encode(), 6)
    store = MediaStore(work / "kiosk-media")
    start = time.perf_counter()
    for sha, data in media.items():
        store.add(sha, data)
    rendition_s = time.perf_counter() - start
    image_bytes = [len(p.image) for p in rendered.pages]
    figures = {
        "pages": count,
        "pdf_bytes": rendered.size,
        "render_ms_per_page": round(statistics.median(times) * 1000 / count, 1),
        "render_s_total_median": round(statistics.median(times), 2),
        "image_format": sorted({p.mime for p in rendered.pages}),
        "image_px": f"{rendered.pages[0].width}x{rendered.pages[0].height}",
        "image_bytes_per_page_mean": round(statistics.mean(image_bytes)),
        "image_bytes_per_page_max": max(image_bytes),
        "feed_json_gzip_bytes_per_page": round(len(record) / count),
        "wire_bytes_per_page": round((sum(image_bytes) + len(record)) / count),
        "kiosk_rendition_ms_per_page": round(rendition_s * 1000 / count, 1),
        "kiosk_disk_bytes_per_page": round(
            sum(f.stat().st_size for f in (work / "kiosk-media").iterdir() if not f.name.startswith(".")) / count
        ),
    }
    return figures, wire, media


# -- 2. the kiosk -------------------------------------------------------------------------------------


def kiosk_child(data_dir: Path, out: Path, size: str, turns: int) -> int:
    """Runs in its own process under a display: the app, the notice, the page turns."""
    from bench.kiosk_floor import on_presented, percentiles
    from kiosk.config import KioskSettings, parse_size
    from kiosk.launch import build_app

    settings = KioskSettings(data_dir=data_dir, kiosk_mode=False, size=parse_size(size), version="bench")
    app = build_app(settings)
    flips: list[float] = []
    turns_at: list[tuple[float, float]] = []  # (when the turn was asked, how long show_page took)
    result: dict = {}

    def script():
        yield 1.5  # the attract loop, then home
        app.go("home")
        yield 1.0
        result["rss_home_mb"] = _rss_mb()
        app.go("notice", notice_id="avis:1")
        yield 1.0
        result["rss_notice_open_mb"] = _rss_mb()
        screen = app.screen("notice")
        step = 1
        for _ in range(turns):
            if not 0 <= screen.index + step < screen.count:
                step = -step
            start = time.monotonic()
            screen.turn(step)
            turns_at.append((start, time.monotonic() - start))
            yield 0.3
        result["rss_after_turns_mb"] = _rss_mb()
        result["peak_rss_mb"] = _rss_mb("VmHWM")
        result["pages"] = screen.count

    def started(*_args):
        from kivy.clock import Clock
        from kivy.core.window import Window

        on_presented(Window, flips.append)
        steps = script()

        def advance(_dt):
            try:
                Clock.schedule_once(advance, next(steps))
            except StopIteration:
                app.stop()

        Clock.schedule_once(advance, 0)

    app.bind(on_start=started)
    app.run()
    landed = []  # from the turn asked to its frame on the display
    for asked, _cost in turns_at:
        after = [f for f in flips if f >= asked]
        if after:
            landed.append((after[0] - asked) * 1000)
    result["turn_frame_ms"] = percentiles(landed)
    result["turn_show_page_ms"] = percentiles([c * 1000 for _a, c in turns_at])
    out.write_text(json.dumps(result))
    app.cache.close()
    app.usage.close()
    return 0


def kiosk_bench(wire: dict, media: dict, work: Path, size: str, turns: int) -> dict:
    from content.cache import ChangeSet, ContentCache
    from content.notice import parse_notice

    data = work / "kiosk"
    with ContentCache.open(data) as cache:
        from content.importer import ensure_content

        ensure_content(cache)  # the demo town, so the app starts as a kiosk does
        cache.apply(ChangeSet(notices=[parse_notice(wire)], media=media))
    out = work / "kiosk.json"
    command = [sys.executable, __file__, "--child", str(data), str(out), size, str(turns)]
    if not os.environ.get("DISPLAY"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1920x24", *command]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if proc.returncode or not out.exists():
        raise SystemExit(f"the kiosk run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text())


def print_table(back: dict, kiosk: dict | None) -> None:
    print(f"\nA {back['pages']}-page A4 deliberation ({back['pdf_bytes']:,} bytes of PDF)\n")
    rows = [
        ("render + check + text, per page (worker)", f"{back['render_ms_per_page']} ms"),
        ("page image", f"{back['image_px']} {'/'.join(back['image_format'])}"),
        ("image bytes per page (mean / max)",
         f"{back['image_bytes_per_page_mean']:,} / {back['image_bytes_per_page_max']:,}"),
        ("feed JSON (gzip) per page", f"{back['feed_json_gzip_bytes_per_page']:,}"),
        ("on the wire per page", f"{back['wire_bytes_per_page']:,} bytes"),
        ("kiosk: renditions per page (sync)", f"{back['kiosk_rendition_ms_per_page']} ms"),
        ("kiosk: disk per page (original + renditions)", f"{back['kiosk_disk_bytes_per_page']:,} bytes"),
    ]  # fmt: skip
    if kiosk:
        t, c = kiosk["turn_frame_ms"], kiosk["turn_show_page_ms"]
        rows += [
            ("kiosk: page turn, asked to on display p50 / p95 / max",
             f"{t['p50']} / {t['p95']} / {t['max']} ms (n={t['n']})"),
            ("kiosk: show_page (load the image) p50 / p95", f"{c['p50']} / {c['p95']} ms"),
            ("kiosk: RSS home / notice open / after turns",
             f"{kiosk['rss_home_mb']} / {kiosk['rss_notice_open_mb']} / {kiosk['rss_after_turns_mb']} MB"),
            ("kiosk: peak RSS", f"{kiosk['peak_rss_mb']} MB"),
        ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return kiosk_child(Path(argv[1]), Path(argv[2]), argv[3], int(argv[4]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--no-kiosk", action="store_true", help="the back office's figures only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-notices-"))
    try:
        back, wire, media = render_bench(args.pages, args.runs, work)
        kiosk = None if args.no_kiosk else kiosk_bench(wire, media, work, args.size, args.turns)
        print_table(back, kiosk)
        if args.json:
            print(json.dumps({"backoffice": back, "kiosk": kiosk}))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
