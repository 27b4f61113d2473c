"""Kiosk feed benchmark: many simulated kiosks polling the back office on loopback.

    python bench/bench_feed.py [--kiosks 200] [--entries 300] [--seconds 15] [--workers 2] [--json]

Starts the real back office under gunicorn (gthread) on 127.0.0.1 with a throwaway data folder,
registers the kiosks, then each kiosk (one client thread) walks the feed from an empty cursor and
keeps polling with its cursor and ``If-None-Match``, while a "staff" thread edits one entry a
second. Prints requests per second, latency percentiles and the share of ``304``. Bounded in time;
traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(data_dir: Path, kiosks: int, entries: int) -> list[str]:
    os.environ["BORNE_DATA_DIR"] = str(data_dir)
    (data_dir / "backoffice").mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backoffice.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from backoffice.catalog.models import Commune, Entry
    from backoffice.fleet.models import Kiosk

    call_command("migrate", verbosity=0)
    commune = Commune.objects.create(insee="15187", name="Saint-Flour")
    for i in range(entries):
        Entry.objects.create(
            kind="place",
            title={"fr": f"Lieu {i}", "en": f"Place {i}"},
            status="published",
            commune=commune if i % 2 else None,
            summary={"fr": "Un lieu à voir " * 8},
            opening_hours="Mo-Sa 09:00-12:00,14:00-18:00",
        )
    tokens = []
    for i in range(kiosks):
        tokens.append(Kiosk.objects.create(name=f"k{i}", commune=commune).issue_token())
    return tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between a kiosk's polls")
    parser.add_argument("--edit-every", type=float, default=10.0, help="seconds between staff edits")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="borne-bench-feed-"))
    tokens = _setup(data_dir, args.kiosks, args.entries)
    port = _free_port()
    env = {**os.environ, "BORNE_DATA_DIR": str(data_dir), "BORNE_DEBUG": "0"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "backoffice.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "-k",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
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
        results: list[tuple[float, int]] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def kiosk(token: str) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            cursor, etag = "", ""
            while time.monotonic() < stop:
                headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
                if etag:
                    headers["If-None-Match"] = etag
                t0 = time.perf_counter()
                try:
                    conn.request("GET", f"/api/kiosk/v1/changes?since={cursor}&limit=200", headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                elapsed = time.perf_counter() - t0
                with lock:
                    results.append((elapsed, response.status))
                if response.status == 200:
                    import gzip

                    data = json.loads(gzip.decompress(body) if response.getheader("Content-Encoding") else body)
                    cursor = data["cursor"]
                    etag = ""
                    if data["more"]:
                        continue
                    etag = response.getheader("ETag") or ""
                time.sleep(args.poll)

        def staff() -> None:
            from backoffice.catalog.models import Entry

            i = 0
            while time.monotonic() < stop:
                entry = Entry.objects.order_by("?").first()
                entry.summary = {"fr": f"Modifié {i}"}
                entry.save()
                i += 1
                time.sleep(args.edit_every)

        threads = [threading.Thread(target=kiosk, args=(t,)) for t in tokens] + [threading.Thread(target=staff)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    lat = sorted(r[0] for r in results)
    n = len(lat)
    summary = {
        "kiosks": args.kiosks,
        "entries": args.entries,
        "seconds": round(wall, 1),
        "requests": n,
        "rps": round(n / wall, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[min(n - 1, int(0.95 * n))] * 1000, 1),
        "share_304": round(sum(1 for r in results if r[1] == 304) / n, 3),
        "errors": sum(1 for r in results if r[1] >= 400),
    }
    print("| kiosks | entries | requests | req/s | p50 ms | p95 ms | 304 share | errors |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        "| {kiosks} | {entries} | {requests} | {rps} | {p50_ms} | {p95_ms} | {share_304} | {errors} |".format(**summary)
    )
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
