"""``python -m sync``: the sync process without ``main.py`` (systemd, tests). Parses arguments only."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from content.bundle import BundleKeyError, read_key
from sync.config import ENV_TOKEN, ENV_URL, ConfigError, Intervals, SyncConfig
from sync.service import run_once, run_service


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync", description="Borne's sync process")
    parser.add_argument("--data", required=True, type=Path, help="the kiosk's data folder (content.db, media/)")
    parser.add_argument("--url", default=os.environ.get(ENV_URL, ""), help=f"back office address (${ENV_URL})")
    parser.add_argument("--token", default=os.environ.get(ENV_TOKEN, ""), help=f"kiosk token (${ENV_TOKEN})")
    parser.add_argument("--bundle-dir", type=Path, help="folder watched for offline bundles")
    parser.add_argument("--bundle-key-file", type=Path, help="file holding the bundle signing key")
    parser.add_argument("--page-limit", type=int, default=500)
    parser.add_argument("--sync-seconds", type=float, default=Intervals.sync)
    parser.add_argument("--once", action="store_true", help="run one content sync and exit")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        key = read_key(args.bundle_key_file) if args.bundle_key_file else None
        config = SyncConfig(
            data_dir=args.data,
            backoffice_url=args.url,
            token=args.token,
            bundle_dir=args.bundle_dir,
            bundle_key=key,
            page_limit=args.page_limit,
            intervals=Intervals(sync=args.sync_seconds),
        )
    except (ConfigError, BundleKeyError, OSError) as exc:
        print(f"borne sync: {exc}", file=sys.stderr)
        return 2
    return run_once(config) if args.once else run_service(config)


if __name__ == "__main__":
    sys.exit(main())
