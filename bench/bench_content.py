"""Content cache benchmark: import, size on disk, search, lists and "open now" on a synthetic town.

    python bench/bench_content.py [--entries 10000] [--images 0] [--runs 200] [--json]

Targets on a 2-core machine: import of 10,000 entries (without image renditions) under 5 s, search
p95 under 10 ms, list and "open now" p95 under 20 ms. A naive baseline (a LIKE scan over every
entry's text, which is what a cache without a search index would do) is measured in the same run,
and the search's speed-up over it is printed. With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import WORDS_EN, WORDS_FR, synthetic_town  # noqa: E402
from content.bundle import write_bundle  # noqa: E402
from content.cache import ContentCache  # noqa: E402
from content.importer import import_bundle  # noqa: E402
from content.text import fold  # noqa: E402


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(pick(0.95) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def timed(fn, args_list) -> list[float]:
    out = []
    for args in args_list:
        t = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t)
    return out


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(entries: int, images: int, runs: int) -> dict:
    town = synthetic_town(entries, images)
    with tempfile.TemporaryDirectory(prefix="borne-bench-") as tmp:
        tmp = Path(tmp)
        bundle = tmp / "town.zip"
        write_bundle(bundle, entries=town.entries, alerts=town.alerts, media=town.media, cursor="bench")
        cache = ContentCache.open(tmp / "data")
        t = time.perf_counter()
        import_bundle(cache, bundle)
        import_s = time.perf_counter() - t
        cache.close()
        size = dir_size(tmp / "data")

        reader = ContentCache.open(tmp / "data", readonly=True)
        rng = random.Random(7)
        words = WORDS_FR + WORDS_EN
        queries = [(fold(rng.choice(words))[: rng.randrange(2, 6)],) for _ in range(runs)]
        reader.search("warm up")
        search = timed(lambda q: reader.search(q, limit=50), queries)
        naive = timed(
            lambda q: reader.db.execute("SELECT id FROM entries WHERE data LIKE ?", [f"%{q}%"]).fetchall(),
            queries[: max(10, runs // 10)],
        )
        kinds = [(k,) for k in rng.choices(["place", "heritage", "shop", "service"], k=runs)]
        lists = timed(lambda k: reader.list_entries(kind=k), kinds)
        open_now = timed(lambda k: reader.open_now(kind=k), kinds)
        periods = [(p,) for p in rng.choices(["today", "weekend", "month"], k=runs)]
        events = timed(lambda p: reader.events_in(p), periods)
        reader.close()
    counts = {}
    for e in town.entries:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    search_p = percentiles(search)
    naive_p = percentiles(naive)
    return {
        "entries": entries,
        "images": len(town.media),
        "counts": counts,
        "import_s": round(import_s, 3),
        "cache_bytes": size,
        "search": search_p,
        "search_naive_like_scan": naive_p,
        "search_speedup_vs_naive_p50": round(naive_p["p50_ms"] / max(search_p["p50_ms"], 1e-6), 1),
        "list": percentiles(lists),
        "open_now": percentiles(open_now),
        "events": percentiles(events),
        "targets": {"import_s": 5.0, "search_p95_ms": 10.0, "list_p95_ms": 20.0, "open_now_p95_ms": 20.0},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=0, help="images to include (renditions are made)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = run(args.entries, args.images, args.runs)
    print(f"synthetic town: {r['entries']} entries {r['counts']}, {r['images']} images")
    print(f"{'measure':28} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9} {'target':>10}")
    for name, key, target in [
        ("search (prefix)", "search", "p95 < 10"),
        ("search, naive LIKE scan", "search_naive_like_scan", "baseline"),
        ("list by kind", "list", "p95 < 20"),
        ("open now", "open_now", "p95 < 20"),
        ("events today/weekend/month", "events", "p95 < 20"),
    ]:
        p = r[key]
        print(f"{name:28} {p['p50_ms']:9.2f} {p['p95_ms']:9.2f} {p['max_ms']:9.2f} {target:>10}")
    print(
        f"import: {r['import_s']:.2f} s (target < 5 s); cache on disk: {r['cache_bytes'] / 1e6:.1f} MB; "
        f"search is {r['search_speedup_vs_naive_p50']}x faster than the naive scan (p50)"
    )
    if args.json:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
