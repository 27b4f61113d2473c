"""Public page benchmark: an entry's page as a phone gets it from the back office.

    python bench/bench_public.py [--requests 50] [--json]

Sets up a throwaway back office with the demo town, serves it with gunicorn on 127.0.0.1 (the
server's own setup, without nginx), and asks for the public page of an entry with photos, hours
and contact (and an event's, with its dates) in French and English. Prints the page's size (HTML
as sent, and gzip-compressed as nginx or a CDN could send it), the photos it shows, the time to
first byte (median, 95th percentile), and what that makes on a slow 3G link. Traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: "Slow 3G" as browsers' developer tools define it: 400 kbit/s down, 400 ms round trip.
SLOW_3G = {"kbit": 400, "rtt_ms": 400}


def _setup(data_dir: Path) -> dict[str, int]:
    os.environ["BORNE_DATA_DIR"] = str(data_dir)
    (data_dir / "backoffice").mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backoffice.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from backoffice.catalog.models import Entry

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    published = Entry.objects.filter(status="published")
    shop = next(e for e in published.filter(kind="shop") if e.images.exists() and e.opening_hours and e.phone)
    event = next(e for e in published.filter(kind="event") if e.images.exists())
    return {"shop": shop.pk, "event": event.pk}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[float, float, int, bytes, dict]:
    """``(time to first byte, total time, status, body, headers)``, both times in ms."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"User-Agent": "bench_public"})
    response = conn.getresponse()  # returns once the status line and headers have arrived
    ttfb = time.perf_counter() - t0
    body = response.read()
    total = time.perf_counter() - t0
    conn.close()
    return ttfb * 1000, total * 1000, response.status, body, dict(response.getheaders())


def measure(port: int, path: str, requests: int) -> dict:
    first = _get(port, path)
    if first[2] != 200:
        raise RuntimeError(f"{path}: HTTP {first[2]}")
    runs = [_get(port, path) for _ in range(requests)]
    ttfbs = sorted(r[0] for r in runs)
    body = first[3]
    photos = re.findall(rb'<img src="([^"]+)"', body)
    photo_bytes = [len(_get(port, src.decode())[3]) for src in photos]
    html, zipped = len(body), len(gzip.compress(body, 6))
    first_view = zipped + (photo_bytes[0] if photo_bytes else 0)  # the others load lazily
    seconds_3g = (2 * SLOW_3G["rtt_ms"] + statistics.median(ttfbs)) / 1000 + first_view * 8 / (SLOW_3G["kbit"] * 1000)
    return {
        "path": path,
        "html_bytes": html,
        "html_gzip_bytes": zipped,
        "photos": len(photos),
        "first_photo_bytes": photo_bytes[0] if photo_bytes else 0,
        "all_photos_bytes": sum(photo_bytes),
        "ttfb_first_ms": first[0],
        "ttfb_median_ms": statistics.median(ttfbs),
        "ttfb_p95_ms": ttfbs[int(len(ttfbs) * 0.95) - 1],
        "slow_3g_first_view_s": seconds_3g,
        "cache_control": first[4].get("Cache-Control", ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="borne-bench-public-"))
    pks = _setup(data_dir)
    port = _free_port()
    env = {**os.environ, "BORNE_DATA_DIR": str(data_dir), "BORNE_DEBUG": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "backoffice.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "-k", "gthread"]
        + ["--threads", "4", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        rows = [
            measure(port, f"/p/{pks[kind]}/{lang}", args.requests)
            for kind in ("shop", "event")
            for lang in ("fr", "en")
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{'page':14}{'HTML':>8}{'gzip':>8}{'photos':>8}{'1st photo':>11}{'TTFB 1st':>10}{'TTFB med':>10}"
        f"{'p95':>7}{'slow 3G':>9}"
    )
    for r in rows:
        print(
            f"{r['path']:14}{r['html_bytes'] / 1024:7.1f}k{r['html_gzip_bytes'] / 1024:7.1f}k{r['photos']:8d}"
            f"{r['first_photo_bytes'] / 1024:10.0f}k{r['ttfb_first_ms']:9.0f}ms{r['ttfb_median_ms']:8.1f}ms"
            f"{r['ttfb_p95_ms']:5.1f}ms{r['slow_3g_first_view_s']:8.1f}s"
        )
    print(
        f"\nCache-Control: {rows[0]['cache_control']}; slow 3G = {SLOW_3G['kbit']} kbit/s, {SLOW_3G['rtt_ms']} ms "
        "round trip: connection + request + gzip HTML + first photo (the others load lazily)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
