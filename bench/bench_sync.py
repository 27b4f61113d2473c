"""Sync benchmark: initial and incremental sync of the synthetic town from a local back office.

    python bench/bench_sync.py [--entries 10000] [--images 2000] [--changed 0.01] [--json]

The back office is the fake one of the sync tests (``tests/sync/fakebo.py``, same contract, gzip);
the sync runs as a real child process (``python -m sync --once``), so its peak memory is its own.
Prints time, bytes on the wire (response bodies as sent, gzip included) and peak RSS; for the
incremental sync after ``--changed`` of the entries changed, its bytes as a ratio to the changed
entries' own JSON size (target: under 1.5). With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests" / "sync")]

from fakebo import FakeBackOffice  # noqa: E402

from bench.synth import synthetic_town  # noqa: E402


def run_sync(bo: FakeBackOffice, url: str, data_dir: Path, page_limit: int) -> dict:
    before = bo.wire_bytes
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync",
            "--once",
            "--data",
            str(data_dir),
            "--url",
            url,
            "--token",
            bo.token,
            "--page-limit",
            str(page_limit),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"sync failed ({code}): {err.strip()}")
    return {
        "seconds": round(elapsed, 2),
        "wire_bytes": bo.wire_bytes - before,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "summary": out.strip().removeprefix("borne sync: "),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=2_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--page-limit", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    town = synthetic_town(args.entries, args.images)
    bo = FakeBackOffice()
    url = bo.start()
    try:
        for data in town.media.values():
            bo.add_media(data)
        for e in town.entries:
            bo.put_entry(e)
        for a in town.alerts:
            bo.put_alert(a)
        with tempfile.TemporaryDirectory(prefix="borne-bench-sync-") as tmp:
            data_dir = Path(tmp) / "data"
            initial = run_sync(bo, url, data_dir, args.page_limit)
            rng = random.Random(7)
            changed = rng.sample(town.entries, max(1, int(len(town.entries) * args.changed)))
            changed_bytes = 0
            for e in changed:
                e = {
                    **e,
                    "summary": {**e["summary"], "fr": e["summary"]["fr"] + " (modifié)"},
                    "updated_at": "2026-11-26T10:00:00+01:00",
                }
                changed_bytes += len(json.dumps(e, ensure_ascii=False).encode())
                bo.put_entry(e)
            incremental = run_sync(bo, url, data_dir, args.page_limit)
            nothing = run_sync(bo, url, data_dir, args.page_limit)
            db_bytes = sum(p.stat().st_size for p in data_dir.glob("content.db*"))
    finally:
        bo.stop()

    result = {
        "entries": len(town.entries),
        "images": len(town.media),
        "initial": initial,
        "incremental": {
            **incremental,
            "changed_entries": len(changed),
            "changed_bytes": changed_bytes,
            "wire_ratio": round(incremental["wire_bytes"] / changed_bytes, 3),
        },
        "no_change": nothing,
        "content_db_bytes": db_bytes,
    }
    rows = [
        ("initial sync", initial),
        (f"incremental ({len(changed)} changed)", incremental),
        ("nothing changed", nothing),
    ]
    print(f"{'':28} {'time s':>8} {'wire bytes':>12} {'peak RSS MB':>12}")
    for name, r in rows:
        print(f"{name:28} {r['seconds']:>8} {r['wire_bytes']:>12} {r['peak_rss_mb']:>12}")
    print(
        f"incremental bytes on the wire / changed entries' size: {result['incremental']['wire_ratio']} (target < 1.5)"
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
