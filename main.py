"""Borne's one entry point: ``python main.py COMMAND``.

It only parses arguments, configures logging once, builds the objects each command needs and
calls the library; no command holds business logic.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

log = logging.getLogger("borne")


def _data_dir(args) -> Path:
    from content.config import default_data_dir

    return Path(args.data_dir or os.environ.get("BORNE_DATA_DIR") or default_data_dir()).expanduser()


def _config(args, **overrides):
    from content.config import load_config

    return load_config(_data_dir(args), **overrides)


def _open_cache(args, *, readonly: bool):
    from content.cache import ContentCache

    config = _config(args)
    return ContentCache.open(config.data_dir, readonly=readonly, tz=config.time_zone)


def cmd_build_demo(args) -> int:
    from content.importer import build_demo_bundle

    manifest = build_demo_bundle(Path(args.out))
    counts = manifest["counts"]
    print(
        f"demo bundle written to {args.out}: {counts['entries']} entries, {counts['alerts']} alerts, "
        f"{counts['media']} images"
    )
    return 0


def cmd_import_bundle(args) -> int:
    from content.bundle import BundleError, BundleKeyError, read_key
    from content.importer import import_bundle

    config = _config(args)
    try:
        key = read_key(Path(args.key_file)) if args.key_file else config.bundle_key()
    except BundleKeyError as exc:  # an empty or unreadable --key-file
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _open_cache(args, readonly=False) as cache:
        try:
            report = import_bundle(cache, Path(args.file), verify_key=key)
        except BundleError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(
        f"imported {args.file}: {report.upserted} entries, {report.alerts} alerts, {report.media_added} new "
        f"images, {report.deleted} withdrawn"
    )
    for problem in report.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def cmd_info(args) -> int:
    from content.cache import DB_NAME

    data_dir = _data_dir(args)
    if not (data_dir / DB_NAME).exists():
        state = {"data_dir": str(data_dir), "entries": 0, "empty": True}
    else:
        with _open_cache(args, readonly=True) as cache:
            state = {"data_dir": str(data_dir), **cache.state(), "empty": False}
    if args.json:
        print(json.dumps(state, ensure_ascii=False, sort_keys=True))
    else:
        for key, value in state.items():
            print(f"{key}: {value}")
    return 0


def cmd_search(args) -> int:
    with _open_cache(args, readonly=True) as cache:
        cards = cache.search(args.query, lang=args.lang, limit=args.limit)
    results = [{"id": c.id, "kind": c.kind, "title": c.text("title", args.lang)} for c in cards]
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for r in results:
            print(f"{r['kind']:9} {r['id']:40} {r['title']}")
    return 0


def cmd_run(args) -> int:
    from kiosk.launch import run_app

    config = _config(args)
    sync = None
    if config.has_backoffice and not args.no_sync:
        # The sync process runs beside the UI, as its own process: the cache's only writer. On a
        # real kiosk systemd runs it instead (packaging/), and the screen is started with --no-sync.
        sync = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "sync", "--data-dir", str(config.data_dir)]
        )
        log.info("sync process started beside the kiosk (pid %d)", sync.pid)
    try:
        return run_app(args, config)
    finally:
        if sync is not None:
            sync.terminate()
            try:
                sync.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sync.kill()


def cmd_tour(args) -> int:
    from kiosk.launch import run_tour

    return run_tour(args, _config(args))


def cmd_sync(args) -> int:
    from sync.service import run_once, run_service

    config = _config(args)
    return run_once(config) if args.once else run_service(config)


def cmd_backoffice(args) -> int:
    from backoffice.cli import run

    return run(args.args, _data_dir(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Borne: the town's information kiosk.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default: $BORNE_DATA_DIR or the per-user data folder)")
    common.add_argument("-v", "--verbose", action="store_true", help="log debugging details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build-demo", parents=[common], help="build the demo town's bundle from content/demo/")
    p.add_argument("--out", required=True, help="bundle file to write (.zip)")
    p.set_defaults(func=cmd_build_demo)

    p = sub.add_parser("import-bundle", parents=[common], help="apply a bundle to the content cache")
    p.add_argument("file")
    p.add_argument("--key-file", help="verify the bundle's signature with this key")
    p.set_defaults(func=cmd_import_bundle)

    p = sub.add_parser("info", parents=[common], help="show the content cache's state")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("search", parents=[common], help="search the content cache")
    p.add_argument("query")
    p.add_argument("--lang", default="fr")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("run", parents=[common], help="run the kiosk (imports the demo town on first start)")
    p.add_argument("--windowed", action="store_true", help="a developer's window instead of kiosk mode")
    p.add_argument("--size", default=None, help="window size WxH, e.g. 1080x1920")
    p.add_argument("--no-sync", action="store_true", help="do not start the sync process beside the UI")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("tour", parents=[common], help="walk every screen with simulated touches, one PNG a step")
    p.add_argument("--out", required=True)
    p.add_argument("--size", default="1080x1920")
    p.add_argument("--lang", default="fr")
    p.add_argument("--at", default=None, help="pin the app's clock (ISO 8601; town time without an offset)")
    p.add_argument("--entry", default=None, help="only this entry's page (its id), once per language of --lang")
    p.set_defaults(func=cmd_tour)

    p = sub.add_parser("sync", parents=[common], help="run the sync process (or one sync with --once)")
    p.add_argument("--once", action="store_true")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("backoffice", parents=[common], help="the back office: serve, or any Django command")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_backoffice)
    return parser


def configure_logging(*, verbose: bool = False) -> None:
    """Borne's logging, set once per process: transitions, not ticks."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # urllib3 warns on every retry; the sync logs the fault itself, once.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    # APScheduler reports every run of every job at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    from content.config import ConfigError

    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
