"""Peak memory and time of one request answered by a decompression bomb, before and after the outbound fetcher.

    python bench/bench_bombs.py [--mib 1024] [--json]

A local hostile server answers every GET with ``--mib`` MiB of zeros in gzip (about 1 MB on the wire).
Each client runs in its own child process, so the peak resident size printed is that client's alone:

- ``requests .json()``: what the kiosk's sync and the OpenAgenda importer did before (the whole body
  inflated in memory, then parsed);
- ``requests stream``: what the image and iCalendar downloads did (a cap counted on the inflated
  chunks, but each chunk inflated whole by urllib3);
- ``FeedClient.changes`` and ``Fetcher.get_bytes``: Borne's outbound fetcher (inflated here a few
  kilobytes at a time, refused at the cap).

A drip server (one byte every half second) is then fetched with a 3 s deadline: the time to give up.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests" / "security")]

from hostile import Hostile, gzip_bomb  # noqa: E402

CLIENTS = {
    "requests .json()": (
        "import requests\n"
        "try:\n    requests.get(URL, timeout=60).json()\nexcept Exception as exc:\n    OUT = type(exc).__name__\n"
    ),
    "requests stream (cap 15 MB)": (
        "import requests\nsize = 0\n"
        "with requests.get(URL, timeout=60, stream=True) as r:\n"
        "    for chunk in r.iter_content(65536):\n        size += len(chunk)\n"
        "        if size > 15 * 1024**2:\n            OUT = 'stopped at the cap'\n            break\n"
    ),
    "FeedClient.changes (Borne)": (
        "from sync.client import FeedClient\nfrom sync.errors import SyncError\n"
        "try:\n    FeedClient(URL.rsplit('/api/', 1)[0], 't', version='b', retries=0).changes('', 10)\n"
        "except SyncError as exc:\n    OUT = str(exc)[-60:]\n"
    ),
    "Fetcher.get_bytes (Borne, cap 15 MB)": (
        "from outbound import AddressPolicy, Fetcher, FetchError\n"
        "f = Fetcher(user_agent='b', policy=AddressPolicy(allow=('127.0.0.1',)), max_bytes=15 * 1024**2)\n"
        "try:\n    f.get_bytes(URL)\nexcept FetchError as exc:\n    OUT = exc.kind\n"
    ),
}

PROLOGUE = "import json, resource, sys, time\nURL = sys.argv[1]\nOUT = 'finished'\nstart = time.perf_counter()\n"
EPILOGUE = (
    "print(json.dumps({'seconds': time.perf_counter() - start, "
    "'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'outcome': OUT}))\n"
)


def run(code: str, url: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROLOGUE + code + EPILOGUE, url], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"seconds": float("nan"), "peak_mib": float("nan"), "outcome": (proc.stderr.strip() or "?")[-60:]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=1024, help="inflated size of the bomb")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    bomb = gzip_bomb(args.mib * 1024**2)
    rows = []
    with Hostile() as server:
        url = server.route("/api/kiosk/v1/changes", bomb, Content_Encoding="gzip", Content_Type="application/json")
        for path in ("/bomb", "/bomb.jpg"):
            server.route(path, bomb, Content_Encoding="gzip")
        base = run("", url)  # the interpreter alone, with the same imports missing
        for name, code in CLIENTS.items():
            rows.append({"client": name, **run(code, url)})
        drip = run(CLIENTS["Fetcher.get_bytes (Borne, cap 15 MB)"].replace("max_bytes=", "deadline=3, max_bytes="),
                   server.url + "/drip")  # fmt: skip
    print(f"bomb: {len(bomb) / 1024**2:.1f} MiB on the wire, {args.mib} MiB inflated; bare interpreter "
          f"{base['peak_mib']:.0f} MiB")  # fmt: skip
    print(f"{'client':40} {'peak MiB':>9} {'x bare':>7} {'seconds':>8}  outcome")
    for row in rows:
        ratio = row["peak_mib"] / base["peak_mib"]
        print(f"{row['client']:40} {row['peak_mib']:9.0f} {ratio:7.1f} {row['seconds']:8.2f}  {row['outcome']}")
    print(f"drip server, deadline 3 s: gave up after {drip['seconds']:.1f} s ({drip['outcome']})")
    if args.json:
        print(json.dumps({"bomb_mib": args.mib, "bare_mib": base["peak_mib"], "rows": rows, "drip": drip}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
